import type { ForecastPath, ForecastReport } from '../../core/tasks/forecasting';
import { chartWidth, legend, Plot, renderPlot, seriesColors } from '../explorer/charts';
import { el, themeColor } from '../explorer/dom';
import { formatNumber, formatPercent, timeAxis, type TimeAxis } from './format';
import type { ResultsView } from './view';

type Errors = ForecastReport['errors'];
type ModelKey = keyof Errors;

interface Baseline {
  key: ModelKey;
  /** In a sentence: "the naive forecast". */
  name: string;
  /** In brackets: "(seasonal naive)". */
  short: string;
}

/** One plain sentence: does the RNN beat the best baseline on RMSE, and by how much. */
export function forecastVerdict(errors: Errors): { winner: ModelKey; text: string } {
  const baselines: Baseline[] = [{ key: 'naive', name: 'naive forecast', short: 'naive' }];
  if (errors.seasonalNaive)
    baselines.push({
      key: 'seasonalNaive',
      name: 'seasonal naive forecast',
      short: 'seasonal naive',
    });
  const rmse = (key: ModelKey): number => errors[key]?.rmse ?? Infinity;
  const best = baselines.reduce((a, b) => (rmse(b.key) < rmse(a.key) ? b : a));
  const rnn = errors.rnn.rmse;
  const baseline = rmse(best.key);
  if (rnn < baseline) {
    const gain = formatPercent((baseline - rnn) / baseline);
    return {
      winner: 'rnn',
      text:
        baselines.length > 1
          ? `The RNN beats the best baseline (${best.short}) by ${gain} RMSE.`
          : `The RNN beats the ${best.name} by ${gain} RMSE.`,
    };
  }
  return {
    winner: best.key,
    text: `The RNN does not beat the ${best.name} (RMSE ${formatNumber(rnn)} vs ${formatNumber(baseline)}).`,
  };
}

interface Row {
  i: number;
  x: number | Date;
  y: number;
}
interface PathRow extends Row {
  path: number;
}
interface TipRow extends Row {
  text: string;
}

function pathRows(path: ForecastPath, axis: TimeAxis, id = 0): PathRow[] {
  return path.values.map((y, k) => ({
    i: path.origin + k,
    x: axis.at(path.origin + k),
    y,
    path: id,
  }));
}

function midpoint(a: number | Date, b: number | Date): number | Date {
  return a instanceof Date && b instanceof Date
    ? new Date((a.getTime() + b.getTime()) / 2)
    : (Number(a) + Number(b)) / 2;
}

/**
 * A forecast: the whole series with the training/test boundary, the one-step-ahead forecast over
 * the test part, the multi-step forecasts from a few origins and the forecast past the data; then
 * the errors of the RNN against the naive baselines.
 */
export class ForecastView implements ResultsView {
  readonly root: HTMLElement;
  private readonly chart = el('div', { class: 'chart forecast-chart' });
  private readonly axis: TimeAxis;

  constructor(
    private readonly title: string,
    private readonly report: ForecastReport,
    private testOnly: boolean,
    onTestOnly: (testOnly: boolean) => void,
  ) {
    const r = report;
    const n = r.values.length;
    this.axis = timeAxis(r.times, n);
    const zoom = el('input', { type: 'checkbox', id: 'test-only' }) as HTMLInputElement;
    zoom.checked = testOnly;
    zoom.addEventListener('change', () => {
      this.testOnly = zoom.checked;
      onTestOnly(zoom.checked);
      this.draw();
    });
    this.root = el(
      'section',
      { class: 'results-view forecast-view', 'aria-label': 'Forecast' },
      el('h1', {}, this.title),
      el('p', { class: 'split' }, ...this.splitSentence()),
      el(
        'div',
        { class: 'toolbar' },
        el('label', { class: 'field', for: 'test-only' }, zoom, 'Show test period only'),
      ),
      this.chart,
      el('h2', {}, 'Errors on the test part'),
      this.errorTable(),
      this.verdict(),
      this.futureTable(),
    );
  }

  /** Which part is training and which is test; dates kept whole on one line. */
  private splitSentence(): Array<string | HTMLElement> {
    const r = this.report;
    const n = r.values.length;
    const a = this.axis;
    const at = (i: number): HTMLElement => el('span', { class: 'nowrap' }, a.label(i));
    const range = (from: number, to: number): Array<string | HTMLElement> =>
      a.kind === 'date' ? [at(from), ' to ', at(to)] : [`indices ${from} to ${to}`];
    const what = r.column ? `${r.column} (${r.name})` : r.name;
    return [
      `${what}: the RNN trained on the first ${r.trainEnd.toLocaleString()} values (`,
      ...range(0, r.trainEnd - 1),
      `) and is tested on the last ${(n - r.trainEnd).toLocaleString()} (`,
      ...range(r.trainEnd, n - 1),
      `, shaded). Each forecast reads the ${r.window.toLocaleString()} values before it ` +
        `and predicts the next ${r.horizon.toLocaleString()}.`,
    ];
  }

