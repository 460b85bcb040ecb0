import { interpolateBlues } from 'd3-scale-chromatic';
import { formatHeadline } from '../../shared/format';
import { contrastRatio, parseColour } from '../../shared/contrast';
import type { TaskName } from '../../core/tasks/jobs';
import type { EpochPoint, TrainingSnapshot } from '../../shared/explorerProtocol';
import type { PlaygroundSettings } from '../../core/tasks/playground';
import {
  bitsPerCharacter,
  evaluatedOn,
  formatEpoch,
  isConstant,
  lossKind,
  perClassAccuracy,
  rmseFromMse,
  rowPercentages,
  smoothEma,
  throughput,
  throughputUnit,
} from '../../shared/trainingFigures';
import { colourBar } from '../common/colourScale';
import { chartWidth, faintStroke, legend, Plot, renderPlot, seriesColors } from './charts';
import { el, percent } from './dom';
import { Playground } from './playground';

/** TensorBoard's default smoothing. */
const DEFAULT_SMOOTHING = 0.6;

export const MACRO_ACCURACY_SENTENCE =
  'Macro accuracy is the mean of the per-language accuracies: every language counts the same, ' +
  'however many names it has, so a model that only learns the big languages scores low on it.';

/**
 * The training dashboard. What it shows fits the task: losses (named, and labelled by kind:
 * last batch, mean of an epoch, held-out) for every task; accuracy, names per second and the
 * confusion matrix (whose cells list the misclassified names) for the name classifier; bits per
 * character and characters per second for next-character models; RMSE, normalised and in the
 * data's units, for the forecaster.
 */
export class TrainingView {
  readonly root: HTMLElement;
  private readonly status = el('p', { class: 'status', 'aria-live': 'polite' });
  private readonly figures = el('ul', { class: 'figures', 'aria-label': 'Latest figures' });
  private readonly charts = {
    loss: el('div', { class: 'chart loss-chart' }),
    second: el('div', { class: 'chart' }),
    rate: el('div', { class: 'chart rate-chart' }),
    speed: el('div', { class: 'chart speed-chart' }),
  };
  private readonly smoothing = el('input', {
    type: 'range',
    min: '0',
    max: '0.99',
    step: '0.01',
    value: String(DEFAULT_SMOOTHING),
    id: 'loss-smoothing',
    'aria-label': 'Loss smoothing (exponential moving average weight)',
  }) as HTMLInputElement;
  private readonly smoothingValue = el('output', { for: 'loss-smoothing' }, '0.60');
  private readonly logScale = el('input', {
    type: 'checkbox',
    id: 'loss-log',
  }) as HTMLInputElement;
  private readonly rowNormalised = el('input', {
    type: 'checkbox',
    id: 'confusion-normalised',
  }) as HTMLInputElement;
  private readonly confusionSection = el('section', {
    class: 'confusion-section',
    'aria-label': 'Confusion matrix',
  });
  private readonly confusion = el('div', { class: 'chart confusion' });
  private readonly colourLegend = el('div', { class: 'confusion-legend' });
  private readonly classTable = el('table', { class: 'numbers per-class' });
  private readonly misclassified = el('div', { class: 'misclassified', 'aria-live': 'polite' });
  private readonly epochTable = el('table', { class: 'numbers epochs' });
  private readonly buttons: Record<'pause' | 'resume' | 'stop', HTMLButtonElement>;
  private readonly playground: Playground;
  private snapshot?: TrainingSnapshot;

