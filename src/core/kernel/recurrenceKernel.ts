import type { CellType, Nonlinearity } from '../model/config';
import { gateCount } from '../model/config';
import { RECURRENCE_RELAXED_WASM_BASE64, RECURRENCE_WASM_BASE64 } from './recurrenceWasm';

/**
 * The engine's WebAssembly kernel (kernel/recurrence.c): one call runs a layer over every time
 * step, forward or backward; the linear head and the Adam update are one call each. Inputs are
 * copied into the module's memory for a call and results copied out as plain Float32Arrays;
 * only a forward pass's states and activations stay inside, for its backward pass (see Arena).
 */

const CELL_CODES: Record<CellType, number> = { rnn: 0, lstm: 1, gru: 2 };
const ACTIVATION_CODES: Record<Nonlinearity, number> = { tanh: 0, relu: 1, sigmoid: 2 };

/**
 * Activations the backward pass needs, per cell: arrays of [T*B*H] in the kernel's order. A
 * vanilla cell's activation is its state, which the backward pass reads from hs.
 */
const SAVED_COUNT: Record<CellType, number> = { rnn: 0, gru: 4, lstm: 6 };

const PAGE = 65536;

type Pointer = number;

interface Exports {
  memory: WebAssembly.Memory;
  __heap_base: WebAssembly.Global;
  layer_forward(...args: number[]): void;
  layer_backward(...args: number[]): void;
  linear_forward(...args: number[]): void;
  linear_backward(...args: number[]): void;
  adam_update(...args: number[]): void;
  read_rows(...args: number[]): void;
  upper_scatter(...args: number[]): void;
  symmetric_eigen(...args: number[]): void;
}

/** A batch too large for the kernel's 32-bit memory; the message says what to shrink. */
export class KernelMemoryError extends Error {
  override name = 'KernelMemoryError';
}

/** Regions kept at once before all are dropped (their backward passes then recompute). */
const MAX_KEPT = 64;
const MAX_KEPT_BYTES = 256 * 2 ** 20;

/**
 * A bump allocator over the module's memory, emptied before every call, above a stack of
 * regions kept between calls: a forward pass keeps its states and gate activations there for
 * its backward pass, instead of copying them out and back in.
 */
class Arena {
  private top = 0;
  private floor: number;
  private readonly kept = new Map<number, { at: Pointer; end: Pointer }>();
  private nextId = 1;

  constructor(
    private readonly memory: WebAssembly.Memory,
    private readonly base: number,
  ) {
    this.floor = base;
  }

  reset(): void {
    this.top = this.floor;
  }

  /**
   * Room for n values that outlives later calls until `release(id)`. Call right after `reset`.
   * Past the limits every kept region is dropped: a forward pass whose backward never came
   * (an exception between them) cannot make memory grow without bound.
   */
  keep(n: number): { id: number; at: Pointer } {
    if (this.kept.size >= MAX_KEPT || this.floor - this.base + n * 4 > MAX_KEPT_BYTES) {
      this.kept.clear();
      this.floor = this.base;
    }
    this.top = this.floor;
    const at = this.alloc(n);
    this.floor = this.top;
    const id = this.nextId++;
    this.kept.set(id, { at, end: this.top });
    return { id, at };
  }

  get keptRegions(): number {
    return this.kept.size;
  }

  /** Where a kept region is, unless it was dropped. */
  region(id: number): Pointer | undefined {
    return this.kept.get(id)?.at;
  }

  release(id: number): void {
    this.kept.delete(id);
    this.floor = Math.max(this.base, ...[...this.kept.values()].map((r) => r.end));
  }

