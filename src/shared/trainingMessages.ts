/** Messages between the extension host and its training worker thread. */
import type { BackendInfo, BackendPreference } from '../core/backend';
import type { NamesModelOptions } from '../core/tasks/names';
import type { TrainSettings } from '../core/training/trainer';

export interface StartTraining {
  type: 'start';
  dataDirectory: string;
  wasmDirectory: string;
  backend: BackendPreference;
  model: NamesModelOptions;
  settings: TrainSettings;
  /** Where the worker saves the model when training completes. */
  manifestFile: string;
}

export interface StopTraining {
  type: 'stop';
}

export type HostToWorker = StartTraining | StopTraining;

export interface EpochSummary {
  epoch: number;
  epochs: number;
  trainLoss: number;
  trainAccuracy: number;
  heldOutLoss: number;
  heldOutAccuracy: number;
  macroAccuracy: number;
  sequencesPerSecond: number;
}

export type WorkerToHost =
  | { type: 'backend'; info: BackendInfo }
  | {
      type: 'batch';
      epoch: number;
      epochs: number;
      batch: number;
      batches: number;
      loss: number;
      sequencesPerSecond: number;
    }
  | { type: 'epoch'; summary: EpochSummary }
  | {
      type: 'done';
      completed: boolean;
      manifestFile?: string;
      seconds: number;
      sequencesPerSecond: number;
    }
  | { type: 'error'; message: string };
