import type { TrainingRecord } from '../io/modelFile';
import type { HeldOutScore, TrainOutcome, TrainSettings } from './trainer';

/** How a model was trained, as its manifest records it. */
export function trainingRecord<E extends HeldOutScore>(
  settings: TrainSettings,
  outcome: TrainOutcome<E>,
  backend: string,
): TrainingRecord {
  return {
    epochs: outcome.history.length,
    batchSize: settings.batchSize,
    optimizer: settings.optimizer.name,
    learningRate: settings.optimizer.learningRate,
    clipNorm: settings.clipNorm,
    seed: settings.seed,
    backend,
    trainSeconds: outcome.trainSeconds,
    sequencesPerSecond: outcome.sequencesPerSecond,
    completed: outcome.completed,
  };
}
