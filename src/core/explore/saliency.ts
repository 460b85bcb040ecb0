import * as tf from '@tensorflow/tfjs-core';
import { infer, logSoftmaxRows, outputsAt, topStatesAt } from '../model/inference';
import type { SequenceData, StepNormListener } from '../model/recurrentStack';
import type { SequenceModel } from '../model/sequenceModel';

/**
 * The one number saliency explains. `class`: the log-probability (nats) of a class at a step,
 * what a classifier's or a character model's prediction rests on. `values`: the sum of a
 * regression's outputs at a step (one output: the forecast itself), in the normalised units the
 * model reads and writes.
 */
export type SaliencyTarget =
  { kind: 'class'; index: number; step: number } | { kind: 'values'; step: number };

/** Per input step, how much it contributed to the target; each array has one entry per step. */
export interface Saliency {
  /** The target's value on the whole input. */
  value: number;
  /**
   * ∂target/∂x_t · x_t, summed over the step's input entries. For one-hot input only the
   * active entry is nonzero, so it is the gradient at that symbol's entry: the first-order
   * change of the target if that symbol's one were scaled to zero, i.e. the linear estimate of
   * the occlusion below. It can have either sign.
   */
  gradientInput: number[];
  /**
   * ‖∂target/∂x_t‖₂ over all of the step's input entries (Distill's "connectivity"): how
   * strongly the target responds to any change at that step, whichever symbol is there. ≥ 0.
   */
  connectivity: number[];
  /**
   * target(input) − target(input with step t's vector set to zero). Zero, not deleted: the
   * sequence keeps its length and every other symbol its position, so only the content of step
   * t changes (deleting a character would also move every later one a step earlier, and shift
   * what the state has seen by then). A zero vector is "no symbol" for one-hot input, and the
   * training mean for normalised values. Positive: the step raised the target. Left out past
   * MAX_OCCLUSION_STEPS steps.
   */
  occlusion?: number[];
}

/**
 * Occlusion runs the whole input once per step, T² step-positions in all: on the GRU 128 a trace
 * of 64 steps took 8 times as long with it as without, one of 200 would take 30 times. Up to 40
 * steps (the longest name the hover reads, MAX_NAME_LENGTH) it stays within a few times; longer
 * inputs get the two gradient measures, one backward pass each, only.
 */
export const MAX_OCCLUSION_STEPS = 40;

/** The target's value from the head's outputs [C] at the target's step. */
function targetValue(target: SaliencyTarget, outputs: Float32Array, C: number): number {
  if (target.kind === 'values') return outputs.reduce((sum, v) => sum + v, 0);
  return logSoftmaxRows(outputs, C)[target.index] as number;
}

/** A batch of one as explicit input vectors, [T*I]: one-hot rows for tokens. */
function inputVectors(model: SequenceModel, data: SequenceData): Float32Array {
  const I = model.config.inputSize;
  if (data.dense) return data.dense;
  const x = new Float32Array(data.steps * I);
  data.tokens?.forEach((id, t) => (x[t * I + id] = 1));
  return x;
}

function checkTarget(model: SequenceModel, data: SequenceData, target: SaliencyTarget): void {
  if (data.batch !== 1) throw new RangeError('Saliency explains one sequence at a time');
  const last = data.steps - 1;
  // A `last` head has an output at the final step only (its logits are not per step).
  const stepOk =
    model.config.head === 'all' ? target.step >= 0 && target.step <= last : target.step === last;
  if (!Number.isInteger(target.step) || !stepOk) {
    throw new RangeError(`No output at step ${target.step} to explain`);
  }
}

/**
 * ∂target/∂x for every input entry, [T*I], from one backward pass through the stack (the
 * kernel's own, exact for every cell, layer count and direction). `onStepNorms` hears
 * ‖∂target/∂h_t‖ per layer from the same pass.
 */
export function inputGradient(
  model: SequenceModel,
  data: SequenceData,
  target: SaliencyTarget,
  onStepNorms?: StepNormListener,
): Float32Array {
  checkTarget(model, data, target);
  const { outputSize: C, head, inputSize: I } = model.config;
  const gradient = new Float32Array(data.steps * I);
  // A bidirectional model reports once per direction; the two add up.
  const add = (dx: Float32Array): void =>
    dx.forEach((v, k) => (gradient[k] = (gradient[k] as number) + v));
  tf.tidy(() => {
    const { value, grads } = tf.variableGrads(() => {
      const logits = model.logits(data, { onStepNorms, onInputGradient: add });
      const row = head === 'all' ? tf.slice(logits, [target.step, 0, 0], [1, 1, C]) : logits;
      const outputs = tf.reshape(row, [1, C]);
      if (target.kind === 'values') return tf.sum(outputs) as tf.Scalar;
      return tf.sum(tf.slice(tf.logSoftmax(outputs), [0, target.index], [1, 1])) as tf.Scalar;
    }, model.trainableVariables);
    value.dispose();
    Object.values(grads).forEach((g) => g.dispose());
  });
  return gradient;
}

