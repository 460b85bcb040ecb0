import type * as tf from '@tensorflow/tfjs-core';
import { gateCount, headInputSize, type ModelConfig } from '../model/config';
import { recurrenceKernel } from '../kernel/recurrenceKernel';
import { layerParamNames, paramSpecs, REVERSE_SUFFIX } from '../model/params';
import { reverseSequences } from '../model/reverse';
import type { LayerState, SequenceData } from '../model/recurrentStack';
import {
  finalStates,
  lastStepGradient,
  runStack,
  stackBackward,
  stackWeights,
  zeroStates,
  type LayerRun,
  type StackGradients,
} from '../model/recurrentStack';
import { dropoutMask, type SequenceModel } from '../model/sequenceModel';
import { valuesOf } from '../model/tensorValues';
import type { Random } from '../random';
import { crossEntropyRows } from './loss';
import { argMaxHits } from './metrics';
import type { TrainBatch } from './step';
import { joinParts, splitRows, type BatchRows, type StepHelper } from './stepHelper';

/** What a step's forward and backward passes give the optimiser. */
export interface StepGradients {
  loss: number;
  correct: number;
  /** In the order of `model.trainableVariables`. */
  grads: Float32Array[];
  finalStates: LayerState[];
  /** ||dL/dh_t|| per layer and step. */
  stepNorms?: number[][];
}

/** The gradients of some rows of a batch, as one thread computes them. */
export interface PartGradients {
  /** The rows' summed losses, in nats, in double precision. */
  lossSum: number;
  correct: number;
  /** In the order of `paramSpecs`, which is the model's. */
  grads: Float32Array[];
  /** Each layer's state after the last step, for these rows. */
  finalStates: LayerState[];
  /** ||dL/dh_t|| over these rows, per layer and step. */
  stepNorms: number[][];
}

/**
 * Whether a step can skip tfjs: classification with its plain cross-entropy, of each sequence
 * (in one direction or two) or of each step (a language model's next token). Everything else
 * (regression, a batch without labels) goes through tfjs's tape.
 */
export function kernelStepApplies(model: SequenceModel, batch: TrainBatch): boolean {
  const { labels, data } = batch;
  if (!labels) return false;
  return labels.length === (model.config.head === 'all' ? data.steps * data.batch : data.batch);
}

/** The dropout mask of a training step on the head's input, [B*H], drawn as the tape's step does. */
function headDropout(
  model: SequenceModel,
  rows: number,
  random?: Random,
): Float32Array | undefined {
  const rate = model.config.dropout ?? 0;
  if (!random || rate === 0) return undefined;
  return dropoutMask(rows * headInputSize(model.config), rate, random);
}

/**
 * The gradients of rows of a classification batch, kernel call after kernel call, on plain
 * arrays: the stack forward, the head, the cross-entropy, the head backward and the stack
 * backward. The same calls and the same float32 roundings as the step through tfjs's tape
 * (whose ops wrap these calls), without a tensor per op: for a small model the dispatch, the
 * tensors and their garbage cost more than the arithmetic. A `last` head classifies each
 * sequence (`labels` [B]); an `all` head every step (`labels` [T*B], weighted by `weights`, the
 * mask), as a language model's next character. `denominator` is what the mean loss divides by:
 * the whole batch's rows, or its weights' sum, when these rows are only part of it.
 */
export function classificationPart(
  config: ModelConfig,
  param: (name: string) => Float32Array,
  data: SequenceData,
  labels: Int32Array,
  denominator: number,
  options: { initial?: readonly LayerState[]; keep?: Float32Array; weights?: Float32Array } = {},
): PartGradients {
  const { initial, keep, weights } = options;
  const everyStep = config.head === 'all';
  const C = config.outputSize;
  // A bidirectional model (one layer) reads each sequence again backwards, with its own weights;
  // the head reads the two last states side by side, [B, 2H], as the tape's tf.concat does.
  const directions = [
    { suffix: '', data, initial: initial ?? zeroStates(config, data.batch) },
    ...(config.bidirectional
      ? [
          {
            suffix: REVERSE_SUFFIX,
            data: reverseSequences(data),
            initial: zeroStates(config, data.batch),
          },
        ]
      : []),
  ].map((direction) => {
    const layers = stackWeights(config, param, direction.suffix);
    const runs = runStack(config, layers, direction.data, direction.initial, 'backward');
    const BH = data.batch * config.hiddenSize;
    const top = (runs[runs.length - 1] as LayerRun).hs;
    const final = everyStep ? top : top.subarray((direction.data.steps - 1) * BH);
    return { ...direction, layers, runs, final };
  });
  const final = sideBySide(
    directions.map((direction) => direction.final),
    data.batch,
  );
  // Dropout on the head's input, and on its gradient: each a float32 product, as tf.mul's.
  const last = keep ? final.map((h, i) => h * (keep[i] as number)) : final;
  const [weight, bias] = [param('fc.weight'), param('fc.bias')];
  const logits = recurrenceKernel().linear(last, weight, bias, C);
  const { loss, grad } = crossEntropyRows(logits, labels, weights);
  // As tfjs scales the rows' gradient by dL/dloss / denominator: two float32 roundings.
  const perRow = Math.fround(1 / denominator);
  for (let k = 0; k < grad.length; k++) grad[k] = (grad[k] as number) * perRow;
  const head = recurrenceKernel().linearBackward(last, weight, grad, C);
  const dFinal = keep ? head.dx.map((d, i) => d * (keep[i] as number)) : head.dx;
  const dFinals = apart(dFinal, data.batch, directions.length);
  const byName = new Map<string, Float32Array>([
    ['fc.weight', head.dw],
    ['fc.bias', head.db],
  ]);
  // The tape hears the step norms and the final states of the forward direction only.
  const [stack] = directions.map((direction, d) => {
    const dFinal = dFinals[d] as Float32Array;
    const dTop = everyStep ? dFinal : lastStepGradient(direction.data, dFinal);
    const result = stackBackward(
      config,
      direction.layers,
      direction.data,
      direction.runs,
      dTop,
      false,
    );
    result.layers.forEach((layerGrads, layer) =>
      layerParamNames(layer, direction.suffix).forEach((name, k) =>
        byName.set(name, layerGrads[k] as Float32Array),
      ),
    );
    return result;
  }) as [StackGradients];
  const forward = directions[0] as (typeof directions)[number];
  return {
    lossSum: loss,
    correct: argMaxHits(logits, labels, weights),
    grads: paramSpecs(config).map((spec) => byName.get(spec.name) as Float32Array),
    finalStates: finalStates(forward.runs, data.steps, data.batch * config.hiddenSize),
    stepNorms: stack.norms,
  };
}

