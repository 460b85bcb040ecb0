/**
 * Messages between the extension host and its race worker, which trains the cells against each
 * other off the host's main thread: the memory-span sweep, or one task's job once per cell.
 */
import type { BackendPreference } from '../core/backend';
import type { CellType } from '../core/model/config';
import type { SpanResult } from '../core/tasks/memorySpan';
import type { SpanSweep, SweepProgress } from '../core/tasks/memorySpanSweep';
import type { EpochFigures, TaskJob } from '../core/tasks/jobs';
import type { TrainSettings } from '../core/training/trainer';

interface Backend {
  wasmDirectory: string;
  backend: BackendPreference;
}

export type StartRace =
  | (Backend & { type: 'span-sweep'; sweep: SpanSweep })
  /** The same job and settings for each cell in turn: only `job.model.cell` changes. */
  | (Backend & { type: 'cells'; job: TaskJob; cells: CellType[]; settings: TrainSettings });

export type HostToRace = StartRace | { type: 'stop' };

export type RaceToHost =
  | { type: 'sweep-progress'; progress: SweepProgress }
  | { type: 'span-result'; result: SpanResult & { seed: number } }
  | { type: 'cell-start'; cell: CellType }
  | {
      type: 'cell-batch';
      cell: CellType;
      /** Fractional epochs done, and the batch's loss. */
      progress: number;
      loss: number;
    }
  | { type: 'cell-epoch'; cell: CellType; figures: EpochFigures }
  | { type: 'cell-end'; cell: CellType; completed: boolean }
  | { type: 'done'; completed: boolean; seconds: number }
  | { type: 'error'; message: string };