  /** Room for n 4-byte values, 16-byte aligned for SIMD loads; 0 (null) when n is 0. */
  alloc(n: number): Pointer {
    if (n === 0) return 0;
    const at = this.top;
    this.top = at + Math.ceil((n * 4) / 16) * 16;
    const short = this.top - this.memory.buffer.byteLength;
    if (short > 0) {
      try {
        this.memory.grow(Math.ceil(short / PAGE));
      } catch {
        this.top = at;
        throw new KernelMemoryError(
          `This batch needs ${((at + n * 4) / 2 ** 30).toFixed(1)} GB of the kernel's memory, more than it can have (at most 4 GB, and only what the machine grants): use a smaller batch, chunk length or hidden size.`,
        );
      }
    }
    return at;
  }

  put(values: Float32Array | Int32Array | undefined): Pointer {
    if (!values) return 0;
    const at = this.alloc(values.length);
    if (values instanceof Int32Array)
      new Int32Array(this.memory.buffer, at, values.length).set(values);
    else this.floats(at, values.length).set(values);
    return at;
  }

  floats(at: Pointer, n: number): Float32Array {
    return new Float32Array(this.memory.buffer, at, n);
  }

  /** A copy out; `slice` on a view of wasm memory is several times slower than `set`. */
  take(at: Pointer, n: number): Float32Array {
    const out = new Float32Array(n);
    out.set(this.floats(at, n));
    return out;
  }

  /** Room for n float64 values (two 4-byte slots each), 16-byte aligned. */
  allocDoubles(n: number): Pointer {
    return this.alloc(2 * n);
  }

  /** Copies values in as float64. */
  putDoubles(values: Float32Array | Float64Array): Pointer {
    const at = this.allocDoubles(values.length);
    new Float64Array(this.memory.buffer, at, values.length).set(values);
    return at;
  }

  takeDoubles(at: Pointer, n: number): Float64Array {
    const out = new Float64Array(n);
    out.set(new Float64Array(this.memory.buffer, at, n));
    return out;
  }
}

export interface LayerShape {
  cell: CellType;
  nonlinearity: Nonlinearity;
  steps: number;
  batch: number;
  hidden: number;
  /** Vocabulary size for tokens, feature width otherwise. */
  inputSize: number;
}

/** The shape's sizes under the kernel's names; G counts gate rows, BH one step's states. */
function sizes(shape: LayerShape) {
  const { steps: T, batch: B, hidden: H, inputSize: I, cell } = shape;
  return { T, B, H, I, G: gateCount(cell) * H, BH: B * H, cell };
}

export interface LayerInputs {
  /** [T*B] token ids, or else the dense input `x` [T*B*I]. */
  tokens?: Int32Array;
  x?: Float32Array;
  /** PyTorch layouts: W_ih [G, I], W_hh [G, H], biases [G]. */
  wIH: Float32Array;
  wHH: Float32Array;
  mask: Float32Array;
  h0: Float32Array;
  c0?: Float32Array;
}

/**
 * What a forward pass keeps: nothing (inference), the gate activations as arrays (to read
 * them), or its states and activations inside the kernel for the backward pass.
 */
export type Keep = 'none' | 'gates' | 'backward';

export interface ForwardResult {
  hs: Float32Array;
  cs?: Float32Array;
  /** SAVED_COUNT arrays of [T*B*H], for `gates`. */
  saved?: Float32Array[];
  /** The kept region, for `backward`. */
  handle?: number;
}

export interface Biases {
  bIH: Float32Array;
  bHH: Float32Array;
}

export interface BackwardResult {
  dWih: Float32Array;
  dWhh: Float32Array;
  dBih: Float32Array;
  dBhh: Float32Array;
  /** dL/dx [T*B*I], when asked for (layers after the first; the first for saliency). */
  dx?: Float32Array;
  /** ||dL/dh_t|| over the valid rows of each step. */
  norms: Float32Array;
}

class RecurrenceKernel {
  private readonly exports: Exports;
  private readonly arena: Arena;

