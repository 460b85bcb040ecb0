import type { TrainingRecord } from '../io/modelFile';
import type { ManifestInfo } from '../io/modelFile';
import type { HeldOutScore, TrainCallbacks, TrainOutcome, TrainSettings } from './trainer';

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

/** Checkpoints of this run carry `info`, which the task knows before training starts. */
export function withCheckpointInfo<E extends HeldOutScore>(
  callbacks: TrainCallbacks<E>,
  info: ManifestInfo,
): TrainCallbacks<E> {
  const { onCheckpoint } = callbacks;
  return onCheckpoint
    ? { ...callbacks, onCheckpoint: (model, epoch) => onCheckpoint(model, epoch, info) }
    : callbacks;
}
