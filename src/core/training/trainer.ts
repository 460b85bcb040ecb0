import type { EncodedSequence } from '../data/batches';
import type { ManifestInfo } from '../io/modelFile';
import type { ModelConfig } from '../model/config';
import type { LayerState } from '../model/recurrentStack';
import { SequenceModel } from '../model/sequenceModel';
import { Random } from '../random';
import { classificationSource } from './classification';
import type { Evaluation } from './evaluate';
import { createOptimizer, type OptimizerSettings } from './optimizers';
import { trainStep, type StepResult, type TrainBatch } from './step';
import { helperServes } from './kernelStep';
import { StepHelper } from './stepHelper';
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
  /**
   * The file of the training helper thread (dist/stepHelper.js, or scripts/stepHelper.dev.mjs
   * under tsx): with it, classification steps split each batch across two threads. Absent: one.
   */
  helperThread?: string;
}

export interface BatchProgress {
  learningRate: number;
  epoch: number;
  batch: number;
  batches: number;
  step: StepResult;
  /** Training throughput so far, excluding evaluation. */
  sequencesPerSecond: number;
  /** Scored predictions per second so far: names for a classifier, characters for a next-token model, 0 for regression. */
  tokensPerSecond: number;
}

/** What any task's held-out evaluation reports: at least a loss. */
export interface HeldOutScore {
  loss: number;
}

export interface EpochReport<E extends HeldOutScore = Evaluation> {
  epoch: number;
  epochs: number;
  trainLoss: number;
  /** Share of right arg-max predictions; NaN for regression. */
  trainAccuracy: number;
  heldOut: E;
  trainSeconds: number;
  sequencesPerSecond: number;
  /** As BatchProgress.tokensPerSecond, over the run so far. */
  tokensPerSecond: number;
}

export interface TrainCallbacks<E extends HeldOutScore = Evaluation> {
  onBatch?(progress: BatchProgress): void;
  onEpoch?(report: EpochReport<E>): void;
  /** Checked before every batch; true stops training after the current batch. */
  shouldStop?(): boolean;
  /** Awaited before every batch: resolves at once unless the run is paused. */
  waitIfPaused?(): Promise<void>;
  /**
   * After every epoch, with the weights its evaluation used: a checkpoint to keep. Tasks add
   * the manifest info they know before training (see withCheckpointInfo).
   */
  onCheckpoint?(model: SequenceModel, epoch: number, info?: ManifestInfo): void;
}

/** A task's data: an epoch's batches in training order, and how to score held-out data. */
export interface TrainingSource<E extends HeldOutScore> {
  batches(random: Random, epoch: number): TrainBatch[];
  /**
   * A long evaluation may await `between` between its batches: it rejects once the run is
   * stopped, so a stop need not wait for the whole held-out set.
   */
  evaluate(model: SequenceModel, between: () => Promise<void>): E | Promise<E>;
}

export interface TrainOutcome<E extends HeldOutScore = Evaluation> {
  model: SequenceModel;
  history: EpochReport<E>[];
  /** False when stopped early; the model then holds the weights after the last batch. */
  completed: boolean;
  trainSeconds: number;
  sequencesPerSecond: number;
  /** Steps a helper thread took part in (TrainSettings.helperThread); 0 on one thread. */
  helperSteps: number;
}

export class NonFiniteLossError extends Error {}

export function scheduledRate(settings: TrainSettings, progress: number): number {
  const base = settings.optimizer.learningRate;
  return settings.schedule === 'cosine' ? (base * (1 + Math.cos(Math.PI * progress))) / 2 : base;
}

/** Lets cancellation and progress messages through between batches. */
const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** The run was stopped during a held-out evaluation: its score would go unread. */
class EvaluationStopped extends Error {}

