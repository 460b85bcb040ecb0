import { epochBatches, type EncodedSequence } from '../data/batches';
import type { ModelConfig } from '../model/config';
import { SequenceModel } from '../model/sequenceModel';
import { Random } from '../random';
import { evaluateClassifier, type Evaluation } from './evaluate';
import { createOptimizer, type OptimizerSettings } from './optimizers';
import { trainStep, type StepResult } from './step';
import { WeightAverage } from './weightAverage';

/** `cosine` anneals the learning rate to zero over the run, batch by batch. */
export type LearningRateSchedule = 'constant' | 'cosine';

export interface TrainSettings {
  epochs: number;
  schedule: LearningRateSchedule;
  batchSize: number;
  optimizer: OptimizerSettings;
  clipNorm: number;
  seed: number;
  recordGradients: boolean;
  /**
   * Decay of an exponential moving average of the weights (Polyak averaging), 0 to turn it off.
   * Evaluation and the returned model use the averaged weights, which are less noisy than the
   * last step's.
   */
  weightAveraging?: number;
}

export interface BatchProgress {
  learningRate: number;
  epoch: number;
  batch: number;
  batches: number;
  step: StepResult;
  /** Training throughput so far, excluding evaluation. */
  sequencesPerSecond: number;
}

export interface EpochReport {
  epoch: number;
  epochs: number;
  trainLoss: number;
  trainAccuracy: number;
  heldOut: Evaluation;
  trainSeconds: number;
  sequencesPerSecond: number;
}

export interface TrainCallbacks {
  onBatch?(progress: BatchProgress): void;
  onEpoch?(report: EpochReport): void;
  /** Checked before every batch; true stops training after the current batch. */
  shouldStop?(): boolean;
  /** Awaited before every batch: resolves at once unless the run is paused. */
  waitIfPaused?(): Promise<void>;
}

export interface TrainOutcome {
  model: SequenceModel;
  history: EpochReport[];
  /** False when stopped early; the model then holds the weights after the last batch. */
  completed: boolean;
  trainSeconds: number;
  sequencesPerSecond: number;
}

export class NonFiniteLossError extends Error {}

export function scheduledRate(settings: TrainSettings, progress: number): number {
  const base = settings.optimizer.learningRate;
  return settings.schedule === 'cosine' ? (base * (1 + Math.cos(Math.PI * progress))) / 2 : base;
}

/** Lets cancellation and progress messages through between batches. */
const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export async function trainClassifier(
  modelConfig: ModelConfig,
  train: readonly EncodedSequence[],
  heldOut: readonly EncodedSequence[],
  settings: TrainSettings,
  callbacks: TrainCallbacks = {},
): Promise<TrainOutcome> {
  const model = SequenceModel.create(modelConfig, settings.seed);
  const optimizer = createOptimizer(settings.optimizer);
  const average = settings.weightAveraging
    ? new WeightAverage(model, settings.weightAveraging)
    : undefined;
  const random = new Random(settings.seed ^ 0x5bd1e995);
  const history: EpochReport[] = [];
  let trainSeconds = 0;
  let trained = 0;
  let completed = true;
  try {
    for (let epoch = 1; epoch <= settings.epochs && completed; epoch++) {
      const batches = epochBatches(train, settings.batchSize, random);
      let lossSum = 0;
      let correct = 0;
      let seen = 0;
      for (let index = 0; index < batches.length; index++) {
        await yieldToEventLoop();
        await callbacks.waitIfPaused?.();
        if (callbacks.shouldStop?.()) {
          completed = false;
          break;
        }
        const batch = batches[index] as (typeof batches)[number];
        const learningRate = scheduledRate(
          settings,
          (epoch - 1 + index / batches.length) / settings.epochs,
        );
        optimizer.setLearningRate(learningRate);
        const started = performance.now();
        const step = trainStep(model, optimizer, batch, settings, random);
        average?.update();
        trainSeconds += (performance.now() - started) / 1000;
        if (!Number.isFinite(step.loss)) {
          throw new NonFiniteLossError(
            `The loss became ${step.loss} at epoch ${epoch}, batch ${index + 1}`,
          );
        }
        trained += batch.size;
        seen += batch.size;
        lossSum += step.loss * batch.size;
        correct += step.correct;
        callbacks.onBatch?.({
          learningRate,
          epoch,
          batch: index + 1,
          batches: batches.length,
          step,
          sequencesPerSecond: trained / Math.max(trainSeconds, 1e-9),
        });
      }
      if (!completed) break;
      const report: EpochReport = {
        epoch,
        epochs: settings.epochs,
        trainLoss: lossSum / Math.max(seen, 1),
        trainAccuracy: correct / Math.max(seen, 1),
        heldOut: average
          ? average.evaluate((m) => evaluateClassifier(m, heldOut))
          : evaluateClassifier(model, heldOut),
        trainSeconds,
        sequencesPerSecond: trained / Math.max(trainSeconds, 1e-9),
      };
      history.push(report);
      callbacks.onEpoch?.(report);
    }
    average?.applyTo(model);
  } catch (error) {
    model.dispose();
    throw error;
  } finally {
    optimizer.dispose();
    average?.dispose();
  }
  return {
    model,
    history,
    completed,
    trainSeconds,
    sequencesPerSecond: trained / Math.max(trainSeconds, 1e-9),
  };
}
