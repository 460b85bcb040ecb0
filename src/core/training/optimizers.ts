import * as tf from '@tensorflow/tfjs-core';
import { recurrenceKernel } from '../kernel/recurrenceKernel';
import { assignValues, valuesOf } from '../model/tensorValues';

export type OptimizerName = 'adam' | 'sgd';

export interface OptimizerSettings {
  name: OptimizerName;
  learningRate: number;
  /** SGD only. */
  momentum?: number;
}

/**
 * Updates run as one loop per parameter over plain arrays, then one assign: as tfjs ops, a
 * dozen ops per parameter cost more dispatch time than the update's arithmetic (and more than
 * the recurrence of a small model).
 */
export interface Optimizer {
  /** Updates every variable from its gradient times `scale` (gradient clipping); owns nothing. */
  apply(variables: readonly tf.Variable[], grads: readonly Float32Array[], scale?: number): void;
  setLearningRate(rate: number): void;
  dispose(): void;
}

/** Per-variable state arrays, zeros on first use. */
class StateArrays {
  private readonly arrays = new Map<tf.Variable, Float32Array[]>();

  constructor(private readonly count: number) {}

  of(variable: tf.Variable): Float32Array[] {
    let arrays = this.arrays.get(variable);
    if (!arrays) {
      arrays = Array.from({ length: this.count }, () => new Float32Array(variable.size));
      this.arrays.set(variable, arrays);
    }
    return arrays;
  }

  clear(): void {
    this.arrays.clear();
  }
}

/**
 * torch.optim.Adam (no weight decay, no amsgrad), with PyTorch's epsilon placement, in float32
 * SIMD in the kernel.
 */
class Adam implements Optimizer {
  private step = 0;
  private readonly moments = new StateArrays(2);

  constructor(
    private learningRate: number,
    private readonly beta1 = 0.9,
    private readonly beta2 = 0.999,
    private readonly epsilon = 1e-8,
  ) {}

  apply(variables: readonly tf.Variable[], grads: readonly Float32Array[], scale = 1): void {
    this.step += 1;
    const { beta1, beta2, epsilon } = this;
    const settings = {
      scale,
      beta1,
      beta2,
      step: this.learningRate / (1 - beta1 ** this.step),
      c2root: Math.sqrt(1 - beta2 ** this.step),
      eps: epsilon,
    };
    variables.forEach((variable, i) => {
      const [m, v] = this.moments.of(variable) as [Float32Array, Float32Array];
      const next = recurrenceKernel().adam(
        valuesOf(variable),
        grads[i] as Float32Array,
        m,
        v,
        settings,
      );
      assignValues(variable, next);
    });
  }

  setLearningRate(rate: number): void {
    this.learningRate = rate;
  }

  dispose(): void {
    this.moments.clear();
  }
}

/** torch.optim.SGD with momentum (no dampening, no Nesterov): buf = mu*buf + g; p -= lr*buf. */
class Sgd implements Optimizer {
  private readonly buffers = new StateArrays(1);

  constructor(
    private learningRate: number,
    private readonly momentum: number,
  ) {}

  apply(variables: readonly tf.Variable[], grads: readonly Float32Array[], scale = 1): void {
    const { momentum, learningRate } = this;
    variables.forEach((variable, i) => {
      const grad = grads[i] as Float32Array;
      const [buffer] = this.buffers.of(variable) as [Float32Array];
      const next = new Float32Array(valuesOf(variable));
      for (let k = 0; k < next.length; k++) {
        const g = (grad[k] as number) * scale;
        // The buffer starts at zeros, so the first step's direction is g, as in PyTorch.
        const direction = momentum * (buffer[k] as number) + g;
        buffer[k] = direction;
        next[k] = (next[k] as number) - learningRate * direction;
      }
      assignValues(variable, next);
    });
  }

  setLearningRate(rate: number): void {
    this.learningRate = rate;
  }

  dispose(): void {
    this.buffers.clear();
  }
}

export function createOptimizer(settings: OptimizerSettings): Optimizer {
  return settings.name === 'sgd'
    ? new Sgd(settings.learningRate, settings.momentum ?? 0.9)
    : new Adam(settings.learningRate);
}
