import { formatHeadline } from '../../shared/format';
import type { TrainingSnapshot } from '../../shared/explorerProtocol';
import { chartWidth, legend, Plot, renderPlot, seriesColors } from './charts';
import { el, percent } from './dom';

/**
 * The training dashboard: live loss, accuracy, learning rate and throughput, pause/resume/stop,
 * and the confusion matrix whose cells list the misclassified names.
 */
export class TrainingView {
  readonly root: HTMLElement;
  private readonly status = el('p', { class: 'status', 'aria-live': 'polite' });
  private readonly charts = {
    loss: el('div', { class: 'chart' }),
    accuracy: el('div', { class: 'chart' }),
    rate: el('div', { class: 'chart' }),
    speed: el('div', { class: 'chart' }),
  };
  private readonly confusion = el('div', { class: 'chart confusion' });
  private readonly misclassified = el('div', { class: 'misclassified', 'aria-live': 'polite' });
  private readonly epochTable = el('table', { class: 'numbers' });
  private readonly buttons: Record<'pause' | 'resume' | 'stop', HTMLButtonElement>;
  private snapshot?: TrainingSnapshot;

  constructor(
    onControl: (action: 'pause' | 'resume' | 'stop') => void,
    private readonly onCell: (actual: number, predicted: number) => void,
  ) {
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
    this.root = el(
      'section',
      { class: 'view training-view', 'aria-label': 'Training dashboard' },
      el(
        'div',
        { class: 'toolbar' },
        this.buttons.pause,
        this.buttons.resume,
        this.buttons.stop,
        this.status,
      ),
      el(
        'div',
        { class: 'grid' },
        this.charts.loss,
        this.charts.accuracy,
        this.charts.rate,
        this.charts.speed,
      ),
      el('h3', {}, 'Confusion matrix (held-out)'),
      el('details', {}, el('summary', {}, 'Numbers per epoch'), this.epochTable),
      this.confusion,
      this.misclassified,
    );
  }

  show(snapshot: TrainingSnapshot): void {
    this.snapshot = snapshot;
    const running = snapshot.state === 'running';
    this.buttons.pause.disabled = !running;
    this.buttons.resume.disabled = snapshot.state !== 'paused';
    this.buttons.stop.disabled = !(running || snapshot.state === 'paused');
    const last = snapshot.history[snapshot.history.length - 1];
    this.status.textContent =
      snapshot.state === 'idle'
        ? 'No training yet. Run "RNN: Train Name Classifier" and watch it here.'
        : `${snapshot.title ?? ''} · ${snapshot.state} · epoch ${last?.epoch ?? 0}/${snapshot.epochs}` +
          (last ? ` · ${formatHeadline(last.headline)}` : '');
    if (snapshot.batches.length === 0 && snapshot.history.length === 0) {
      Object.values(this.charts).forEach((c) => c.replaceChildren());
      this.confusion.replaceChildren();
      return;
    }
    this.draw();
  }

