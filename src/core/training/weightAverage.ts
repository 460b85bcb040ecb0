import { SequenceModel } from '../model/sequenceModel';
import { assignValues, valuesOf } from '../model/tensorValues';

/**
 * An exponential moving average of a model's weights, kept beside it in plain arrays (one loop
 * per weight and step; as tfjs ops it cost four dispatches per weight and step). The decay
 * warms up as min(decay, (1 + n) / (10 + n)) after n updates, as TensorFlow's
 * ExponentialMovingAverage does, so a short run is not dragged back toward its random initial
 * weights.
 */
export class WeightAverage {
  private readonly averages: Float32Array[];
  private updates = 0;

  constructor(
    private readonly model: SequenceModel,
    private readonly decay: number,
  ) {
    this.averages = model.trainableVariables.map((v) => new Float32Array(valuesOf(v)));
  }

  update(): void {
    const variables = this.model.trainableVariables;
    const decay = Math.min(this.decay, (1 + this.updates) / (10 + this.updates));
    this.updates += 1;
    this.averages.forEach((average, i) => {
      const current = valuesOf(variables[i]!);
      for (let k = 0; k < average.length; k++) {
        average[k] = (average[k] as number) * decay + (current[k] as number) * (1 - decay);
      }
    });
  }

  /** Runs `use` on a copy of the model holding the averaged weights. */
  async evaluate<T>(use: (averaged: SequenceModel) => Promise<T>): Promise<T> {
    const names = [...this.model.params.keys()];
    const values = new Map(names.map((name, i) => [name, this.averages[i] as Float32Array]));
    const averaged = SequenceModel.fromValues(this.model.config, values);
    try {
      return await use(averaged);
    } finally {
      averaged.dispose();
    }
  }

  applyTo(model: SequenceModel): void {
    model.trainableVariables.forEach((variable, i) =>
      assignValues(variable, new Float32Array(this.averages[i] as Float32Array)),
    );
  }

  dispose(): void {
    this.averages.length = 0;
  }
}
