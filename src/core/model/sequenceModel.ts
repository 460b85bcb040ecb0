import * as tf from '@tensorflow/tfjs-core';
import type { Random } from '../random';
import { headInputSize, validateConfig, type ModelConfig } from './config';
import {
  createVariables,
  initialValues,
  paramSpecs,
  type InitOptions,
  REVERSE_SUFFIX,
  type ParamVariables,
} from './params';
import {
  differentiableStack,
  runStack,
  stackWeights,
  type LayerRun,
  type LayerState,
  type LayerWeights,
  type SequenceData,
  type StackOptions,
} from './recurrentStack';
import { reverseSequences } from './reverse';
import { recurrenceKernel } from '../kernel/recurrenceKernel';
import { valuesOf } from './tensorValues';

export interface LogitsOptions extends StackOptions {
  /** Makes this a training pass: dropout (if configured) draws its mask from it. */
  random?: Random;
}

/**
 * Inverted dropout's mask over the head's input: 0 with probability `rate`, else 1 / (1 − rate),
 * as nn.Dropout in training mode. Draws `size` numbers from `random`, in order.
 */
export function dropoutMask(size: number, rate: number, random: Random): Float32Array {
  const keep = new Float32Array(size);
  for (let i = 0; i < size; i++) keep[i] = random.next() < rate ? 0 : 1 / (1 - rate);
  return keep;
}

/**
 * Stacked recurrent layers and a linear head, with PyTorch's parameter names and layouts.
 * Tensors it returns belong to the caller.
 */
export class SequenceModel {
  private constructor(
    readonly config: ModelConfig,
    readonly params: ParamVariables,
  ) {}

  static create(config: ModelConfig, seed: number, init?: InitOptions): SequenceModel {
    validateConfig(config);
    return new SequenceModel(config, createVariables(config, initialValues(config, seed, init)));
  }

  static fromValues(config: ModelConfig, values: Map<string, Float32Array>): SequenceModel {
    validateConfig(config);
    return new SequenceModel(config, createVariables(config, values));
  }

  get trainableVariables(): tf.Variable[] {
    return [...this.params.values()];
  }

  /** Logits: [B, C] for a `last` head, [T, B, C] for `all`. Differentiable. */
  logits(data: SequenceData, options: LogitsOptions = {}): tf.Tensor {
    const { random } = options;
    let states = differentiableStack(this.config, this.layerWeights(), data, options);
    if (this.config.bidirectional) {
      const reversed = reverseSequences(data);
      const { onInputGradient } = options;
      const backward = differentiableStack(
        this.config,
        this.layerWeights(REVERSE_SUFFIX),
        reversed,
        onInputGradient && {
          // The backward direction's gradient comes in its reversed order; reversing again puts
          // it back (each sequence is reversed within its own length). The listener hears once
          // per direction, and the two add up to dL/dx.
          onInputGradient: (dx) =>
            onInputGradient(
              reverseSequences({
                ...reversed,
                tokens: undefined,
                dense: dx,
                features: this.config.inputSize,
              }).dense as Float32Array,
            ),
        },
      );
      states = tf.concat([states, backward], 1);
    }
    const rate = this.config.dropout ?? 0;
    if (random && rate > 0)
      states = tf.mul(states, tf.tensor(dropoutMask(states.size, rate, random), states.shape));
    if (this.config.head === 'last') return this.linear(states);
    return this.stepLogits(states);
  }

  /**
   * Every layer's states, forward only, as plain arrays: for inspection and prediction. A
   * bidirectional model's backward direction runs with `REVERSE_SUFFIX` on reversed data.
   */
  trace(data: SequenceData, initial?: LayerState[], suffix = ''): LayerRun[] {
    return runStack(this.config, this.layerWeights(suffix), data, initial);
  }

  /** The head at every step of [T, B, W] states (W: the head's input width): [T, B, C]. */
  stepLogits(states: tf.Tensor): tf.Tensor {
    const [steps, batch] = states.shape as [number, number, number];
    const flat = this.linear(tf.reshape(states, [steps * batch, headInputSize(this.config)]));
    return tf.reshape(flat, [steps, batch, this.config.outputSize]);
  }

  /** The head on plain [N, W] states, for reading (no gradient): [N, C]. */
  headValues(states: Float32Array): Float32Array {
    const [weight, bias] = [this.param('fc.weight'), this.param('fc.bias')];
    return recurrenceKernel().linear(
      states,
      valuesOf(weight),
      valuesOf(bias),
      this.config.outputSize,
    );
  }

  weightValues(): Map<string, Float32Array> {
    const values = new Map<string, Float32Array>();
    for (const spec of paramSpecs(this.config)) {
      values.set(spec.name, this.param(spec.name).dataSync() as Float32Array);
    }
    return values;
  }

  parameterCount(): number {
    return this.trainableVariables.reduce((total, v) => total + v.size, 0);
  }

  dispose(): void {
    for (const variable of this.params.values()) variable.dispose();
  }

  /**
   * The head, nn.Linear, as one op with its own gradient in the kernel (three tfjs ops each way
   * otherwise); its forward pass is `headValues`.
   */
  private linear(x: tf.Tensor): tf.Tensor {
    const C = this.config.outputSize;
    const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
      const [input, weight] = args as [tf.Tensor, tf.Tensor];
      const xs = input.dataSync() as Float32Array;
      const y = this.headValues(xs);
      return {
        value: tf.tensor2d(y, [input.shape[0] as number, C]),
        gradFunc: (dy: tf.Tensor) => {
          const { dx, dw, db } = recurrenceKernel().linearBackward(
            xs,
            valuesOf(weight),
            dy.dataSync() as Float32Array,
            C,
          );
          return [tf.tensor(dx, input.shape), tf.tensor(dw, weight.shape), tf.tensor1d(db)];
        },
      };
    });
    return op(x, this.param('fc.weight'), this.param('fc.bias'));
  }

  layerWeights(suffix = ''): LayerWeights[] {
    return stackWeights(this.config, (name) => this.param(name), suffix);
  }

  private param(name: string): tf.Variable {
    const variable = this.params.get(name);
    if (!variable) throw new Error(`Model has no parameter ${name}`);
    return variable;
  }
}
