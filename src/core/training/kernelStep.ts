import type { LayerState } from '../model/recurrentStack';
import {
  finalStates,
  lastStepGradient,
  runStack,
  stackBackward,
  zeroStates,
  type LayerRun,
} from '../model/recurrentStack';
import type { SequenceModel } from '../model/sequenceModel';
import type { Random } from '../random';
import { crossEntropyRows } from './loss';
import { argMaxHits } from './metrics';
import type { TrainBatch } from './step';

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

/**
 * Whether a step can skip tfjs: many-to-one classification with its plain cross-entropy, one
 * direction, and no dropout drawn. Everything else goes through tfjs's tape.
 */
export function kernelStepApplies(
  model: SequenceModel,
  batch: TrainBatch,
  random?: Random,
): boolean {
  const { config } = model;
  const dropout = random !== undefined && (config.dropout ?? 0) > 0;
  return batch.labels !== undefined && config.head === 'last' && !config.bidirectional && !dropout;
}

/**
 * A classification step's gradients on plain arrays, kernel call after kernel call: the stack
 * forward, the head, the cross-entropy, the head backward and the stack backward. The same calls
 * and the same float32 roundings as the step through tfjs's tape (whose ops wrap these calls),
 * without a tensor per op: for a small model the dispatch, the tensors and their garbage cost
 * more than the arithmetic.
 */
export function classificationGradients(
  model: SequenceModel,
  batch: TrainBatch,
  labels: Int32Array,
  initial?: readonly LayerState[],
): StepGradients {
  const { config } = model;
  const { data } = batch;
  const BH = data.batch * config.hiddenSize;
  const layers = model.layerWeights();
  const runs = runStack(
    config,
    layers,
    data,
    initial ?? zeroStates(config, data.batch),
    'backward',
  );
  const last = (runs[runs.length - 1] as LayerRun).hs.subarray((data.steps - 1) * BH);
  const logits = model.headValues(last);
  const { loss, total, grad } = crossEntropyRows(logits, labels);
  // As tfjs scales the rows' gradient by dL/dloss / total: two float32 roundings.
  const perRow = Math.fround(1 / total);
  for (let k = 0; k < grad.length; k++) grad[k] = (grad[k] as number) * perRow;
  const head = model.headBackward(last, grad);
  const stack = stackBackward(config, layers, data, runs, lastStepGradient(data, head.dx), false);
  const byName = new Map<string, Float32Array>([
    ['fc.weight', head.dw],
    ['fc.bias', head.db],
  ]);
  stack.layers.forEach((layerGrads, layer) =>
    ['weight_ih', 'weight_hh', 'bias_ih', 'bias_hh'].forEach((name, k) =>
      byName.set(`rnn.${name}_l${layer}`, layerGrads[k] as Float32Array),
    ),
  );
  return {
    loss: Math.fround(loss / total),
    correct: argMaxHits(logits, labels),
    grads: [...model.params.keys()].map((name) => byName.get(name) as Float32Array),
    finalStates: finalStates(runs, data.steps, BH),
    stepNorms: stack.norms,
  };
}