export function trainClassifier(
  modelConfig: ModelConfig,
  train: readonly EncodedSequence[],
  heldOut: readonly EncodedSequence[],
  settings: TrainSettings,
  callbacks: TrainCallbacks = {},
): Promise<TrainOutcome> {
  return trainModel(
    SequenceModel.create(modelConfig, settings.seed),
    classificationSource(train, heldOut, settings.batchSize),
    settings,
    callbacks,
  );
}

/** Trains `model` in place (it is disposed if training fails) and returns it with its history. */
export async function trainModel<E extends HeldOutScore>(
  model: SequenceModel,
  source: TrainingSource<E>,
  settings: TrainSettings,
  callbacks: TrainCallbacks<E> = {},
): Promise<TrainOutcome<E>> {
  const optimizer = createOptimizer(settings.optimizer);
  const average = settings.weightAveraging
    ? new WeightAverage(model, settings.weightAveraging)
    : undefined;
  const random = new Random(settings.seed ^ 0x5bd1e995);
  let helper: StepHelper | undefined;
  const history: EpochReport<E>[] = [];
  let trainSeconds = 0;
  let trained = 0;
  let trainedTokens = 0;
  let completed = true;
  const betweenEvaluationBatches = async (): Promise<void> => {
    await yieldToEventLoop();
    if (callbacks.shouldStop?.()) throw new EvaluationStopped();
  };
  try {
    // Started inside the try, so a helper that cannot start disposes the model as any failure
    // does; not started at all for a model whose steps it cannot take part in.
    if (settings.helperThread && helperServes(model.config))
      helper = await StepHelper.start(settings.helperThread);
    for (let epoch = 1; epoch <= settings.epochs && completed; epoch++) {
      const batches = source.batches(random, epoch);
      let lossSum = 0;
      let correct = 0;
      let scored = 0;
      let seen = 0;
      let carried: LayerState[] | undefined;
      for (let index = 0; index < batches.length; index++) {
        await yieldToEventLoop();
        await callbacks.waitIfPaused?.();
        if (callbacks.shouldStop?.()) {
          completed = false;
          break;
        }
        const batch = batches[index] as TrainBatch;
        const learningRate = scheduledRate(
          settings,
          (epoch - 1 + index / batches.length) / settings.epochs,
        );
        optimizer.setLearningRate(learningRate);
        const started = performance.now();
        const initial = batch.continues ? carried : undefined;
        const step = trainStep(model, optimizer, batch, settings, random, initial, helper);
        carried = step.finalStates;
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
        scored += batch.scored ?? 0;
        trainedTokens += batch.scored ?? 0;
        callbacks.onBatch?.({
          learningRate,
          epoch,
          batch: index + 1,
          batches: batches.length,
          step,
          sequencesPerSecond: trained / Math.max(trainSeconds, 1e-9),
          tokensPerSecond: trainedTokens / Math.max(trainSeconds, 1e-9),
        });
      }
      if (!completed) break;
      const evaluate = async (m: SequenceModel): Promise<E> => {
        const evaluation = await source.evaluate(m, betweenEvaluationBatches);
        callbacks.onCheckpoint?.(m, epoch);
        return evaluation;
      };
      let heldOut: E;
      try {
        heldOut = await (average ? average.evaluate(evaluate) : evaluate(model));
      } catch (error) {
        if (!(error instanceof EvaluationStopped)) throw error;
        completed = false;
        break;
      }
      const report: EpochReport<E> = {
        epoch,
        epochs: settings.epochs,
        trainLoss: lossSum / Math.max(seen, 1),
        trainAccuracy: scored > 0 ? correct / scored : NaN,
        heldOut,
        trainSeconds,
        sequencesPerSecond: trained / Math.max(trainSeconds, 1e-9),
        tokensPerSecond: trainedTokens / Math.max(trainSeconds, 1e-9),
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
    await helper?.dispose();
  }
  return {
    model,
    history,
    completed,
    trainSeconds,
    sequencesPerSecond: trained / Math.max(trainSeconds, 1e-9),
    helperSteps: helper?.steps ?? 0,
  };
}
