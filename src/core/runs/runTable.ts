/**
 * Runs as a table, one row per run, in the way TensorBoard's HParams view shows them: the
 * settings, then the final figures. The same rows go to CSV; the JSON export keeps everything.
 */
import { csvFormat } from 'd3-dsv';
import type { HyperValue, RunRecord } from './runRecord';

export interface RunRow {
  id: string;
  name: string;
  task: string;
  data: string;
  state: string;
  startedAt: string;
  /** Wall-clock seconds to the last epoch's evaluation. */
  seconds: number | null;
  epochs: number;
  /** The last epoch's held-out loss, and its headline by name ("held-out accuracy", ...). */
  heldOutLoss: number | null;
  headlineName: string;
  headline: number | null;
  hyper: Record<string, HyperValue>;
}

const finite = (x: number | undefined): number | null =>
  x !== undefined && Number.isFinite(x) ? x : null;

export function runRow(run: RunRecord): RunRow {
  const last = run.epochs[run.epochs.length - 1];
  return {
    id: run.id,
    name: run.name,
    task: run.task,
    data: run.data,
    state: run.state,
    startedAt: run.startedAt,
    seconds: finite(last?.seconds),
    epochs: run.epochs.length,
    heldOutLoss: finite(last?.heldOutLoss),
    headlineName: last?.headline.name ?? '',
    headline: finite(last?.headline.value),
    hyper: run.hyper,
  };
}

/** Every setting any of the runs has, in a stable order. */
export function hyperColumns(runs: readonly RunRecord[]): string[] {
  return [...new Set(runs.flatMap((run) => Object.keys(run.hyper)))].sort();
}

const FIXED = [
  'name',
  'task',
  'data',
  'state',
  'startedAt',
  'seconds',
  'epochs',
  'heldOutLoss',
  'headlineName',
  'headline',
] as const;

/** A run's missing setting is an empty cell; a missing figure (a NaN) too. */
export function runsCsv(runs: readonly RunRecord[]): string {
  const hyper = hyperColumns(runs);
  const rows = runs.map((run) => {
    const row = runRow(run);
    const cells: Record<string, string | number | boolean | null> = {};
    for (const key of FIXED) cells[key] = row[key];
    for (const key of hyper) cells[key] = row.hyper[key] ?? null;
    return cells;
  });
  return csvFormat(rows, [...FIXED, ...hyper]) + '\n';
}

export const RUNS_EXPORT_FORMAT = 'rnn-explorer-runs';

/** Everything: settings, every epoch and the sampled per-batch curve. NaN is written as null. */
export function runsJson(runs: readonly RunRecord[]): string {
  return JSON.stringify({ format: RUNS_EXPORT_FORMAT, version: 1, runs }, null, 2) + '\n';
}
