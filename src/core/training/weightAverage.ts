import * as tf from '@tensorflow/tfjs-core';
import { SequenceModel } from '../model/sequenceModel';

/**
 * An exponential moving average of a model's weights, kept beside it. The decay warms up as
 * min(decay, (1 + n) / (10 + n)) after n updates, as TensorFlow's ExponentialMovingAverage
 * does, so a short run is not dragged back toward its random initial weights.
 */
export class WeightAverage {
  private readonly averages: tf.Variable[];
  private updates = 0;

  constructor(
    private readonly model: SequenceModel,
    private readonly decay: number,
  ) {
    this.averages = model.trainableVariables.map((v) =>
      tf.tidy(() => tf.variable(tf.clone(v), false)),
    );
  }

  update(): void {
    const variables = this.model.trainableVariables;
    const decay = Math.min(this.decay, (1 + this.updates) / (10 + this.updates));
    this.updates += 1;
    tf.tidy(() => {
      this.averages.forEach((average, i) => {
        average.assign(
          tf.add(tf.mul(average, decay), tf.mul(variables[i] as tf.Variable, 1 - decay)),
        );
      });
    });
  }

  /** Runs `use` on a copy of the model holding the averaged weights. */
  evaluate<T>(use: (averaged: SequenceModel) => T): T {
    const names = [...this.model.params.keys()];
    const values = new Map(
      names.map((name, i) => [name, (this.averages[i] as tf.Variable).dataSync() as Float32Array]),
    );
    const averaged = SequenceModel.fromValues(this.model.config, values);
    try {
      return use(averaged);
    } finally {
      averaged.dispose();
    }
  }

  applyTo(model: SequenceModel): void {
    model.trainableVariables.forEach((variable, i) =>
      variable.assign(this.averages[i] as tf.Variable),
    );
  }

  dispose(): void {
    this.averages.forEach((a) => a.dispose());
  }
}
