/**
 * Runs from the history side by side: one chart overlays their curves (the task's figure, the
 * held-out or the training loss, per epoch or per wall-clock second), and a table has one row per
 * run with its settings and results, sortable like TensorBoard's HParams table. Choosing a row
 * draws that run's line thicker.
 */
import { hyperColumns, runRow, type RunRow } from '../../core/runs/runTable';
import type { RunRecord } from '../../core/runs/runRecord';
import { formatHeadline } from '../../shared/format';
import { evaluatedOn, lossKind } from '../../shared/trainingFigures';
import { chartWidth, legend, Plot, renderPlot, seriesColors } from '../explorer/charts';
import { el } from '../explorer/dom';
import { formatNumber } from './format';
import type { ResultsView } from './view';

export type RunsAxis = 'epoch' | 'seconds';
export type RunsSeries = 'headline' | 'heldOutLoss' | 'trainLoss';
export interface RunsViewState {
  x: RunsAxis;
  y: RunsSeries;
  sort?: { column: string; descending: boolean };
  selected?: string;
}
export const DEFAULT_RUNS_VIEW: RunsViewState = { x: 'epoch', y: 'headline' };

interface CurvePoint {
  run: string;
  x: number;
  y: number;
}

const capitalised = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

/** Whole epochs only: Plot's default ticks at 1.5 would print as "1" and "2" under 'd'. */
function epochTicks(points: readonly CurvePoint[]): { ticks: number[]; tickFormat: string } {
  const last = Math.max(...points.map((p) => p.x));
  const step = Math.max(1, Math.ceil(last / 20));
  const ticks: number[] = [];
  for (let e = 1; e <= last; e += step) ticks.push(e);
  return { ticks, tickFormat: 'd' };
}

/** Distinct labels for the legend, even when two runs share a name. */
function labelsOf(runs: readonly RunRecord[]): string[] {
  const seen = new Map<string, number>();
  return runs.map((run) => {
    const n = (seen.get(run.name) ?? 0) + 1;
    seen.set(run.name, n);
    return n === 1 ? run.name : `${run.name} (${n})`;
  });
}

export class RunComparisonView implements ResultsView {
  readonly root: HTMLElement;
  private readonly chart = el('div', { class: 'chart runs-chart' });
  private readonly table = el('div', { class: 'runs-table-scroll', tabindex: '0' });
  private readonly labels: string[];

  constructor(
    title: string,
    private readonly runs: RunRecord[],
    note: string,
    private readonly state: RunsViewState,
    private readonly onState: (state: RunsViewState) => void,
    /** Opens a run's model in the Explorer. */
    private readonly onOpen: (id: string) => void,
  ) {
    this.labels = labelsOf(runs);
    const headline = runs[0]?.epochs.at(-1)?.headline.name ?? 'final figure';
    this.root = el(
      'section',
      { class: 'results-view runs-view', 'aria-label': 'Runs compared' },
      el('h1', {}, title),
      el('p', { class: 'note' }, note),
      el(
        'div',
        { class: 'controls' },
        this.choice('y', 'Plot', [
          ['headline', headline],
          ['heldOutLoss', 'held-out loss'],
          ['trainLoss', 'training loss, mean of epoch'],
        ]),
        this.choice('x', 'against', [
          ['epoch', 'epoch'],
          ['seconds', 'wall-clock seconds'],
        ]),
      ),
      this.chart,
      el('h2', {}, 'Runs'),
      this.table,
    );
  }

  private choice<K extends 'x' | 'y'>(
    key: K,
    caption: string,
    options: Array<[RunsViewState[K], string]>,
  ): HTMLElement {
    return el(
      'fieldset',
      { class: `choice choice-${key}` },
      el('legend', {}, caption),
      ...options.map(([value, text]) => {
        const input = el('input', {
          type: 'radio',
          name: `runs-${key}`,
          value,
          id: `runs-${key}-${value}`,
        }) as HTMLInputElement;
        input.checked = this.state[key] === value;
        input.addEventListener('change', () => {
          if (!input.checked) return;
          this.state[key] = value;
          this.onState(this.state);
          this.drawChart();
        });
        return el('label', { for: input.id }, input, text);
      }),
    );
  }

  private colors(): string[] {
    const palette = seriesColors();
    return this.runs.map((_, i) => palette[i % palette.length] as string);
  }

  draw(): void {
    this.drawChart();
    this.drawTable();
  }

