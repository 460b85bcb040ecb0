import * as tf from '@tensorflow/tfjs-core';
import { CELL_MATH, type Saved } from './cellMath';
import { gateCount, type ModelConfig } from './config';

/**
 * A batch as plain arrays, time-major: position p = t * batch + b. Token ids are looked up as
 * rows of W_ih; dense inputs carry `features` values per position.
 */
export interface SequenceData {
  steps: number;
  batch: number;
  /** [T*B] of 0/1. */
  mask: Float32Array;
  tokens?: Int32Array;
  dense?: Float32Array;
  features?: number;
}

export interface LayerWeights {
  wIH: tf.Tensor;
  wHH: tf.Tensor;
  bIH: tf.Tensor;
  bHH: tf.Tensor;
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
  saved?: Saved;
  initial: LayerState;
}

function download(compute: () => tf.Tensor): Float32Array {
  const tensor = tf.tidy(compute);
  try {
    return tensor.dataSync() as Float32Array;
  } finally {
    tensor.dispose();
  }
}

function matMulData(a: Float32Array, aShape: [number, number], b: tf.Tensor): Float32Array {
  return download(() => tf.matMul(tf.tensor2d(a, aShape), b));
}

function transposeData(x: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) out[c * rows + r] = x[r * cols + c] as number;
  }
  return out;
}

function columnSums(x: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) out[c] = (out[c] as number) + (x[r * cols + c] as number);
  }
  return out;
}

/** W_ih x_t + b_ih for every position, [T*B*G]: a row lookup for tokens, one matmul otherwise. */
function projectInputs(
  data: SequenceData,
  input: Float32Array | undefined,
  inputSize: number,
  weights: LayerWeights,
  gates: number,
): Float32Array {
  const positions = data.steps * data.batch;
  if (input === undefined && data.tokens) {
    const w = weights.wIH.dataSync() as Float32Array;
    const bias = weights.bIH.dataSync() as Float32Array;
    const gx = new Float32Array(positions * gates);
    for (let p = 0; p < positions; p++) {
      const id = data.tokens[p] as number;
      for (let k = 0; k < gates; k++)
        gx[p * gates + k] = (w[k * inputSize + id] as number) + (bias[k] as number);
    }
    return gx;
  }
  const x = input ?? (data.dense as Float32Array);
  return download(() =>
    tf.add(
      tf.matMul(tf.tensor2d(x, [positions, inputSize]), tf.transpose(weights.wIH)),
      weights.bIH,
    ),
  );
}

/** Sizes of one layer: hidden H, gate rows G, batch B, one step's states BH, input width. */
function layerDims(config: ModelConfig, layer: number, data: SequenceData) {
  const H = config.hiddenSize;
  return {
    H,
    G: gateCount(config.cell) * H,
    B: data.batch,
    BH: data.batch * H,
    inputSize: layer === 0 ? config.inputSize : H,
    math: CELL_MATH[config.cell],
  };
}

/** Runs one layer forward in JavaScript, with tfjs doing the recurrent matmul of each step. */
function runLayer(
  config: ModelConfig,
  layer: number,
  data: SequenceData,
  input: Float32Array | undefined,
  weights: LayerWeights,
  initial: LayerState,
  keepForBackward: boolean,
): LayerRun {
  const { H, G, B, BH, inputSize, math } = layerDims(config, layer, data);
  const gx = projectInputs(data, input, inputSize, weights, G);
  const hs = new Float32Array(data.steps * BH);
  const cs = config.cell === 'lstm' ? new Float32Array(data.steps * BH) : undefined;
  const saved = keepForBackward
    ? Array.from({ length: math.savedCount }, () => new Float32Array(data.steps * BH))
    : undefined;
  const wHHT = tf.transpose(weights.wHH);
  try {
    for (let t = 0; t < data.steps; t++) {
      const hPrev = t === 0 ? initial.h : hs.subarray((t - 1) * BH, t * BH);
      const cPrev =
        cs && (t === 0 ? (initial.c as Float32Array) : cs.subarray((t - 1) * BH, t * BH));
      const gh = download(() => tf.add(tf.matMul(tf.tensor2d(hPrev, [B, H]), wHHT), weights.bHH));
      math.forward(
        { batch: B, hidden: H },
        gx,
        t * B * G,
        gh,
        hPrev,
        cPrev,
        data.mask,
        t * B,
        hs,
        cs,
        t * BH,
        saved,
        config.nonlinearity,
      );
    }
  } finally {
    wHHT.dispose();
  }
  return { hs, cs, input, saved, initial };
}

export function zeroStates(config: ModelConfig, batch: number): LayerState[] {
  return Array.from({ length: config.numLayers }, () => {
    const h = new Float32Array(batch * config.hiddenSize);
    return config.cell === 'lstm' ? { h, c: new Float32Array(h.length) } : { h };
  });
}

