import * as tf from '@tensorflow/tfjs-core';
import type { LayerState, SequenceData } from '../model/recurrentStack';
import type { SequenceModel } from '../model/sequenceModel';
import type { Optimizer } from './optimizers';
import type { Random } from '../random';
import {
  classificationGradients,
  classificationGradientsSplit,
  kernelStepApplies,
  type StepGradients,
} from './kernelStep';
import type { StepHelper } from './stepHelper';
import { argMaxHits } from './metrics';

export interface StepOptions {
  /** Gradient-norm clipping threshold as torch.nn.utils.clip_grad_norm_; 0 turns it off. */
  clipNorm: number;
  /** Record ||dL/dh_t|| per layer and each parameter's gradient norm. */
  recordGradients: boolean;
}

/** One minibatch of any task: its inputs and how to score the model's logits on it. */
export interface TrainBatch {
  data: SequenceData;
  /** Sequences in the batch, for throughput. */
  size: number;
  /** The loss to minimise; called inside the step's tidy. */
  loss(logits: tf.Tensor): tf.Scalar;
  /**
   * The labels, when `loss` is their plain cross-entropy: one per sequence for a `last` head,
   * one per position [T*B] for an `all` head. The step can then run in the kernel alone.
   */
  labels?: Int32Array;
  /** For labels per position: each one's weight in the mean (the mask). */
  labelWeights?: Float32Array;
  /** Predictions that were right, counted over `scored` (classes only; absent for regression). */
  correct?(logits: tf.Tensor): number;
  /** How many predictions `correct` counts: sequences, or valid steps for sequence outputs. */
  scored?: number;
  /** Truncated BPTT: start from the states the previous batch ended in. */
  continues?: boolean;
  /** Runs before the step, with the current weights (free-running picks its inputs here). */
  prepare?(model: SequenceModel, initial?: readonly LayerState[]): void;
}

export interface StepResult {
  loss: number;
  /** Predictions in the batch whose arg-max matched the target (0 for regression). */
  correct: number;
  /** Total gradient norm before clipping. */
  gradNorm: number;
  /** Every layer's state after the batch, for the next chunk of truncated BPTT. */
  finalStates: LayerState[];
  /** Per layer, per time step, when recorded. */
  stepGradNorms?: number[][];
  /** Per parameter (PyTorch names), before clipping, when recorded. */
  paramGradNorms?: Record<string, number>;
}

/** One optimisation step on a batch; leaves no tensors behind. */
export function trainStep(
  model: SequenceModel,
  optimizer: Optimizer,
  batch: TrainBatch,
  options: StepOptions,
  random?: Random,
  initial?: readonly LayerState[],
  /** A second thread for the step, where it applies (see classificationGradientsSplit). */
  helper?: StepHelper,
): StepResult {
  batch.prepare?.(model, initial);
  const labels = batch.labels as Int32Array;
  const { loss, correct, grads, finalStates, stepNorms } = !kernelStepApplies(model, batch)
    ? tfjsGradients(model, batch, options, random, initial)
    : helper && !initial
      ? classificationGradientsSplit(model, batch, labels, helper, random)
      : classificationGradients(model, batch, labels, random, initial);
  const paramNorms = grads.map((g) => Math.sqrt(sumOfSquares(g)));
  const total = Math.sqrt(paramNorms.reduce((sum, n) => sum + n * n, 0));
  // torch.nn.utils.clip_grad_norm_: scale by max_norm / (total + 1e-6) when that is below 1.
  const scale = options.clipNorm > 0 ? Math.min(options.clipNorm / (total + 1e-6), 1) : 1;
  optimizer.apply(model.trainableVariables, grads, scale);
  const result: StepResult = { loss, correct, gradNorm: total, finalStates };
  if (options.recordGradients) {
    const names = [...model.params.keys()];
    result.stepGradNorms = stepNorms;
    result.paramGradNorms = Object.fromEntries(names.map((n, i) => [n, paramNorms[i] as number]));
  }
  return result;
}

/** The step's gradients through tfjs's tape, for every model and loss. */
function tfjsGradients(
  model: SequenceModel,
  batch: TrainBatch,
  options: StepOptions,
  random?: Random,
  initial?: readonly LayerState[],
): StepGradients {
  let stepNorms: number[][] | undefined;
  let finalStates: LayerState[] = [];
  const onStepNorms = options.recordGradients
    ? (norms: number[][]) => (stepNorms = norms)
    : undefined;
  const variables = model.trainableVariables;
  let correct = 0;
  const [loss, ...gradTensors] = tf.tidy(() => {
    const { value, grads } = tf.variableGrads(() => {
      const logits = model.logits(batch.data, {
        onStepNorms,
        random,
        initial,
        onFinalStates: (states) => (finalStates = states),
      });
      correct = batch.correct?.(logits) ?? 0;
      return batch.loss(logits);
    }, variables);
    return [value, ...variables.map((v) => grads[v.name] as tf.Tensor)];
  });
  const lossValue = loss.dataSync()[0] as number;
  const grads = gradTensors.map((g) => g.dataSync() as Float32Array);
  tf.dispose([loss, ...gradTensors]);
  return { loss: lossValue, correct, grads, finalStates, stepNorms };
}

function sumOfSquares(values: Float32Array): number {
  let sum = 0;
  for (let k = 0; k < values.length; k++) sum += (values[k] as number) ** 2;
  return sum;
}

/** Arg-max hits of [N, C] logits against targets, skipping positions whose weight is 0. */
export function countCorrect(
  logits: tf.Tensor,
  targets: Int32Array,
  weights?: Float32Array,
): number {
  return argMaxHits(logits.dataSync() as Float32Array, targets, weights);
}
