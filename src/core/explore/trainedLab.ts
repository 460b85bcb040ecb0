import type { ModelConfig } from '../model/config';
import type { SequenceModel } from '../model/sequenceModel';
import {
  cellGradients,
  labTokens,
  labWeights,
  tfjsGradients,
  type CellGradients,
} from './gradientLab';
import { blockEigenvalues, eigenvalues, radiusOf } from './eigenvalues';
import { labBackward } from './labBackward';

/** The spectral radius of one H x H block of W_hh: W_hh itself, or a gate's W_h<gate>. */
export interface BlockRadius {
  /** PyTorch's name of the block, e.g. W_hh for the vanilla RNN, W_hz for the GRU's z gate. */
  block: string;
  radius: number;
}

export type TrainedLab =
  { ok: true; cell: CellGradients; radii: BlockRadius[] } | { ok: false; reason: string };

/** The largest |eigenvalue| of the n x n row-major matrix. */
export function spectralRadius(values: ArrayLike<number>, n: number): number {
  return radiusOf(eigenvalues(values, n));
}

/** The spectral radius of each gate's block of the first layer's W_hh. */
export function recurrentRadii(config: ModelConfig, wHH: Float32Array): BlockRadius[] {
  return blockEigenvalues(config.cell, config.hiddenSize, wHH).map((b) => ({
    block: b.block,
    radius: radiusOf(b.eigenvalues),
  }));
}

/**
 * The gradient lab on a trained model's own weights: the loss at the last step of a random
 * token sequence of `length` (the model's own vocabulary), against its first class, flowed back
 * through time in float64 as the random-weight lab does.
 */
export function trainedModelLab(
  model: SequenceModel,
  settings: { length: number; clipNorm: number; seed: number },
): TrainedLab {
  const { config } = model;
  if (config.inputKind !== 'tokens' || config.head !== 'last')
    return {
      ok: false,
      reason: 'The lab follows a classifier of tokens, such as the names model.',
    };
  if (config.numLayers > 1 || config.bidirectional)
    return {
      ok: false,
      reason: `The lab follows one layer in one direction; this model is ${config.numLayers > 1 ? `${config.numLayers} layers deep` : 'bidirectional'}.`,
    };
  const values = model.weightValues();
  const tokens = labTokens(settings.length, config.inputSize, settings.seed);
  const label = 0;
  const cell = cellGradients(
    config.cell,
    labBackward(labWeights(config, values), tokens, label),
    tfjsGradients(model, tokens, label).totalNorm,
    settings.clipNorm,
  );
  let radii = RADII.get(model);
  if (!radii) {
    radii = recurrentRadii(config, values.get('rnn.weight_hh_l0') as Float32Array);
    RADII.set(model, radii);
  }
  return { ok: true, cell, radii };
}

/**
 * A model's radii, computed once: its weights do not change once trained, and three 128 x 128
 * eigendecompositions took most of the 600 ms a length or clipping change waited for.
 */
const RADII = new WeakMap<SequenceModel, BlockRadius[]>();
