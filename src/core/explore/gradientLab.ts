import * as tf from '@tensorflow/tfjs-core';
import { gateCount, type CellType, type ModelConfig, type Nonlinearity } from '../model/config';
import { initialValues } from '../model/params';
import { SequenceModel } from '../model/sequenceModel';
import { Random } from '../random';
import { crossEntropy } from '../training/loss';
import { labBackward, type LabNorms, type LabWeights } from './labBackward';
import { randomOrthogonal } from './orthogonal';

export interface GradientLabSettings {
  /** Vanilla RNN only; the gated cells use their fixed sigmoid/tanh. */
  activation: Nonlinearity;
  /** Spectral radius of each H x H block of W_hh. */
  spectralRadius: number;
  length: number;
  /** clip_grad_norm_ threshold; 0 means no clipping. */
  clipNorm: number;
  hiddenSize: number;
  seed: number;
  /** LSTM forget-gate bias (b_ih; b_hh set to 0); absent keeps PyTorch's initialisation. */
  forgetBias?: number;
  /** GRU update-gate (z) bias, likewise; a positive z keeps the previous state. */
  updateBias?: number;
}

export type Regime = 'vanishing' | 'exploding' | 'stable';

/** The rule the lab states: compare ||dL/dh_1|| with ||dL/dh_T||. */
export const REGIME_RULE =
  '||dL/dh_1|| below 1e-3 of ||dL/dh_T|| is vanishing, above 1e3 times it is exploding, otherwise stable';

export function classifyRegime(norms: readonly number[]): Regime {
  const first = norms[0] ?? 0;
  const last = norms[norms.length - 1] ?? 0;
  if (!(last > 0) || !Number.isFinite(first))
    return first > 0 || !Number.isFinite(first) ? 'exploding' : 'vanishing';
  const ratio = first / last;
  if (ratio < 1e-3) return 'vanishing';
  if (ratio > 1e3) return 'exploding';
  return 'stable';
}

export interface CellGradients {
  cell: CellType;
  /** ||dL/dh_t|| for t = 1..T, from the lab's float64 pass (exact far past float32's range). */
  norms: number[];
  /** ||dL/dc_t|| for t = 1..T, LSTM only. */
  cellNorms?: number[];
  regime: Regime;
  /** Total parameter-gradient norm before clipping, and the factor clipping applies (1 = none). */
  totalNorm: number;
  clipFactor: number;
}

const VOCABULARY = 8;
const CLASSES = 4;
/** The class the loss at the last step is taken against. */
const LABEL = 0;

function labConfig(cell: CellType, settings: GradientLabSettings): ModelConfig {
  return {
    cell,
    nonlinearity: cell === 'rnn' ? settings.activation : 'tanh',
    inputKind: 'tokens',
    inputSize: VOCABULARY,
    hiddenSize: settings.hiddenSize,
    numLayers: 1,
    outputSize: CLASSES,
    head: 'last',
  };
}

function labValues(config: ModelConfig, settings: GradientLabSettings): Map<string, Float32Array> {
  const values = initialValues(config, settings.seed, {
    forgetGateBias: settings.forgetBias,
    updateGateBias: settings.updateBias,
  });
  const H = settings.hiddenSize;
  const random = new Random(settings.seed + 1);
  const gates = gateCount(config.cell);
  const wHH = new Float32Array(gates * H * H);
  for (let gate = 0; gate < gates; gate++) {
    const q = randomOrthogonal(H, random);
    for (let i = 0; i < H * H; i++)
      wHH[gate * H * H + i] = settings.spectralRadius * (q[i] as number);
  }
  values.set('rnn.weight_hh_l0', wHH);
  return values;
}

