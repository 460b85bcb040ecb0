import type { ComparedRun } from '../../shared/resultsProtocol';
import { chartWidth, legend, Plot, renderPlot, seriesColors } from '../explorer/charts';
import { el } from '../explorer/dom';
import { formatNumber } from './format';
import type { ResultsView } from './view';

interface LossPoint {
  run: string;
  epoch: number;
  loss: number;
}

/** A log scale when the positive losses span more than two decades. */
export function wantsLogScale(values: readonly number[]): boolean {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0 || finite.some((v) => v <= 0)) return false;
  return Math.max(...finite) / Math.min(...finite) > 100;
}

/**
 * 1 and 2 per decade (only the powers of ten over many decades) within the values' range. Plot
 * leaves the label off a log tick D3 thinks crowded (such as 5 over three decades).
 */
export function logTicks(values: readonly number[]): number[] {
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const from = Math.floor(Math.log10(lo));
  const to = Math.ceil(Math.log10(hi));
  const steps = to - from > 4 ? [1] : [1, 2];
  const ticks: number[] = [];
  for (let e = from; e <= to; e++)
    for (const m of steps) {
      const t = Number((m * 10 ** e).toPrecision(1));
      if (t >= lo && t <= hi) ticks.push(t);
    }
  return ticks;
}

/**
 * Two or more training runs side by side: training and held-out loss per epoch, and what each
 * trained model produced for the same prompts.
 */
export class ComparisonView implements ResultsView {
  readonly root: HTMLElement;
  private readonly trainChart = el('div', { class: 'chart train-loss' });
  private readonly heldOutChart = el('div', { class: 'chart held-out-loss' });

  constructor(
    title: string,
    private readonly lossLabel: string,
    private readonly runs: ComparedRun[],
    note: string,
  ) {
    this.root = el(
      'section',
      { class: 'results-view comparison-view', 'aria-label': 'Comparison' },
      el('h1', {}, title),
      el('p', { class: 'note' }, note),
      el('div', { class: 'grid' }, this.trainChart, this.heldOutChart),
      el('h2', {}, 'Samples'),
      this.samples(),
    );
  }

  private colors(): string[] {
    const palette = seriesColors();
    return this.runs.map((_, i) => palette[i % palette.length] as string);
  }

  draw(): void {
    this.lossChart(this.trainChart, 'training loss', (run) => run.trainLoss);
    this.lossChart(this.heldOutChart, this.lossLabel || 'held-out loss', (run) => run.heldOutLoss);
  }

  private lossChart(
    container: HTMLElement,
    label: string,
    pick: (run: ComparedRun) => readonly number[],
  ): void {
    const points: LossPoint[] = this.runs.flatMap((run) =>
      pick(run).map((loss, i) => ({ run: run.label, epoch: i + 1, loss })),
    );
    const labels = this.runs.map((run) => run.label);
    const colors = this.colors();
    if (points.length === 0) {
      container.replaceChildren(el('p', { class: 'empty' }, `No ${label} recorded.`));
      return;
    }
    const log = wantsLogScale(points.map((p) => p.loss));
    const epochs = Math.max(...points.map((p) => p.epoch));
    renderPlot(container, {
      width: chartWidth(2),
      height: 260,
      marginLeft: 60,
      marginTop: 20,
      x: {
        label: 'epoch',
        grid: true,
        domain: [1, Math.max(2, epochs)],
        ...(epochs <= 12 ? { ticks: Math.max(1, epochs - 1) } : {}),
        tickFormat: 'd',
      },
      y: {
        label: label + (log ? ' (log scale)' : ''),
        grid: true,
        ...(log
          ? {
              type: 'log' as const,
              ticks: logTicks(points.map((p) => p.loss)),
              tickFormat: (v: number) => formatNumber(v, 1),
            }
          : {}),
      },
      color: { domain: labels, range: colors },
      ariaLabel: `${label} per epoch`,
      marks: [
        Plot.line(points, {
          x: 'epoch',
          y: 'loss',
          stroke: 'run',
          strokeWidth: 2,
          marker: epochs <= 40 ? 'circle' : null,
        }),
        Plot.tip(
          points,
          Plot.pointer({
            x: 'epoch',
            y: 'loss',
            stroke: 'run',
            title: (p: LossPoint) => `${p.run}\nepoch ${p.epoch}: ${formatNumber(p.loss, 4)}`,
            fontSize: 11,
          }),
        ),
      ],
    });
    container.prepend(
      el('h3', {}, label[0]?.toUpperCase() + label.slice(1)),
      legend(labels.map((l, i) => [l, colors[i] as string])),
    );
  }

  private samples(): HTMLElement {
    const prompts: string[] = [];
    const expected = new Map<string, string>();
    for (const run of this.runs)
      for (const s of run.samples) {
        if (!prompts.includes(s.prompt)) prompts.push(s.prompt);
        if (s.expected !== undefined && !expected.has(s.prompt)) expected.set(s.prompt, s.expected);
      }
    if (prompts.length === 0) return el('p', { class: 'empty' }, 'No samples.');
    const withExpected = expected.size > 0;
    const correct = this.runs.map(() => 0);
    const judged = this.runs.map(() => 0);
    const body = prompts.map((prompt) =>
      el(
        'tr',
        {},
        el('th', { scope: 'row' }, el('code', { class: 'sample' }, prompt)),
        ...(withExpected
          ? [el('td', {}, el('code', { class: 'sample' }, expected.get(prompt) ?? '—'))]
          : []),
        ...this.runs.map((run, r) => {
          const sample = run.samples.find((s) => s.prompt === prompt);
          if (!sample) return el('td', { class: 'missing' }, '—');
          const cell = el('td', {});
          if (sample.expected !== undefined) {
            const ok = sample.output === sample.expected;
            judged[r]! += 1;
            if (ok) correct[r]! += 1;
            cell.append(
              el(
                'span',
                {
                  class: `mark ${ok ? 'ok' : 'wrong'}`,
                  role: 'img',
                  'aria-label': ok
                    ? 'matches the expected output'
                    : 'differs from the expected output',
                },
                ok ? '✓' : '✗',
              ),
            );
          }
          cell.append(el('code', { class: 'sample' }, sample.output));
          return cell;
        }),
      ),
    );
    const colors = this.colors();
    return el(
      'div',
      { class: 'samples-scroll', tabindex: '0', 'aria-label': 'Samples per run' },
      el(
        'table',
        { class: 'samples' },
        el(
          'thead',
          {},
          el(
            'tr',
            {},
            el('th', { scope: 'col' }, 'Prompt'),
            ...(withExpected ? [el('th', { scope: 'col' }, 'Expected')] : []),
            ...this.runs.map((run, r) => {
              const swatch = el('span', { class: 'swatch' });
              swatch.style.background = colors[r] ?? 'currentColor';
              return el('th', { scope: 'col' }, swatch, run.label);
            }),
          ),
        ),
        el('tbody', {}, ...body),
        ...(withExpected
          ? [
              el(
                'tfoot',
                {},
                el(
                  'tr',
                  {},
                  el('th', { scope: 'row', colspan: '2' }, 'Matches'),
                  ...this.runs.map((_, r) =>
                    el('td', { class: 'score' }, judged[r] ? `${correct[r]} of ${judged[r]}` : '—'),
                  ),
                ),
              ),
            ]
          : []),
      ),
    );
  }
}