  constructor(bytes: Uint8Array<ArrayBuffer>) {
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), {});
    this.exports = instance.exports as unknown as Exports;
    this.arena = new Arena(this.exports.memory, this.exports.__heap_base.value as number);
  }

  forward(shape: LayerShape, inputs: LayerInputs, biases: Biases, keep: Keep): ForwardResult {
    const { T, BH, cell } = sizes(shape);
    const a = this.arena;
    a.reset();
    const savedCount = keep === 'none' ? 0 : SAVED_COUNT[cell];
    const size = this.statesSize(shape, savedCount);
    const kept = keep === 'backward' ? a.keep(size) : { id: undefined, at: a.alloc(size) };
    const cs = this.runForward(shape, inputs, biases, kept.at, savedCount);
    const hs = kept.at + BH * 4;
    const all = keep === 'gates' ? a.take(hs + T * BH * 4, savedCount * T * BH) : undefined;
    return {
      hs: a.take(hs, T * BH),
      cs: cs ? a.take(cs, T * BH) : undefined,
      saved:
        all &&
        Array.from({ length: savedCount }, (_, k) => all.subarray(k * T * BH, (k + 1) * T * BH)),
      handle: kept.id,
    };
  }

  /** Floats for [h0; hs] and the gate activations after them. */
  private statesSize(shape: LayerShape, savedCount: number): number {
    return (shape.steps + 1 + savedCount * shape.steps) * shape.batch * shape.hidden;
  }

  /**
   * Runs layer_forward with h0, hs and the activations in the block at `states` (the backward
   * pass reads [h0; hs] as every step's previous state, one matrix). Returns where cs is.
   */
  private runForward(
    shape: LayerShape,
    inputs: LayerInputs,
    biases: Biases,
    states: Pointer,
    savedCount: number,
  ): Pointer {
    const { T, B, H, I, G, BH, cell } = sizes(shape);
    const a = this.arena;
    a.floats(states, BH).set(inputs.h0);
    const hs = states + BH * 4;
    const lstm = cell === 'lstm';
    const c0 = lstm ? a.put(inputs.c0 ?? new Float32Array(BH)) : 0;
    const cs = lstm ? a.alloc(T * BH) : 0;
    const saved = savedCount > 0 ? hs + T * BH * 4 : 0;
    const scratch = [a.alloc(T * B * G), a.alloc(B * G), a.alloc(Math.max(H, I) * G)];
    this.exports.layer_forward(
      ...this.common(shape, inputs),
      a.put(biases.bIH),
      a.put(biases.bHH),
      a.put(inputs.mask),
      states,
      c0,
      hs,
      cs,
      saved,
      ...scratch,
    );
    return cs;
  }

  /**
   * The backward pass of the forward pass kept as `handle`; if that region was dropped (or
   * never kept), the forward pass runs again first, with the same weights and the same result.
   */
  backward(
    shape: LayerShape,
    inputs: LayerInputs,
    biases: Biases,
    handle: number | undefined,
    dOut: Float32Array,
    wantInputGradient: boolean,
  ): BackwardResult {
    const { T, B, H, I, G, BH, cell } = sizes(shape);
    const a = this.arena;
    a.reset();
    const savedCount = SAVED_COUNT[cell];
    let states = handle === undefined ? undefined : a.region(handle);
    if (states === undefined) {
      states = a.alloc(this.statesSize(shape, savedCount));
      this.runForward(shape, inputs, biases, states, savedCount);
    }
    const args = this.common(shape, inputs);
    const hsAt = states + BH * 4;
    const savedAt = savedCount > 0 ? hsAt + T * BH * 4 : 0;
    const mask = a.put(inputs.mask);
    const outputs = {
      dWih: a.alloc(G * I),
      dWhh: a.alloc(G * H),
      dBih: a.alloc(G),
      dBhh: a.alloc(G),
      dx: wantInputGradient ? a.alloc(T * B * I) : 0,
      norms: a.alloc(T),
    };
    // dgh doubles as the [I, G] scatter buffer of token gradients.
    const scratch = [
      a.alloc(T * B * G),
      a.alloc(Math.max(T * B, I) * G),
      a.alloc(BH),
      a.alloc(BH),
      a.alloc(BH),
    ];
    this.exports.layer_backward(
      ...args,
      mask,
      states,
      hsAt,
      savedAt,
      a.put(dOut),
      outputs.dWih,
      outputs.dWhh,
      outputs.dBih,
      outputs.dBhh,
      outputs.dx,
      outputs.norms,
      ...scratch,
    );
    const result = {
      dWih: a.take(outputs.dWih, G * I),
      dWhh: a.take(outputs.dWhh, G * H),
      dBih: a.take(outputs.dBih, G),
      dBhh: a.take(outputs.dBhh, G),
      dx: wantInputGradient ? a.take(outputs.dx, T * B * I) : undefined,
      norms: a.take(outputs.norms, T),
    };
    if (handle !== undefined) a.release(handle);
    return result;
  }

  /** The module's memory and the forward passes it holds for their backward passes. */
  memory(): { bytes: number; keptRegions: number } {
    return { bytes: this.exports.memory.buffer.byteLength, keptRegions: this.arena.keptRegions };
  }

  /** nn.Linear: y [N, C] = x [N, W] w^T + b, with w [C, W]. */
  linear(x: Float32Array, w: Float32Array, b: Float32Array, C: number): Float32Array {
    const W = w.length / C;
    const N = x.length / W;
    const a = this.arena;
    a.reset();
    const y = a.alloc(N * C);
    this.exports.linear_forward(N, C, W, a.put(x), a.put(w), a.put(b), y, a.alloc(W * C));
    return a.take(y, N * C);
  }

  /**
   * What rows of logits [N, C] say, in float32: each row's sum of exp(logit − max) (its
   * log-sum-exp is max + log(sum)), the logit of `next[row]` minus the max (NaN where next is
   * −1), and the k most likely ids with their probabilities, best first.
   */
  readRows(
    logits: Float32Array,
    C: number,
    k: number,
    next: Int32Array,
  ): {
    sums: Float32Array;
    gaps: Float32Array;
    topIds: Int32Array;
    topProbabilities: Float32Array;
  } {
    const N = logits.length / C;
    const a = this.arena;
    a.reset();
    const [sums, gaps, ids, probabilities] = [
      a.alloc(N),
      a.alloc(N),
      a.alloc(N * k),
      a.alloc(N * k),
    ];
    this.exports.read_rows(
      N,
      C,
      k,
      a.put(logits),
      a.put(next),
      sums,
      gaps,
      ids,
      probabilities,
      a.alloc(C + 4),
    );
    const topIds = new Int32Array(N * k);
    topIds.set(new Int32Array(this.exports.memory.buffer, ids, N * k));
    return {
      sums: a.take(sums, N),
      gaps: a.take(gaps, N),
      topIds,
      topProbabilities: a.take(probabilities, N * k),
    };
  }

  /**
   * The upper triangle of X^T X for the rows of X [rows, dimensions] less their mean, in float64,
   * [dimensions * dimensions] (entries below the diagonal mean nothing).
   */
  upperScatter(
    states: Float32Array | Float64Array,
    dimensions: number,
    mean: Float64Array,
  ): Float64Array {
    const rows = states.length / dimensions;
    const a = this.arena;
    a.reset();
    const scatter = a.allocDoubles(dimensions * dimensions);
    this.exports.upper_scatter(
      rows,
      dimensions,
      a.putDoubles(states),
      a.putDoubles(mean),
      scatter,
      a.allocDoubles(4 * dimensions),
    );
    return a.takeDoubles(scatter, dimensions * dimensions);
  }

  /**
   * Every eigenvalue and eigenvector of a symmetric matrix [n * n], in float64: values [n] in no
   * particular order, and vectors [n * n] with eigenvector k in row k.
   */
  symmetricEigen(matrix: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
    const a = this.arena;
    a.reset();
    const [at, d] = [a.putDoubles(matrix), a.allocDoubles(n)];
    this.exports.symmetric_eigen(n, at, d, a.allocDoubles(n));
    return { values: a.takeDoubles(d, n), vectors: a.takeDoubles(at, n * n) };
  }

  /** The gradients of `linear` from dy [N, C]: inputs [N, W], weights [C, W], bias [C]. */
  linearBackward(
    x: Float32Array,
    w: Float32Array,
    dy: Float32Array,
    C: number,
  ): { dx: Float32Array; dw: Float32Array; db: Float32Array } {
    const W = w.length / C;
    const N = x.length / W;
    const a = this.arena;
    a.reset();
    const [dx, dw, db] = [a.alloc(N * W), a.alloc(C * W), a.alloc(C)];
    this.exports.linear_backward(N, C, W, a.put(x), a.put(w), a.put(dy), dx, dw, db);
    return { dx: a.take(dx, N * W), dw: a.take(dw, C * W), db: a.take(db, C) };
  }

  /**
   * One Adam step on a weight: returns the new values and updates the moments m and v in place.
   * `step` and `c2root` carry the bias corrections (see optimizers.ts).
   */
  adam(
    values: Float32Array,
    grad: Float32Array,
    m: Float32Array,
    v: Float32Array,
    settings: {
      scale: number;
      beta1: number;
      beta2: number;
      step: number;
      c2root: number;
      eps: number;
    },
  ): Float32Array {
    const a = this.arena;
    a.reset();
    const n = values.length;
    const [p, mAt, vAt] = [a.put(values), a.put(m), a.put(v)];
    const { scale, beta1, beta2, step, c2root, eps } = settings;
    const g = a.put(grad);
    this.exports.adam_update(
      n,
      p,
      g,
      mAt,
      vAt,
      scale,
      1 - beta1,
      beta2,
      1 - beta2,
      step,
      c2root,
      eps,
    );
    m.set(a.floats(mAt, n));
    v.set(a.floats(vAt, n));
    return a.take(p, n);
  }

  /** The leading arguments both calls share: sizes, input and the two weight matrices. */
  private common(shape: LayerShape, inputs: LayerInputs): number[] {
    const a = this.arena;
    return [
      CELL_CODES[shape.cell],
      ACTIVATION_CODES[shape.nonlinearity],
      shape.steps,
      shape.batch,
      shape.hidden,
      shape.inputSize,
      a.put(inputs.tokens),
      a.put(inputs.x),
      a.put(inputs.wIH),
      a.put(inputs.wHH),
    ];
  }
}

