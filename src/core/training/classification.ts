import {
  batchData,
  bucketedBatches,
  packBatch,
  type BatchArrays,
  type EncodedSequence,
} from '../data/batches';
import type { Random } from '../random';
import { evaluateClassifierStepwise, type Evaluation } from './evaluate';
import { crossEntropy } from './loss';
import { countCorrect, type TrainBatch } from './step';
import type { TrainingSource } from './trainer';

/** Many-to-one classification: one label per sequence, cross-entropy on the last state. */
export function classificationBatch(batch: BatchArrays): TrainBatch {
  return {
    data: batchData(batch),
    size: batch.size,
    scored: batch.size,
    labels: batch.labels,
    loss: (logits) => crossEntropy(logits, batch.labels),
    correct: (logits) => countCorrect(logits, batch.labels),
  };
}

const EVALUATION_BATCH = 128;

export function classificationSource(
  train: readonly EncodedSequence[],
  heldOut: readonly EncodedSequence[],
  batchSize: number,
): TrainingSource<Evaluation> {
  return {
    batches: (random: Random) =>
      bucketedBatches(train, batchSize, random, (s) => s.ids.length).map((sequences) =>
        classificationBatch(packBatch(sequences)),
      ),
    // Batches of 128 keep each step of the evaluation near 30 ms: the longest a stop waits.
    evaluate: (model, between) =>
      evaluateClassifierStepwise(model, heldOut, between, EVALUATION_BATCH),
  };
}
