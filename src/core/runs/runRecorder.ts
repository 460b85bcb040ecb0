import type { EpochFigures, TaskJob } from '../tasks/jobs';
import type { TrainSettings } from '../training/trainer';
import { CurveSampler } from './curveSampler';
import { MAX_RUN_BATCHES, newRun, type RunBatch, type RunRecord, type RunState } from './runRecord';

/** Builds a run's record as its training reports batches and epochs. */
export class RunRecorder {
  readonly run: RunRecord;
  private readonly batches = new CurveSampler<RunBatch>(MAX_RUN_BATCHES);
  private readonly startedMs: number;

  constructor(id: string, name: string, job: TaskJob, settings: TrainSettings, started: Date) {
    this.run = newRun(id, name, job, settings, started);
    this.startedMs = started.getTime();
  }

  private seconds(at: number): number {
    return (at - this.startedMs) / 1000;
  }

  batch(progress: number, loss: number, at: number): void {
    this.batches.add({ progress, seconds: this.seconds(at), loss });
    this.run.batches = this.batches.points;
  }

  epoch(figures: EpochFigures, at: number): void {
    this.run.epochs.push({
      epoch: figures.epoch,
      seconds: this.seconds(at),
      trainLoss: figures.trainLoss,
      heldOutLoss: figures.heldOutLoss,
      heldOutAccuracy: figures.heldOutAccuracy,
      headline: figures.headline,
      ...(figures.scoredOnTraining ? { scoredOnTraining: true } : {}),
    });
  }

  end(state: Exclude<RunState, 'running'>, at: Date, modelFile?: string): void {
    this.run.state = state;
    this.run.endedAt = at.toISOString();
    if (modelFile) this.run.modelFile = modelFile;
  }
}
