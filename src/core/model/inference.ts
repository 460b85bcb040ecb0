import * as tf from '@tensorflow/tfjs-core';
import type { LayerRun, SequenceData } from './recurrentStack';
import type { SequenceModel } from './sequenceModel';

export interface Inference {
  /** Every layer's states, [T*B*H] each. */
  layers: LayerRun[];
  /** Softmax over classes after every step of the top layer, [T*B*C]. */
  stepProbabilities: Float32Array;
  /** Softmax at each sequence's last valid step, [B*C]. */
  probabilities: Float32Array;
}

/** A forward pass for reading, not training: states and probabilities as plain arrays. */
export function infer(model: SequenceModel, data: SequenceData): Inference {
  const layers = model.trace(data);
  const top = (layers[layers.length - 1] as LayerRun).hs;
  const { hiddenSize: H, outputSize: C } = model.config;
  const stepProbabilities = tf.tidy(() => {
    const states = tf.tensor3d(top, [data.steps, data.batch, H]);
    return tf.softmax(model.stepLogits(states));
  });
  const all = stepProbabilities.dataSync() as Float32Array;
  stepProbabilities.dispose();
  // Padded steps carry the state forward, so the last step is every sequence's last valid one.
  const probabilities = all.slice((data.steps - 1) * data.batch * C);
  return { layers, stepProbabilities: all, probabilities };
}