  constructor(
    onControl: (action: 'pause' | 'resume' | 'stop') => void,
    private readonly onCell: (actual: number, predicted: number) => void,
    onPlayground: (settings: PlaygroundSettings) => void,
  ) {
    this.playground = new Playground(onPlayground);
    const button = (action: 'pause' | 'resume' | 'stop', label: string): HTMLButtonElement => {
      const b = el('button', { type: 'button' }, label) as HTMLButtonElement;
      b.addEventListener('click', () => onControl(action));
      return b;
    };
    this.buttons = {
      pause: button('pause', 'Pause'),
      resume: button('resume', 'Resume'),
      stop: button('stop', 'Stop'),
    };
    this.rowNormalised.checked = true;
    const redraw = (): void => {
      this.smoothingValue.textContent = Number(this.smoothing.value).toFixed(2);
      this.draw();
    };
    this.smoothing.addEventListener('input', redraw);
    this.logScale.addEventListener('change', redraw);
    this.rowNormalised.addEventListener('change', () => this.drawConfusion());
    this.confusionSection.append(
      el('h3', {}, 'Confusion matrix (held-out names)'),
      el(
        'div',
        { class: 'toolbar' },
        el(
          'label',
          { class: 'field', for: 'confusion-normalised' },
          this.rowNormalised,
          'Row-normalised: % of each language’s names',
        ),
        this.colourLegend,
      ),
      el(
        'div',
        { class: 'confusion-layout' },
        this.confusion,
        el('div', {}, el('h4', {}, 'Per-language accuracy (held-out)'), this.classTable),
      ),
      el('p', { class: 'rule macro-sentence' }, MACRO_ACCURACY_SENTENCE),
      this.misclassified,
    );
    this.root = el(
      'section',
      { class: 'view training-view', 'aria-label': 'Training dashboard' },
      this.playground.root,
      el(
        'div',
        { class: 'toolbar' },
        this.buttons.pause,
        this.buttons.resume,
        this.buttons.stop,
        this.status,
      ),
      this.figures,
      el(
        'div',
        { class: 'toolbar chart-controls' },
        el(
          'label',
          { class: 'field', for: 'loss-smoothing' },
          'Loss smoothing',
          this.smoothing,
          this.smoothingValue,
        ),
        el('label', { class: 'field', for: 'loss-log' }, this.logScale, 'Log-scale loss'),
      ),
      el(
        'div',
        { class: 'grid' },
        this.charts.loss,
        this.charts.second,
        this.charts.rate,
        this.charts.speed,
      ),
      el('details', {}, el('summary', {}, 'Numbers per epoch'), this.epochTable),
      this.confusionSection,
    );
  }

  show(snapshot: TrainingSnapshot): void {
    this.snapshot = snapshot;
    this.playground.show(snapshot);
    const running = snapshot.state === 'running';
    this.buttons.pause.disabled = !running;
    this.buttons.resume.disabled = snapshot.state !== 'paused';
    this.buttons.stop.disabled = !(running || snapshot.state === 'paused');
    const last = snapshot.history[snapshot.history.length - 1];
    // The epoch running (the notification's and the status bar's meaning); older hosts sent none.
    const epoch = snapshot.epoch ?? (last ? last.epoch + (running ? 1 : 0) : 1);
    this.status.textContent =
      snapshot.state === 'idle'
        ? 'No training yet. Press Train above, or run "RNN: Train Name Classifier", and watch it here.'
        : `${snapshot.title ?? ''} · ${snapshot.state} · ${formatEpoch(epoch, snapshot.epochs)}` +
          ` (${snapshot.history.length} completed)` +
          (last ? ` · ${formatHeadline(last.headline)}` : '');
    this.confusionSection.hidden = !isClassifier(snapshot);
    if (snapshot.batches.length === 0 && snapshot.history.length === 0) {
      Object.values(this.charts).forEach((c) => c.replaceChildren());
      this.figures.replaceChildren();
      this.confusion.replaceChildren();
      this.epochTable.replaceChildren();
      return;
    }
    this.draw();
  }

