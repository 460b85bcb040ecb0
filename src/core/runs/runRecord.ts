/**
 * One training run as the run history keeps it: what was trained on what, with which settings,
 * and how every epoch went. Plain JSON, so it can be compared, exported and read back.
 */
import type { EpochFigures, TaskJob, TaskName } from '../tasks/jobs';
import type { TrainSettings } from '../training/trainer';

export const RUN_FORMAT = 'rnn-explorer-run';
export const RUN_FORMAT_VERSION = 1;
/** Loss points kept per run: a smooth curve, and a few kilobytes on disk. */
export const MAX_RUN_BATCHES = 500;

export type RunState = 'running' | 'finished' | 'stopped' | 'failed';
export type HyperValue = string | number | boolean;

export interface RunEpoch {
  epoch: number;
  /** Wall-clock seconds since the run started, when this epoch's evaluation ended. */
  seconds: number;
  trainLoss: number;
  heldOutLoss: number;
  /** NaN (stored as null) for regression. */
  heldOutAccuracy: number;
  headline: EpochFigures['headline'];
  scoredOnTraining?: boolean;
}

export interface RunBatch {
  /** Fractional epoch. */
  progress: number;
  seconds: number;
  loss: number;
}

export interface RunRecord {
  format: typeof RUN_FORMAT;
  version: number;
  id: string;
  /** The user's name for the run; starts as the training's title. */
  name: string;
  task: TaskName;
  /** What it learned from, in words: a data set, a file, a series and its column. */
  data: string;
  /** Every setting that shaped the run, flat, for a table with one column per setting. */
  hyper: Record<string, HyperValue>;
  state: RunState;
  startedAt: string;
  endedAt?: string;
  epochs: RunEpoch[];
  /** The last batch's training loss, downsampled to at most MAX_RUN_BATCHES points. */
  batches: RunBatch[];
  /** The per-batch curve was dropped to keep the history within its size. */
  batchesDropped?: boolean;
  /** The model it produced, if it finished. */
  modelFile?: string;
}

/** The data a job learns from, as a run's table shows it. */
export function describeData(job: TaskJob): string {
  switch (job.task) {
    case 'names':
    case 'name-generation':
      return 'names (18 languages)';
    case 'text':
      return job.sourceName;
    case 'forecast':
      return `${job.series.name}: ${job.series.column}`;
  }
}

/** The model's options and the training settings in one flat record. */
export function hyperParameters(job: TaskJob, settings: TrainSettings): Record<string, HyperValue> {
  const hyper: Record<string, HyperValue> = {};
  for (const [key, value] of Object.entries(job.model))
    if (['string', 'number', 'boolean'].includes(typeof value)) hyper[key] = value as HyperValue;
  return {
    ...hyper,
    epochs: settings.epochs,
    batchSize: settings.batchSize,
    optimizer: settings.optimizer.name,
    learningRate: settings.optimizer.learningRate,
    ...(settings.optimizer.momentum !== undefined ? { momentum: settings.optimizer.momentum } : {}),
    schedule: settings.schedule,
    clipNorm: settings.clipNorm,
    weightAveraging: settings.weightAveraging ?? 0,
    seed: settings.seed,
  };
}

export function newRun(
  id: string,
  name: string,
  job: TaskJob,
  settings: TrainSettings,
  startedAt: Date,
): RunRecord {
  return {
    format: RUN_FORMAT,
    version: RUN_FORMAT_VERSION,
    id,
    name,
    task: job.task,
    data: describeData(job),
    hyper: hyperParameters(job, settings),
    state: 'running',
    startedAt: startedAt.toISOString(),
    epochs: [],
    batches: [],
  };
}

/** The figure a user compares runs by: the last epoch's headline (accuracy, bits/char, RMSE). */
export function finalHeadline(run: RunRecord): RunEpoch['headline'] | undefined {
  return run.epochs[run.epochs.length - 1]?.headline;
}

