import * as tf from '@tensorflow/tfjs-core';
import { batchData, type BatchArrays } from '../data/batches';
import type { SequenceModel } from '../model/sequenceModel';
import { crossEntropy } from './loss';
import type { Optimizer } from './optimizers';
import type { Random } from '../random';

export interface StepOptions {
  /** Gradient-norm clipping threshold as torch.nn.utils.clip_grad_norm_; 0 turns it off. */
  clipNorm: number;
  /** Record ||dL/dh_t|| per layer and each parameter's gradient norm. */
  recordGradients: boolean;
}

export interface StepResult {
  loss: number;
  /** Sequences in the batch whose arg-max prediction matched the label. */
  correct: number;
  /** Total gradient norm before clipping. */
  gradNorm: number;
  /** Per layer, per time step, when recorded. */
  stepGradNorms?: number[][];
  /** Per parameter (PyTorch names), before clipping, when recorded. */
  paramGradNorms?: Record<string, number>;
}

/** One optimisation step on a batch of labelled sequences; leaves no tensors behind. */
export function trainStep(
  model: SequenceModel,
  optimizer: Optimizer,
  batch: BatchArrays,
  options: StepOptions,
  random?: Random,
): StepResult {
  let stepGradNorms: number[][] | undefined;
  const onStepNorms = options.recordGradients
    ? (norms: number[][]) => (stepGradNorms = norms)
    : undefined;
  const names = [...model.params.keys()];
  const variables = model.trainableVariables;
  let correct = 0;
  const [loss, norms] = tf.tidy(() => {
    const input = batchData(batch);
    const labels = tf.tensor1d(batch.labels, 'int32');
    const { value, grads } = tf.variableGrads(() => {
      const logits = model.logits(input, onStepNorms, random);
      correct = countCorrect(logits, batch.labels);
      return crossEntropy(logits, labels, model.config.outputSize);
    }, variables);
    const gradList = variables.map((v) => grads[v.name] as tf.Tensor);
    const squares = tf.stack(gradList.map((g) => tf.sum(tf.square(g))));
    const total = tf.sqrt(tf.sum(squares));
    let clipped = gradList;
    if (options.clipNorm > 0) {
      const scale = tf.minimum(tf.div(options.clipNorm, tf.add(total, 1e-6)), 1);
      clipped = gradList.map((g) => tf.mul(g, scale));
    }
    optimizer.apply(variables, clipped);
    return [value, tf.concat([tf.reshape(total, [1]), tf.sqrt(squares)])];
  });
  const lossValue = loss.dataSync()[0] as number;
  const normValues = Array.from(norms.dataSync());
  loss.dispose();
  norms.dispose();
  const result: StepResult = { loss: lossValue, correct, gradNorm: normValues[0] as number };
  if (options.recordGradients) {
    result.stepGradNorms = stepGradNorms;
    result.paramGradNorms = Object.fromEntries(
      names.map((n, i) => [n, normValues[i + 1] as number]),
    );
  }
  return result;
}

function countCorrect(logits: tf.Tensor, labels: Int32Array): number {
  const predicted = tf.argMax(logits, -1).dataSync();
  let correct = 0;
  for (let i = 0; i < labels.length; i++) if (predicted[i] === labels[i]) correct++;
  return correct;
}
