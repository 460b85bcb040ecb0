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

/**
 * Names shuffled, then sorted by length within pools of this many batches: each batch holds
 * names of about one length, so almost no step is padding (PyTorch's packed sequences skip it
 * too), while batches still mix names from across the data set.
 */
const BUCKET_POOL_BATCHES = 16;

/** Batches of items of similar length, in random order; the same items every epoch. */
export function bucketedBatches<T>(
  items: readonly T[],
  batchSize: number,
  random: Random,
  length: (item: T) => number,
): T[][] {
  const order = random.shuffle([...items]);
  const batches: T[][] = [];
  for (const pool of inBatches(order, batchSize * BUCKET_POOL_BATCHES)) {
    batches.push(
      ...inBatches(
        pool.sort((a, b) => length(a) - length(b)),
        batchSize,
      ),
    );
  }
  return random.shuffle(batches);
}

/** In order, for evaluation. */
export function fixedBatches(
  sequences: readonly EncodedSequence[],
  batchSize: number,
): BatchArrays[] {
  return inBatches(sequences, batchSize).map(packBatch);
}
