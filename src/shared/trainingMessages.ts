/** Messages between the extension host and its training worker thread. */
import type { BackendInfo, BackendPreference } from '../core/backend';
import type { ForecastReport } from '../core/tasks/forecasting';
import type { EpochFigures, TaskJob } from '../core/tasks/jobs';
import type { TrainSettings } from '../core/training/trainer';

export interface StartTraining {
  type: 'start';
  /**
   * Names the run in every message the worker sends about it. The worker stays up between runs,
   * and a start while a run trains stops that run first; its last messages may still arrive.
   */
  run: number;
  wasmDirectory: string;
  backend: BackendPreference;
  job: TaskJob;
  settings: TrainSettings;
  /**
   * 2: the worker starts its helper thread (dist/stepHelper.js) for the steps that pay for it.
   * Absent: one thread.
   */
  threads?: 1 | 2;
  /** Where the worker saves the model when training completes. */
  manifestFile: string;
  /** Where it saves the weights after every epoch, to offer them if the window goes away. */
  checkpointFile: string;
  /** Where it keeps every epoch's weights for the run history (see EpochCheckpointStore). */
  epochDirectory?: string;
}

/** Applies to the run started last. */
export type ControlTraining = { type: 'stop' } | { type: 'pause' } | { type: 'resume' };

/** Start the backend now, before any run: the playground's first Train then finds it ready. */
export interface WarmWorker {
  type: 'warm';
  wasmDirectory: string;
  backend: BackendPreference;
}

export type HostToWorker = StartTraining | ControlTraining | WarmWorker;

export type EpochSummary = EpochFigures;

export type WorkerToHost = WorkerEvent & { run: number };

export type WorkerEvent =
  | { type: 'backend'; info: BackendInfo }
  | {
      type: 'batch';
      epoch: number;
      epochs: number;
      batch: number;
      batches: number;
      loss: number;
      learningRate: number;
      sequencesPerSecond: number;
      /** Scored predictions per second: names, or characters for a next-token model. */
      tokensPerSecond: number;
      stepGradNorms: number[];
      paramGradNorms: Record<string, number>;
    }
  | { type: 'epoch'; summary: EpochSummary }
  | { type: 'checkpoint'; epoch: number }
  | {
      type: 'done';
      completed: boolean;
      manifestFile?: string;
      /** Forecasting: the plot's data, made with the final weights. */
      forecast?: ForecastReport;
      seconds: number;
      sequencesPerSecond: number;
      /** Steps the helper thread took part in (StartTraining.threads 2). */
      helperSteps?: number;
    }
  | { type: 'error'; message: string };
