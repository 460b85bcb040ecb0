import type { CellGradients } from '../../core/explore/gradientLab';
import {
  LAB_GATE_BIASES,
  LAB_HIDDEN_SIZES,
  type HostMessage,
  type LabControls,
  type TrainingSnapshot,
} from '../../shared/explorerProtocol';
import { chartWidth, legend, Plot, renderPlot, seriesColors } from './charts';
import { colourBar } from '../common/colourScale';
import { el } from './dom';

type GradientsMessage = Extract<HostMessage, { type: 'gradients' }>;

const CELL_NAMES: Record<string, string> = { rnn: 'Vanilla RNN', lstm: 'LSTM', gru: 'GRU' };
/** What the host uses when the controls leave the hidden size out. */
const DEFAULT_HIDDEN = 64;

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
  private readonly legend = el('p', { class: 'rule lab-legend' });
  private readonly why = el('p', { class: 'rule lab-why' });
  /** Which model's weights, and their spectral radii, when the lab follows the trained model. */
  private readonly trained = el('p', { class: 'rule lab-trained', 'aria-live': 'polite' });
  private readonly duringTraining = el('div', { class: 'during-training' });
  private readonly inputs: Record<keyof LabControls, HTMLInputElement | HTMLSelectElement>;
  /** Whether the hidden size is the user's (or the host's) choice rather than the default. */
  private hiddenChosen = false;
  /** The clipping threshold of the results shown. */
  private clipNorm = 0;
  private readonly readouts: Record<'spectralRadius' | 'length' | 'clipNorm', HTMLElement>;

  constructor(
    controls: LabControls,
    private readonly onChange: (controls: LabControls) => void,
    onSeeInTraining: () => void,
  ) {
    const activation = el('select', {
      id: 'lab-activation',
      'aria-label': 'Activation of the vanilla RNN',
    }) as HTMLSelectElement;
    for (const name of ['tanh', 'relu', 'sigmoid'])
      activation.append(el('option', { value: name }, name));
    const hiddenSize = el('select', {
      id: 'lab-hidden',
      'aria-label': 'Hidden size of every cell',
    }) as HTMLSelectElement;
    for (const size of LAB_HIDDEN_SIZES)
      hiddenSize.append(el('option', { value: String(size) }, String(size)));
    hiddenSize.addEventListener('input', () => (this.hiddenChosen = true));
    const biasSelect = (id: string, label: string): HTMLSelectElement => {
      const select = el('select', { id, 'aria-label': label }) as HTMLSelectElement;
      select.append(el('option', { value: '' }, 'default'));
      for (const bias of LAB_GATE_BIASES)
        select.append(el('option', { value: String(bias) }, String(bias)));
      return select;
    };
    const weights = el('select', {
      id: 'lab-weights',
      'aria-label': 'Whose recurrent weights the lab uses',
    }) as HTMLSelectElement;
    weights.append(
      el('option', { value: '' }, 'random, at the radius set'),
      el('option', { value: 'model' }, 'the names model in use'),
    );
    const forgetBias = biasSelect('lab-forget-bias', 'Forget-gate bias of the LSTM');
    const updateBias = biasSelect('lab-update-bias', 'Update-gate bias of the GRU');
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
      hiddenSize,
      forgetBias,
      updateBias,
      weights,
    };
    this.readouts = {
      spectralRadius: el('output', { for: 'lab-radius' }),
      length: el('output', { for: 'lab-length' }),
      clipNorm: el('output', { for: 'lab-clip' }),
    };
    this.set(controls);
    for (const input of Object.values(this.inputs))
      input.addEventListener('input', () => this.changed());
    // Random weights show the gradient at the start; training shows what it costs the cells.
    const seeInTraining = el(
      'button',
      { type: 'button', class: 'lab-see-training' },
      'See it in training: race the three cells on a memory task',
    );
    seeInTraining.addEventListener('click', onSeeInTraining);
    const field = (label: string, input: HTMLElement, readout?: HTMLElement): HTMLElement =>
      el('label', { class: 'field' }, `${label} `, input, ...(readout ? [readout] : []));
    this.root = el(
      'section',
      { class: 'view gradients-view', 'aria-label': 'Gradient lab' },
      el(
        'div',
        { class: 'toolbar' },
        field('Weights', weights),
        field('Activation', activation),
        field('Spectral radius of W_hh', this.inputs.spectralRadius, this.readouts.spectralRadius),
        field('Length', this.inputs.length, this.readouts.length),
        field('Clip at', this.inputs.clipNorm, this.readouts.clipNorm),
        field('Hidden size', hiddenSize),
        field('LSTM forget bias', forgetBias),
        field('GRU update bias', updateBias),
      ),
      this.regimes,
      this.chart,
      this.legend,
      this.trained,
      this.why,
      el('p', { class: 'rule' }, seeInTraining),
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
    this.inputs.hiddenSize.value = String(controls.hiddenSize ?? DEFAULT_HIDDEN);
    this.hiddenChosen = controls.hiddenSize !== undefined;
    this.inputs.forgetBias.value =
      controls.forgetBias === undefined ? '' : String(controls.forgetBias);
    this.inputs.updateBias.value =
      controls.updateBias === undefined ? '' : String(controls.updateBias);
    this.inputs.weights.value = controls.weights ?? '';
    this.updateReadouts();
  }

  private read(): LabControls {
    return {
      activation: this.inputs.activation.value as LabControls['activation'],
      spectralRadius: Number(this.inputs.spectralRadius.value),
      length: Number(this.inputs.length.value),
      clipNorm: Number(this.inputs.clipNorm.value),
      ...(this.hiddenChosen ? { hiddenSize: Number(this.inputs.hiddenSize.value) } : {}),
      ...biasOf('forgetBias', this.inputs.forgetBias.value),
      ...biasOf('updateBias', this.inputs.updateBias.value),
      ...(this.inputs.weights.value === 'model' ? { weights: 'model' as const } : {}),
    };
  }

  private updateReadouts(): void {
    const c = this.read();
    this.readouts.spectralRadius.textContent = c.spectralRadius.toFixed(2);
    this.readouts.length.textContent = String(c.length);
    this.readouts.clipNorm.textContent = c.clipNorm === 0 ? 'off' : String(c.clipNorm);
    // A trained model brings its own activation, radius, size and biases: only length and
    // clipping still apply.
    for (const key of RANDOM_ONLY) {
      this.inputs[key].disabled = c.weights === 'model';
      // Hidden too: a greyed "radius 1.00" beside the model's own radii would be misread.
      const field = this.inputs[key].closest('label');
      if (field) field.hidden = c.weights === 'model';
      this.inputs[key].title =
        c.weights === 'model'
          ? 'The trained model has its own; choose random weights to set it.'
          : '';
    }
  }

  private changed(): void {
    this.updateReadouts();
    this.onChange(this.read());
  }

  show(message: GradientsMessage): void {
    // Follow the host's controls (a restored panel), unless the user is moving one right now.
    if (!Object.values(this.inputs).includes(document.activeElement as HTMLInputElement))
      this.set(message.controls);
    this.plot(message.cells);
    this.trained.textContent = message.trained
      ? trainedText(message.trained, message.controls)
      : '';
    this.why.textContent =
      message.trained && 'radii' in message.trained
        ? trainedExplanation(message.cells[0], message.trained)
        : explanation(message.controls);
    this.clipNorm = message.controls.clipNorm;
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
          el('td', {}, formatNorm(cell.norms[0] ?? 0)),
          el('td', {}, formatNorm(cell.norms[cell.norms.length - 1] ?? 0)),
          el('td', {}, cell.regime),
          el('td', {}, clipping(cell, message.controls.clipNorm) ?? 'not triggered'),
        ),
      ),
    );
  }

  /**
   * The log-scale domain is the data's own range, so nothing is clamped to a floor; a norm that
   * really is 0 or infinite has no place on a log axis and is marked with a labelled "0" or "∞"
   * at the frame's bottom or top edge instead.
   */
  private plot(cells: readonly CellGradients[]): void {
    const points = cells.flatMap((cell) => normPoints(cell, 'h', cell.norms));
    const cellPath = cells.flatMap((cell) =>
      cell.cellNorms ? normPoints(cell, 'c', cell.cellNorms) : [],
    );
    const all = [...points, ...cellPath];
    const plotted = all.filter((p) => p.norm > 0 && Number.isFinite(p.norm));
    const zeros = all.filter((p) => p.norm === 0);
    const infinite = all.filter((p) => p.norm === Infinity);
    const lo = Math.min(...plotted.map((p) => p.norm), 1);
    const hi = Math.max(...plotted.map((p) => p.norm), 1);
    const finite = (p: NormPoint): boolean => p.norm > 0 && Number.isFinite(p.norm);
    const line = (data: NormPoint[], dash?: string) =>
      Plot.lineY(data, {
        x: 't',
        y: (p: NormPoint) => (finite(p) ? p.norm : NaN),
        fx: 'cell',
        stroke: 'cell',
        strokeWidth: 2,
        ...(dash ? { strokeDasharray: dash } : {}),
      });
    const edge = (data: NormPoint[], text: string, frameAnchor: 'top' | 'bottom') =>
      Plot.text(data, {
        x: 't',
        fx: 'cell',
        text: () => text,
        frameAnchor,
        dy: frameAnchor === 'top' ? 6 : -6,
        fill: 'cell',
        fontSize: 13,
        fontWeight: 'bold',
        className: frameAnchor === 'top' ? 'lab-infinite' : 'lab-zero',
      });
    renderPlot(this.chart, {
      width: chartWidth(1),
      height: 300,
      marginLeft: 60,
      y: { type: 'log', label: '‖dL/dh_t‖', grid: true, tickFormat: '.0e', domain: [lo, hi] },
      x: { label: 'time step t', grid: true },
      fx: { label: null, domain: cells.map((cell) => CELL_NAMES[cell.cell] ?? cell.cell) },
      color: { domain: Object.values(CELL_NAMES), range: seriesColors() },
      marks: [
        Plot.ruleY([1], { stroke: 'currentColor', strokeOpacity: 0.3 }),
        line(points),
        line(cellPath, '5 4'),
        Plot.dot(plotted, {
          x: 't',
          y: 'norm',
          fx: 'cell',
          fill: 'cell',
          r: 1.5,
          title: (p: NormPoint) => p.norm.toExponential(3),
          className: 'lab-points',
        }),
        edge(zeros, '0', 'bottom'),
        edge(infinite, '∞', 'top'),
      ],
    });
    this.legend.replaceChildren(
      ...(cellPath.length > 0
        ? [
            el(
              'span',
              { class: 'lab-legend-dashed' },
              '‖dL/dh_t‖ solid, ‖dL/dc_t‖ (LSTM cell state) dashed',
            ),
          ]
        : []),
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
    const logs = cells.map((c) => c.norm);
    const heatDomain: [number, number] = [Math.min(...logs), Math.max(...logs)];
    renderPlot(heatmap, {
      width: chartWidth(1),
      height: 260,
      marginLeft: 56,
      x: { label: 'epoch (training step)', grid: false },
      y: { label: 'time step t', reverse: true },
      color: { scheme: 'viridis', label: 'log10 ‖dL/dh_t‖', legend: false, domain: heatDomain },
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
      colourBar({ kind: 'sequential', domain: heatDomain, label: 'log10 ‖dL/dh_t‖' }),
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
    const clipped = clipping(cell, this.clipNorm);
    const clip = clipped ? ` · clipping ${clipped}` : '';
    return el(
      'span',
      { class: `regime ${cell.regime}`, 'data-cell': cell.cell },
      `${CELL_NAMES[cell.cell]}: ${cell.regime}${clip}`,
    );
  }
}

/** The controls that shape random weights, and mean nothing for a trained model's. */
const RANDOM_ONLY = [
  'activation',
  'spectralRadius',
  'hiddenSize',
  'forgetBias',
  'updateBias',
] as const;

type TrainedInfo = NonNullable<GradientsMessage['trained']>;

function trainedText(info: TrainedInfo, controls: LabControls): string {
  if ('reason' in info) return `${info.title}: ${info.reason} Showing random weights instead.`;
  const radii = info.radii.map((r) => `ρ(${r.block}) = ${r.radius.toFixed(2)}`).join(', ');
  return (
    `${info.title}, its own trained weights: spectral radius ${radii}. ` +
    `Input: ${controls.length} random letters; the loss is at the last step, against the first language.`
  );
}

/** Why a trained model's curve looks as it does, from its own radii and regime. */
function trainedExplanation(
  cell: CellGradients | undefined,
  info: Extract<TrainedInfo, { radii: unknown }>,
): string {
  if (!cell) return '';
  const name = CELL_NAMES[cell.cell] ?? cell.cell;
  if (cell.cell === 'rnn') {
    const r = info.radii[0]?.radius ?? 0;
    return (
      `${name}: each step multiplies the gradient by W_hh (radius ${r.toFixed(2)}) and tanh's slope (at most 1), ` +
      `so with a radius ${r < 1 ? 'below' : 'above'} 1 the gradient ${r < 1 ? 'must shrink' : 'can grow'} step by step: here it is ${cell.regime}.`
    );
  }
  const path =
    cell.cell === 'lstm'
      ? 'the cell state, scaled by the forget gate f'
      : 'the state, scaled by the update gate z';
  return (
    `${name}: training sets the gates, so its gradient flows back mainly through ${path} at each step; ` +
    `the recurrent radii above matter less than those gates. Here it is ${cell.regime}.`
  );
}

/** An empty select value means the default initialisation, left out of the controls. */
const biasOf = (key: 'forgetBias' | 'updateBias', value: string): Partial<LabControls> =>
  value === '' ? {} : { [key]: Number(value) };

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/**
 * One sentence on why the curves look as they do: the per-step factor each cell's main path
 * multiplies its gradient by. PyTorch's initialisation puts gate biases near 0, so sigmoid ~0.5.
 */
function explanation(controls: LabControls): string {
  const f = sigmoid(controls.forgetBias ?? 0);
  const z = sigmoid(controls.updateBias ?? 0);
  const gate = (bias: number | undefined): string =>
    bias === undefined ? 'bias near 0 (default init)' : `bias ${bias}`;
  const slope =
    controls.activation === 'relu'
      ? 'relu passes it whole where a unit is active'
      : `${controls.activation}'s slope is at most ${controls.activation === 'tanh' ? 1 : 0.25}`;
  return (
    `Vanilla RNN: each step multiplies the gradient by W_hh (radius ${controls.spectralRadius}) and ${slope}; ` +
    `LSTM forget ${gate(controls.forgetBias)}: f ≈ ${f.toFixed(2)}, so the cell state keeps about ${f.toFixed(2)} of its gradient per step; ` +
    `GRU update ${gate(controls.updateBias)}: z ≈ ${z.toFixed(2)}, so the state's own path keeps about ${z.toFixed(2)} per step.`
  );
}

interface NormPoint {
  cell: string;
  path: 'h' | 'c';
  t: number;
  norm: number;
}

const normPoints = (cell: CellGradients, path: 'h' | 'c', norms: number[]): NormPoint[] =>
  norms.map((norm, t) => ({ cell: CELL_NAMES[cell.cell] ?? cell.cell, path, t: t + 1, norm }));

/** "0" and "∞" for norms off the log axis, the full exponent (3.20e+45) otherwise. */
export function formatNorm(norm: number): string {
  if (norm === 0) return '0';
  if (norm === Infinity) return '∞';
  return norm.toExponential(2);
}

/**
 * What clipping does to this cell's gradients, or undefined when it is off or not triggered. The
 * total norm comes from the model's float32 pass: past ~3.4e38 it is Infinity (or NaN), and
 * clip_grad_norm_ can then only multiply by 0, which that says rather than printing a factor.
 */
function clipping(cell: CellGradients, clipNorm: number): string | undefined {
  if (clipNorm <= 0) return undefined;
  if (!Number.isFinite(cell.totalNorm))
    return 'overflows: the float32 gradient norm is past 3.4e38, so clip_grad_norm_ multiplies by 0';
  return cell.clipFactor < 1 ? `scales gradients by ${formatFactor(cell.clipFactor)}` : undefined;
}

const formatFactor = (factor: number): string =>
  factor >= 0.01 ? factor.toFixed(3) : factor.toExponential(1);