  /** What the y axis shows, in words, and the value of an epoch on it. */
  private series(): {
    label: string;
    value: (run: RunRecord, e: RunRecord['epochs'][0]) => number;
  } {
    const task = this.runs[0]?.task;
    const kind = lossKind(task);
    switch (this.state.y) {
      case 'heldOutLoss':
        return {
          label: `${evaluatedOn(this.runs[0]?.epochs.at(-1))} ${kind.axis}`,
          value: (_, e) => e.heldOutLoss,
        };
      case 'trainLoss':
        return { label: `training ${kind.axis}, mean of epoch`, value: (_, e) => e.trainLoss };
      default: {
        const last = this.runs[0]?.epochs.at(-1)?.headline;
        const percent = last?.unit === '%';
        const unit = percent ? ' (%)' : last?.unit ? ` (${last.unit})` : '';
        return {
          label: `${last?.name ?? 'final figure'}${unit}`,
          value: (_, e) => (percent ? 100 * e.headline.value : e.headline.value),
        };
      }
    }
  }

  private drawChart(): void {
    const { label, value } = this.series();
    const colors = this.colors();
    const points: CurvePoint[] = this.runs.flatMap((run, r) =>
      run.epochs
        .map((e) => ({
          run: this.labels[r] as string,
          x: this.state.x === 'epoch' ? e.epoch : e.seconds,
          y: value(run, e),
        }))
        .filter((p) => Number.isFinite(p.y) && Number.isFinite(p.x)),
    );
    if (points.length === 0) {
      this.chart.replaceChildren(el('p', { class: 'empty' }, `No ${label} recorded.`));
      return;
    }
    const selected = this.runs.findIndex((run) => run.id === this.state.selected);
    const xLabel = this.state.x === 'epoch' ? 'epoch' : 'wall-clock seconds since the start';
    renderPlot(this.chart, {
      width: chartWidth(1),
      height: 320,
      marginLeft: 64,
      marginTop: 20,
      x: { label: xLabel, grid: true, ...(this.state.x === 'epoch' ? epochTicks(points) : {}) },
      y: { label, grid: true, nice: true },
      color: { domain: this.labels, range: colors },
      ariaLabel: `${label} per ${xLabel}`,
      marks: this.labels
        .map((name, r) =>
          Plot.line(
            points.filter((p) => p.run === name),
            {
              x: 'x',
              y: 'y',
              stroke: 'run',
              strokeWidth: r === selected ? 4 : 2,
              marker: 'circle',
              className: `run-line run-${r}${r === selected ? ' selected' : ''}`,
              ariaDescription: name,
            },
          ),
        )
        .concat([
          Plot.tip(
            points,
            Plot.pointer({
              x: 'x',
              y: 'y',
              stroke: 'run',
              title: (p: CurvePoint) =>
                `${p.run}\n${this.state.x === 'epoch' ? `epoch ${p.x}` : `${formatNumber(p.x, 3)} s`}: ${formatNumber(p.y, 4)}`,
              fontSize: 11,
            }),
          ),
        ]),
    });
    this.chart.prepend(legend(this.labels.map((l, i) => [l, colors[i] as string])));
  }

  private columns(): Array<{
    key: string;
    title: string;
    cell: (row: RunRow) => string;
    sortValue: (row: RunRow) => number | string;
  }> {
    const hyper = this.settingsThatDiffer();
    const figure = (x: number | null): number => x ?? Number.NEGATIVE_INFINITY;
    return [
      { key: 'name', title: 'Run', cell: (r) => r.name, sortValue: (r) => r.name },
      { key: 'state', title: 'State', cell: (r) => r.state, sortValue: (r) => r.state },
      {
        key: 'epochs',
        title: 'Epochs run',
        cell: (r) => String(r.epochs),
        sortValue: (r) => r.epochs,
      },
      {
        key: 'seconds',
        title: 'Seconds',
        cell: (r) => (r.seconds === null ? '—' : formatNumber(r.seconds, 3)),
        sortValue: (r) => figure(r.seconds),
      },
      {
        key: 'headline',
        title: capitalised(this.runs[0]?.epochs.at(-1)?.headline.name ?? 'final figure'),
        cell: (r) => {
          const run = this.runs.find((x) => x.id === r.id);
          const last = run?.epochs.at(-1)?.headline;
          return last && Number.isFinite(last.value)
            ? formatHeadline(last).replace(`${last.name} `, '')
            : '—';
        },
        sortValue: (r) => figure(r.headline),
      },
      {
        key: 'heldOutLoss',
        title: 'Held-out loss',
        cell: (r) => (r.heldOutLoss === null ? '—' : formatNumber(r.heldOutLoss, 4)),
        sortValue: (r) => figure(r.heldOutLoss),
      },
      ...hyper.map((key) => ({
        key: `hyper.${key}`,
        title: key,
        cell: (r: RunRow) => (key in r.hyper ? String(r.hyper[key]) : '—'),
        sortValue: (r: RunRow) => {
          const v = r.hyper[key];
          return typeof v === 'number' ? v : String(v ?? '');
        },
      })),
    ];
  }