  private draw(): void {
    const s = this.snapshot;
    if (!s || (s.batches.length === 0 && s.history.length === 0)) return;
    const task = snapshotTask(s);
    const kind = lossKind(task);
    const [blue, orange, green, , purple] = seriesColors() as [
      string,
      string,
      string,
      string,
      string,
    ];
    const x = { label: 'epoch', grid: true, domain: [0, Math.max(1, s.epochs)] };
    const common = { width: chartWidth(2), height: 220, marginLeft: 64, x };
    // Each line's class says what it is (tests and screen readers find it by that).
    const epochLine = (
      values: Array<{ epoch: number; value: number }>,
      stroke: string,
      what: string,
    ) =>
      Plot.line(
        values.filter((v) => Number.isFinite(v.value)),
        {
          x: 'epoch',
          y: 'value',
          stroke,
          marker: 'circle',
          strokeWidth: 2,
          className: lineClass(what),
          ariaDescription: what,
        },
      );
    const pick = (value: (h: EpochPoint) => number) =>
      s.history.map((h) => ({ epoch: h.epoch, value: value(h) }));
    const last = s.history[s.history.length - 1];
    this.drawFigures(s);

    // Loss: raw batches faint, smoothed batches, epoch means and held-out.
    const weight = Number(this.smoothing.value);
    const log = this.logScale.checked;
    const batches = s.batches.filter((b) => Number.isFinite(b.loss) && (!log || b.loss > 0));
    const smoothed = smoothEma(
      batches.map((b) => b.loss),
      weight,
    ).map((loss, i) => ({ progress: (batches[i] as { progress: number }).progress, loss }));
    const positive = (values: Array<{ epoch: number; value: number }>) =>
      log ? values.filter((v) => v.value > 0) : values;
    this.chart(
      this.charts.loss,
      [
        ['training loss, last batch (raw)', faintStroke(blue).color],
        [`training loss, last batch (smoothed ${weight.toFixed(2)})`, blue],
        ['training loss, mean of epoch', orange],
        [`${evaluatedOn(last)} loss, after epoch`, green],
      ],
      {
        ...common,
        ariaLabel: `Loss chart: ${kind.name}`,
        y: { label: kind.axis, grid: true, type: log ? 'log' : 'linear' },
        marks: [
          Plot.line(batches, {
            x: 'progress',
            y: 'loss',
            stroke: blue,
            strokeOpacity: faintStroke(blue).opacity,
            strokeWidth: 1,
            className: lineClass('raw training loss'),
            ariaDescription: 'training loss, last batch (raw)',
          }),
          Plot.line(smoothed, {
            x: 'progress',
            y: 'loss',
            stroke: blue,
            strokeWidth: 2,
            className: lineClass('smoothed training loss'),
            ariaDescription: `training loss, last batch, smoothed (EMA ${weight.toFixed(2)})`,
          }),
          epochLine(positive(pick((h) => h.trainLoss)), orange, 'training loss, mean of epoch'),
          epochLine(positive(pick((h) => h.heldOutLoss)), green, `${evaluatedOn(last)} loss`),
        ],
      },
    );

    // The task's own figure.
    if (task === 'names') {
      this.chart(
        this.charts.second,
        [
          ['training accuracy, epoch', orange],
          ['held-out accuracy', green],
          ['held-out macro accuracy', purple],
        ],
        {
          ...common,
          ariaLabel: 'Accuracy chart',
          y: { label: 'accuracy (%)', grid: true, percent: true, domain: [0, 100] },
          marks: [
            epochLine(
              pick((h) => h.trainAccuracy),
              orange,
              'training accuracy',
            ),
            epochLine(
              pick((h) => h.heldOutAccuracy),
              green,
              'held-out accuracy',
            ),
            epochLine(
              pick((h) => h.macroAccuracy),
              purple,
              'held-out macro accuracy',
            ),
          ],
        },
      );
    } else if (task === 'forecast') {
      const scale = s.history.find((h) => h.scale)?.scale;
      const unit = scale?.unit ?? 'data units';
      const std = scale?.std ?? NaN;
      this.chart(
        this.charts.second,
        [
          [`training RMSE, epoch (${unit})`, orange],
          [`held-out RMSE (${unit})`, green],
        ],
        {
          ...common,
          ariaLabel: `RMSE chart in ${unit}`,
          y: { label: `RMSE (${unit})`, grid: true, zero: true },
          marks: [
            epochLine(
              pick((h) => rmseFromMse(h.trainLoss, std).inUnits),
              orange,
              'training RMSE',
            ),
            epochLine(
              pick((h) => rmseFromMse(h.heldOutLoss, std).inUnits),
              green,
              'held-out RMSE',
            ),
          ],
        },
      );
    } else {
      this.chart(
        this.charts.second,
        [
          ['training bits/char, epoch', orange],
          [`${evaluatedOn(last)} bits/char`, green],
        ],
        {
          ...common,
          ariaLabel: 'Bits per character chart',
          y: { label: 'bits per character', grid: true },
          marks: [
            epochLine(
              pick((h) => bitsPerCharacter(h.trainLoss)),
              orange,
              'training bits/char',
            ),
            epochLine(
              pick((h) => bitsPerCharacter(h.heldOutLoss)),
              green,
              `${evaluatedOn(last)} bits/char`,
            ),
          ],
        },
      );
    }

    // The learning rate: a chart only when it changes (a schedule), else a figure above.
    const rates = s.batches.map((b) => b.learningRate);
    if (isConstant(rates)) {
      this.charts.rate.replaceChildren();
      this.charts.rate.hidden = true;
    } else {
      this.charts.rate.hidden = false;
      this.chart(this.charts.rate, [['learning rate', orange]], {
        ...common,
        ariaLabel: 'Learning rate chart',
        y: { label: 'learning rate', grid: true, tickFormat: '.1e' },
        marks: [
          Plot.line(s.batches, {
            x: 'progress',
            y: 'learningRate',
            stroke: orange,
            strokeWidth: 2,
          }),
        ],
      });
    }

    const speedUnit = throughputUnit(task);
    this.chart(this.charts.speed, [[speedUnit.plural, blue]], {
      ...common,
      ariaLabel: `Throughput chart, ${speedUnit.plural}`,
      y: { label: speedUnit.short, grid: true },
      marks: [
        Plot.line(
          s.batches.map((b) => ({ progress: b.progress, speed: throughput(task, b) })),
          { x: 'progress', y: 'speed', stroke: blue, strokeWidth: 2 },
        ),
      ],
    });
    if (isClassifier(s)) this.drawConfusion();
    this.drawEpochTable(s);
  }