  draw(): void {
    const r = this.report;
    const a = this.axis;
    const n = r.values.length;
    const start = this.testOnly ? Math.min(r.trainEnd, n - 1) : 0;
    const visible = <T extends Row>(rows: T[]): T[] => rows.filter((d) => d.i >= start);
    const foreground = themeColor('--vscode-foreground', '#ccc');
    const muted = themeColor('--vscode-descriptionForeground', '#999');
    const [blue, orange, green] = seriesColors() as [string, string, string];

    const actual = visible(r.values.map((y, i) => ({ i, x: a.at(i), y })));
    const oneStep = visible(pathRows(r.oneStep, a));
    const paths = visible(r.paths.flatMap((p, k) => pathRows(p, a, k)));
    const future = pathRows(r.future, a);
    // The future line continues from the last actual value.
    const bridge = n > 0 && future.length > 0 ? [actual[actual.length - 1]!, future[0]!] : [];
    const last = Math.max(n - 1, ...future.map((d) => d.i), ...paths.map((d) => d.i));
    const boundary = midpoint(a.at(r.trainEnd - 1), a.at(r.trainEnd));

    const tips = this.tipRows(start, last);
    const background = themeColor('--vscode-editor-background', '#1f1f1f');
    // Above the frame when the training part shows; inside it (on a halo) when zoomed to the test.
    const label = (text: string, side: 'start' | 'end'): Plot.Markish =>
      Plot.text([{ x: boundary, text }], {
        x: 'x',
        text: 'text',
        frameAnchor: 'top',
        textAnchor: side,
        dx: side === 'start' ? 6 : -6,
        dy: this.testOnly ? 8 : -10,
        fill: muted,
        fontWeight: side === 'start' ? 600 : 400,
        stroke: background,
        strokeWidth: 4,
        paintOrder: 'stroke',
      });
    const manyPaths = r.paths.length > 12;
    const marks: Plot.Markish[] = [
      Plot.rect([{ x1: boundary, x2: a.at(n - 1) }], {
        x1: 'x1',
        x2: 'x2',
        fill: foreground,
        fillOpacity: 0.07,
      }),
      Plot.ruleX([boundary], { stroke: muted, strokeDasharray: '3 3' }),
      Plot.lineY(actual, { x: 'x', y: 'y', stroke: foreground, strokeWidth: 1.5 }),
      Plot.lineY(paths, {
        x: 'x',
        y: 'y',
        z: 'path',
        stroke: orange,
        strokeWidth: manyPaths ? 1 : 1.5,
        strokeDasharray: '5 3',
      }),
      ...(manyPaths
        ? []
        : [
            Plot.dot(
              paths.filter((d, k) => k === 0 || paths[k - 1]!.path !== d.path),
              { x: 'x', y: 'y', r: 2.5, fill: orange },
            ),
          ]),
      Plot.lineY(oneStep, { x: 'x', y: 'y', stroke: blue, strokeWidth: 1.5 }),
      Plot.lineY(bridge, { x: 'x', y: 'y', stroke: green, strokeWidth: 1.5, strokeOpacity: 0.6 }),
      Plot.lineY(future, {
        x: 'x',
        y: 'y',
        stroke: green,
        strokeWidth: 2,
        marker: future.length <= 60 ? 'circle' : null,
      }),
      ...(this.testOnly ? [] : [label('← training', 'end')]),
      label('test →', 'start'),
      Plot.ruleX(tips, Plot.pointerX({ x: 'x', stroke: muted, strokeOpacity: 0.5 })),
      Plot.tip(tips, Plot.pointerX({ x: 'x', y: 'y', title: 'text', fontSize: 11 })),
    ];
    const chart = renderPlot(this.chart, {
      width: chartWidth(1),
      height: Math.max(280, Math.min(440, Math.round(window.innerHeight * 0.5))),
      marginLeft: 60,
      marginRight: 20,
      marginTop: 30,
      x: {
        label: a.kind === 'date' ? null : 'time step',
        domain: [a.at(start), a.at(last)],
        ...(a.kind === 'date' ? {} : { grid: true }),
      },
      y: { label: r.column || 'value', grid: true },
      ariaLabel: `Forecast chart of ${r.column || r.name}`,
      ariaDescription: this.splitSentence()
        .map((part) => (typeof part === 'string' ? part : part.textContent))
        .join(''),
      marks,
    });
    chart.classList.add('forecast');
    this.chart.prepend(
      legend([
        ['actual', foreground],
        ['one step ahead (test)', blue],
        [`${r.horizon}-step forecasts (dashed)`, orange],
        [`next ${r.future.values.length} steps`, green],
        ['test period (shaded)', foreground],
      ]),
    );
    const shaded = this.chart.querySelectorAll<HTMLElement>('.legend .swatch')[4];
    if (shaded) shaded.style.opacity = '0.25';
  }