/**
 * The target with each step's input set to zero in turn, and on the whole input. Returns
 * [whole, without step 0, …, without step T−1].
 *
 * A one-way model reads the same letters before a blanked step as the whole input does, so
 * each blanked sequence starts from the whole input's states there: sequence b runs from step
 * b − 1 only, and the kernel skips rows that have not started. That is about T²/2 steps instead
 * of T², and the hover runs this on every name it shows. Steps after the target's cannot change
 * it, so blanking one leaves the whole's value.
 */
export function occludedValues(
  model: SequenceModel,
  data: SequenceData,
  target: SaliencyTarget,
): number[] {
  checkTarget(model, data, target);
  if (model.config.bidirectional) return occludedTogether(model, data, target);
  const { inputSize: I, outputSize: C, hiddenSize: H } = model.config;
  const T = target.step + 1;
  const tokens = data.tokens?.subarray(0, T);
  const x = tokens ? undefined : inputVectors(model, data);
  const wholeRuns = model.trace({
    steps: T,
    batch: 1,
    mask: new Float32Array(T).fill(1),
    ...(tokens ? { tokens } : { dense: x?.subarray(0, T * I), features: I }),
  });
  const whole = targetValue(target, model.headValues(topStatesAt(wholeRuns, T - 1, 1, H)), C);
  // Row r blanks step r: before it, masked (it holds its initial state, the whole's after step
  // r − 1); at r, an input of zeros; after, the input's steps.
  const B = T;
  const mask = new Float32Array(T * B);
  const ids = tokens ? new Int32Array(T * B).fill(-1) : undefined;
  const dense = tokens ? undefined : new Float32Array(T * B * I);
  for (let t = 0; t < T; t++) {
    for (let r = 0; r <= t; r++) {
      mask[t * B + r] = 1;
      if (r === t) continue;
      if (ids && tokens) ids[t * B + r] = tokens[t] as number;
      else dense?.set((x as Float32Array).subarray(t * I, (t + 1) * I), (t * B + r) * I);
    }
  }
  const initial = wholeRuns.map((run) => {
    const h = new Float32Array(B * H);
    const c = run.cs ? new Float32Array(B * H) : undefined;
    for (let r = 1; r < B; r++) {
      h.set(run.hs.subarray((r - 1) * H, r * H), r * H);
      c?.set((run.cs as Float32Array).subarray((r - 1) * H, r * H), r * H);
    }
    return c ? { h, c } : { h };
  });
  const runs = model.trace(
    { steps: T, batch: B, mask, ...(ids ? { tokens: ids } : { dense, features: I }) },
    initial,
  );
  const outputs = model.headValues(topStatesAt(runs, T - 1, B, H));
  const blanked = Array.from({ length: B }, (_, r) =>
    targetValue(target, outputs.subarray(r * C, (r + 1) * C), C),
  );
  const after = Array.from({ length: data.steps - T }, () => whole);
  return [whole, ...blanked, ...after];
}

/**
 * Occlusion for a bidirectional model, whose backward direction reads each blanked sequence
 * from its end: T + 1 whole sequences in one forward pass.
 */
function occludedTogether(
  model: SequenceModel,
  data: SequenceData,
  target: SaliencyTarget,
): number[] {
  const { inputSize: I, outputSize: C } = model.config;
  const T = data.steps;
  const B = T + 1;
  const x = inputVectors(model, data);
  // Time-major: position (t, b) holds sequence b's step t; sequence b > 0 lacks step b − 1.
  const dense = new Float32Array(T * B * I);
  for (let t = 0; t < T; t++) {
    const step = x.subarray(t * I, (t + 1) * I);
    for (let b = 0; b < B; b++) if (b !== t + 1) dense.set(step, (t * B + b) * I);
  }
  const { stepOutputs } = infer(model, {
    steps: T,
    batch: B,
    mask: new Float32Array(T * B).fill(1),
    dense,
    features: I,
  });
  const atStep = stepOutputs.subarray(target.step * B * C, (target.step + 1) * B * C);
  return Array.from({ length: B }, (_, b) =>
    targetValue(target, atStep.subarray(b * C, (b + 1) * C), C),
  );
}

/** Every measure for one sequence (batch of one, every step valid). */
export function saliencyOf(
  model: SequenceModel,
  data: SequenceData,
  target: SaliencyTarget,
  onStepNorms?: StepNormListener,
): Saliency {
  const I = model.config.inputSize;
  const gradient = inputGradient(model, data, target, onStepNorms);
  const x = inputVectors(model, data);
  const occlude = data.steps <= MAX_OCCLUSION_STEPS;
  const [value, ...occluded] = occlude
    ? (occludedValues(model, data, target) as [number, ...number[]])
    : [targetValue(target, outputsAt(model, data, target.step).outputs, model.config.outputSize)];
  const gradientInput: number[] = [];
  const connectivity: number[] = [];
  for (let t = 0; t < data.steps; t++) {
    let dot = 0;
    let squares = 0;
    for (let i = t * I; i < (t + 1) * I; i++) {
      const g = gradient[i] as number;
      dot += g * (x[i] as number);
      squares += g * g;
    }
    gradientInput.push(dot);
    connectivity.push(Math.sqrt(squares));
  }
  return {
    value,
    gradientInput,
    connectivity,
    ...(occlude ? { occlusion: occluded.map((v) => value - v) } : {}),
  };
}
