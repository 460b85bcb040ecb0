import {
  batchData,
  bucketedBatches,
  packBatch,
  type BatchArrays,
  type EncodedSequence,
} from '../data/batches';
import type { Random } from '../random';
import { evaluateClassifier, type Evaluation } from './evaluate';
import { crossEntropy } from './loss';
import { countCorrect, type TrainBatch } from './step';
import type { TrainingSource } from './trainer';

/** Many-to-one classification: one label per sequence, cross-entropy on the last state. */
export function classificationBatch(batch: BatchArrays): TrainBatch {
  return {
    data: batchData(batch),
    size: batch.size,
    scored: batch.size,
    loss: (logits) => crossEntropy(logits, batch.labels),
    correct: (logits) => countCorrect(logits, batch.labels),
  };
}

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
    evaluate: (model) => evaluateClassifier(model, heldOut),
  };
}
