import * as tf from '@tensorflow/tfjs-core';
import { Random } from '../random';
import { gateCount, headInputSize, type ModelConfig } from './config';

/** PyTorch's suffix for the backward direction's weights. */
export const REVERSE_SUFFIX = '_reverse';

export interface ParamSpec {
  name: string;
  shape: number[];
}

/** One layer's four parameters' names, as nn.RNN/LSTM/GRU names them: W_ih, W_hh, b_ih, b_hh. */
export function layerParamNames(layer: number, suffix = ''): [string, string, string, string] {
  return [
    `rnn.weight_ih_l${layer}${suffix}`,
    `rnn.weight_hh_l${layer}${suffix}`,
    `rnn.bias_ih_l${layer}${suffix}`,
    `rnn.bias_hh_l${layer}${suffix}`,
  ];
}

/** PyTorch state_dict names and shapes, so weights carry over both ways. */
export function paramSpecs(config: ModelConfig): ParamSpec[] {
  const gates = gateCount(config.cell) * config.hiddenSize;
  const specs: ParamSpec[] = [];
  for (let layer = 0; layer < config.numLayers; layer++) {
    const inputSize = layer === 0 ? config.inputSize : config.hiddenSize;
    for (const suffix of config.bidirectional ? ['', REVERSE_SUFFIX] : ['']) {
      const [wIH, wHH, bIH, bHH] = layerParamNames(layer, suffix);
      specs.push(
        { name: wIH, shape: [gates, inputSize] },
        { name: wHH, shape: [gates, config.hiddenSize] },
        { name: bIH, shape: [gates] },
        { name: bHH, shape: [gates] },
      );
    }
  }
  specs.push(
    { name: 'fc.weight', shape: [config.outputSize, headInputSize(config)] },
    { name: 'fc.bias', shape: [config.outputSize] },
  );
  return specs;
}

export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/**
 * Departures from PyTorch's default initialisation: a gate bias that makes a gated cell keep its
 * state at the start. For a bias b on gate 1 of the fused layout (the forget gate f of LSTM's
 * i,f,g,o; the update gate z of GRU's r,z,n), the PyTorch equivalent, after `rnn = nn.LSTM(...)`
 * or `nn.GRU(...)`, for every layer k, is
 * `rnn.bias_ih_l{k}.data[H:2H].fill_(b); rnn.bias_hh_l{k}.data[H:2H].zero_()`.
 * The gate then starts near sigmoid(b) (0.73 for b = 1) instead of 0.5, so with nothing written a
 * state fades as sigmoid(b)^T over T steps rather than 0.5^T.
 */
export interface InitOptions {
  /** LSTM forget-gate bias (Gers et al. 2000; Jozefowicz et al. 2015 use 1). */
  forgetGateBias?: number;
  /** GRU update-gate bias: a positive z keeps the previous state. */
  updateGateBias?: number;
}

/**
 * PyTorch's default initialisation: U(-1/sqrt(hidden), 1/sqrt(hidden)) for recurrent layers and
 * U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for the linear head (kaiming_uniform with a=sqrt(5)), then
 * the departures in `init`. The random draws do not depend on `init`.
 */
export function initialValues(
  config: ModelConfig,
  seed: number,
  init: InitOptions = {},
): Map<string, Float32Array> {
  const random = new Random(seed);
  const values = new Map<string, Float32Array>();
  const recurrentBound = 1 / Math.sqrt(config.hiddenSize);
  for (const spec of paramSpecs(config)) {
    const bound = spec.name.startsWith('fc.')
      ? 1 / Math.sqrt(headInputSize(config))
      : recurrentBound;
    values.set(spec.name, random.uniformArray(sizeOf(spec.shape), -bound, bound));
  }
  applyInitOptions(config, values, init);
  return values;
}

/**
 * Sets the gate bias `init` asks for on PyTorch-initialised `values`, in place: rows H..2H of the
 * fused biases are the forget gate of i,f,g,o and the update gate of r,z,n.
 */
export function applyInitOptions(
  config: ModelConfig,
  values: Map<string, Float32Array>,
  init: InitOptions,
): void {
  const bias =
    config.cell === 'lstm'
      ? init.forgetGateBias
      : config.cell === 'gru'
        ? init.updateGateBias
        : undefined;
  if (bias === undefined) return;
  const H = config.hiddenSize;
  for (const [name, array] of values) {
    if (name.startsWith('rnn.bias_ih_')) array.fill(bias, H, 2 * H);
    if (name.startsWith('rnn.bias_hh_')) array.fill(0, H, 2 * H);
  }
}

export type ParamVariables = Map<string, tf.Variable>;

export function createVariables(
  config: ModelConfig,
  values: Map<string, Float32Array>,
): ParamVariables {
  const variables: ParamVariables = new Map();
  for (const spec of paramSpecs(config)) {
    const data = values.get(spec.name);
    if (!data || data.length !== sizeOf(spec.shape)) {
      for (const v of variables.values()) v.dispose();
      throw new Error(`Parameter ${spec.name} is missing or has the wrong size`);
    }
    // The tidy frees the temporary tensor; the variable keeps its own reference to the data.
    variables.set(
      spec.name,
      tf.tidy(() => tf.variable(tf.tensor(data, spec.shape, 'float32'))),
    );
  }
  return variables;
}
