import { Random } from '../random';
import { inBatches } from '../util';
import type { SequenceData } from '../model/recurrentStack';

export interface EncodedSequence {
  ids: readonly number[];
  label: number;
}

/** Plain arrays for a batch; tensors are made only when a step runs, so nothing leaks. */
export interface BatchArrays {
  steps: number;
  size: number;
  /** [T, B] time-major token ids, padding with id 0. */
  ids: Int32Array;
  /** [T, B] of 0/1. */
  mask: Float32Array;
  labels: Int32Array;
  lengths: number[];
}

export function packBatch(sequences: readonly EncodedSequence[]): BatchArrays {
  const size = sequences.length;
  const lengths = sequences.map((s) => s.ids.length);
  const steps = Math.max(1, ...lengths);
  const ids = new Int32Array(steps * size);
  const mask = new Float32Array(steps * size);
  sequences.forEach((sequence, b) => {
    sequence.ids.forEach((id, t) => {
      ids[t * size + b] = id;
      mask[t * size + b] = 1;
    });
  });
  return { steps, size, ids, mask, labels: Int32Array.from(sequences, (s) => s.label), lengths };
}

export function batchData(batch: BatchArrays): SequenceData {
  return { steps: batch.steps, batch: batch.size, mask: batch.mask, tokens: batch.ids };
}

/** Shuffled minibatches for one epoch, each padded to its own longest sequence. */
export function epochBatches(
  sequences: readonly EncodedSequence[],
  batchSize: number,
  random: Random,
): BatchArrays[] {
  const order = random.shuffle([...sequences]);
  return inBatches(order, batchSize).map(packBatch);
}

/** In order, for evaluation. */
export function fixedBatches(
  sequences: readonly EncodedSequence[],
  batchSize: number,
): BatchArrays[] {
  return inBatches(sequences, batchSize).map(packBatch);
}
