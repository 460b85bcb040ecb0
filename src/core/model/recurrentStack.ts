import * as tf from '@tensorflow/tfjs-core';
import {
  recurrenceKernel,
  type Biases,
  type Keep,
  type LayerInputs,
  type LayerShape,
} from '../kernel/recurrenceKernel';
import { gateCount, type ModelConfig } from './config';
import { layerParamNames } from './params';
import { valuesOf } from './tensorValues';

/**
 * A batch as plain arrays, time-major: position p = t * batch + b. Token ids are looked up as
 * rows of W_ih; dense inputs carry `features` values per position.
 */
export interface SequenceData {
  steps: number;
  batch: number;
  /** [T*B] of 0/1. */
  mask: Float32Array;
  /** [T*B] ids; −1 is a step whose input is all zeros (occlusion's blank). */
  tokens?: Int32Array;
  dense?: Float32Array;
  features?: number;
}

/** A layer's weights: a model's variables, or plain values (a helper thread has no variables). */
export interface LayerWeights<W extends tf.Tensor | Float32Array = tf.Tensor> {
  wIH: W;
  wHH: W;
  bIH: W;
  bHH: W;
}

type AnyLayerWeights = LayerWeights | LayerWeights<Float32Array>;

const read = (weight: tf.Tensor | Float32Array): Float32Array =>
  weight instanceof Float32Array ? weight : valuesOf(weight);

/** Every layer's weights, each looked up by its PyTorch name. */
export function stackWeights<W extends tf.Tensor | Float32Array>(
  config: ModelConfig,
  param: (name: string) => W,
  suffix = '',
): LayerWeights<W>[] {
  return Array.from({ length: config.numLayers }, (_, layer) => {
    const [wIH, wHH, bIH, bHH] = layerParamNames(layer, suffix).map(param) as [W, W, W, W];
    return { wIH, wHH, bIH, bHH };
  });
}

/** Initial states per layer, each [B*H]; zeros when absent. */
export interface LayerState {
  h: Float32Array;
  c?: Float32Array;
}

export interface LayerRun {
  /** State after every step, [T*B*H]; padded steps repeat the previous state. */
  hs: Float32Array;
  cs?: Float32Array;
  /** The layer's input, [T*B*I], for layers after the first or dense input. */
  input?: Float32Array;
  /** Gate activations per step, when kept as `gates` (the kernel's SAVED_COUNT arrays). */
  saved?: Float32Array[];
  /** The kernel's region kept for the backward pass, when kept as `backward`. */
  handle?: number;
  initial: LayerState;
}

/** The kernel's view of one layer: its sizes, input and weights (read from tfjs once per call). */
function layerCall(
  config: ModelConfig,
  layer: number,
  data: SequenceData,
  input: Float32Array | undefined,
  weights: AnyLayerWeights,
  initial: LayerState,
): { shape: LayerShape; inputs: LayerInputs } {
  const tokens = input === undefined ? data.tokens : undefined;
  return {
    shape: {
      cell: config.cell,
      nonlinearity: config.nonlinearity,
      steps: data.steps,
      batch: data.batch,
      hidden: config.hiddenSize,
      inputSize: layer === 0 ? config.inputSize : config.hiddenSize,
    },
    inputs: {
      tokens,
      x: tokens ? undefined : (input ?? data.dense),
      wIH: read(weights.wIH),
      wHH: read(weights.wHH),
      mask: data.mask,
      h0: initial.h,
      c0: initial.c,
    },
  };
}

const biasesOf = (weights: AnyLayerWeights): Biases => ({
  bIH: read(weights.bIH),
  bHH: read(weights.bHH),
});

/** Runs one layer forward over every step in the WebAssembly kernel. */
function runLayer(
  config: ModelConfig,
  layer: number,
  data: SequenceData,
  input: Float32Array | undefined,
  weights: AnyLayerWeights,
  initial: LayerState,
  keep: Keep,
): LayerRun {
  const { shape, inputs } = layerCall(config, layer, data, input, weights, initial);
  const run = recurrenceKernel().forward(shape, inputs, biasesOf(weights), keep);
  return { ...run, input, initial };
}

export function zeroStates(config: ModelConfig, batch: number): LayerState[] {
  return Array.from({ length: config.numLayers }, () => {
    const h = new Float32Array(batch * config.hiddenSize);
    return config.cell === 'lstm' ? { h, c: new Float32Array(h.length) } : { h };
  });
}

/** Forward through every layer; nothing is kept unless asked (see `Keep`). */
export function runStack(
  config: ModelConfig,
  layers: readonly AnyLayerWeights[],
  data: SequenceData,
  initial: readonly LayerState[] = zeroStates(config, data.batch),
  keep: Keep = 'none',
): LayerRun[] {
  const runs: LayerRun[] = [];
  let input: Float32Array | undefined = data.tokens ? undefined : data.dense;
  layers.forEach((weights, layer) => {
    const run = runLayer(config, layer, data, input, weights, initial[layer] as LayerState, keep);
    runs.push(run);
    input = run.hs;
  });
  return runs;
}

/** dL/dh_t norms per layer and time step, from the last backward pass that recorded them. */
export type StepNormListener = (normsByLayer: number[][]) => void;

