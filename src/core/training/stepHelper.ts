import { Worker } from 'node:worker_threads';
import type { ModelConfig } from '../model/config';
import { paramSpecs, sizeOf } from '../model/params';
import type { LayerState, SequenceData } from '../model/recurrentStack';
import { sequenceLengths } from '../model/reverse';
import type { PartGradients } from './kernelStep';

/**
 * The second core for a classification step: a worker thread computes the gradients of part of
 * each batch while this thread computes the rest, and the two meet once per step. The weights
 * go to the helper, and its gradients come back, through one SharedArrayBuffer; a message wakes
 * it, and this thread blocks on a flag in that buffer until the helper is done (so the wait
 * costs one wake-up per step, not one per time step as splitting the recurrence itself would).
 */

/** A part of a batch for the helper: its rows, their labels, and what the mean loss divides by. */
export interface HelperRequest {
  config: ModelConfig;
  data: SequenceData;
  labels: Int32Array;
  denominator: number;
  /** The dropout mask of these rows on the head's input, when dropout is on. */
  keep?: Float32Array;
  /** [flag, f64 header, weights, gradients, norms, final states]: see `layout`. */
  shared: SharedArrayBuffer;
}

const PENDING = 0;
const DONE = 1;
const FAILED = 2;
/** A step that takes longer than this is taken to be a helper that died. */
const WAIT_LIMIT_MS = 10 * 60 * 1000;

/** Where each part of the shared buffer is, in bytes, for a config and a part's shape. */
export function layout(config: ModelConfig, steps: number, rows: number) {
  const params = paramSpecs(config).reduce((total, spec) => total + sizeOf(spec.shape), 0);
  const statesPerLayer = (config.cell === 'lstm' ? 2 : 1) * rows * config.hiddenSize;
  // The flag (int32) at 0, then lossSum and correct (float64) from 16.
  const header = 16;
  const weights = header + 16;
  const grads = weights + params * 4;
  const norms = grads + params * 4;
  const states = norms + config.numLayers * steps * 4;
  const bytes = states + config.numLayers * statesPerLayer * 4;
  return { header, weights, grads, norms, states, bytes, params, statesPerLayer };
}

/** Views of each parameter's slice of a packed array, in the model's order. */
export function paramViews(config: ModelConfig, packed: Float32Array): Map<string, Float32Array> {
  const views = new Map<string, Float32Array>();
  let at = 0;
  for (const spec of paramSpecs(config)) {
    const n = sizeOf(spec.shape);
    views.set(spec.name, packed.subarray(at, at + n));
    at += n;
  }
  return views;
}

/** What the helper writes back, where `readPart` finds it. */
export function writePart(request: HelperRequest, part: PartGradients): void {
  const { config, data, shared } = request;
  const at = layout(config, data.steps, data.batch);
  new Float64Array(shared, at.header, 2).set([part.lossSum, part.correct]);
  [...paramViews(config, new Float32Array(shared, at.grads, at.params)).values()].forEach(
    (view, k) => view.set(part.grads[k] as Float32Array),
  );
  const norms = new Float32Array(shared, at.norms, config.numLayers * data.steps);
  part.stepNorms.forEach((layer, l) => norms.set(layer, l * data.steps));
  const states = new Float32Array(shared, at.states, config.numLayers * at.statesPerLayer);
  part.finalStates.forEach((state, l) => {
    states.set(state.h, l * at.statesPerLayer);
    if (state.c) states.set(state.c, l * at.statesPerLayer + state.h.length);
  });
}

function readPart(request: HelperRequest): PartGradients {
  const { config, data, shared } = request;
  const at = layout(config, data.steps, data.batch);
  const [lossSum, correct] = new Float64Array(shared, at.header, 2) as unknown as [number, number];
  const grads = [...paramViews(config, new Float32Array(shared, at.grads, at.params)).values()];
  const norms = new Float32Array(shared, at.norms, config.numLayers * data.steps);
  const states = new Float32Array(shared, at.states, config.numLayers * at.statesPerLayer);
  const BH = data.batch * config.hiddenSize;
  return {
    lossSum,
    correct,
    grads,
    stepNorms: Array.from({ length: config.numLayers }, (_, l) =>
      Array.from(norms.subarray(l * data.steps, (l + 1) * data.steps)),
    ),
    finalStates: Array.from({ length: config.numLayers }, (_, l) => {
      const h = states.slice(l * at.statesPerLayer, l * at.statesPerLayer + BH);
      return config.cell === 'lstm'
        ? { h, c: states.slice(l * at.statesPerLayer + BH, (l + 1) * at.statesPerLayer) }
        : { h };
    }),
  };
}

/** Marks the request answered (or failed) and wakes the thread waiting on it. */
export function signal(shared: SharedArrayBuffer, failed: boolean): void {
  const flag = new Int32Array(shared, 0, 1);
  Atomics.store(flag, 0, failed ? FAILED : DONE);
  Atomics.notify(flag, 0);
}

export class StepHelper {
  private shared?: SharedArrayBuffer;
  private pending?: HelperRequest;
  private failure?: string;
  /** Steps the helper took part in. */
  steps = 0;

  private constructor(private readonly worker: Worker) {
    this.worker.on('message', (message: { error?: string }) => (this.failure = message.error));
    // A training that ends without dispose must not keep the process alive.
    this.worker.unref();
  }

