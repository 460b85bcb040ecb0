import * as tf from '@tensorflow/tfjs-core';
import { gateCount, type CellType, type ModelConfig, type Nonlinearity } from '../model/config';
import { initialValues } from '../model/params';
import { SequenceModel } from '../model/sequenceModel';
import { Random } from '../random';
import { crossEntropy } from '../training/loss';
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
  /** ||dL/dh_t|| for t = 1..T. */
  norms: number[];
  regime: Regime;
  /** Total parameter-gradient norm before clipping, and the factor clipping applies (1 = none). */
  totalNorm: number;
  clipFactor: number;
}

const VOCABULARY = 8;
const CLASSES = 4;

function labModel(cell: CellType, settings: GradientLabSettings): SequenceModel {
  const config: ModelConfig = {
    cell,
    nonlinearity: cell === 'rnn' ? settings.activation : 'tanh',
    inputKind: 'tokens',
    inputSize: VOCABULARY,
    hiddenSize: settings.hiddenSize,
    numLayers: 1,
    outputSize: CLASSES,
    head: 'last',
  };
  const values = initialValues(config, settings.seed);
  const H = settings.hiddenSize;
  const random = new Random(settings.seed + 1);
  const wHH = new Float32Array(gateCount(cell) * H * H);
  for (let gate = 0; gate < gateCount(cell); gate++) {
    const q = randomOrthogonal(H, random);
    for (let i = 0; i < H * H; i++)
      wHH[gate * H * H + i] = settings.spectralRadius * (q[i] as number);
  }
  values.set('rnn.weight_hh_l0', wHH);
  return SequenceModel.fromValues(config, values);
}

/**
 * How the gradient of a loss at the last step flows back through time, for each cell with the
 * same recurrent-weight scale and the same random input sequence.
 */
export function gradientLab(settings: GradientLabSettings): CellGradients[] {
  const random = new Random(settings.seed + 2);
  const T = settings.length;
  const tokens = Int32Array.from({ length: T }, () => Math.floor(random.next() * VOCABULARY));
  const data = { steps: T, batch: 1, mask: new Float32Array(T).fill(1), tokens };
  return (['rnn', 'lstm', 'gru'] as CellType[]).map((cell) => {
    const model = labModel(cell, settings);
    try {
      let norms: number[] = [];
      const totalNorm = tf.tidy(() => {
        const { value, grads } = tf.variableGrads(
          () =>
            crossEntropy(
              model.logits(data, { onStepNorms: (byLayer) => (norms = byLayer[0] ?? []) }),
              Int32Array.of(0),
            ),
          model.trainableVariables,
        );
        value.dispose();
        const squares = Object.values(grads).map((g) => tf.sum(tf.square(g)));
        return tf.sqrt(tf.addN(squares)).dataSync()[0] as number;
      });
      const clipFactor =
        settings.clipNorm > 0 ? Math.min(1, settings.clipNorm / (totalNorm + 1e-6)) : 1;
      return { cell, norms, regime: classifyRegime(norms), totalNorm, clipFactor };
    } finally {
      model.dispose();
    }
  });
}