  private draw(): void {
    const s = this.snapshot;
    if (!s) return;
    const [blue, orange, green] = seriesColors() as [string, string, string];
    const x = { label: 'epoch', grid: true, domain: [0, Math.max(1, s.epochs)] };
    const common = { width: chartWidth(2), height: 220, marginLeft: 56, x };
    const epochLine = (values: Array<{ epoch: number; value: number }>, stroke: string) =>
      Plot.line(values, { x: 'epoch', y: 'value', stroke, marker: 'circle' });
    const pick = (key: keyof (typeof s.history)[number]) =>
      s.history.map((h) => ({ epoch: h.epoch, value: h[key] as number }));
    this.chart(
      this.charts.loss,
      [
        ['train, per batch', blue],
        ['train, epoch mean', orange],
        ['held-out', green],
      ],
      {
        ...common,
        y: { label: 'loss', grid: true },
        marks: [
          Plot.line(s.batches, { x: 'progress', y: 'loss', stroke: blue, strokeOpacity: 0.6 }),
          epochLine(pick('trainLoss'), orange),
          epochLine(pick('heldOutLoss'), green),
        ],
      },
    );
    this.chart(
      this.charts.accuracy,
      [
        ['train', orange],
        ['held-out', green],
        ['held-out macro', blue],
      ],
      {
        ...common,
        y: { label: 'accuracy', grid: true, percent: true, domain: [0, 100] },
        marks: [
          epochLine(pick('trainAccuracy'), orange),
          epochLine(pick('heldOutAccuracy'), green),
          epochLine(pick('macroAccuracy'), blue),
        ],
      },
    );
    this.chart(this.charts.rate, [['learning rate', orange]], {
      ...common,
      y: { label: 'learning rate', grid: true, tickFormat: '.1e' },
      marks: [Plot.line(s.batches, { x: 'progress', y: 'learningRate', stroke: orange })],
    });
    this.chart(this.charts.speed, [['names per second', blue]], {
      ...common,
      y: { label: 'names/s', grid: true },
      marks: [Plot.line(s.batches, { x: 'progress', y: 'sequencesPerSecond', stroke: blue })],
    });
    this.drawConfusion();
    this.epochTable.replaceChildren(
      el(
        'tr',
        {},
        ...[
          'epoch',
          'train loss',
          'train acc',
          'held-out loss',
          'held-out acc',
          'macro acc',
          'names/s',
        ].map((h) => el('th', {}, h)),
      ),
      ...s.history.map((h) =>
        el(
          'tr',
          {},
          ...[
            String(h.epoch),
            h.trainLoss.toFixed(4),
            percent(h.trainAccuracy),
            h.heldOutLoss.toFixed(4),
            percent(h.heldOutAccuracy),
            percent(h.macroAccuracy),
            Math.round(h.sequencesPerSecond).toString(),
          ].map((v) => el('td', {}, v)),
        ),
      ),
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
    if (!s?.confusion) {
      this.confusion.replaceChildren(
        el('p', { class: 'empty' }, 'The matrix appears after the first epoch.'),
      );
      return;
    }
    const cells = s.confusion.flatMap((row, a) =>
      row.map((count, p) => ({
        actual: s.labels[a] ?? String(a),
        predicted: s.labels[p] ?? String(p),
        a,
        p,
        count,
      })),
    );
    const max = Math.max(1, ...cells.map((c) => c.count));
    const chart = renderPlot(this.confusion, {
      width: 600,
      height: 560,
      marginLeft: 90,
      marginBottom: 90,
      x: { label: 'predicted', tickRotate: -50, domain: s.labels },
      y: { label: 'actual', domain: s.labels },
      color: { type: 'sqrt', scheme: 'blues', domain: [0, max] },
      marks: [
        Plot.cell(cells, { x: 'predicted', y: 'actual', fill: 'count', inset: 0.5 }),
        Plot.text(
          cells.filter((c) => c.count > 0),
          // Dark text on light cells and light text on dark ones, whatever the theme.
          {
            x: 'predicted',
            y: 'actual',
            text: 'count',
            fontSize: 8,
            fill: (c: { count: number }) => (Math.sqrt(c.count / max) > 0.55 ? 'white' : 'black'),
          },
        ),
      ],
    });
    chart.querySelectorAll('g[aria-label="cell"] rect').forEach((rect, i) => {
      const cell = cells[i];
      if (!cell) return;
      rect.setAttribute('tabindex', '0');
      rect.setAttribute('role', 'button');
      rect.setAttribute(
        'aria-label',
        `${cell.count} ${cell.actual} names predicted as ${cell.predicted}`,
      );
      rect.classList.add('clickable');
      const open = (): void => this.onCell(cell.a, cell.p);
      rect.addEventListener('click', open);
      rect.addEventListener('keydown', (event) => {
        if ((event as KeyboardEvent).key === 'Enter') open();
      });
    });
  }

  showMisclassified(actual: string, predicted: string, names: string[]): void {
    this.misclassified.replaceChildren(
      el('h4', {}, `${names.length} ${actual} names predicted as ${predicted}`),
      el('p', {}, names.length ? names.slice(0, 200).join(', ') : 'None.'),
    );
  }
}
