/**
 * What the training dashboard, the sidebar, the status bar and the progress notification say,
 * computed in one place so they agree: the epoch counter, each loss's name, and the figures
 * derived from a loss (bits per character, RMSE in the data's units), plus the smoothing and
 * normalisation the dashboard's charts apply. Pure functions, no DOM and no vscode.
 */
import type { EpochFigures, TaskName } from '../core/tasks/jobs';
import { formatHeadline } from './format';

/**
 * "epoch 3/10" always means: epoch 3 of 10 is the one running (or, once the run ends, the last
 * one that ran). Epochs count from 1, as the trainer and the log ("Epoch 3/10: ...") count them.
 */
export function formatEpoch(epoch: number, epochs: number): string {
  return `epoch ${Math.max(1, Math.min(epoch, Math.max(epochs, 1)))}/${epochs}`;
}

/** What each task's training loss is, in words a user can check against a textbook. */
export interface LossKind {
  /** "cross-entropy" or "MSE". */
  name: string;
  /** "nats per name", "nats per character", "normalised units²". */
  unit: string;
  /** An axis label: "cross-entropy (nats per character)". */
  axis: string;
}

export function lossKind(task: TaskName | undefined): LossKind {
  switch (task) {
    case 'forecast':
      return { name: 'MSE', unit: 'normalised', axis: 'MSE (normalised units)' };
    case 'text':
    case 'name-generation':
      return {
        name: 'cross-entropy',
        unit: 'nats per character',
        axis: 'cross-entropy (nats/char)',
      };
    default:
      return { name: 'cross-entropy', unit: 'nats per name', axis: 'cross-entropy (nats/name)' };
  }
}

/**
 * What an epoch's evaluation scored, as a label's first word: "held-out", or "training-lines"
 * where the data was too small to hold any out (the lessons' sentences).
 */
export function evaluatedOn(point: { scoredOnTraining?: boolean } | undefined): string {
  return point?.scoredOnTraining ? 'training-lines' : 'held-out';
}

/** What one unit of a task's throughput is: names, characters, or forecast windows. */
export function throughputUnit(task: TaskName | undefined): { plural: string; short: string } {
  switch (task) {
    case 'text':
    case 'name-generation':
      return { plural: 'characters per second', short: 'chars/s' };
    case 'forecast':
      return { plural: 'windows per second', short: 'windows/s' };
    default:
      return { plural: 'names per second', short: 'names/s' };
  }
}

/** Cross-entropy in nats per character as bits per character. */
export function bitsPerCharacter(nats: number): number {
  return nats / Math.LN2;
}

/**
 * The forecaster trains on the series normalised to mean 0 and standard deviation `std` (of its
 * training part): an MSE in those units is an RMSE of √MSE normalised, and √MSE · std in the
 * data's own units (passengers, °C, ...).
 */
export function rmseFromMse(mse: number, std: number): { normalised: number; inUnits: number } {
  const normalised = Math.sqrt(Math.max(0, mse));
  return { normalised, inUnits: normalised * std };
}

/**
 * TensorBoard's smoothing: an exponential moving average with weight `weight` (0 = none, 0.99 =
 * heavy), debiased so the first points are not pulled towards zero. Non-finite values are kept
 * as they are and do not enter the average.
 */
export function smoothEma(values: readonly number[], weight: number): number[] {
  const w = Math.max(0, Math.min(weight, 0.999));
  let last = 0;
  let count = 0;
  return values.map((value) => {
    if (!Number.isFinite(value)) return value;
    last = last * w + (1 - w) * value;
    count++;
    return w === 0 ? value : last / (1 - Math.pow(w, count));
  });
}

/** Each row as percentages of its total (a row with no examples stays all zero). */
export function rowPercentages(matrix: readonly (readonly number[])[]): number[][] {
  return matrix.map((row) => {
    const total = row.reduce((sum, v) => sum + v, 0);
    return row.map((v) => (total > 0 ? (100 * v) / total : 0));
  });
}

/**
 * Per-class accuracy from confusion[actual][predicted]: the share of each class's examples
 * predicted as that class (the row-normalised diagonal); NaN for a class with no examples.
 */
export function perClassAccuracy(matrix: readonly (readonly number[])[]): number[] {
  return matrix.map((row, a) => {
    const total = row.reduce((sum, v) => sum + v, 0);
    return total > 0 ? (row[a] ?? 0) / total : NaN;
  });
}

/** Macro accuracy: the mean of the per-class accuracies, so every class counts the same. */
export function macroAccuracy(matrix: readonly (readonly number[])[]): number {
  const accuracies = perClassAccuracy(matrix).filter((a) => Number.isFinite(a));
  return accuracies.length ? accuracies.reduce((s, a) => s + a, 0) / accuracies.length : NaN;
}

/** True when every value is the same (within float noise): a constant learning rate. */
export function isConstant(values: readonly number[]): boolean {
  if (values.length === 0) return true;
  const first = values[0] as number;
  return values.every((v) => Math.abs(v - first) <= 1e-12 * Math.max(1, Math.abs(first)));
}

/**
 * The progress notification's line for a batch: "epoch 3/10 · training loss, last batch 0.167 ·
 * 2140 names/s". The status bar, dashboard and sidebar use the same formatEpoch.
 */
export function progressLine(
  task: TaskName | undefined,
  batch: {
    epoch: number;
    epochs: number;
    loss: number;
    sequencesPerSecond: number;
    tokensPerSecond?: number;
  },
): string {
  const speed = throughput(task, batch);
  return (
    `${formatEpoch(batch.epoch, batch.epochs)} · training loss, last batch ${batch.loss.toFixed(3)}` +
    ` · ${Math.round(speed)} ${throughputUnit(task).short}`
  );
}

/** The throughput in the task's own unit (see throughputUnit). */
export function throughput(
  task: TaskName | undefined,
  point: { sequencesPerSecond: number; tokensPerSecond?: number },
): number {
  return (task === 'text' || task === 'name-generation') && point.tokensPerSecond !== undefined
    ? point.tokensPerSecond
    : point.sequencesPerSecond;
}

/**
 * The sidebar's row for a running training, in the progress notification's words: "40% ·
 * training loss, last batch 0.167 · held-out accuracy 72.4% · 2140 names/s".
 */
export function trainingRowDescription(run: {
  task: TaskName;
  fraction: number;
  loss?: number;
  sequencesPerSecond?: number;
  tokensPerSecond?: number;
  history: ReadonlyArray<Pick<EpochFigures, 'headline'>>;
}): string {
  const last = run.history[run.history.length - 1];
  const speed = run.sequencesPerSecond
    ? throughput(run.task, {
        sequencesPerSecond: run.sequencesPerSecond,
        tokensPerSecond: run.tokensPerSecond,
      })
    : undefined;
  return [
    `${Math.round(100 * run.fraction)}%`,
    run.loss !== undefined ? `training loss, last batch ${run.loss.toFixed(3)}` : undefined,
    last ? formatHeadline(last.headline) : undefined,
    speed !== undefined ? `${Math.round(speed)} ${throughputUnit(run.task).short}` : undefined,
  ]
    .filter(Boolean)
    .join(' · ');
}