  /** The settings the runs differ in: the table's columns. The rest is one line above it. */
  private settingsThatDiffer(): string[] {
    return hyperColumns(this.runs).filter(
      (key) => new Set(this.runs.map((run) => String(run.hyper[key]))).size > 1,
    );
  }

  private sameSettings(): string {
    const differ = new Set(this.settingsThatDiffer());
    const same = hyperColumns(this.runs).filter((key) => !differ.has(key));
    const first = this.runs[0];
    if (!first || same.length === 0) return '';
    return `Same in every run: ${same.map((key) => `${key} ${String(first.hyper[key])}`).join(' · ')}.`;
  }

  private drawTable(): void {
    const rows = this.runs.map(runRow);
    const columns = this.columns();
    const sort = this.state.sort;
    const column = columns.find((c) => c.key === sort?.column);
    if (sort && column) {
      rows.sort((a, b) => {
        const [x, y] = [column.sortValue(a), column.sortValue(b)];
        const order =
          typeof x === 'number' && typeof y === 'number'
            ? x - y
            : String(x).localeCompare(String(y));
        return sort.descending ? -order : order;
      });
    }
    const colors = this.colors();
    /** A setting that differs between the runs is what the comparison is about. */
    const differs = (key: string): boolean => key.startsWith('hyper.');
    const header = columns.map((c) => {
      const button = el('button', { type: 'button', class: 'sort' }, c.title) as HTMLButtonElement;
      button.addEventListener('click', () => {
        const descending = this.state.sort?.column === c.key ? !this.state.sort.descending : true;
        this.state.sort = { column: c.key, descending };
        this.onState(this.state);
        this.drawTable();
      });
      const th = el('th', { scope: 'col', class: differs(c.key) ? 'differs' : '' }, button);
      th.setAttribute(
        'aria-sort',
        sort?.column === c.key ? (sort.descending ? 'descending' : 'ascending') : 'none',
      );
      return th;
    });
    const body = rows.map((row) => {
      const index = this.runs.findIndex((run) => run.id === row.id);
      const chosen = row.id === this.state.selected;
      const swatch = el('span', { class: 'swatch' });
      swatch.style.background = colors[index] ?? 'currentColor';
      const tr = el(
        'tr',
        {
          'data-run': row.id,
          'aria-selected': String(chosen),
          tabindex: '0',
          class: chosen ? 'selected' : '',
        },
        ...columns.map((c, i) =>
          i === 0
            ? el('th', { scope: 'row' }, swatch, this.labels[index] ?? c.cell(row))
            : el('td', { class: differs(c.key) ? 'differs' : '' }, c.cell(row)),
        ),
        el('td', {}, this.openButton(row.id)),
      );
      const choose = (): void => {
        this.state.selected = chosen ? undefined : row.id;
        this.onState(this.state);
        this.draw();
      };
      tr.addEventListener('click', choose);
      tr.addEventListener('keydown', (event) => {
        if (event.key === 'Enter' || event.key === ' ') {
          event.preventDefault();
          choose();
        }
      });
      return tr;
    });
    this.table.replaceChildren(
      el('p', { class: 'same-settings' }, this.sameSettings()),
      el(
        'table',
        { class: 'runs-table' },
        el('thead', {}, el('tr', {}, ...header, el('th', { scope: 'col' }, 'Model'))),
        el('tbody', {}, ...body),
      ),
    );
  }

  /** A run that made a model opens it in the Explorer; one that did not says so. */
  private openButton(id: string): HTMLElement {
    const run = this.runs.find((r) => r.id === id);
    if (!run?.modelFile) return el('span', { class: 'no-model' }, 'none');
    const button = el(
      'button',
      {
        type: 'button',
        class: 'open-run',
        'aria-label': `Open ${run.name}'s model in the Explorer`,
      },
      'Open in Explorer',
    );
    // Not a row click: that chooses the row.
    button.addEventListener('click', (event) => {
      event.stopPropagation();
      this.onOpen(id);
    });
    button.addEventListener('keydown', (event) => event.stopPropagation());
    return button;
  }
}
