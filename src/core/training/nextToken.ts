import { logSoftmaxRows, softmaxRows } from '../model/inference';
import { finalStates, type LayerState, type SequenceData } from '../model/recurrentStack';
import type { SequenceModel } from '../model/sequenceModel';
import type { Random } from '../random';
import { crossEntropy } from './loss';
import { argMaxAt } from './metrics';
import { countCorrect, type TrainBatch } from './step';

/** A sequence for many-to-many next-token training: inputs[t] should predict targets[t]. */
export interface TokenSequence {
  inputs: readonly number[];
  targets: readonly number[];
}

export interface NextTokenScore {
  /** Mean cross-entropy per predicted token, in nats. */
  loss: number;
  bitsPerToken: number;
  /** Share of tokens whose arg-max prediction was right. */
  accuracy: number;
  tokens: number;
}

/** Time-major ids, targets and mask for a batch of sequences of any lengths. */
export function packTokens(sequences: readonly TokenSequence[]): {
  data: SequenceData;
  targets: Int32Array;
} {
  const B = sequences.length;
  const T = Math.max(1, ...sequences.map((s) => s.inputs.length));
  const tokens = new Int32Array(T * B);
  const targets = new Int32Array(T * B);
  const mask = new Float32Array(T * B);
  sequences.forEach((sequence, b) => {
    sequence.inputs.forEach((id, t) => {
      tokens[t * B + b] = id;
      targets[t * B + b] = sequence.targets[t] as number;
      mask[t * B + b] = 1;
    });
  });
  return { data: { steps: T, batch: B, mask, tokens }, targets };
}

/** Probabilities of the next token after one step from `states`, and the states after it. */
export function stepModel(
  model: SequenceModel,
  ids: Int32Array,
  states?: readonly LayerState[],
): { probabilities: Float32Array; states: LayerState[] } {
  const B = ids.length;
  const runs = model.trace(
    { steps: 1, batch: B, mask: new Float32Array(B).fill(1), tokens: ids },
    states as LayerState[] | undefined,
  );
  const next = finalStates(runs, 1, B * model.config.hiddenSize);
  const top = next[next.length - 1] as LayerState;
  const probabilities = softmaxRows(model.headValues(top.h), model.config.outputSize);
  return { probabilities, states: next };
}

/** Temperature 0 takes the most likely token; higher temperatures flatten the distribution. */
export function sampleToken(
  probabilities: ArrayLike<number>,
  offset: number,
  classes: number,
  temperature: number,
  random: Random,
): number {
  if (temperature <= 0) return argMaxAt(probabilities, offset, classes);
  const weights = new Float64Array(classes);
  for (let c = 0; c < classes; c++) {
    weights[c] = Math.pow(Math.max(probabilities[offset + c] as number, 1e-30), 1 / temperature);
  }
  return random.categorical(weights);
}

/**
 * Free-running: the input at every step after the first is the model's own most likely output
 * of the step before, not the true token. The arg-max is piecewise constant, so training on the
 * inputs it chose gives exactly the gradient of the free-running pass.
 */
function freeRunInputs(
  model: SequenceModel,
  data: SequenceData,
  initial?: readonly LayerState[],
): void {
  const { steps: T, batch: B } = data;
  const tokens = data.tokens as Int32Array;
  const C = model.config.outputSize;
  let states = initial;
  let ids = tokens.slice(0, B);
  for (let t = 0; t < T - 1; t++) {
    const step = stepModel(model, ids, states);
    states = step.states;
    ids = new Int32Array(B);
    for (let b = 0; b < B; b++) {
      ids[b] = argMaxAt(step.probabilities, b * C, C);
      if (data.mask[(t + 1) * B + b]) tokens[(t + 1) * B + b] = ids[b] as number;
    }
  }
}

export interface NextTokenBatchOptions {
  teacherForcing: boolean;
  /** Truncated BPTT: this chunk continues the previous one's streams. */
  continues?: boolean;
}

export function nextTokenBatch(
  sequences: readonly TokenSequence[],
  options: NextTokenBatchOptions,
): TrainBatch {
  const { data, targets } = packTokens(sequences);
  const valid = data.mask.reduce((a, b) => a + b, 0);
  return {
    data,
    size: sequences.length,
    scored: valid,
    continues: options.continues,
    labels: targets,
    labelWeights: data.mask,
    loss: (logits) => crossEntropy(logits, targets, data.mask),
    correct: (logits) => countCorrect(logits, targets, data.mask),
    prepare: options.teacherForcing
      ? undefined
      : (model, initial) => freeRunInputs(model, data, initial),
  };
}

/**
 * Held-out cross-entropy of next-token prediction. Streams are read chunk by chunk with the state
 * carried, so every token is predicted from everything before it.
 */
export function scoreNextTokens(
  model: SequenceModel,
  chunks: ReadonlyArray<{ sequences: readonly TokenSequence[]; continues: boolean }>,
): NextTokenScore {
  const C = model.config.outputSize;
  let nats = 0;
  let right = 0;
  let tokens = 0;
  let states: LayerState[] | undefined;
  for (const chunk of chunks) {
    const { data, targets } = packTokens(chunk.sequences);
    const runs = model.trace(data, chunk.continues ? states : undefined);
    states = finalStates(runs, data.steps, data.batch * model.config.hiddenSize);
    const top = (runs[runs.length - 1] as { hs: Float32Array }).hs;
    const values = logSoftmaxRows(model.headValues(top), C);
    for (let p = 0; p < targets.length; p++) {
      if (!data.mask[p]) continue;
      const target = targets[p] as number;
      nats -= values[p * C + target] as number;
      if (argMaxAt(values, p * C, C) === target) right++;
      tokens++;
    }
  }
  const loss = tokens > 0 ? nats / tokens : 0;
  return { loss, bitsPerToken: loss / Math.LN2, accuracy: tokens > 0 ? right / tokens : 0, tokens };
}
