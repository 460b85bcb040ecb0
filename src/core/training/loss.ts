import * as tf from '@tensorflow/tfjs-core';

/** Mean cross-entropy of logits [N, C] against integer labels [N], as F.cross_entropy. */
export function crossEntropy(logits: tf.Tensor, labels: tf.Tensor, classes: number): tf.Scalar {
  const logProbabilities = tf.logSoftmax(logits);
  const picked = tf.sum(tf.mul(tf.oneHot(labels, classes), logProbabilities), -1);
  return tf.neg(tf.mean(picked)) as tf.Scalar;
}

/** Mean squared error, as F.mse_loss. */
export function meanSquaredError(predictions: tf.Tensor, targets: tf.Tensor): tf.Scalar {
  return tf.mean(tf.squaredDifference(predictions, targets)) as tf.Scalar;
}

/**
 * Mean cross-entropy over the valid steps of [T, B, C] logits, as F.cross_entropy over the
 * positions a packed sequence holds. `mask` is [T*B] of 0/1.
 */
export function maskedCrossEntropy(
  logits: tf.Tensor,
  labels: Int32Array,
  mask: Float32Array,
  classes: number,
): tf.Scalar {
  const flatLogits = tf.reshape(logits, [-1, classes]);
  const safeLabels = tf.tensor1d(
    labels.map((label, i) => (mask[i] ? label : 0)),
    'int32',
  );
  const weights = tf.tensor1d(mask);
  const picked = tf.sum(tf.mul(tf.oneHot(safeLabels, classes), tf.logSoftmax(flatLogits)), -1);
  return tf.div(tf.neg(tf.sum(tf.mul(picked, weights))), tf.sum(weights)) as tf.Scalar;
}
