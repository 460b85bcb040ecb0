import * as tf from '@tensorflow/tfjs-core';
import { batchData, packBatch } from '../data/batches';
import { Vocabulary } from '../data/alphabet';
import type { CellType } from '../model/config';
import { infer } from '../model/inference';
import { runStack } from '../model/recurrentStack';
import type { SequenceModel } from '../model/sequenceModel';
import { crossEntropy } from '../training/loss';

/** Gate activations by name, in PyTorch's order, as saved by the forward pass. */
export const GATE_NAMES: Record<CellType, string[]> = {
  rnn: [],
  gru: ['r', 'z', 'n'],
  lstm: ['i', 'f', 'g', 'o'],
};

export interface StepTrace {
  symbol: string;
  /** Per layer: h_t, and the gates (LSTM: also c_t). */
  layers: Array<{ h: number[]; c?: number[]; gates: Record<string, number[]> }>;
  /** Top 3 classes after reading the prefix up to and including this step. */
  top: Array<{ label: string; probability: number }>;
  /** ||dL/dh_t|| per layer, for the loss of the final prediction. */
  gradNorms: number[];
}

export interface SequenceTrace {
  input: string;
  folded: string;
  cell: CellType;
  hiddenSize: number;
  numLayers: number;
  steps: StepTrace[];
  prediction: Array<{ label: string; probability: number }>;
}

const round = (values: ArrayLike<number>): number[] =>
  Array.from(values, (v) => Math.round(v * 1e5) / 1e5);

/**
 * Everything the unfolded graph draws for one input: states and gates at every step, the
 * prediction after every prefix, and how the gradient of the final prediction's loss flows back.
 */
export function traceSequence(
  model: SequenceModel,
  vocabulary: readonly string[],
  labels: readonly string[],
  input: string,
  maxSteps = 200,
): SequenceTrace | undefined {
  const vocab = new Vocabulary(vocabulary);
  const folded = [...vocab.fold(input)].slice(0, maxSteps).join('');
  if (folded.length === 0) return undefined;
  const data = batchData(packBatch([{ ids: vocab.encode(folded), label: 0 }]));
  const { config } = model;
  const H = config.hiddenSize;
  const layers = model.layerWeights();
  const runs = runStack(config, layers, data, undefined, true);
  const { stepProbabilities, probabilities } = infer(model, data);
  const C = labels.length;
  const ranked = (offset: number, k: number) =>
    labels
      .map((label, c) => ({ label, probability: stepProbabilities[offset + c] as number }))
      .sort((a, b) => b.probability - a.probability)
      .slice(0, k);
  const predicted = Array.from(probabilities).indexOf(Math.max(...probabilities));
  let norms: number[][] = [];
  tf.tidy(() => {
    const { value, grads } = tf.variableGrads(
      () =>
        crossEntropy(
          model.logits(data, { onStepNorms: (byLayer) => (norms = byLayer) }),
          tf.tensor1d([predicted], 'int32'),
          C,
        ),
      model.trainableVariables,
    );
    value.dispose();
    Object.values(grads).forEach((g) => g.dispose());
  });
  const gateNames = GATE_NAMES[config.cell];
  const steps: StepTrace[] = [...folded].map((symbol, t) => ({
    symbol,
    layers: runs.map((run) => {
      const at = t * H;
      const gates: Record<string, number[]> = {};
      gateNames.forEach(
        (name, k) => (gates[name] = round((run.saved?.[k] as Float32Array).subarray(at, at + H))),
      );
      return {
        h: round(run.hs.subarray(at, at + H)),
        ...(run.cs ? { c: round(run.cs.subarray(at, at + H)) } : {}),
        gates,
      };
    }),
    top: ranked(t * C, 3),
    gradNorms: norms.map((layer) => layer[t] ?? 0),
  }));
  return {
    input,
    folded,
    cell: config.cell,
    hiddenSize: H,
    numLayers: config.numLayers,
    steps,
    prediction: ranked((folded.length - 1) * C, 5),
  };
}
