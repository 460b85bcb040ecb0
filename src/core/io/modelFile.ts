import * as fs from 'node:fs';
import * as path from 'node:path';
import { crc32 } from '../crc32';
import { writeAtomic } from './atomicFile';
import { validateConfig, type ModelConfig } from '../model/config';
import { paramSpecs, sizeOf } from '../model/params';
import { SequenceModel } from '../model/sequenceModel';

export const MODEL_FORMAT = 'rnn-explorer-model';
export const MODEL_FORMAT_VERSION = 1;
const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
const MAX_WEIGHT_BYTES = 512 * 1024 * 1024;

export interface TrainingRecord {
  epochs: number;
  batchSize: number;
  optimizer: string;
  learningRate: number;
  clipNorm: number;
  seed: number;
  backend: string;
  trainSeconds: number;
  sequencesPerSecond: number;
  completed: boolean;
}

export interface HeldOutRecord {
  accuracy: number;
  macroAccuracy: number;
  loss: number;
  size: number;
  split: string;
}

export interface TensorEntry {
  name: string;
  shape: number[];
  /** Byte offset into the weights file. */
  offset: number;
}

/** The JSON half of a model; the weights are little-endian float32 in a file beside it. */
export interface ModelManifest {
  format: typeof MODEL_FORMAT;
  version: number;
  task: string;
  createdAt: string;
  config: ModelConfig;
  vocabulary: string[];
  labels: string[];
  training?: TrainingRecord;
  heldOut?: HeldOutRecord;
  /** Held-out figures of tasks other than classification, by name (bitsPerChar, rmse, ...). */
  metrics?: Record<string, number>;
  /** What the task needs to read inputs the way training did (window, normalisation, ...). */
  taskOptions?: Record<string, string | number | boolean>;
  weights: {
    file: string;
    dtype: 'float32';
    byteLength: number;
    crc32: number;
    tensors: TensorEntry[];
  };
}

export type ManifestInfo = Omit<ModelManifest, 'format' | 'version' | 'weights' | 'config'>;

export class ModelFileError extends Error {}

function fail(file: string, problem: string): never {
  throw new ModelFileError(`${path.basename(file)}: ${problem}`);
}

const WEIGHTS_SUFFIX = '.weights.bin';

/**
 * Named by content, so a new save never writes over the file an older manifest points at:
 * if the process dies between the two writes, the old manifest still loads its own weights.
 */
function weightsFileName(manifestFile: string, checksum: number): string {
  const base = path.basename(manifestFile, '.json');
  return `${base}.${checksum.toString(16).padStart(8, '0')}${WEIGHTS_SUFFIX}`;
}

/** Every weights file a save of this manifest may have left: content-named, or the older fixed name. */
function weightsFilesOf(manifestFile: string): string[] {
  const dir = path.dirname(manifestFile);
  const base = path.basename(manifestFile, '.json');
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((name) => {
      if (!name.startsWith(`${base}.`) || !name.endsWith(WEIGHTS_SUFFIX)) return false;
      const middle = name.slice(base.length + 1, name.length - WEIGHTS_SUFFIX.length);
      return middle === '' || /^[0-9a-f]{8}$/.test(middle);
    })
    .map((name) => path.join(dir, name));
}

export function saveModel(
  manifestFile: string,
  model: SequenceModel,
  info: ManifestInfo,
): ModelManifest {
  const values = model.weightValues();
  const specs = paramSpecs(model.config);
  const byteLength = specs.reduce((total, spec) => total + sizeOf(spec.shape) * 4, 0);
  const bytes = new Uint8Array(byteLength);
  const view = new DataView(bytes.buffer);
  const tensors: TensorEntry[] = [];
  let offset = 0;
  for (const spec of specs) {
    const data = values.get(spec.name) as Float32Array;
    tensors.push({ name: spec.name, shape: spec.shape, offset });
    for (let i = 0; i < data.length; i++) view.setFloat32(offset + i * 4, data[i] as number, true);
    offset += data.length * 4;
  }
  const checksum = crc32(bytes);
  const manifest: ModelManifest = {
    format: MODEL_FORMAT,
    version: MODEL_FORMAT_VERSION,
    ...info,
    config: model.config,
    weights: {
      file: weightsFileName(manifestFile, checksum),
      dtype: 'float32',
      byteLength,
      crc32: checksum,
      tensors,
    },
  };
  fs.mkdirSync(path.dirname(manifestFile), { recursive: true });
  const weightsPath = path.join(path.dirname(manifestFile), manifest.weights.file);
  // Weights first: a manifest on disk always points at complete weights.
  writeAtomic(weightsPath, bytes);
  writeAtomic(manifestFile, JSON.stringify(manifest, null, 2) + '\n');
  for (const stale of weightsFilesOf(manifestFile))
    if (stale !== weightsPath) fs.rmSync(stale, { force: true });
  return manifest;
}

