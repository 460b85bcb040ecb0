/**
 * Every task behind one call, so the CLI and the extension's training worker run exactly the
 * same training for a given request.
 */
import type { ManifestInfo } from '../io/modelFile';
import type { SequenceModel } from '../model/sequenceModel';
import type { NextTokenScore } from '../training/nextToken';
import type { BatchProgress, EpochReport, HeldOutScore, TrainSettings } from '../training/trainer';
import {
  forecastScale,
  trainForecaster,
  type ForecastOptions,
  type ForecastReport,
  type ForecastScore,
} from './forecasting';
import { trainTextModel, type TextCorpus, type TextModelOptions } from './languageModel';
import { trainNameGenerator, type NameGenerationOptions } from './nameGeneration';
import { NAMES_TASK, trainNames, type NamesModelOptions } from './names';

export type TaskJob =
  | { task: 'names'; dataDirectory: string; model: NamesModelOptions }
  | { task: 'text'; corpus: TextCorpus; sourceName: string; model: TextModelOptions }
  | { task: 'name-generation'; dataDirectory: string; model: NameGenerationOptions }
  | {
      task: 'forecast';
      series: { name: string; column: string; values: number[]; times?: string[] };
      model: ForecastOptions;
    };

export type TaskName = TaskJob['task'];

export const TASK_TITLES: Record<TaskName, string> = {
  names: 'name classifier',
  text: 'text model',
  'name-generation': 'name generator',
  forecast: 'forecaster',
};

/** An epoch in words any task shares: losses, and the task's own headline figure. */
export interface EpochFigures {
  epoch: number;
  epochs: number;
  trainLoss: number;
  trainAccuracy: number;
  heldOutLoss: number;
  /** Classification accuracy, next-character accuracy, or NaN for regression. */
  heldOutAccuracy: number;
  macroAccuracy: number;
  /** The figure a user watches: accuracy, bits per character, or RMSE. */
  headline: { name: string; value: number; unit: string };
  sequencesPerSecond: number;
  /** Scored predictions per second: names (classifier), characters (text, name generation), 0 (forecast). */
  tokensPerSecond?: number;
  /**
   * Forecasting: the normalisation the losses are in. An MSE of m is an RMSE of √m · std in
   * `unit`, the data's own units (e.g. passengers).
   */
  scale?: { std: number; unit: string };
  confusion: number[][];
  predictions: number[];
  /**
   * Set when the evaluation scored the training data itself, not held-out data: the lessons'
   * sentences are too few to hold any out (evaluatedOn in src/shared/trainingFigures.ts).
   */
  scoredOnTraining?: boolean;
}

export interface JobCallbacks {
  shouldStop?(): boolean;
  waitIfPaused?(): Promise<void>;
  onBatch?(progress: BatchProgress): void;
  onEpoch?(figures: EpochFigures): void;
  /** After every epoch: the weights so far and the manifest info to save them with. */
  onCheckpoint?(model: SequenceModel, epoch: number, info?: ManifestInfo): void;
}

export interface JobResult {
  model: SequenceModel;
  info: ManifestInfo;
  completed: boolean;
  trainSeconds: number;
  sequencesPerSecond: number;
  /** Steps a helper thread took part in. */
  helperSteps: number;
  history: EpochFigures[];
  forecast?: ForecastReport;
}

interface Report<E extends HeldOutScore> {
  epoch: number;
  epochs: number;
  trainLoss: number;
  trainAccuracy: number;
  heldOut: E;
  sequencesPerSecond: number;
  tokensPerSecond: number;
}

function figures<E extends HeldOutScore>(
  report: Report<E>,
  details: Pick<EpochFigures, 'heldOutAccuracy' | 'macroAccuracy' | 'headline'> &
    Partial<Pick<EpochFigures, 'confusion' | 'predictions' | 'scale'>>,
): EpochFigures {
  return {
    epoch: report.epoch,
    epochs: report.epochs,
    trainLoss: report.trainLoss,
    trainAccuracy: report.trainAccuracy,
    heldOutLoss: report.heldOut.loss,
    sequencesPerSecond: report.sequencesPerSecond,
    tokensPerSecond: report.tokensPerSecond,
    confusion: [],
    predictions: [],
    ...details,
  };
}

