import * as tf from '@tensorflow/tfjs-core';

const reads = new WeakMap<object, Float32Array>();

/**
 * A float tensor's values, read from the backend once per data. A tensor's data never changes
 * in place, and a variable gets new data (a new `dataId`) on every assign, so a cached read is
 * never stale. Reading the weights on every call cost a copy of them per layer and per hover,
 * and the garbage behind the hover's slowest answers. Callers must not modify the array.
 */
export function valuesOf(tensor: tf.Tensor): Float32Array {
  let values = reads.get(tensor.dataId);
  if (!values) {
    values = tensor.dataSync() as Float32Array;
    reads.set(tensor.dataId, values);
  }
  return values;
}

/**
 * Gives a variable new values and remembers them as its read, so the optimizer's next step and
 * the next forward pass do not copy them back out of the backend. `values` must not be
 * modified afterwards (the cpu backend may keep the array itself).
 */
export function assignValues(variable: tf.Variable, values: Float32Array): void {
  tf.tidy(() => variable.assign(tf.tensor(values, variable.shape, 'float32')));
  reads.set(variable.dataId, values);
}
