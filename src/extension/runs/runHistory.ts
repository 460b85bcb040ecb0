import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { EpochCheckpointStore, type EpochCheckpoint } from '../../core/runs/epochCheckpoints';
import type { RunRecord, RunState } from '../../core/runs/runRecord';
import { RunRecorder } from '../../core/runs/runRecorder';
import { RunStore, type Eviction } from '../../core/runs/runStore';
import type { EpochFigures, TaskJob } from '../../core/tasks/jobs';
import type { TrainSettings } from '../../core/training/trainer';
import { plural } from '../modelChoice';

/**
 * Every training run of every task, kept in the extension's storage across reloads. The store
 * keeps it within its bounds; this says so when it drops anything.
 */
export class RunHistory implements vscode.Disposable {
  private readonly store: RunStore;
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  /** Problem files already reported, so each is logged once. */
  private readonly reported = new Set<string>();

  private readonly epochs: EpochCheckpointStore;

  /**
   * `epochsKept`: how many of the newest runs keep every epoch's weights (0: none). Read when a
   * run starts and ends, so a change to the setting applies from the next run.
   */
  constructor(
    directory: string,
    private readonly log: vscode.LogOutputChannel,
    private readonly epochsKept: () => number,
  ) {
    this.store = new RunStore(directory);
    this.epochs = new EpochCheckpointStore(path.join(directory, 'epochs'));
  }

  runs(): RunRecord[] {
    const { runs, problems } = this.store.list();
    for (const problem of problems) {
      if (this.reported.has(problem)) continue;
      this.reported.add(problem);
      this.log.warn(`Run history: ${problem}`);
    }
    return runs;
  }

  get(id: string): RunRecord | undefined {
    return this.store.get(id);
  }

  begin(name: string, job: TaskJob, settings: TrainSettings): RunRecorder {
    const started = new Date();
    const id = `${started.toISOString().replace(/[:.]/g, '-')}-${randomBytes(3).toString('hex')}`;
    const recorder = new RunRecorder(id, name, job, settings, started);
    this.save(recorder.run);
    return recorder;
  }

  epoch(recorder: RunRecorder, figures: EpochFigures): void {
    recorder.epoch(figures, Date.now());
    this.save(recorder.run);
  }

  end(recorder: RunRecorder, state: Exclude<RunState, 'running'>, modelFile?: string): void {
    recorder.end(state, new Date(), modelFile);
    this.save(recorder.run);
    this.pruneEpochs();
  }

  /** Where the worker saves this run's weights after each epoch; none when no run keeps them. */
  epochDirectory(recorder: RunRecorder): string | undefined {
    return this.epochsKept() > 0 ? this.epochs.directoryOf(recorder.run.id) : undefined;
  }

  /** The epochs kept of the run that produced this model file, oldest first; undefined when no run made it. */
  checkpointsFor(modelFile: string): EpochCheckpoint[] | undefined {
    const run = this.runs().find((r) => r.modelFile === modelFile);
    return run ? this.epochs.list(run.id) : undefined;
  }

  /** Runs that were still running when the window went away: they stopped there. */
  markInterrupted(): void {
    for (const run of this.runs().filter((r) => r.state === 'running')) {
      this.save({ ...run, state: 'stopped', endedAt: new Date().toISOString() });
      this.log.info(`Run history: "${run.name}" was interrupted; recorded as stopped`);
    }
  }

  rename(id: string, name: string): void {
    this.store.rename(id, name);
    this.changed.fire();
  }

  remove(ids: readonly string[]): void {
    for (const id of ids) this.store.remove(id);
    this.pruneEpochs();
    this.changed.fire();
  }

  /** Only the newest runs keep their epochs; a run removed from the history loses them too. */
  private pruneEpochs(): void {
    const runs = this.runs();
    const keep = runs.slice(Math.max(0, runs.length - this.epochsKept())).map((run) => run.id);
    try {
      const dropped = this.epochs.keepOnly(new Set(keep));
      if (dropped.length)
        this.log.info(`Run history: removed the epoch weights of ${dropped.join(', ')}`);
    } catch (error) {
      this.log.error(`Run history: could not prune epoch weights: ${(error as Error).message}`);
    }
  }

  private save(run: RunRecord): void {
    try {
      this.tell(this.store.save(run));
    } catch (error) {
      // The history is a record, not the training: a full disk must not stop a run.
      this.log.error(`Run history: could not save "${run.name}": ${(error as Error).message}`);
    }
    this.changed.fire();
  }

  private tell({ curvesDropped, removed }: Eviction): void {
    if (curvesDropped.length === 0 && removed.length === 0) return;
    const parts = [
      curvesDropped.length
        ? `dropped the per-batch loss curves of the ${plural(curvesDropped.length, 'oldest run')} (their epochs and results stay)`
        : undefined,
      removed.length ? `removed the ${plural(removed.length, 'oldest run')}` : undefined,
    ].filter(Boolean);
    const message = `The run history is full: it ${parts.join(' and ')}.`;
    this.log.info(
      `Run history: ${message} Curves dropped: ${curvesDropped.join(', ') || 'none'}; removed: ${removed.join(', ') || 'none'}`,
    );
    void vscode.window.showInformationMessage(`RNN Explorer: ${message}`);
  }

  dispose(): void {
    this.changed.dispose();
  }
}