  /** The latest figures in words, each loss named and labelled by kind. */
  private drawFigures(s: TrainingSnapshot): void {
    const task = snapshotTask(s);
    const kind = lossKind(task);
    const last = s.history[s.history.length - 1];
    const batch = s.batches[s.batches.length - 1];
    const items: string[] = [];
    if (batch)
      items.push(
        `training loss (${kind.name}, ${kind.unit}), last batch: ${batch.loss.toFixed(3)}`,
      );
    if (last) {
      items.push(
        `training loss (${kind.name}, ${kind.unit}), mean of epoch ${last.epoch}: ${last.trainLoss.toFixed(3)}`,
        `${evaluatedOn(last)} loss (${kind.name}, ${kind.unit}), after epoch ${last.epoch}: ${last.heldOutLoss.toFixed(3)}`,
      );
      if (task === 'names') {
        items.push(
          `held-out accuracy: ${percent(last.heldOutAccuracy)}`,
          `held-out macro accuracy: ${percent(last.macroAccuracy)}`,
        );
      } else if (task === 'forecast') {
        const scale = last.scale;
        const train = rmseFromMse(last.trainLoss, scale?.std ?? NaN);
        const heldOut = rmseFromMse(last.heldOutLoss, scale?.std ?? NaN);
        const units = (r: { normalised: number; inUnits: number }): string =>
          `${r.normalised.toFixed(3)} normalised = ${r.inUnits.toFixed(1)} ${scale?.unit ?? ''}`.trim();
        items.push(
          `held-out RMSE, epoch ${last.epoch}: ${units(heldOut)}`,
          `training RMSE, mean of epoch ${last.epoch}: ${units(train)}`,
          scale
            ? `normalised units: the series minus its mean, divided by its standard deviation ` +
                `${scale.std.toFixed(1)} ${scale.unit} (training part)`
            : 'normalised units: the series minus its mean, divided by its standard deviation',
        );
      } else {
        items.push(
          `${evaluatedOn(last)} bits per character, after epoch ${last.epoch}: ${bitsPerCharacter(last.heldOutLoss).toFixed(3)}`,
          `training bits per character, mean of epoch ${last.epoch}: ${bitsPerCharacter(last.trainLoss).toFixed(3)}`,
        );
      }
    }
    const rates = s.batches.map((b) => b.learningRate);
    if (batch && isConstant(rates))
      items.push(`learning rate: ${formatRate(batch.learningRate)} (constant)`);
    if (batch)
      items.push(
        `${throughputUnit(task).plural}: ${Math.round(throughput(task, batch)).toLocaleString('en-US')}`,
      );
    this.figures.replaceChildren(...items.map((text) => el('li', {}, text)));
  }