  /** One tooltip per time step in view, listing every line that has a value there. */
  private tipRows(start: number, last: number): TipRow[] {
    const r = this.report;
    const a = this.axis;
    const n = r.values.length;
    const at = (path: ForecastPath, i: number): number | undefined =>
      i >= path.origin && i < path.origin + path.values.length
        ? path.values[i - path.origin]
        : undefined;
    const rows: TipRow[] = [];
    for (let i = start; i <= last; i++) {
      const lines = [a.label(i) + (i >= n ? ' (future)' : i >= r.trainEnd ? ' (test)' : '')];
      const actual = r.values[i];
      if (actual !== undefined) lines.push(`actual: ${formatNumber(actual, 4)}`);
      const one = at(r.oneStep, i);
      if (one !== undefined) lines.push(`one step ahead: ${formatNumber(one, 4)}`);
      for (const path of r.paths) {
        const value = at(path, i);
        if (value !== undefined)
          lines.push(
            `${r.horizon}-step from ${a.label(path.origin)}, step ${i - path.origin + 1}: ${formatNumber(value, 4)}`,
          );
      }
      const next = at(r.future, i);
      if (next !== undefined) lines.push(`forecast: ${formatNumber(next, 4)}`);
      const y = actual ?? next ?? one;
      if (y !== undefined) rows.push({ i, x: a.at(i), y, text: lines.join('\n') });
    }
    return rows;
  }

  private errorTable(): HTMLTableElement {
    const e = this.report.errors;
    const { winner } = forecastVerdict(e);
    const rows: Array<[ModelKey, string]> = [
      ['rnn', 'RNN'],
      ['naive', 'Naive (last value)'],
    ];
    if (e.seasonalNaive)
      rows.push([
        'seasonalNaive',
        `Seasonal naive (period ${this.report.seasonPeriod?.toLocaleString() ?? '?'})`,
      ]);
    return el(
      'table',
      { class: 'numbers errors' },
      el(
        'caption',
        {},
        `Averaged over every step of every ${this.report.horizon}-step test forecast, in the units of ${
          this.report.column || 'the series'
        }. Lower is better.`,
      ),
      el(
        'thead',
        {},
        el(
          'tr',
          {},
          el('th', { scope: 'col' }, 'Forecast'),
          el('th', { scope: 'col' }, 'RMSE'),
          el('th', { scope: 'col' }, 'MAE'),
        ),
      ),
      el(
        'tbody',
        {},
        ...rows.map(([key, name]) => {
          const errors = e[key]!;
          const best = key === winner;
          return el(
            'tr',
            { 'data-model': key, class: best ? 'best' : undefined },
            el(
              'th',
              { scope: 'row' },
              name,
              ...(best ? [' ', el('span', { class: 'best-mark' }, '★ best')] : []),
            ),
            el('td', {}, formatNumber(errors.rmse, 4)),
            el('td', {}, formatNumber(errors.mae, 4)),
          );
        }),
      ),
    );
  }

  private verdict(): HTMLElement {
    const { winner, text } = forecastVerdict(this.report.errors);
    return el(
      'p',
      { class: `verdict ${winner === 'rnn' ? 'win' : 'loss'}`, 'data-winner': winner },
      text,
    );
  }

  private futureTable(): HTMLElement {
    const { future } = this.report;
    if (future.values.length === 0) return el('div');
    return el(
      'details',
      { class: 'future' },
      el('summary', {}, `Forecast for the next ${future.values.length} steps`),
      el(
        'table',
        { class: 'numbers' },
        el(
          'tr',
          {},
          el('th', { scope: 'col' }, 'time'),
          el('th', { scope: 'col' }, this.report.column || 'forecast'),
        ),
        ...future.values.map((value, k) =>
          el(
            'tr',
            {},
            el('td', {}, this.axis.label(future.origin + k)),
            el('td', {}, formatNumber(value, 4)),
          ),
        ),
      ),
    );
  }
}