/**
 * Which build of the kernel this engine runs: `relaxed` (matmuls on fused multiply-adds) where
 * WebAssembly validates relaxed SIMD, as every VS Code since 1.82 and Node 21 and up do, else
 * `simd128`. Each machine then gets its fastest kernel; the two differ only in the last bits of
 * a sum, as two BLAS libraries do.
 */
export type KernelBuild = 'relaxed' | 'simd128';

let chosen: { build: KernelBuild; bytes: Uint8Array<ArrayBuffer> } | undefined;

const decode = (base64: string): Uint8Array<ArrayBuffer> =>
  new Uint8Array(Buffer.from(base64, 'base64'));

function choose(): { build: KernelBuild; bytes: Uint8Array<ArrayBuffer> } {
  if (!chosen) {
    const relaxed = decode(RECURRENCE_RELAXED_WASM_BASE64);
    chosen = WebAssembly.validate(relaxed)
      ? { build: 'relaxed', bytes: relaxed }
      : { build: 'simd128', bytes: decode(RECURRENCE_WASM_BASE64) };
  }
  return chosen;
}

export function kernelBuild(): KernelBuild {
  return choose().build;
}

let shared: RecurrenceKernel | undefined;

/** The one instance: the module is compiled on first use (a few milliseconds). */
export function recurrenceKernel(): RecurrenceKernel {
  shared ??= new RecurrenceKernel(choose().bytes);
  return shared;
}