/** Forward through every layer; nothing is kept for a backward pass unless asked. */
export function runStack(
  config: ModelConfig,
  layers: readonly LayerWeights[],
  data: SequenceData,
  initial: readonly LayerState[] = zeroStates(config, data.batch),
  keepForBackward = false,
): LayerRun[] {
  const runs: LayerRun[] = [];
  let input: Float32Array | undefined = data.tokens ? undefined : data.dense;
  layers.forEach((weights, layer) => {
    const run = runLayer(
      config,
      layer,
      data,
      input,
      weights,
      initial[layer] as LayerState,
      keepForBackward,
    );
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
}

/** Each layer's state after the last step; padded steps carry states, so it is per sequence. */
export function finalStates(runs: readonly LayerRun[], steps: number, BH: number): LayerState[] {
  const at = (steps - 1) * BH;
  return runs.map((run) => {
    const h = run.hs.slice(at, at + BH);
    return run.cs ? { h, c: run.cs.slice(at, at + BH) } : { h };
  });
}

interface LayerGradients {
  grads: [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
  dInput?: Float32Array;
  norms: number[];
}

function backwardLayer(
  config: ModelConfig,
  layer: number,
  data: SequenceData,
  run: LayerRun,
  weights: LayerWeights,
  dOut: Float32Array,
): LayerGradients {
  const { H, G, B, BH, inputSize, math } = layerDims(config, layer, data);
  const T = data.steps;
  const positions = T * B;
  const dGx = new Float32Array(positions * G);
  const dGh = new Float32Array(positions * G);
  const g = new Float32Array(BH);
  const direct = new Float32Array(BH);
  const dc = config.cell === 'lstm' ? new Float32Array(BH) : undefined;
  let carried = new Float32Array(BH);
  const norms = new Array<number>(T).fill(0);
  for (let t = T - 1; t >= 0; t--) {
    let squares = 0;
    for (let k = 0; k < BH; k++) {
      const value = (dOut[t * BH + k] as number) + (carried[k] as number);
      g[k] = value;
      if (data.mask[t * B + Math.floor(k / H)] !== 0) squares += value * value;
    }
    norms[t] = Math.sqrt(squares);
    const hPrev = t === 0 ? run.initial.h : run.hs;
    const hPrevAt = t === 0 ? 0 : (t - 1) * BH;
    math.backward(
      { batch: B, hidden: H },
      g,
      dc,
      run.saved as Saved,
      t * BH,
      hPrev,
      hPrevAt,
      data.mask,
      t * B,
      dGx,
      dGh,
      t * B * G,
      direct,
      config.nonlinearity,
    );
    if (t === 0) break;
    const throughWeights = matMulData(
      dGh.subarray(t * B * G, (t + 1) * B * G),
      [B, G],
      weights.wHH,
    );
    carried = new Float32Array(BH);
    for (let k = 0; k < BH; k++) carried[k] = (direct[k] as number) + (throughWeights[k] as number);
  }
  const hPrevAll = new Float32Array(positions * H);
  hPrevAll.set(run.initial.h, 0);
  hPrevAll.set(run.hs.subarray(0, (T - 1) * BH), BH);
  const dWhh = tf.matMul(
    tf.tensor2d(transposeData(dGh, positions, G), [G, positions]),
    tf.tensor2d(hPrevAll, [positions, H]),
  );
  const dBhh = tf.tensor1d(columnSums(dGh, positions, G));
  const dBih = tf.tensor1d(columnSums(dGx, positions, G));
  let dWih: tf.Tensor;
  let dInput: Float32Array | undefined;
  if (run.input === undefined && data.tokens) {
    const dW = new Float32Array(G * inputSize);
    for (let p = 0; p < positions; p++) {
      const id = data.tokens[p] as number;
      for (let k = 0; k < G; k++)
        dW[k * inputSize + id] = (dW[k * inputSize + id] as number) + (dGx[p * G + k] as number);
    }
    dWih = tf.tensor2d(dW, [G, inputSize]);
  } else {
    const x = run.input ?? (data.dense as Float32Array);
    dWih = tf.matMul(
      tf.tensor2d(transposeData(dGx, positions, G), [G, positions]),
      tf.tensor2d(x, [positions, inputSize]),
    );
    if (layer > 0) dInput = matMulData(dGx, [positions, G], weights.wIH);
  }
  return { grads: [dWih, dWhh, dBih, dBhh], dInput, norms };
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
  const { onStepNorms, initial, onFinalStates } = options;
  const B = data.batch;
  const H = config.hiddenSize;
  const BH = B * H;
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const runs = runStack(config, layers, data, initial, true);
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
        let dOut = dyData;
        if (config.head === 'last') {
          dOut = new Float32Array(data.steps * BH);
          dOut.set(dyData, (data.steps - 1) * BH);
        }
        const grads: tf.Tensor[] = new Array(args.length - 1);
        const norms: number[][] = new Array(layers.length);
        for (let layer = layers.length - 1; layer >= 0; layer--) {
          const result = backwardLayer(
            config,
            layer,
            data,
            runs[layer] as LayerRun,
            layers[layer] as LayerWeights,
            dOut,
          );
          result.grads.forEach((grad, k) => (grads[layer * 4 + k] = grad));
          norms[layer] = result.norms;
          if (result.dInput) dOut = result.dInput;
        }
        onStepNorms?.(norms);
        return grads;
      },
    };
  });
  const inputs = layers.flatMap((w) => [w.wIH, w.wHH, w.bIH, w.bHH]);
  return op(...inputs);
}
