/**
 * The safetensors format, read and written by hand (no pickle, no dependency): an 8-byte
 * little-endian header length, a JSON header naming each tensor's dtype, shape and byte range,
 * then the raw little-endian data. Everything is checked before any value is used.
 */
export type SafetensorsDtype = 'F32' | 'F64' | 'F16' | 'BF16';

export interface NamedTensor {
  shape: number[];
  /** Always float32 here, whatever the file stored. */
  data: Float32Array;
}

export interface SafetensorsFile {
  tensors: Map<string, NamedTensor>;
  metadata: Record<string, string>;
}

export class SafetensorsError extends Error {}

const ITEM_SIZE: Record<SafetensorsDtype, number> = { F32: 4, F64: 8, F16: 2, BF16: 2 };
const MAX_HEADER_BYTES = 16 * 1024 * 1024;

function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 31) return fraction ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

function decode(
  view: DataView,
  start: number,
  count: number,
  dtype: SafetensorsDtype,
): Float32Array {
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    const at = start + i * ITEM_SIZE[dtype];
    if (dtype === 'F32') out[i] = view.getFloat32(at, true);
    else if (dtype === 'F64') out[i] = view.getFloat64(at, true);
    else if (dtype === 'F16') out[i] = halfToFloat(view.getUint16(at, true));
    else
      out[i] = new Float32Array(
        new Uint32Array([view.getUint16(at, true) << 16]).buffer,
      )[0] as number;
  }
  return out;
}

export function readSafetensors(bytes: Uint8Array): SafetensorsFile {
  if (bytes.length < 8) throw new SafetensorsError('file is shorter than the 8-byte header length');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  if (headerLength > MAX_HEADER_BYTES || 8 + headerLength > bytes.length) {
    throw new SafetensorsError(
      `header length ${headerLength} does not fit the ${bytes.length}-byte file`,
    );
  }
  let header: unknown;
  try {
    header = JSON.parse(
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLength)),
    );
  } catch {
    throw new SafetensorsError('header is not valid JSON');
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header))
    throw new SafetensorsError('header is not an object');
  const dataStart = 8 + headerLength;
  const dataLength = bytes.length - dataStart;
  const tensors = new Map<string, NamedTensor>();
  let metadata: Record<string, string> = {};
  const ranges: Array<[number, number]> = [];
  for (const [name, entry] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (
        typeof entry !== 'object' ||
        entry === null ||
        Object.values(entry).some((v) => typeof v !== 'string')
      ) {
        throw new SafetensorsError('__metadata__ must map strings to strings');
      }
      metadata = entry as Record<string, string>;
      continue;
    }
    const e = entry as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (typeof e !== 'object' || e === null)
      throw new SafetensorsError(`${name}: entry is not an object`);
    if (typeof e.dtype !== 'string' || !(e.dtype in ITEM_SIZE)) {
      throw new SafetensorsError(
        `${name}: dtype ${String(e.dtype)} is not a float type this reader supports (F32, F64, F16, BF16)`,
      );
    }
    const dtype = e.dtype as SafetensorsDtype;
    if (!Array.isArray(e.shape) || !e.shape.every((d) => Number.isInteger(d) && d >= 0)) {
      throw new SafetensorsError(`${name}: shape must be a list of non-negative integers`);
    }
    const offsets = e.data_offsets;
    if (
      !Array.isArray(offsets) ||
      offsets.length !== 2 ||
      !offsets.every((o) => Number.isInteger(o) && o >= 0)
    ) {
      throw new SafetensorsError(`${name}: data_offsets must be two non-negative integers`);
    }
    const [begin, end] = offsets as [number, number];
    const count = (e.shape as number[]).reduce((a, b) => a * b, 1);
    if (end < begin || end > dataLength)
      throw new SafetensorsError(`${name}: bytes ${begin}..${end} lie outside the data`);
    if (end - begin !== count * ITEM_SIZE[dtype]) {
      throw new SafetensorsError(
        `${name}: ${end - begin} bytes do not hold ${count} ${dtype} values`,
      );
    }
    ranges.push([begin, end]);
    tensors.set(name, {
      shape: e.shape as number[],
      data: decode(view, dataStart + begin, count, dtype),
    });
  }
  ranges.sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < ranges.length; i++) {
    if ((ranges[i] as [number, number])[0] < (ranges[i - 1] as [number, number])[1])
      throw new SafetensorsError('tensor byte ranges overlap');
  }
  return { tensors, metadata };
}

/** Writes float32 tensors in name order, as PyTorch's safetensors.torch.save_file lays them out. */
export function writeSafetensors(
  tensors: Map<string, NamedTensor>,
  metadata: Record<string, string> = {},
): Uint8Array {
  const names = [...tensors.keys()].sort();
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  for (const name of names) {
    const tensor = tensors.get(name) as NamedTensor;
    header[name] = {
      dtype: 'F32',
      shape: tensor.shape,
      data_offsets: [offset, offset + tensor.data.length * 4],
    };
    offset += tensor.data.length * 4;
  }
  let json = JSON.stringify(header);
  // Pad the header with spaces so the data starts 8-byte aligned, as the reference writer does.
  json += ' '.repeat((8 - ((8 + new TextEncoder().encode(json).length) % 8)) % 8);
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let at = 8 + headerBytes.length;
  for (const name of names) {
    for (const value of (tensors.get(name) as NamedTensor).data) {
      view.setFloat32(at, value, true);
      at += 4;
    }
  }
  return out;
}
