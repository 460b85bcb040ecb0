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

export type ControlTraining = { type: 'stop' } | { type: 'pause' } | { type: 'resume' };

export type HostToWorker = StartTraining | ControlTraining;

export interface EpochSummary {
  epoch: number;
  epochs: number;
  trainLoss: number;
  trainAccuracy: number;
  heldOutLoss: number;
  heldOutAccuracy: number;
  macroAccuracy: number;
  sequencesPerSecond: number;
  /** confusion[actual][predicted] on the held-out split. */
  confusion: number[][];
  /** Predicted class of every held-out name, in the data set's order. */
  predictions: number[];
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
      learningRate: number;
      sequencesPerSecond: number;
      stepGradNorms: number[];
      paramGradNorms: Record<string, number>;
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
