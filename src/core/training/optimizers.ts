import * as tf from '@tensorflow/tfjs-core';

export type OptimizerName = 'adam' | 'sgd';

export interface OptimizerSettings {
  name: OptimizerName;
  learningRate: number;
  /** SGD only. */
  momentum?: number;
}

export interface Optimizer {
  /** Updates every variable from its gradient; frees nothing it does not own. */
  apply(variables: readonly tf.Variable[], grads: readonly tf.Tensor[]): void;
  setLearningRate(rate: number): void;
  dispose(): void;
}

/** torch.optim.Adam (no weight decay, no amsgrad), with PyTorch's epsilon placement. */
class Adam implements Optimizer {
  private step = 0;
  private readonly moments = new Map<tf.Variable, [tf.Variable, tf.Variable]>();

  constructor(
    private learningRate: number,
    private readonly beta1 = 0.9,
    private readonly beta2 = 0.999,
    private readonly epsilon = 1e-8,
  ) {}

  apply(variables: readonly tf.Variable[], grads: readonly tf.Tensor[]): void {
    this.step += 1;
    const correction1 = 1 - this.beta1 ** this.step;
    const correction2Root = Math.sqrt(1 - this.beta2 ** this.step);
    const stepSize = this.learningRate / correction1;
    tf.tidy(() => {
      variables.forEach((variable, i) => {
        const grad = grads[i] as tf.Tensor;
        const [m, v] = this.momentsOf(variable);
        const nextM = tf.add(tf.mul(m, this.beta1), tf.mul(grad, 1 - this.beta1));
        const nextV = tf.add(tf.mul(v, this.beta2), tf.mul(tf.square(grad), 1 - this.beta2));
        m.assign(nextM);
        v.assign(nextV);
        const denominator = tf.add(tf.div(tf.sqrt(nextV), correction2Root), this.epsilon);
        variable.assign(tf.sub(variable, tf.mul(tf.div(nextM, denominator), stepSize)));
      });
    });
  }

  setLearningRate(rate: number): void {
    this.learningRate = rate;
  }

  dispose(): void {
    for (const [m, v] of this.moments.values()) {
      m.dispose();
      v.dispose();
    }
    this.moments.clear();
  }

  private momentsOf(variable: tf.Variable): [tf.Variable, tf.Variable] {
    let moments = this.moments.get(variable);
    if (!moments) {
      moments = tf.tidy(() => [
        tf.variable(tf.zerosLike(variable), false),
        tf.variable(tf.zerosLike(variable), false),
      ]);
      this.moments.set(variable, moments);
    }
    return moments;
  }
}

/** torch.optim.SGD with momentum (no dampening, no Nesterov): buf = mu*buf + g; p -= lr*buf. */
class Sgd implements Optimizer {
  private readonly buffers = new Map<tf.Variable, tf.Variable>();

  constructor(
    private learningRate: number,
    private readonly momentum: number,
  ) {}

  apply(variables: readonly tf.Variable[], grads: readonly tf.Tensor[]): void {
    tf.tidy(() => {
      variables.forEach((variable, i) => {
        const grad = grads[i] as tf.Tensor;
        let direction = grad;
        if (this.momentum > 0) {
          const buffer = this.buffers.get(variable);
          if (buffer) {
            buffer.assign(tf.add(tf.mul(buffer, this.momentum), grad));
          } else {
            this.buffers.set(variable, tf.variable(tf.clone(grad), false));
          }
          direction = this.buffers.get(variable) as tf.Variable;
        }
        variable.assign(tf.sub(variable, tf.mul(direction, this.learningRate)));
      });
    });
  }

  setLearningRate(rate: number): void {
    this.learningRate = rate;
  }

  dispose(): void {
    for (const buffer of this.buffers.values()) buffer.dispose();
    this.buffers.clear();
  }
}

export function createOptimizer(settings: OptimizerSettings): Optimizer {
  return settings.name === 'sgd'
    ? new Sgd(settings.learningRate, settings.momentum ?? 0.9)
    : new Adam(settings.learningRate);
}
