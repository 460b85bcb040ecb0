import * as tf from '@tensorflow/tfjs-core';

/**
 * Cross-entropy of logits [N, C] against integer labels [N], weighted (0/1 masks leave rows
 * out), as F.cross_entropy, summed in double precision: the weighted sum of the rows' losses,
 * the sum of the weights, and the gradient of the sum, softmax − one-hot, per row times its
 * weight, in float32.
 */
export function crossEntropyRows(
  z: Float32Array,
  labels: Int32Array,
  weights?: Float32Array,
): { loss: number; total: number; grad: Float32Array } {
  const [N, C] = [labels.length, z.length / labels.length];
  const grad = new Float32Array(N * C);
  let loss = 0;
  let total = 0;
  for (let i = 0; i < N; i++) {
    const w = weights ? (weights[i] as number) : 1;
    if (w === 0) continue;
    const row = i * C;
    let max = -Infinity;
    for (let c = 0; c < C; c++) max = Math.max(max, z[row + c] as number);
    let sum = 0;
    for (let c = 0; c < C; c++) sum += Math.exp((z[row + c] as number) - max);
    const label = labels[i] as number;
    loss -= w * ((z[row + label] as number) - max - Math.log(sum));
    total += w;
    for (let c = 0; c < C; c++) grad[row + c] = (w * Math.exp((z[row + c] as number) - max)) / sum;
    grad[row + label] = (grad[row + label] as number) - w;
  }
  return { loss, total, grad };
}

/**
 * Weighted mean cross-entropy of logits [N, C] (or [T, B, C] with N = T*B) against integer
 * labels [N], as F.cross_entropy; with a 0/1 mask as weights, over the valid steps of packed
 * sequences (positions of weight 0 are left out of the sum and of the mean). One op with its own
 * gradient, softmax - one-hot, computed in the same pass: as a chain of tfjs ops (log-softmax,
 * one-hot, product, sums and their gradients) it cost a dozen dispatches per batch.
 */
export function crossEntropy(
  logits: tf.Tensor,
  labels: Int32Array,
  weights?: Float32Array,
): tf.Scalar {
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const x = args[0] as tf.Tensor;
    const { loss, total, grad } = crossEntropyRows(x.dataSync() as Float32Array, labels, weights);
    return {
      value: tf.scalar(loss / total),
      gradFunc: (dy: tf.Tensor) => tf.mul(tf.tensor(grad, x.shape), tf.div(dy, total)),
    };
  });
  return op(logits) as tf.Scalar;
}

/** Mean squared error, as F.mse_loss. */
export function meanSquaredError(predictions: tf.Tensor, targets: tf.Tensor): tf.Scalar {
  return tf.mean(tf.squaredDifference(predictions, targets)) as tf.Scalar;
}
