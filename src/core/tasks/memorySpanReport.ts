/**
 * What the memory-span view shows: the sweep's summary so far, chance, its settings in words,
 * and what the measured result says, in sentences computed from the measurements.
 */
import { CELL_LABELS, type CellType } from '../model/config';
import type { SpanSummary, SpanSweep } from './memorySpanSweep';

export interface SpanReport {
  cells: CellType[];
  spans: number[];
  /** 1 / symbols, as a share. */
  chance: number;
  summary: SpanSummary[];
  /** The settings every cell shared, in words. */
  settings: string;
  trained: number;
  /** Trainings in the whole sweep: cells x spans x seeds. */
  trainings: number;
  state: 'running' | 'finished' | 'stopped';
  /** What the measurements show, computed from them; empty until the sweep finished. */
  finding: string;
}

/** A cell "holds" a span when its mean accuracy is at least halfway from chance to 100 %. */
export function holdsThreshold(chance: number): number {
  return (1 + chance) / 2;
}

/**
 * How far a cell held: on average (`mean`), the longest span T such that it holds every span up to
 * T; on its best seed (`highest`), the longest span where any seed held. 0 when none.
 */
export function longestHeld(
  summary: readonly SpanSummary[],
  cell: CellType,
  chance: number,
  by: 'mean' | 'highest' = 'mean',
): number {
  const threshold = holdsThreshold(chance);
  const spans = summary.filter((x) => x.cell === cell).sort((a, b) => a.span - b.span);
  if (by === 'highest')
    return Math.max(0, ...spans.filter((s) => s.highest >= threshold).map((s) => s.span));
  let longest = 0;
  for (const s of spans) {
    if (s.mean < threshold) break;
    longest = s.span;
  }
  return longest;
}

const cellName = (cell: CellType): string => (cell === 'rnn' ? 'vanilla RNN' : CELL_LABELS[cell]);

/** One sentence: how far each cell held, on average and on its best seed, from the measurements. */
export function measuredFinding(
  report: Pick<SpanReport, 'cells' | 'spans' | 'summary' | 'chance'>,
): string {
  const last = Math.max(...report.spans);
  const threshold = (100 * holdsThreshold(report.chance)).toFixed(1).replace(/\.0$/, '');
  const seeds = Math.max(1, ...report.summary.map((s) => s.seeds));
  const reach = (span: number): string =>
    span === 0 ? 'no span' : span === last ? `every span to T = ${last}` : `up to T = ${span}`;
  const parts = report.cells.map((cell) => {
    const mean = reach(longestHeld(report.summary, cell, report.chance));
    if (seeds === 1) return `the ${cellName(cell)} held ${mean}`;
    const best = reach(longestHeld(report.summary, cell, report.chance, 'highest'));
    return `the ${cellName(cell)} held ${mean} on average and ${best} on its best seed`;
  });
  const over = seeds === 1 ? 'one seed' : `${seeds} seeds`;
  return `Measured over ${over} (held = held-out accuracy at least ${threshold} %, halfway from chance to 100 %): ${parts.join('; ')}.`;
}

/** The sweep's settings in one line. */
export function describeSweep(sweep: SpanSweep): string {
  const { settings, init } = sweep;
  const optimizer =
    settings.optimizer.name === 'sgd'
      ? `SGD (momentum ${settings.optimizer.momentum ?? 0.9})`
      : 'Adam';
  const gate = (value: number | undefined): string =>
    value === undefined ? 'PyTorch default' : String(value);
  return [
    `${sweep.symbols} symbols, ${sweep.distractors} distractors`,
    `hidden ${sweep.hiddenSize}`,
    `${sweep.trainSize} training sequences`,
    `${settings.epochs} epochs`,
    `${optimizer} lr ${settings.optimizer.learningRate}`,
    `clip ${settings.clipNorm}`,
    `batch ${settings.batchSize}`,
    `LSTM forget-gate bias ${gate(init.forgetGateBias)}`,
    `GRU update-gate bias ${gate(init.updateGateBias)}`,
    `seeds ${sweep.seeds.join(', ')}`,
  ].join(' · ');
}