/** Rows of [B, H] blocks side by side: [B, H * blocks.length], each row's blocks in order. */
function sideBySide(blocks: readonly Float32Array[], rows: number): Float32Array {
  if (blocks.length === 1) return blocks[0] as Float32Array;
  const H = (blocks[0] as Float32Array).length / rows;
  const joined = new Float32Array(rows * H * blocks.length);
  blocks.forEach((block, k) => {
    for (let b = 0; b < rows; b++)
      joined.set(block.subarray(b * H, (b + 1) * H), (b * blocks.length + k) * H);
  });
  return joined;
}

/** `sideBySide` undone: [B, H * count] into `count` blocks of [B, H]. */
function apart(joined: Float32Array, rows: number, count: number): Float32Array[] {
  if (count === 1) return [joined];
  const H = joined.length / rows / count;
  return Array.from({ length: count }, (_, k) => {
    const block = new Float32Array(rows * H);
    for (let b = 0; b < rows; b++)
      block.set(joined.subarray((b * count + k) * H, (b * count + k + 1) * H), b * H);
    return block;
  });
}

/** A classification step's gradients on one thread, from the model's own weights. */
export function classificationGradients(
  model: SequenceModel,
  batch: TrainBatch,
  labels: Int32Array,
  random?: Random,
  initial?: readonly LayerState[],
): StepGradients {
  const keep = headDropout(model, labels.length, random);
  const weights = batch.labelWeights;
  const denominator = weights ? weights.reduce((sum, w) => sum + w, 0) : labels.length;
  const part = classificationPart(model.config, paramsOf(model), batch.data, labels, denominator, {
    initial,
    keep,
    weights,
  });
  return wholeBatch(part, denominator);
}

/** A model's weight values by PyTorch name. */
function paramsOf(model: SequenceModel): (name: string) => Float32Array {
  return (name) => valuesOf(model.params.get(name) as tf.Variable);
}

/** The step's gradients from those of the whole batch: the loss is their mean, in float32. */
function wholeBatch(part: PartGradients, denominator: number): StepGradients {
  const { lossSum, correct, grads, finalStates, stepNorms } = part;
  return { loss: Math.fround(lossSum / denominator), correct, grads, finalStates, stepNorms };
}

/**
 * Steps smaller than this stay on one thread: the helper's wake-up, the copies and the two
 * threads' garbage collectors then cost more than half the step. Measured (ours.ts, 2 epochs,
 * alternated): a GRU 128 (3·128·128 multiply-adds per row and step, about 22 million per batch
 * of 64 names) ran 1.15–1.34× faster on two threads, a vanilla RNN 128 (7 million) 0.94×, a GRU
 * 32 0.5×.
 */
const SPLIT_MULTIPLY_ADDS = 15e6;

/**
 * Whether the batch's recurrent multiply-adds (its valid steps times G·H·H, per layer and
 * direction) pay for a split.
 */
function worthSplitting(config: ModelConfig, data: SequenceData): boolean {
  let validSteps = 0;
  for (const m of data.mask) validSteps += m;
  const perStep = gateCount(config.cell) * config.hiddenSize * config.hiddenSize;
  const directions = config.bidirectional ? 2 : 1;
  return validSteps * perStep * config.numLayers * directions >= SPLIT_MULTIPLY_ADDS;
}

/**
 * Whether a helper thread can take part in this model's steps: a head at the last step only. A
 * head at every step stays on one thread, since its labels run across the rows by time.
 */
export function helperServes(config: ModelConfig): boolean {
  return config.head === 'last';
}

/**
 * A classification step's gradients on two threads: the helper computes the longer rows while
 * this thread computes the shorter, and the sums meet here. The same arithmetic as on one thread
 * except the order of the sums over rows, so equal within float32 rounding, not to the bit.
 */
export function classificationGradientsSplit(
  model: SequenceModel,
  batch: TrainBatch,
  labels: Int32Array,
  helper: StepHelper,
  random?: Random,
): StepGradients {
  if (!helperServes(model.config) || !worthSplitting(model.config, batch.data))
    return classificationGradients(model, batch, labels, random);
  const param = paramsOf(model);
  const keep = headDropout(model, labels.length, random);
  const W = headInputSize(model.config);
  const rowsOf = (part: BatchRows) =>
    keep?.subarray(part.from * W, (part.from + part.labels.length) * W);
  const [first, second] = splitRows(batch.data, labels);
  helper.begin(model.config, param, second.data, second.labels, labels.length, rowsOf(second));
  const mine = classificationPart(model.config, param, first.data, first.labels, labels.length, {
    keep: rowsOf(first),
  });
  return wholeBatch(joinParts(mine, helper.end()), labels.length);
}
