/**
 * The cells raced on the long-memory task: held-out accuracy against the span T, one line per
 * cell (the mean over seeds, a bar from the lowest to the highest seed), chance drawn and named,
 * what the measurements show in words under the chart, and the same numbers as a table.
 */
import { CELL_LABELS, type CellType } from '../../core/model/config';
import type { SpanReport } from '../../core/tasks/memorySpanReport';
import type { SpanSummary } from '../../core/tasks/memorySpanSweep';
import { chartWidth, legend, Plot, renderPlot, seriesColors } from '../explorer/charts';
import { el } from '../explorer/dom';
import { formatPercent } from './format';
import type { ResultsView } from './view';

/** As the gradient lab names and colours them: vanilla RNN, LSTM, GRU in the first three colours. */
const CELL_ORDER: readonly CellType[] = ['rnn', 'lstm', 'gru'];
const cellName = (cell: CellType): string => (cell === 'rnn' ? 'Vanilla RNN' : CELL_LABELS[cell]);

interface SpanPoint {
  cell: string;
  span: number;
  /** Percentages. */
  mean: number;
  lowest: number;
  highest: number;
}

export class MemorySpanView implements ResultsView {
  readonly root: HTMLElement;
  private readonly chart = el('div', { class: 'chart span-chart' });

  constructor(
    title: string,
    private readonly report: SpanReport,
  ) {
    const { trained, trainings, state, finding, settings } = report;
    const status =
      state === 'running'
        ? `Training: ${trained} of ${trainings} trainings done; the chart fills in as they finish.`
        : state === 'stopped'
          ? `Stopped after ${trained} of ${trainings} trainings: the chart shows those only.`
          : `All ${trainings} trainings done.`;
    this.root = el(
      'section',
      { class: 'results-view span-view', 'aria-label': 'Memory span race' },
      el('h1', {}, title),
      el(
        'p',
        { class: 'note' },
        'Each sequence starts with one symbol to remember, then T random distractors; the model names the first symbol after the last. Held-out accuracy against T, per cell.',
      ),
      el('p', { class: 'note span-status', 'aria-live': 'polite' }, status),
      this.chart,
      el('p', { class: 'span-finding', 'aria-live': 'polite' }, finding),
      el('p', { class: 'note span-settings' }, `Same for every cell: ${settings}.`),
      this.table(),
    );
  }

  private cells(): CellType[] {
    return CELL_ORDER.filter((cell) => this.report.cells.includes(cell));
  }

  private colorOf(cell: CellType): string {
    return seriesColors()[CELL_ORDER.indexOf(cell)] as string;
  }

  draw(): void {
    const { chance, spans, summary } = this.report;
    const cells = this.cells();
    const points: SpanPoint[] = summary.map((s: SpanSummary) => ({
      cell: cellName(s.cell),
      span: s.span,
      mean: 100 * s.mean,
      lowest: 100 * s.lowest,
      highest: 100 * s.highest,
    }));
    const chancePercent = 100 * chance;
    const names = cells.map(cellName);
    renderPlot(this.chart, {
      width: chartWidth(1),
      height: 340,
      marginLeft: 56,
      marginRight: 96,
      marginTop: 20,
      marginBottom: 44,
      x: {
        // Base 2, whose tick labels d3 keeps for any span: base 10's blank 80 (mantissa 8).
        type: 'log',
        base: 2,
        // Below the tick labels: at the right end the label would hide the longest span's.
        labelAnchor: 'center',
        labelOffset: 38,
        label: 'memory span T (distractors between the symbol and the answer)',
        domain: [Math.min(...spans) / 1.25, Math.max(...spans) * 1.25],
        ticks: spans,
        tickFormat: (t: number) => String(t),
        grid: true,
      },
      y: { label: 'held-out accuracy (%)', domain: [0, 100], grid: true },
      color: { domain: names, range: cells.map((c) => this.colorOf(c)) },
      ariaLabel: 'Held-out accuracy against memory span, per cell',
      marks: [
        Plot.ruleY([chancePercent], {
          stroke: 'currentColor',
          strokeDasharray: '6 4',
          className: 'span-chance',
        }),
        Plot.text([chancePercent], {
          x: Math.max(...spans) * 1.25,
          y: (d: number) => d,
          text: () => `chance ${formatPercent(chance, 0)}`,
          textAnchor: 'start',
          dx: 6,
          fill: 'currentColor',
          className: 'span-chance-label',
        }),
        Plot.ruleX(points, {
          x: 'span',
          y1: 'lowest',
          y2: 'highest',
          stroke: 'cell',
          strokeWidth: 2,
          className: 'span-range',
        }),
        ...names.map((name) =>
          Plot.line(
            points.filter((p) => p.cell === name),
            {
              x: 'span',
              y: 'mean',
              stroke: 'cell',
              strokeWidth: 2,
              marker: 'circle',
              className: 'span-line',
              ariaDescription: name,
            },
          ),
        ),
        Plot.tip(
          points,
          Plot.pointer({
            x: 'span',
            y: 'mean',
            stroke: 'cell',
            title: (p: SpanPoint) =>
              `${p.cell}, T = ${p.span}: ${p.mean.toFixed(1)}% (seeds ${p.lowest.toFixed(0)}–${p.highest.toFixed(0)}%)`,
            fontSize: 11,
          }),
        ),
      ],
    });
    this.chart.prepend(
      legend([...cells.map((c): [string, string] => [cellName(c), this.colorOf(c)])]),
    );
  }

  private table(): HTMLElement {
    const { spans, summary } = this.report;
    const cells = this.cells();
    const cellText = (cell: CellType, span: number): string => {
      const s = summary.find((x) => x.cell === cell && x.span === span);
      if (!s) return '—';
      const range =
        s.seeds > 1 ? ` [${formatPercent(s.lowest, 0)}, ${formatPercent(s.highest, 0)}]` : '';
      return `${formatPercent(s.mean, 0)}${range}`;
    };
    return el(
      'table',
      { class: 'numbers span-table' },
      el(
        'caption',
        {},
        summary.some((x) => x.seeds > 1)
          ? 'Held-out accuracy, mean over seeds [lowest, highest]'
          : 'Held-out accuracy',
      ),
      el(
        'thead',
        {},
        el(
          'tr',
          {},
          el('th', { scope: 'col' }, 'T'),
          ...cells.map((c) => el('th', { scope: 'col' }, cellName(c))),
        ),
      ),
      el(
        'tbody',
        {},
        ...spans.map((span) =>
          el(
            'tr',
            {},
            el('th', { scope: 'row' }, String(span)),
            ...cells.map((c) => el('td', {}, cellText(c, span))),
          ),
        ),
      ),
    );
  }
}