const TASKS: readonly TaskName[] = ['names', 'text', 'name-generation', 'forecast'];
const STATES: readonly RunState[] = ['running', 'finished', 'stopped', 'failed'];

export class RunFileError extends Error {}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
/** JSON has no NaN: a NaN is written as null and read back as NaN. */
const isFigure = (v: unknown): boolean => v === null || typeof v === 'number';
const figure = (v: unknown): number => (v === null ? Number.NaN : (v as number));

/** Reads a run file's text, or says in a sentence why it is not one this version reads. */
export function parseRun(text: string): RunRecord {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new RunFileError('not valid JSON');
  }
  if (!isObject(raw) || raw.format !== RUN_FORMAT) throw new RunFileError('not a run record');
  if (typeof raw.version !== 'number' || raw.version < 1)
    throw new RunFileError('format version is missing');
  if (raw.version > RUN_FORMAT_VERSION) {
    throw new RunFileError(
      `format version ${raw.version} is newer than this extension reads (${RUN_FORMAT_VERSION})`,
    );
  }
  const strings = ['id', 'name', 'data', 'startedAt'] as const;
  for (const key of strings)
    if (typeof raw[key] !== 'string') throw new RunFileError(`"${key}" must be a string`);
  if (!/^[\w-]{1,80}$/.test(raw.id as string)) throw new RunFileError('the id is not valid');
  if (!TASKS.includes(raw.task as TaskName)) throw new RunFileError('unknown task');
  if (!STATES.includes(raw.state as RunState)) throw new RunFileError('unknown state');
  if (
    !isObject(raw.hyper) ||
    !Object.values(raw.hyper).every((v) => ['string', 'number', 'boolean'].includes(typeof v))
  )
    throw new RunFileError('settings must be plain values by name');
  if (!Array.isArray(raw.epochs) || !Array.isArray(raw.batches))
    throw new RunFileError('epochs and batches must be lists');
  const epochs = raw.epochs.map((e: unknown, i) => {
    if (
      !isObject(e) ||
      typeof e.epoch !== 'number' ||
      typeof e.seconds !== 'number' ||
      !isFigure(e.trainLoss) ||
      !isFigure(e.heldOutLoss) ||
      !isFigure(e.heldOutAccuracy) ||
      !isObject(e.headline) ||
      typeof e.headline.name !== 'string' ||
      typeof e.headline.unit !== 'string' ||
      !isFigure(e.headline.value)
    )
      throw new RunFileError(`epoch ${i + 1} is not valid`);
    return {
      epoch: e.epoch,
      seconds: e.seconds,
      trainLoss: figure(e.trainLoss),
      heldOutLoss: figure(e.heldOutLoss),
      heldOutAccuracy: figure(e.heldOutAccuracy),
      headline: {
        name: e.headline.name,
        unit: e.headline.unit,
        value: figure(e.headline.value),
      },
      ...(e.scoredOnTraining === true ? { scoredOnTraining: true } : {}),
    };
  });
  const batches = raw.batches.map((b: unknown, i) => {
    if (
      !isObject(b) ||
      typeof b.progress !== 'number' ||
      typeof b.seconds !== 'number' ||
      !isFigure(b.loss)
    )
      throw new RunFileError(`batch point ${i + 1} is not valid`);
    return { progress: b.progress, seconds: b.seconds, loss: figure(b.loss) };
  });
  return {
    format: RUN_FORMAT,
    version: raw.version,
    id: raw.id as string,
    name: raw.name as string,
    task: raw.task as TaskName,
    data: raw.data as string,
    hyper: raw.hyper as Record<string, HyperValue>,
    state: raw.state as RunState,
    startedAt: raw.startedAt as string,
    ...(typeof raw.endedAt === 'string' ? { endedAt: raw.endedAt } : {}),
    epochs,
    batches,
    ...(raw.batchesDropped === true ? { batchesDropped: true } : {}),
    ...(typeof raw.modelFile === 'string' ? { modelFile: raw.modelFile } : {}),
  };
}