/** The float64 pass's copy of a one-layer model's weights, in PyTorch's layouts. */
export function labWeights(config: ModelConfig, values: Map<string, Float32Array>): LabWeights {
  const read = (name: string): Float64Array => Float64Array.from(values.get(name) as Float32Array);
  return {
    cell: config.cell,
    activation: config.nonlinearity,
    hidden: config.hiddenSize,
    vocabulary: config.inputSize,
    wIH: read('rnn.weight_ih_l0'),
    wHH: read('rnn.weight_hh_l0'),
    bIH: read('rnn.bias_ih_l0'),
    bHH: read('rnn.bias_hh_l0'),
    fcW: read('fc.weight'),
    fcB: read('fc.bias'),
  };
}

/** The lab's random input: `length` tokens drawn uniformly from a vocabulary of `vocabulary`. */
export function labTokens(length: number, vocabulary: number, seed: number): Int32Array {
  const random = new Random(seed + 2);
  return Int32Array.from({ length }, () => Math.floor(random.next() * vocabulary));
}

/**
 * A model's own float32 tfjs pass on `tokens` with the loss at the last step: its ||dL/dh_t||
 * (which overflow at extreme settings) and the total parameter-gradient norm that clipping sees.
 */
export function tfjsGradients(
  model: SequenceModel,
  tokens: Int32Array,
  label: number,
): { norms: number[]; totalNorm: number } {
  const T = tokens.length;
  const data = { steps: T, batch: 1, mask: new Float32Array(T).fill(1), tokens };
  let norms: number[] = [];
  const totalNorm = tf.tidy(() => {
    const { value, grads } = tf.variableGrads(
      () =>
        crossEntropy(
          model.logits(data, { onStepNorms: (byLayer) => (norms = byLayer[0] ?? []) }),
          Int32Array.of(label),
        ),
      model.trainableVariables,
    );
    value.dispose();
    const squares = Object.values(grads).map((g) => tf.sum(tf.square(g)));
    return tf.sqrt(tf.addN(squares)).dataSync()[0] as number;
  });
  return { norms, totalNorm };
}

/** The lab model's float32 pass (see tfjsGradients). */
export function modelGradients(
  cell: CellType,
  settings: GradientLabSettings,
): { norms: number[]; totalNorm: number } {
  const config = labConfig(cell, settings);
  const model = SequenceModel.fromValues(config, labValues(config, settings));
  try {
    return tfjsGradients(model, labTokens(settings.length, VOCABULARY, settings.seed), LABEL);
  } finally {
    model.dispose();
  }
}

/** What the float64 pass sees: the lab model's weights, its input sequence and the label. */
export function labProblem(cell: CellType, settings: GradientLabSettings) {
  const config = labConfig(cell, settings);
  const weights = labWeights(config, labValues(config, settings));
  return { weights, tokens: labTokens(settings.length, VOCABULARY, settings.seed), label: LABEL };
}

/** The lab's exact float64 ||dL/dh_t|| (and ||dL/dc_t|| for the LSTM). */
export function exactGradients(cell: CellType, settings: GradientLabSettings): LabNorms {
  const { weights, tokens, label } = labProblem(cell, settings);
  return labBackward(weights, tokens, label);
}

/**
 * How the gradient of a loss at the last step flows back through time, for each cell with the
 * same recurrent-weight scale and the same random input sequence.
 */
export function gradientLab(settings: GradientLabSettings): CellGradients[] {
  return (['rnn', 'lstm', 'gru'] as CellType[]).map((cell) =>
    cellGradients(
      cell,
      exactGradients(cell, settings),
      modelGradients(cell, settings).totalNorm,
      settings.clipNorm,
    ),
  );
}

/** One cell's result from its exact norms and its float32 total parameter-gradient norm. */
export function cellGradients(
  cell: CellType,
  { hNorms, cNorms }: LabNorms,
  totalNorm: number,
  clipNorm: number,
): CellGradients {
  const clipFactor = clipNorm > 0 ? Math.min(1, clipNorm / (totalNorm + 1e-6)) : 1;
  const result: CellGradients = {
    cell,
    norms: hNorms,
    regime: classifyRegime(hNorms),
    totalNorm,
    clipFactor,
  };
  return cNorms ? { ...result, cellNorms: cNorms } : result;
}