  /**
   * Starts the thread from `workerFile` (the bundled dist/stepHelper.js, or its source's loader
   * under tsx) and resolves once it is listening. A step blocks this thread while it waits for
   * the helper, so a helper that cannot start must fail here, not be waited for.
   */
  static start(workerFile: string): Promise<StepHelper> {
    return new Promise((resolve, reject) => {
      const worker = new Worker(workerFile);
      const fail = (reason: unknown): void => {
        void worker.terminate();
        reject(new Error(`The training helper thread could not start: ${String(reason)}`));
      };
      worker.once('error', fail);
      worker.once('exit', (code) => fail(`it exited with code ${code}`));
      worker.once('message', (message: { ready?: boolean }) => {
        if (!message.ready) return fail(JSON.stringify(message));
        worker.removeAllListeners();
        resolve(new StepHelper(worker));
      });
    });
  }

  /** Sends the helper its rows and the weights, and returns at once. */
  begin(
    config: ModelConfig,
    param: (name: string) => Float32Array,
    data: SequenceData,
    labels: Int32Array,
    denominator: number,
    keep?: Float32Array,
  ): void {
    const at = layout(config, data.steps, data.batch);
    if (!this.shared || this.shared.byteLength < at.bytes)
      this.shared = new SharedArrayBuffer(Math.ceil(at.bytes * 1.25));
    const shared = this.shared;
    Atomics.store(new Int32Array(shared, 0, 1), 0, PENDING);
    const weights = paramViews(config, new Float32Array(shared, at.weights, at.params));
    weights.forEach((view, name) => view.set(param(name)));
    this.pending = { config, data, labels, denominator, keep, shared };
    this.steps++;
    this.worker.postMessage(this.pending);
  }

  /** Blocks until the helper's part is done, and returns it. */
  end(): PartGradients {
    const request = this.pending;
    if (!request) throw new Error('StepHelper.end without begin');
    this.pending = undefined;
    const flag = new Int32Array(request.shared, 0, 1);
    if (Atomics.wait(flag, 0, PENDING, WAIT_LIMIT_MS) === 'timed-out')
      throw new Error('The training helper thread did not answer.');
    // The helper's message with the reason arrives only once this thread's event loop runs.
    if (Atomics.load(flag, 0) === FAILED)
      throw new Error(
        `The training helper thread failed${this.failure ? `: ${this.failure}` : ''}.`,
      );
    return readPart(request);
  }

  dispose(): Promise<number> {
    return this.worker.terminate();
  }
}

/** Rows of a batch from row `from` on, as a batch of their own. */
export interface BatchRows {
  from: number;
  data: SequenceData;
  labels: Int32Array;
}

/**
 * Rows [0, at) and [at, B) of a batch as two batches, each as long as its longest row. Rows
 * come sorted by length, so `at` is where half the batch's steps lie on each side.
 */
export function splitRows(data: SequenceData, labels: Int32Array): [BatchRows, BatchRows] {
  const B = data.batch;
  const lengths = sequenceLengths(data);
  const total = lengths.reduce((a, b) => a + b, 0);
  let at = 0;
  for (let sum = 0; at < B - 1 && sum + (lengths[at] as number) <= total / 2; at++)
    sum += lengths[at] as number;
  at = Math.max(1, at);
  const rows = (from: number, to: number) => {
    const batch = to - from;
    const steps = Math.max(1, ...lengths.slice(from, to));
    const tokens = new Int32Array(steps * batch);
    const mask = new Float32Array(steps * batch);
    for (let t = 0; t < steps; t++) {
      for (let b = 0; b < batch; b++) {
        tokens[t * batch + b] = data.tokens?.[t * B + from + b] as number;
        mask[t * batch + b] = data.mask[t * B + from + b] as number;
      }
    }
    return { from, data: { steps, batch, mask, tokens }, labels: labels.slice(from, to) };
  };
  return [rows(0, at), rows(at, B)];
}

/** The whole batch's gradients from its two parts' (rows of the first, then of the second). */
export function joinParts(first: PartGradients, second: PartGradients): PartGradients {
  return {
    lossSum: first.lossSum + second.lossSum,
    correct: first.correct + second.correct,
    grads: first.grads.map((grad, k) => {
      const sum = new Float32Array(grad);
      const other = second.grads[k] as Float32Array;
      for (let i = 0; i < sum.length; i++) sum[i] = (sum[i] as number) + (other[i] as number);
      return sum;
    }),
    // A step's norm over all rows from each part's norm over its rows; past a part's last
    // step its rows have no gradient left.
    stepNorms: first.stepNorms.map((norms, l) => {
      const other = second.stepNorms[l] as number[];
      const steps = Math.max(norms.length, other.length);
      return Array.from({ length: steps }, (_, t) =>
        Math.fround(Math.hypot(norms[t] ?? 0, other[t] ?? 0)),
      );
    }),
    finalStates: first.finalStates.map((state, l) => {
      const other = second.finalStates[l] as LayerState;
      const join = (a: Float32Array, b: Float32Array) => {
        const joined = new Float32Array(a.length + b.length);
        joined.set(a);
        joined.set(b, a.length);
        return joined;
      };
      return state.c && other.c
        ? { h: join(state.h, other.h), c: join(state.c, other.c) }
        : { h: join(state.h, other.h) };
    }),
  };
}