const nextTokenFigures = (r: Report<NextTokenScore>): EpochFigures =>
  figures(r, {
    heldOutAccuracy: r.heldOut.accuracy,
    macroAccuracy: NaN,
    headline: { name: 'held-out bits per character', value: r.heldOut.bitsPerToken, unit: 'bits' },
  });

/** The sentences are scored on the lines they trained on, and say so. */
const onTrainingLines =
  <R>(convert: (report: R) => EpochFigures) =>
  (report: R): EpochFigures => {
    const figures = convert(report);
    return {
      ...figures,
      headline: { ...figures.headline, name: 'bits per character on the training lines' },
      scoredOnTraining: true,
    };
  };

const forecastFigures =
  (scale: { std: number; unit: string }) =>
  (r: Report<ForecastScore>): EpochFigures =>
    figures(r, {
      heldOutAccuracy: NaN,
      macroAccuracy: NaN,
      headline: { name: 'test RMSE', value: r.heldOut.rmse, unit: scale.unit },
      scale,
    });

export async function runJob(
  job: TaskJob,
  settings: TrainSettings,
  backend: string,
  callbacks: JobCallbacks = {},
): Promise<JobResult> {
  const { shouldStop, waitIfPaused, onBatch, onEpoch, onCheckpoint } = callbacks;
  const common = { shouldStop, waitIfPaused, onBatch, onCheckpoint };
  const collect = <R>(
    convert: (report: R) => EpochFigures,
  ): { history: EpochFigures[]; onEpoch: (report: R) => void } => {
    const history: EpochFigures[] = [];
    return {
      history,
      onEpoch: (report) => {
        const converted = convert(report);
        history.push(converted);
        onEpoch?.(converted);
      },
    };
  };
  const finish = (
    outcome: {
      model: SequenceModel;
      completed: boolean;
      trainSeconds: number;
      sequencesPerSecond: number;
      helperSteps: number;
    },
    info: ManifestInfo,
    history: EpochFigures[],
    forecast?: ForecastReport,
  ): JobResult => ({
    model: outcome.model,
    info,
    completed: outcome.completed,
    trainSeconds: outcome.trainSeconds,
    sequencesPerSecond: outcome.sequencesPerSecond,
    helperSteps: outcome.helperSteps,
    history,
    forecast,
  });
  switch (job.task) {
    case NAMES_TASK: {
      const c = collect((r: EpochReport) =>
        figures(r, {
          heldOutAccuracy: r.heldOut.accuracy,
          macroAccuracy: r.heldOut.macroAccuracy,
          headline: { name: 'held-out accuracy', value: r.heldOut.accuracy, unit: '%' },
          confusion: r.heldOut.confusion,
          predictions: Array.from(r.heldOut.predictions),
        }),
      );
      const { outcome, info } = await trainNames(job.dataDirectory, job.model, settings, backend, {
        ...common,
        onEpoch: c.onEpoch,
      });
      return finish(outcome, info, c.history);
    }
    case 'text': {
      const c = collect(
        job.corpus.kind === 'sentences' ? onTrainingLines(nextTokenFigures) : nextTokenFigures,
      );
      const { outcome, info } = await trainTextModel(
        job.corpus,
        job.sourceName,
        job.model,
        settings,
        backend,
        { ...common, onEpoch: c.onEpoch },
      );
      return finish(outcome, info, c.history);
    }
    case 'name-generation': {
      const c = collect(nextTokenFigures);
      const { outcome, info } = await trainNameGenerator(
        job.dataDirectory,
        job.model,
        settings,
        backend,
        {
          ...common,
          onEpoch: c.onEpoch,
        },
      );
      return finish(outcome, info, c.history);
    }
    case 'forecast': {
      const series = { ...job.series, values: Float64Array.from(job.series.values) };
      const c = collect(forecastFigures(forecastScale(series, job.model)));
      const { outcome, info, report } = await trainForecaster(
        series,
        job.model,
        settings,
        backend,
        {
          ...common,
          onEpoch: c.onEpoch,
        },
      );
      return finish(outcome, info, c.history, report);
    }
  }
}
