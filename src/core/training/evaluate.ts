import { fixedBatches, batchData, type EncodedSequence } from '../data/batches';
import { infer } from '../model/inference';
import type { SequenceModel } from '../model/sequenceModel';
import { classificationMetrics, type ClassificationMetrics } from './metrics';

export interface Evaluation extends ClassificationMetrics {
  loss: number;
  predictions: Int32Array;
}

/** Held-out loss, accuracy, macro accuracy and confusion matrix of a `last`-head classifier. */
export function evaluateClassifier(
  model: SequenceModel,
  sequences: readonly EncodedSequence[],
  batchSize = 512,
): Evaluation {
  const steps = evaluationSteps(model, sequences, batchSize);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * The same evaluation, awaiting `between` after each batch: a training run lets its stop
 * through there (the playground's restart must not wait for a score nobody will read).
 */
export async function evaluateClassifierStepwise(
  model: SequenceModel,
  sequences: readonly EncodedSequence[],
  between: () => Promise<void>,
  batchSize = 512,
): Promise<Evaluation> {
  const steps = evaluationSteps(model, sequences, batchSize);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    await between();
  }
}

function* evaluationSteps(
  model: SequenceModel,
  sequences: readonly EncodedSequence[],
  batchSize: number,
): Generator<void, Evaluation> {
  const classes = model.config.outputSize;
  const predictions = new Int32Array(sequences.length);
  let lossSum = 0;
  let offset = 0;
  for (const batch of fixedBatches(sequences, batchSize)) {
    const { probabilities } = infer(model, batchData(batch));
    for (let b = 0; b < batch.size; b++) {
      let best = 0;
      for (let c = 1; c < classes; c++) {
        if (
          (probabilities[b * classes + c] as number) > (probabilities[b * classes + best] as number)
        )
          best = c;
      }
      predictions[offset + b] = best;
      const p = probabilities[b * classes + (batch.labels[b] as number)] as number;
      lossSum -= Math.log(Math.max(p, 1e-12));
    }
    offset += batch.size;
    yield;
  }
  const metrics = classificationMetrics(
    sequences.map((s) => s.label),
    predictions,
    classes,
  );
  return { ...metrics, loss: sequences.length > 0 ? lossSum / sequences.length : 0, predictions };
}
