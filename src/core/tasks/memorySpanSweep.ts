/**
 * The memory-span race: every cell trained on the long-memory task at every span T, for every
 * seed, on the same data and budget; then held-out accuracy against T per cell, as the mean over
 * seeds with its range. Shared by `npm run memory-span` and the `RNN: Memory Span…` worker.
 */
import type { CellType } from '../model/config';
import type { InitOptions } from '../model/params';
import type { TrainSettings } from '../training/trainer';
import { MEMORY_SPAN_DEFAULTS, trainMemorySpan, type SpanResult } from './memorySpan';

export interface SpanSweep {
  cells: CellType[];
  spans: number[];
  seeds: number[];
  hiddenSize: number;
  symbols: number;
  distractors: number;
  trainSize: number;
  /** The seed of each leg replaces `settings.seed` and the data's seed. */
  settings: TrainSettings;
  init: InitOptions;
}

/** One cell at one span, over the seeds: what the plot draws and the table prints. */
export interface SpanSummary {
  cell: CellType;
  span: number;
  /** Held-out accuracy, 0..1: the mean over seeds, and the lowest and highest seed's. */
  mean: number;
  lowest: number;
  highest: number;
  seeds: number;
}

export interface SweepProgress {
  /** Share of the sweep's legs done, 0..1, counting the current leg's batches. */
  fraction: number;
  cell: CellType;
  span: number;
  seed: number;
}

export interface SweepCallbacks {
  onProgress?(progress: SweepProgress): void;
  onResult?(result: SpanResult & { seed: number }): void;
  shouldStop?(): boolean;
}

/** Trains every leg in turn (spans outermost, cells alternating within a span and seed). */
export async function runSpanSweep(
  sweep: SpanSweep,
  callbacks: SweepCallbacks = {},
): Promise<{ results: Array<SpanResult & { seed: number }>; completed: boolean }> {
  const legs = sweep.spans.flatMap((span) =>
    sweep.seeds.flatMap((seed) => sweep.cells.map((cell) => ({ span, seed, cell }))),
  );
  const results: Array<SpanResult & { seed: number }> = [];
  for (const [index, { span, seed, cell }] of legs.entries()) {
    if (callbacks.shouldStop?.()) return { results, completed: false };
    const result = await trainMemorySpan(
      cell,
      sweep.hiddenSize,
      {
        ...MEMORY_SPAN_DEFAULTS,
        symbols: sweep.symbols,
        distractors: sweep.distractors,
        trainSize: sweep.trainSize,
        span,
        seed,
      },
      { ...sweep.settings, seed },
      {
        shouldStop: callbacks.shouldStop,
        onBatch: (p) =>
          callbacks.onProgress?.({
            fraction:
              (index + (p.epoch - 1 + p.batch / p.batches) / sweep.settings.epochs) / legs.length,
            cell,
            span,
            seed,
          }),
      },
      sweep.init,
    );
    if (!result.completed) return { results, completed: false };
    const withSeed = { ...result, seed };
    results.push(withSeed);
    callbacks.onResult?.(withSeed);
  }
  return { results, completed: true };
}

/** Mean, lowest and highest accuracy per cell and span, in the order cells and spans first appear. */
export function summariseSweep(results: readonly SpanResult[]): SpanSummary[] {
  const groups = new Map<string, { cell: CellType; span: number; accuracies: number[] }>();
  for (const r of results) {
    const key = `${r.cell} ${r.span}`;
    const group = groups.get(key) ?? { cell: r.cell, span: r.span, accuracies: [] };
    group.accuracies.push(r.accuracy);
    groups.set(key, group);
  }
  return [...groups.values()].map(({ cell, span, accuracies }) => ({
    cell,
    span,
    mean: accuracies.reduce((a, b) => a + b, 0) / accuracies.length,
    lowest: Math.min(...accuracies),
    highest: Math.max(...accuracies),
    seeds: accuracies.length,
  }));
}