/** The manifest first, so no manifest is ever left pointing at weights that are gone. */
export function removeModel(manifestFile: string): void {
  fs.rmSync(manifestFile, { force: true });
  for (const file of weightsFilesOf(manifestFile)) fs.rmSync(file, { force: true });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readManifest(file: string): ModelManifest {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    fail(file, 'file not found');
  }
  if (!stat.isFile()) fail(file, 'not a file');
  if (stat.size > MAX_MANIFEST_BYTES)
    fail(file, `manifest is ${stat.size} bytes, over the ${MAX_MANIFEST_BYTES} limit`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    fail(file, 'not valid JSON, so not an RNN Explorer model manifest');
  }
  if (!isRecord(parsed) || parsed.format !== MODEL_FORMAT)
    fail(file, `not an RNN Explorer model (no "format": "${MODEL_FORMAT}")`);
  if (typeof parsed.version !== 'number' || !Number.isInteger(parsed.version))
    fail(file, 'format version is missing');
  if (parsed.version > MODEL_FORMAT_VERSION) {
    fail(
      file,
      `format version ${parsed.version} is newer than this extension reads (${MODEL_FORMAT_VERSION}); update RNN Explorer`,
    );
  }
  if (parsed.version < 1) fail(file, `format version ${parsed.version} is not valid`);
  return parsed as unknown as ModelManifest;
}

function checkManifest(file: string, manifest: ModelManifest): void {
  if (!isRecord(manifest.config)) fail(file, 'has no model configuration');
  try {
    validateConfig(manifest.config);
  } catch (error) {
    fail(file, `invalid configuration: ${(error as Error).message}`);
  }
  const { config } = manifest;
  const strings = (value: unknown): value is string[] =>
    Array.isArray(value) && value.every((v) => typeof v === 'string');
  if (!strings(manifest.labels) || manifest.labels.length !== config.outputSize) {
    fail(file, `expected ${config.outputSize} labels for the output layer`);
  }
  if (!strings(manifest.vocabulary)) fail(file, 'vocabulary must be a list of symbols');
  if (config.inputKind === 'tokens') {
    if (manifest.vocabulary.length !== config.inputSize) {
      fail(
        file,
        `vocabulary has ${manifest.vocabulary.length} symbols but the input layer expects ${config.inputSize}`,
      );
    }
    if (new Set(manifest.vocabulary).size !== manifest.vocabulary.length)
      fail(file, 'vocabulary symbols repeat');
  }
  const flat = (value: unknown, types: string[]): boolean =>
    value === undefined ||
    (isRecord(value) && Object.values(value).every((v) => types.includes(typeof v)));
  if (!flat(manifest.metrics, ['number'])) fail(file, 'metrics must be numbers by name');
  if (!flat(manifest.taskOptions, ['string', 'number', 'boolean']))
    fail(file, 'task options must be plain values by name');
  const weights = manifest.weights;
  if (!isRecord(weights) || typeof weights.file !== 'string') fail(file, 'has no weights entry');
  if (
    weights.file !== path.basename(weights.file) ||
    weights.file === '..' ||
    weights.file === '.' ||
    weights.file.includes('\\')
  ) {
    fail(file, `weights file "${weights.file}" must sit in the same folder as the manifest`);
  }
  if (weights.dtype !== 'float32')
    fail(file, `weights dtype "${String(weights.dtype)}" is not float32`);
  if (
    !Number.isInteger(weights.byteLength) ||
    weights.byteLength < 0 ||
    weights.byteLength > MAX_WEIGHT_BYTES
  ) {
    fail(
      file,
      `declared weights size ${String(weights.byteLength)} is not allowed (limit ${MAX_WEIGHT_BYTES} bytes)`,
    );
  }
  const expected = paramSpecs(config);
  if (!Array.isArray(weights.tensors) || weights.tensors.length !== expected.length) {
    fail(
      file,
      `expected ${expected.length} tensors for a ${config.cell} with ${config.numLayers} layer(s)`,
    );
  }
  let offset = 0;
  expected.forEach((spec, i) => {
    const entry = weights.tensors[i] as TensorEntry;
    if (!isRecord(entry) || entry.name !== spec.name)
      fail(file, `tensor ${i} should be ${spec.name}`);
    if (!Array.isArray(entry.shape) || entry.shape.join('x') !== spec.shape.join('x')) {
      fail(
        file,
        `${spec.name} has shape [${String(entry.shape)}], expected [${spec.shape.join(', ')}]`,
      );
    }
    if (entry.offset !== offset)
      fail(file, `${spec.name} starts at byte ${entry.offset}, expected ${offset}`);
    offset += sizeOf(spec.shape) * 4;
  });
  if (offset !== weights.byteLength)
    fail(file, `tensors need ${offset} bytes but the manifest declares ${weights.byteLength}`);
}

