import { REVERSE_SUFFIX } from './params';
import type { LayerRun, SequenceData } from './recurrentStack';
import { reverseSequences, sequenceLengths } from './reverse';
import type { SequenceModel } from './sequenceModel';

export interface Inference {
  /** Every layer's states, [T*B*H] each (the forward direction of a bidirectional model). */
  layers: LayerRun[];
  /** Softmax over classes after every prefix of the input, [T*B*C]. */
  stepProbabilities: Float32Array;
  /** Softmax at each sequence's last valid step, [B*C]. */
  probabilities: Float32Array;
  /** The head's raw outputs after every prefix, [T*B*C] (regression reads these). */
  stepOutputs: Float32Array;
}

const topStates = (runs: readonly LayerRun[]): Float32Array =>
  (runs[runs.length - 1] as LayerRun).hs;

/**
 * What a bidirectional head reads after each prefix: the forward state there, beside the backward
 * direction's state after reading that prefix from its end. One backward run per prefix length.
 */
function bidirectionalStates(
  model: SequenceModel,
  data: SequenceData,
  forward: Float32Array,
): Float32Array {
  const { hiddenSize: H } = model.config;
  const B = data.batch;
  const lengths = sequenceLengths(data);
  const out = new Float32Array(data.steps * B * 2 * H);
  for (let t = 0; t < data.steps; t++) {
    const prefix = reverseSequences(data, t + 1);
    const backward = topStates(model.trace(prefix, undefined, REVERSE_SUFFIX));
    const last = (prefix.steps - 1) * B * H;
    for (let b = 0; b < B; b++) {
      // Past a sequence's end its prediction stays the one after its last valid step.
      const step = Math.min(t, Math.max((lengths[b] as number) - 1, 0));
      const at = (t * B + b) * 2 * H;
      out.set(forward.subarray((step * B + b) * H, (step * B + b + 1) * H), at);
      out.set(backward.subarray(last + b * H, last + (b + 1) * H), at + H);
    }
  }
  return out;
}

/** Log-softmax of each row of C values, in double precision like the cross-entropy's. */
export function logSoftmaxRows(values: Float32Array, C: number): Float64Array {
  const out = new Float64Array(values.length);
  for (let row = 0; row < values.length; row += C) {
    let max = -Infinity;
    for (let c = 0; c < C; c++) max = Math.max(max, values[row + c] as number);
    let sum = 0;
    for (let c = 0; c < C; c++) sum += Math.exp((values[row + c] as number) - max);
    const logSum = max + Math.log(sum);
    for (let c = 0; c < C; c++) out[row + c] = (values[row + c] as number) - logSum;
  }
  return out;
}

/** Softmax of each row of C values. */
export function softmaxRows(values: Float32Array, C: number): Float32Array {
  const logs = logSoftmaxRows(values, C);
  const out = new Float32Array(logs.length);
  for (let k = 0; k < logs.length; k++) out[k] = Math.exp(logs[k] as number);
  return out;
}

/**
 * A forward pass for reading, not training: states and probabilities as plain arrays, with no
 * tfjs op on the way (the hover calls this on every name it shows).
 */
export function infer(model: SequenceModel, data: SequenceData): Inference {
  const layers = model.trace(data);
  const { outputSize: C, bidirectional } = model.config;
  const states = bidirectional
    ? bidirectionalStates(model, data, topStates(layers))
    : topStates(layers);
  const stepOutputs = model.headValues(states);
  const all = softmaxRows(stepOutputs, C);
  // Padded steps carry the state forward, so the last step is every sequence's last valid one.
  const probabilities = all.slice((data.steps - 1) * data.batch * C);
  return { layers, stepProbabilities: all, probabilities, stepOutputs };
}

/** The top layer's states at one step of a batch of `batch`, [batch*H]. */
export function topStatesAt(
  runs: readonly LayerRun[],
  step: number,
  batch: number,
  H: number,
): Float32Array {
  return topStates(runs).subarray(step * batch * H, (step + 1) * batch * H);
}

/**
 * The top layer's states after every step, [T*B*H] (a bidirectional model's forward direction),
 * and the head's outputs at one step for every sequence, [B*C]. A one-way model's head runs on
 * that step's states only: `infer` would run it, and a softmax, after every step.
 */
export function outputsAt(
  model: SequenceModel,
  data: SequenceData,
  step: number,
): { states: Float32Array; outputs: Float32Array } {
  const B = data.batch;
  if (model.config.bidirectional) {
    const C = model.config.outputSize;
    const { layers, stepOutputs } = infer(model, data);
    return {
      states: topStates(layers),
      outputs: stepOutputs.slice(step * B * C, (step + 1) * B * C),
    };
  }
  const layers = model.trace(data);
  return {
    states: topStates(layers),
    outputs: model.headValues(topStatesAt(layers, step, B, model.config.hiddenSize)),
  };
}
