import type { CellGradients } from '../../core/explore/gradientLab';
import type { HostMessage, LabControls, TrainingSnapshot } from '../../shared/explorerProtocol';
import { chartWidth, legend, Plot, renderPlot, seriesColors } from './charts';
import { el } from './dom';

type GradientsMessage = Extract<HostMessage, { type: 'gradients' }>;

const CELL_NAMES: Record<string, string> = { rnn: 'Vanilla RNN', lstm: 'LSTM', gru: 'GRU' };

/**
 * The gradient lab: ||dL/dh_t|| against t on a log scale for the three cells side by side, with
 * controls for the activation, the spectral radius of W_hh, the length and the clipping threshold.
 */
export class GradientsView {
  readonly root: HTMLElement;
  private readonly chart = el('div', { class: 'chart' });
  private readonly regimes = el('div', { class: 'regimes', 'aria-live': 'polite' });
  private readonly table = el('table', { class: 'numbers' });
  private readonly rule = el('p', { class: 'rule' });
  private readonly duringTraining = el('div', { class: 'during-training' });
  private readonly inputs: Record<keyof LabControls, HTMLInputElement | HTMLSelectElement>;
  private readonly readouts: Record<'spectralRadius' | 'length' | 'clipNorm', HTMLElement>;

  constructor(
    controls: LabControls,
    private readonly onChange: (controls: LabControls) => void,
  ) {
    const activation = el('select', {
      id: 'lab-activation',
      'aria-label': 'Activation of the vanilla RNN',
    }) as HTMLSelectElement;
    for (const name of ['tanh', 'relu', 'sigmoid'])
      activation.append(el('option', { value: name }, name));
    const range = (
      id: string,
      min: number,
      max: number,
      step: number,
      label: string,
    ): HTMLInputElement =>
      el('input', {
        type: 'range',
        id,
        min: String(min),
        max: String(max),
        step: String(step),
        'aria-label': label,
      }) as HTMLInputElement;
    this.inputs = {
      activation,
      spectralRadius: range('lab-radius', 0.1, 4, 0.05, 'Spectral radius of W_hh'),
      length: range('lab-length', 10, 200, 1, 'Sequence length'),
      clipNorm: range('lab-clip', 0, 20, 0.5, 'Clipping threshold'),
    };
    this.readouts = {
      spectralRadius: el('output', { for: 'lab-radius' }),
      length: el('output', { for: 'lab-length' }),
      clipNorm: el('output', { for: 'lab-clip' }),
    };
    this.set(controls);
    for (const input of Object.values(this.inputs))
      input.addEventListener('input', () => this.changed());
    const field = (label: string, input: HTMLElement, readout?: HTMLElement): HTMLElement =>
      el('label', { class: 'field' }, `${label} `, input, ...(readout ? [readout] : []));
    this.root = el(
      'section',
      { class: 'view gradients-view', 'aria-label': 'Gradient lab' },
      el(
        'div',
        { class: 'toolbar' },
        field('Activation', activation),
        field('Spectral radius of W_hh', this.inputs.spectralRadius, this.readouts.spectralRadius),
        field('Length', this.inputs.length, this.readouts.length),
        field('Clip at', this.inputs.clipNorm, this.readouts.clipNorm),
      ),
      this.regimes,
      this.chart,
      this.rule,
      el('details', {}, el('summary', {}, 'Numbers'), this.table),
      this.duringTraining,
    );
  }

  private set(controls: LabControls): void {
    this.inputs.activation.value = controls.activation;
    this.inputs.spectralRadius.value = String(controls.spectralRadius);
    this.inputs.length.value = String(controls.length);
    this.inputs.clipNorm.value = String(controls.clipNorm);
    this.updateReadouts();
  }

  private read(): LabControls {
    return {
      activation: this.inputs.activation.value as LabControls['activation'],
      spectralRadius: Number(this.inputs.spectralRadius.value),
      length: Number(this.inputs.length.value),
      clipNorm: Number(this.inputs.clipNorm.value),
    };
  }

  private updateReadouts(): void {
    const c = this.read();
    this.readouts.spectralRadius.textContent = c.spectralRadius.toFixed(2);
    this.readouts.length.textContent = String(c.length);
    this.readouts.clipNorm.textContent = c.clipNorm === 0 ? 'off' : String(c.clipNorm);
  }

  private changed(): void {
    this.updateReadouts();
    this.onChange(this.read());
  }