  private drawEpochTable(s: TrainingSnapshot): void {
    const task = snapshotTask(s);
    const last = s.history[s.history.length - 1];
    const kind = lossKind(task);
    const speed = throughputUnit(task).short;
    const columns: Array<[string, (h: EpochPoint) => string]> = [
      ['epoch', (h) => String(h.epoch)],
      [`training loss (${kind.name}, mean)`, (h) => h.trainLoss.toFixed(4)],
      [`${evaluatedOn(last)} loss (${kind.name})`, (h) => h.heldOutLoss.toFixed(4)],
    ];
    if (task === 'names') {
      columns.push(
        ['training accuracy', (h) => percent(h.trainAccuracy)],
        ['held-out accuracy', (h) => percent(h.heldOutAccuracy)],
        ['macro accuracy', (h) => percent(h.macroAccuracy)],
      );
    } else if (task === 'forecast') {
      const std = (h: EpochPoint): number => h.scale?.std ?? NaN;
      const unit = s.history.find((h) => h.scale)?.scale?.unit ?? 'units';
      columns.push(
        [
          'held-out RMSE (normalised)',
          (h) => rmseFromMse(h.heldOutLoss, std(h)).normalised.toFixed(3),
        ],
        [`held-out RMSE (${unit})`, (h) => rmseFromMse(h.heldOutLoss, std(h)).inUnits.toFixed(1)],
      );
    } else {
      columns.push(
        ['training bits/char', (h) => bitsPerCharacter(h.trainLoss).toFixed(3)],
        [`${evaluatedOn(last)} bits/char`, (h) => bitsPerCharacter(h.heldOutLoss).toFixed(3)],
      );
    }
    columns.push([speed, (h) => Math.round(throughput(task, h)).toString()]);
    this.epochTable.replaceChildren(
      el('tr', {}, ...columns.map(([h]) => el('th', {}, h))),
      ...s.history.map((h) => el('tr', {}, ...columns.map(([, f]) => el('td', {}, f(h))))),
    );
  }

  private chart(
    container: HTMLElement,
    entries: Array<[string, string]>,
    options: Parameters<typeof renderPlot>[1],
  ): void {
    renderPlot(container, options);
    container.prepend(legend(entries));
  }

