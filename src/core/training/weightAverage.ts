import * as tf from '@tensorflow/tfjs-core';
import { SequenceModel } from '../model/sequenceModel';

/** An exponential moving average of a model's weights, kept beside it. */
export class WeightAverage {
  private readonly averages: tf.Variable[];

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
    tf.tidy(() => {
      this.averages.forEach((average, i) => {
        average.assign(
          tf.add(tf.mul(average, this.decay), tf.mul(variables[i] as tf.Variable, 1 - this.decay)),
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