export interface StackOptions {
  onStepNorms?: StepNormListener;
  /**
   * States to start from (truncated BPTT carries them across chunks); no gradient flows into
   * them, which is what truncates the backpropagation.
   */
  initial?: readonly LayerState[];
  /** Receives every layer's state after the last step, to start the next chunk from. */
  onFinalStates?: (states: LayerState[]) => void;
  /**
   * Receives dL/dx for the first layer's input, [T*B*I] in the data's order (for token input,
   * the gradient with respect to each position's one-hot vector). Saliency reads it; training
   * leaves it out, and the first layer then skips that matmul.
   */
  onInputGradient?: (dx: Float32Array) => void;
}

/** Each layer's state after the last step; padded steps carry states, so it is per sequence. */
export function finalStates(runs: readonly LayerRun[], steps: number, BH: number): LayerState[] {
  const at = (steps - 1) * BH;
  return runs.map((run) => {
    const h = run.hs.slice(at, at + BH);
    return run.cs ? { h, c: run.cs.slice(at, at + BH) } : { h };
  });
}

/** A layer's four weight gradients in PyTorch's order: W_ih, W_hh, b_ih, b_hh. */
export type LayerGradients = [Float32Array, Float32Array, Float32Array, Float32Array];

export interface StackGradients {
  /** Per layer, bottom first. */
  layers: LayerGradients[];
  /** ||dL/dh_t|| per layer and step. */
  norms: number[][];
  /** dL/dx of the first layer's input, when asked for. */
  dInput?: Float32Array;
}

/**
 * The backward pass of a forward pass kept as `backward`, from dL/d(top layer's states)
 * [T*B*H], layer by layer from the top, in the kernel; each layer's kept region is released.
 */
export function stackBackward(
  config: ModelConfig,
  layers: readonly AnyLayerWeights[],
  data: SequenceData,
  runs: readonly LayerRun[],
  dTop: Float32Array,
  wantInputGradient: boolean,
): StackGradients {
  let dOut = dTop;
  const grads: LayerGradients[] = new Array(layers.length);
  const norms: number[][] = new Array(layers.length);
  let dInput: Float32Array | undefined;
  for (let layer = layers.length - 1; layer >= 0; layer--) {
    const run = runs[layer] as LayerRun;
    const weights = layers[layer] as AnyLayerWeights;
    const { shape, inputs } = layerCall(config, layer, data, run.input, weights, run.initial);
    const result = recurrenceKernel().backward(
      shape,
      inputs,
      biasesOf(weights),
      run.handle,
      dOut,
      layer > 0 || wantInputGradient,
    );
    grads[layer] = [result.dWih, result.dWhh, result.dBih, result.dBhh];
    norms[layer] = Array.from(result.norms);
    if (result.dx) dOut = result.dx;
    if (layer === 0) dInput = result.dx;
  }
  return { layers: grads, norms, dInput };
}

/** dL/d(every state of the top layer) [T*B*H] from dL/d(its last state) [B*H]. */
export function lastStepGradient(data: SequenceData, dLast: Float32Array): Float32Array {
  const dTop = new Float32Array(data.steps * dLast.length);
  dTop.set(dLast, (data.steps - 1) * dLast.length);
  return dTop;
}

/**
 * The whole recurrent stack as one differentiable tfjs op over the weights: the forward pass
 * keeps its activations in JavaScript, and the backward pass returns every weight gradient,
 * each computed as one matmul over all time steps.
 *
 * Output: the top layer's last state [B, H] for a `last` head, every state [T, B, H] for `all`.
 */
export function differentiableStack(
  config: ModelConfig,
  layers: readonly LayerWeights[],
  data: SequenceData,
  options: StackOptions = {},
): tf.Tensor {
  const { onStepNorms, initial, onFinalStates, onInputGradient } = options;
  const B = data.batch;
  const H = config.hiddenSize;
  const BH = B * H;
  const op = tf.customGrad(() => {
    const runs = runStack(config, layers, data, initial, 'backward');
    onFinalStates?.(finalStates(runs, data.steps, BH));
    const top = (runs[runs.length - 1] as LayerRun).hs;
    const value =
      config.head === 'last'
        ? tf.tensor2d(top.slice((data.steps - 1) * BH), [B, H])
        : tf.tensor3d(top, [data.steps, B, H]);
    return {
      value,
      gradFunc: (dy: tf.Tensor) => {
        const dyData = dy.dataSync() as Float32Array;
        const dTop = config.head === 'last' ? lastStepGradient(data, dyData) : dyData;
        const result = stackBackward(config, layers, data, runs, dTop, !!onInputGradient);
        onStepNorms?.(result.norms);
        if (onInputGradient) onInputGradient(result.dInput as Float32Array);
        const G = gateCount(config.cell) * H;
        return result.layers.flatMap(([dWih, dWhh, dBih, dBhh], layer) => [
          tf.tensor2d(dWih, [G, layer === 0 ? config.inputSize : H]),
          tf.tensor2d(dWhh, [G, H]),
          tf.tensor1d(dBih),
          tf.tensor1d(dBhh),
        ]);
      },
    };
  });
  const inputs = layers.flatMap((w) => [w.wIH, w.wHH, w.bIH, w.bHH]);
  return op(...inputs);
}
