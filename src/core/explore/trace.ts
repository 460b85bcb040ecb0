import { batchData, packBatch } from '../data/batches';
import { Vocabulary } from '../data/alphabet';
import type { CellType, Nonlinearity } from '../model/config';
import { infer } from '../model/inference';
import type { SequenceData } from '../model/recurrentStack';
import { runStack } from '../model/recurrentStack';
import type { SequenceModel } from '../model/sequenceModel';
import { GATE_NAMES } from './cellStep';
import { saliencyOf, type Saliency, type SaliencyTarget } from './saliency';

/** One output row under a column: a class and its probability, or a forecast value. */
export interface OutputEntry {
  label: string;
  /** 0..1: the probability, or the bar's share for a value. */
  probability: number;
  /** Shown instead of the probability when set (a forecast value). */
  display?: string;
}

export interface StepTrace {
  symbol: string;
  /**
   * Per layer: h_t, and the gates (LSTM: also c_t). GRU: also `hn`, W_hn h_{t−1} + b_hn as the
   * forward pass computed it, the term the reset gate scales inside n_t.
   */
  layers: Array<{ h: number[]; c?: number[]; hn?: number[]; gates: Record<string, number[]> }>;
  /** Top 3 outputs after reading the input up to and including this step. */
  top: OutputEntry[];
  /** ||dL/dh_t|| per layer, for the loss of the final prediction. */
  gradNorms: number[];
}

export interface SequenceTrace {
  input: string;
  folded: string;
  /** Between symbols when the input is written out again ('' for characters). */
  separator: string;
  cell: CellType;
  /** A plain RNN's nonlinearity (GRU and LSTM use tanh for their state). */
  activation?: Nonlinearity;
  hiddenSize: number;
  numLayers: number;
  steps: StepTrace[];
  prediction: OutputEntry[];
  saliency: TraceSaliency;
}

/**
 * Each step's contribution to the final output (see `Saliency`): for classes to the log-probability
 * of the predicted `label` in nats, for values to the sum of the final outputs in normalised units.
 */
export interface TraceSaliency extends Saliency {
  target: 'class' | 'values';
  /** The predicted class, or which outputs the values target adds up. */
  label: string;
}

/** An input ready to trace: the symbol shown above each column and the batch of one. */
export interface TraceInput {
  input: string;
  symbols: string[];
  separator: string;
  data: SequenceData;
}

/**
 * What the outputs mean. `classes`: a softmax over labels (the loss of the final step's most
 * likely class drives the gradient). `values`: regression outputs, turned into display values
 * per step; the gradient is that of the sum of the final outputs.
 */
export type OutputReader =
  | { kind: 'classes'; labels: readonly string[] }
  | { kind: 'values'; read(outputs: Float32Array, step: number): OutputEntry[] };

const round = (values: ArrayLike<number>): number[] =>
  Array.from(values, (v) => Math.round(v * 1e5) / 1e5);
/** Significant digits, not decimals: a vanished gradient is small, not zero. */
const significant = (v: number): number => Number(v.toPrecision(5));

/** A name or text as character tokens, folded to the model's vocabulary. */
export function tokenInput(
  vocabulary: readonly string[],
  input: string,
  maxSteps = 200,
  prefix: readonly string[] = [],
): TraceInput | undefined {
  const vocab = new Vocabulary(vocabulary);
  const folded = [...vocab.fold(input)].slice(0, maxSteps - prefix.length);
  if (folded.length + prefix.length === 0) return undefined;
  const index = new Map(vocabulary.map((symbol, i) => [symbol, i]));
  const ids = [...prefix, ...folded].map((symbol) => index.get(symbol) as number);
  return {
    input,
    symbols: [...prefix, ...folded],
    separator: '',
    data: batchData(packBatch([{ ids, label: 0 }])),
  };
}

/**
 * Everything the unfolded graph draws for one input: states and gates at every step, the
 * output after every prefix, and how the gradient of the final output's loss flows back.
 */
export function traceInput(
  model: SequenceModel,
  traced: TraceInput,
  outputs: OutputReader,
): SequenceTrace {
  const { data } = traced;
  const { config } = model;
  const H = config.hiddenSize;
  const T = data.steps;
  const runs = runStack(config, model.layerWeights(), data, undefined, 'gates');
  const { stepProbabilities, stepOutputs } = infer(model, data);
  const C = config.outputSize;
  const labels = outputs.kind === 'classes' ? outputs.labels : [];
  const ranked = (t: number, k: number): OutputEntry[] =>
    outputs.kind === 'values'
      ? outputs.read(stepOutputs, t)
      : labels
          .map((label, c) => ({ label, probability: stepProbabilities[t * C + c] as number }))
          .sort((a, b) => b.probability - a.probability)
          .slice(0, k);
  const last = stepProbabilities.subarray((T - 1) * C, T * C);
  const predicted = Array.from(last).indexOf(Math.max(...last));
  let norms: number[][] = [];
  // The loss −log p(predicted) and the target log p(predicted) have the same gradient norms, so
  // the saliency's backward pass also gives ||dL/dh_t||.
  const target: SaliencyTarget =
    outputs.kind === 'values'
      ? { kind: 'values', step: T - 1 }
      : { kind: 'class', index: predicted, step: T - 1 };
  const saliency = saliencyOf(model, data, target, (byLayer) => (norms = byLayer));
  const gateNames = GATE_NAMES[config.cell];
  const steps: StepTrace[] = traced.symbols.map((symbol, t) => ({
    symbol,
    layers: runs.map((run) => {
      const at = t * H;
      const gates: Record<string, number[]> = {};
      gateNames.forEach(
        (name, k) => (gates[name] = round((run.saved?.[k] as Float32Array).subarray(at, at + H))),
      );
      // The GRU's fourth saved array is W_hn h_{t−1} + b_hn (the kernel keeps it for backward).
      const hn = config.cell === 'gru' ? run.saved?.[gateNames.length] : undefined;
      return {
        h: round(run.hs.subarray(at, at + H)),
        ...(run.cs ? { c: round(run.cs.subarray(at, at + H)) } : {}),
        ...(hn ? { hn: round(hn.subarray(at, at + H)) } : {}),
        gates,
      };
    }),
    top: ranked(t, 3),
    gradNorms: norms.map((layer) => layer[t] ?? 0),
  }));
  return {
    input: traced.input,
    folded: traced.symbols.join(traced.separator),
    separator: traced.separator,
    cell: config.cell,
    ...(config.cell === 'rnn' ? { activation: config.nonlinearity } : {}),
    hiddenSize: H,
    numLayers: config.numLayers,
    steps,
    prediction: ranked(T - 1, 5),
    saliency: {
      target: outputs.kind === 'values' ? 'values' : 'class',
      label:
        outputs.kind === 'classes'
          ? (labels[predicted] ?? '')
          : C > 1
            ? `sum of the ${C} final outputs`
            : 'final output',
      value: significant(saliency.value),
      gradientInput: saliency.gradientInput.map(significant),
      connectivity: saliency.connectivity.map(significant),
      ...(saliency.occlusion ? { occlusion: saliency.occlusion.map(significant) } : {}),
    },
  };
}

/** A names classifier's trace of one name (the Explorer's default subject). */
export function traceSequence(
  model: SequenceModel,
  vocabulary: readonly string[],
  labels: readonly string[],
  input: string,
  maxSteps = 200,
): SequenceTrace | undefined {
  const traced = tokenInput(vocabulary, input, maxSteps);
  return traced && traceInput(model, traced, { kind: 'classes', labels });
}