  show(message: GradientsMessage): void {
    // Follow the host's controls (a restored panel), unless the user is moving one right now.
    if (!Object.values(this.inputs).includes(document.activeElement as HTMLInputElement))
      this.set(message.controls);
    const points = message.cells.flatMap((cell) =>
      cell.norms.map((norm, t) => ({
        cell: CELL_NAMES[cell.cell] ?? cell.cell,
        t: t + 1,
        norm: Math.max(norm, 1e-30),
      })),
    );
    renderPlot(this.chart, {
      width: chartWidth(1),
      height: 300,
      marginLeft: 60,
      y: { type: 'log', label: '‖dL/dh_t‖', grid: true, tickFormat: '.0e' },
      x: { label: 'time step t', grid: true },
      fx: { label: null, domain: Object.values(CELL_NAMES) },
      color: { domain: Object.values(CELL_NAMES), range: seriesColors() },
      marks: [
        Plot.ruleY([1], { stroke: 'currentColor', strokeOpacity: 0.3 }),
        Plot.lineY(points, { x: 't', y: 'norm', fx: 'cell', stroke: 'cell', strokeWidth: 2 }),
      ],
    });
    this.regimes.replaceChildren(...message.cells.map((cell) => this.regime(cell)));
    this.rule.textContent = `Rule: ${message.rule}. Computed in ${message.millis.toFixed(0)} ms.`;
    this.table.replaceChildren(
      el(
        'tr',
        {},
        el('th', {}, 'cell'),
        el('th', {}, '‖dL/dh_1‖'),
        el('th', {}, '‖dL/dh_T‖'),
        el('th', {}, 'regime'),
        el('th', {}, 'clipping'),
      ),
      ...message.cells.map((cell) =>
        el(
          'tr',
          {},
          el('td', {}, CELL_NAMES[cell.cell] ?? cell.cell),
          el('td', {}, (cell.norms[0] ?? 0).toExponential(2)),
          el('td', {}, (cell.norms[cell.norms.length - 1] ?? 0).toExponential(2)),
          el('td', {}, cell.regime),
          el(
            'td',
            {},
            cell.clipFactor < 1 ? `scales by ${formatFactor(cell.clipFactor)}` : 'not triggered',
          ),
        ),
      ),
    );
  }

  /** During training: ||dL/dh_t|| by training step and time step, and each parameter's norm. */
  showTraining(snapshot: TrainingSnapshot): void {
    if (snapshot.gradients.length === 0) {
      this.duringTraining.replaceChildren();
      return;
    }
    const cells = snapshot.gradients.flatMap((g) =>
      g.stepNorms.map((norm, t) => ({
        progress: g.progress,
        t: t + 1,
        norm: Math.log10(Math.max(norm, 1e-12)),
      })),
    );
    const heatmap = el('div', { class: 'chart' });
    renderPlot(heatmap, {
      width: chartWidth(1),
      height: 260,
      marginLeft: 56,
      x: { label: 'epoch (training step)', grid: false },
      y: { label: 'time step t', reverse: true },
      color: { scheme: 'viridis', label: 'log10 ‖dL/dh_t‖', legend: false },
      marks: [
        Plot.rect(cells, {
          x1: 'progress',
          x2: (d: { progress: number }) =>
            d.progress + snapshot.epochs / Math.max(30, snapshot.gradients.length),
          y1: (d: { t: number }) => d.t - 0.5,
          y2: (d: { t: number }) => d.t + 0.5,
          fill: 'norm',
        }),
      ],
    });
    const names = Object.keys(snapshot.gradients[0]?.paramNorms ?? {});
    const params = snapshot.gradients.flatMap((g) =>
      names.map((name) => ({
        progress: g.progress,
        name,
        norm: Math.max(g.paramNorms[name] ?? 0, 1e-12),
      })),
    );
    const lines = el('div', { class: 'chart' });
    renderPlot(lines, {
      width: chartWidth(1),
      height: 240,
      marginLeft: 56,
      x: { label: 'epoch', grid: true },
      y: { type: 'log', label: 'parameter gradient norm', grid: true, tickFormat: '.0e' },
      color: { domain: names, range: seriesColors().concat(seriesColors()) },
      marks: [
        ...(snapshot.clipNorm > 0
          ? [Plot.ruleY([snapshot.clipNorm], { stroke: 'currentColor', strokeDasharray: '4 3' })]
          : []),
        Plot.line(params, { x: 'progress', y: 'norm', stroke: 'name', z: 'name' }),
      ],
    });
    this.duringTraining.replaceChildren(
      el('h3', {}, `While training ${snapshot.title ?? ''}`),
      el(
        'p',
        { class: 'rule' },
        'Gradient norm by training step (x) and time step (y), log10 colour scale; brighter is larger.',
      ),
      heatmap,
      el(
        'p',
        { class: 'rule' },
        `Each parameter's gradient norm before clipping; the dashed line is the clipping threshold (${snapshot.clipNorm}).`,
      ),
      legend(
        names.map((name, i) => [name, seriesColors().concat(seriesColors())[i] ?? 'currentColor']),
      ),
      lines,
    );
  }

  private regime(cell: CellGradients): HTMLElement {
    const clip =
      cell.clipFactor < 1 ? ` · clipping scales gradients by ${formatFactor(cell.clipFactor)}` : '';
    return el(
      'span',
      { class: `regime ${cell.regime}`, 'data-cell': cell.cell },
      `${CELL_NAMES[cell.cell]}: ${cell.regime}${clip}`,
    );
  }
}

const formatFactor = (factor: number): string =>
  factor >= 0.01 ? factor.toFixed(3) : factor.toExponential(1);