  private drawConfusion(): void {
    const s = this.snapshot;
    if (!s?.confusion || s.confusion.length === 0) {
      this.confusion.replaceChildren(
        el('p', { class: 'empty' }, 'The matrix appears after the first epoch.'),
      );
      this.colourLegend.replaceChildren();
      this.classTable.replaceChildren();
      return;
    }
    const normalised = this.rowNormalised.checked;
    const shares = rowPercentages(s.confusion);
    const cells = s.confusion.flatMap((row, a) =>
      row.map((count, p) => ({
        actual: s.labels[a] ?? String(a),
        predicted: s.labels[p] ?? String(p),
        a,
        p,
        count,
        share: shares[a]?.[p] ?? 0,
        value: normalised ? (shares[a]?.[p] ?? 0) : count,
      })),
    );
    const max = normalised ? 100 : Math.max(1, ...cells.map((c) => c.count));
    const fill = (value: number): string => interpolateBlues(value / max);
    const black = [0, 0, 0] as [number, number, number];
    const white = [255, 255, 255] as [number, number, number];
    // Whichever of black and white reads better on the cell's own colour, whatever the theme.
    const ink = (value: number): string => {
      const c = parseColour(fill(value)) ?? white;
      return contrastRatio(c, black) >= contrastRatio(c, white) ? 'black' : 'white';
    };
    const chart = renderPlot(this.confusion, {
      width: 640,
      height: 600,
      marginLeft: 96,
      marginBottom: 100,
      x: { label: 'predicted', tickRotate: -50, domain: s.labels },
      y: { label: 'actual', domain: s.labels },
      marks: [
        Plot.cell(cells, { x: 'predicted', y: 'actual', fill: (c) => fill(c.value), inset: 0.5 }),
        Plot.text(
          cells.filter((c) => c.count > 0),
          {
            x: 'predicted',
            y: 'actual',
            text: (c: { value: number }) =>
              normalised ? String(Math.round(c.value)) : String(c.value),
            fontSize: 11,
            fill: (c: { value: number }) => ink(c.value),
          },
        ),
      ],
    });
    chart.querySelectorAll('g[aria-label="cell"] rect').forEach((rect, i) => {
      const cell = cells[i];
      if (!cell) return;
      rect.setAttribute('tabindex', '0');
      rect.setAttribute('role', 'button');
      rect.setAttribute('data-actual', cell.actual);
      rect.setAttribute('data-predicted', cell.predicted);
      rect.setAttribute('data-count', String(cell.count));
      rect.setAttribute('data-percent', String(cell.share));
      rect.setAttribute(
        'aria-label',
        `${cell.count} ${cell.actual} names (${cell.share.toFixed(1)}% of them) predicted as ${cell.predicted}`,
      );
      rect.classList.add('clickable');
      const open = (): void => this.onCell(cell.a, cell.p);
      rect.addEventListener('click', open);
      rect.addEventListener('keydown', (event) => {
        if ((event as KeyboardEvent).key === 'Enter') open();
      });
    });
    this.colourLegend.replaceChildren(
      colourBar({
        kind: 'sequential',
        domain: [0, max],
        label: normalised ? '% of the language’s held-out names' : 'held-out names',
        interpolate: interpolateBlues,
        ticks: normalised ? 5 : 3,
      }),
    );
    const accuracy = perClassAccuracy(s.confusion);
    this.classTable.replaceChildren(
      el('tr', {}, el('th', {}, 'language'), el('th', {}, 'names'), el('th', {}, 'accuracy')),
      ...s.confusion.map((row, a) =>
        el(
          'tr',
          { 'data-label': s.labels[a] ?? String(a) },
          el('th', { scope: 'row' }, s.labels[a] ?? String(a)),
          el('td', {}, String(row.reduce((sum, v) => sum + v, 0))),
          el(
            'td',
            { 'data-accuracy': String(accuracy[a]) },
            Number.isFinite(accuracy[a]) ? percent(accuracy[a] as number) : '–',
          ),
        ),
      ),
    );
  }

  showMisclassified(actual: string, predicted: string, names: string[]): void {
    this.misclassified.replaceChildren(
      el('h4', {}, `${names.length} ${actual} names predicted as ${predicted}`),
      el('p', {}, names.length ? names.slice(0, 200).join(', ') : 'None.'),
    );
  }
}

/** The snapshot's task; a host from before tasks were sent only trained name classifiers. */
export function snapshotTask(s: TrainingSnapshot): TaskName {
  return s.task ?? 'names';
}

/** "held-out loss" → "line-held-out-loss". */
function lineClass(what: string): string {
  return `line-${what
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')}`;
}

function isClassifier(s: TrainingSnapshot): boolean {
  return snapshotTask(s) === 'names';
}

function formatRate(rate: number): string {
  return rate >= 1e-3 ? String(Number(rate.toPrecision(3))) : rate.toExponential(1);
}