/** The checked manifest alone, for listing a model without reading its weights. */
export function inspectModel(manifestFile: string): ModelManifest {
  const manifest = readManifest(manifestFile);
  checkManifest(manifestFile, manifest);
  return manifest;
}

export interface LoadedModel {
  manifest: ModelManifest;
  model: SequenceModel;
}

/**
 * Reads and checks everything before building the model, so a bad file throws a
 * ModelFileError and nothing else changes.
 */
export function loadModel(manifestFile: string): LoadedModel {
  const manifest = inspectModel(manifestFile);
  const weightsPath = path.join(path.dirname(manifestFile), manifest.weights.file);
  let bytes: Buffer;
  try {
    const size = fs.statSync(weightsPath).size;
    if (size !== manifest.weights.byteLength) {
      fail(
        manifestFile,
        `weights file is ${size} bytes, expected ${manifest.weights.byteLength} (truncated or replaced?)`,
      );
    }
    bytes = fs.readFileSync(weightsPath);
  } catch (error) {
    if (error instanceof ModelFileError) throw error;
    fail(manifestFile, `weights file ${manifest.weights.file} cannot be read`);
  }
  if (crc32(bytes) !== manifest.weights.crc32)
    fail(manifestFile, 'weights checksum does not match: the file is corrupt');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const values = new Map<string, Float32Array>();
  for (const entry of manifest.weights.tensors) {
    const data = new Float32Array(sizeOf(entry.shape));
    for (let i = 0; i < data.length; i++) {
      const value = view.getFloat32(entry.offset + i * 4, true);
      if (!Number.isFinite(value))
        fail(manifestFile, `${entry.name} holds a value that is not finite`);
      data[i] = value;
    }
    values.set(entry.name, data);
  }
  return { manifest, model: SequenceModel.fromValues(manifest.config, values) };
}

/** Everything but the weights' layout, to save a model again somewhere else. */
export function manifestInfo(manifest: ModelManifest): ManifestInfo {
  const { task, createdAt, vocabulary, labels, training, heldOut, metrics, taskOptions } = manifest;
  return { task, createdAt, vocabulary, labels, training, heldOut, metrics, taskOptions };
}

/** Validates the source fully, then writes the copy atomically. */
export function copyModel(fromManifest: string, toManifest: string): ModelManifest {
  const { manifest, model } = loadModel(fromManifest);
  try {
    return saveModel(toManifest, model, manifestInfo(manifest));
  } finally {
    model.dispose();
  }
}
