import type { OutputEntry, SequenceTrace, StepTrace } from '../../core/explore/trace';
import { colourBar, divergingColour, stateLimit } from '../common/colourScale';
import { seriesColors } from './charts';
import { el, percent, svg } from './dom';
import {
  DEFAULT_MEASURE,
  describeSaliency,
  SALIENCY_MEASURES,
  SALIENCY_ROW,
  saliencyAxis,
  saliencyCell,
  saliencyLegend,
  saliencyScale,
  shownMeasure,
  type SaliencyMeasure,
} from './saliencyRow';
import type { ExplorerState } from './vscodeApi';

/**
 * The unfolded graph: one column per time step with its input symbol, each layer's hidden state
 * (and on request its gates) as a grid of coloured units on the shared diverging scale, the
 * prediction after the prefix, each step's saliency (saliencyRow.ts), and, as an overlay, a bar
 * per step whose height is ||dL/dh_t||.
 */
const HEADER = 28;
/** Space between two rows of a layer, and between two layers. */
const ROW_GAP = 6;
const LAYER_GAP = 12;
/** Units per row of a state's grid: 128 units are 8 rows of 16 squares (4 px at zoom 1). */
const UNITS_PER_ROW = 16;
/** A one-row grid is at least this tall. */
const MIN_STRIP_HEIGHT = 14;
/** Three rows of prediction under each column. */
const OUTPUT_ROW = 18;
const FOOTER = 3 * OUTPUT_ROW + 10;
/** The tallest gradient bar, and the room a layer's bar row takes. */
const BAR_MAX = 40;
const BAR_ROW = BAR_MAX + 14;
/** Font sizes of the graph's texts (media/explorer.css sets the same). */
const FONT = { symbol: 15, output: 11, small: 10, label: 11, axis: 11 } as const;

/** How the units of a state are laid out: the order is the same in every column. */
export type UnitOrder = 'index' | 'final';
const UNIT_ORDERS: Record<UnitOrder, string> = {
  final: 'final value',
  index: 'unit index',
};
/**
 * By final value: the last column reads red to blue, and every earlier column shows which of
 * those units were already set and which the later symbols moved.
 */
const DEFAULT_ORDER: UnitOrder = 'final';

/** Colour steps of a strip, odd so that one is 0: 0.05 apart on the ±1 scale, finer than a
 * 4-px square shows (the tooltip has the exact value). */
const COLOUR_LEVELS = 41;

/** The graph's remembered options; `sortUnits` and `saliency` ride along in its saved state. */
export type GraphOptions = ExplorerState['graph'] & {
  sortUnits?: UnitOrder;
  saliency?: SaliencyMeasure;
};

/** What a gate row is, and its equation as PyTorch's documentation writes it. */
interface GateInfo {
  title: string;
  equation: string;
  /** sigmoid gates lie in 0..1, tanh ones in −1..1, c anywhere. */
  squash: 'σ' | 'tanh' | 'none';
}

const GATES: Record<string, Record<string, GateInfo>> = {
  gru: {
    r: {
      title: 'reset gate',
      equation: 'r_t = σ(W_ir x_t + b_ir + W_hr h_{t−1} + b_hr)',
      squash: 'σ',
    },
    z: {
      title: 'update gate',
      equation: 'z_t = σ(W_iz x_t + b_iz + W_hz h_{t−1} + b_hz)',
      squash: 'σ',
    },
    n: {
      title: 'new gate (candidate state)',
      equation: 'n_t = tanh(W_in x_t + b_in + r_t ⊙ (W_hn h_{t−1} + b_hn))',
      squash: 'tanh',
    },
  },
  lstm: {
    i: {
      title: 'input gate',
      equation: 'i_t = σ(W_ii x_t + b_ii + W_hi h_{t−1} + b_hi)',
      squash: 'σ',
    },
    f: {
      title: 'forget gate',
      equation: 'f_t = σ(W_if x_t + b_if + W_hf h_{t−1} + b_hf)',
      squash: 'σ',
    },
    g: {
      title: 'cell gate (candidate)',
      equation: 'g_t = tanh(W_ig x_t + b_ig + W_hg h_{t−1} + b_hg)',
      squash: 'tanh',
    },
    o: {
      title: 'output gate',
      equation: 'o_t = σ(W_io x_t + b_io + W_ho h_{t−1} + b_ho)',
      squash: 'σ',
    },
    c: {
      title: 'cell state',
      equation: 'c_t = f_t ⊙ c_{t−1} + i_t ⊙ g_t',
      squash: 'none',
    },
  },
};

const H_EQUATION: Record<string, string> = {
  gru: 'h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_{t−1}',
  lstm: 'h_t = o_t ⊙ tanh(c_t)',
};

/** A forecast shows its value; a class its probability. */
const shown = (entry: OutputEntry): string => entry.display ?? percent(entry.probability);
const f3 = (v: number): string => v.toFixed(3);
const norm = (v: number): string => (Number.isFinite(v) ? v.toExponential(2) : String(v));

let measureContext: CanvasRenderingContext2D | null | undefined;
/** A text's width in px in the given font, without laying it out (the view may be hidden). */
function textWidth(text: string, font: string): number {
  if (measureContext === undefined)
    measureContext = document.createElement('canvas').getContext('2d');
  if (!measureContext) return text.length * 0.65 * 16;
  measureContext.font = font;
  return measureContext.measureText(text).width;
}

export interface GraphCallbacks {
  onState(change: Partial<GraphOptions>): void;
}

interface Layout {
  H: number;
  columnWidth: number;
  pitch: number;
  left: number;
  perRow: number;
  cellWidth: number;
  cellHeight: number;
  stripHeight: number;
  rowNames: string[];
  layerHeight: number;
  outputsTop: number;
  saliencyTop: number;
  barsTop: number;
  limit: number;
  maxNorm: number;
  /** The colour of each of the COLOUR_LEVELS steps, from −limit to +limit. */
  palette: string[];
  /** Per layer, the unit shown at each position. */
  order: number[][];
}

export class GraphView {
  readonly root: HTMLElement;
  private readonly canvas: HTMLElement;
  private readonly legend: HTMLElement;
  private readonly saliencyKey: HTMLElement;
  private readonly measureSelect: HTMLSelectElement;
  private readonly status: HTMLElement;
  private readonly tooltip: HTMLElement;
  private readonly playButton: HTMLButtonElement;
  private trace?: SequenceTrace;
  private timer?: number;
  /**
   * The gradient's colour, read once per render: the theme's orange as seriesColors gives it,
   * opaque and at 3:1 against the background (Dark Modern's charts.orange is
   * rgba(234, 92, 0, 0.33), dark brown on the editor if drawn as it is).
   */
  private gradientColour = '';
  private layout?: Layout;
  /** How long the last render took, for the render-time check. */
  lastRenderMs = 0;

  constructor(
    private options: GraphOptions,
    private readonly callbacks: GraphCallbacks,
  ) {
    // A saved state from before the control, or from a newer build, falls back to the default.
    if (!(options.sortUnits && options.sortUnits in UNIT_ORDERS))
      this.options = { ...this.options, sortUnits: DEFAULT_ORDER };
    if (!(options.saliency && options.saliency in SALIENCY_MEASURES))
      this.options = { ...this.options, saliency: DEFAULT_MEASURE };
    this.playButton = el(
      'button',
      { type: 'button', 'aria-label': 'Play the forward pass' },
      'Play',
    ) as HTMLButtonElement;
    const step = el(
      'button',
      { type: 'button', 'aria-label': 'Step forward one time step' },
      'Step',
    );
    const back = el('button', { type: 'button', 'aria-label': 'Step back one time step' }, 'Back');
    const all = el('button', { type: 'button', 'aria-label': 'Show every step' }, 'All');
    const zoomIn = el('button', { type: 'button', 'aria-label': 'Zoom in' }, '+');
    const zoomOut = el('button', { type: 'button', 'aria-label': 'Zoom out' }, '−');
    const gates = el('input', { type: 'checkbox', id: 'show-gates' }) as HTMLInputElement;
    const gradients = el('input', { type: 'checkbox', id: 'show-gradients' }) as HTMLInputElement;
    const sort = el(
      'select',
      { id: 'sort-units', 'aria-label': 'Sort units by' },
      ...Object.entries(UNIT_ORDERS).map(([value, label]) => el('option', { value }, label)),
    ) as HTMLSelectElement;
    sort.value = this.options.sortUnits ?? DEFAULT_ORDER;
    const measure = el(
      'select',
      { id: 'saliency-measure', 'aria-label': 'Saliency measure' },
      ...Object.entries(SALIENCY_MEASURES).map(([value, { label }]) =>
        el('option', { value }, label),
      ),
    ) as HTMLSelectElement;
    measure.value = this.options.saliency ?? DEFAULT_MEASURE;
    this.measureSelect = measure;
    gates.checked = options.showGates;
    gradients.checked = options.showGradients;
    this.playButton.addEventListener('click', () => this.togglePlay());
    step.addEventListener('click', () => this.moveCursor(1));
    back.addEventListener('click', () => this.moveCursor(-1));
    all.addEventListener('click', () => this.setOptions({ cursor: -1 }));
    zoomIn.addEventListener('click', () =>
      this.setOptions({ zoom: Math.min(3, this.options.zoom * 1.25) }),
    );
    zoomOut.addEventListener('click', () =>
      this.setOptions({ zoom: Math.max(0.2, this.options.zoom / 1.25) }),
    );
    gates.addEventListener('change', () => this.setOptions({ showGates: gates.checked }));
    gradients.addEventListener('change', () =>
      this.setOptions({ showGradients: gradients.checked }),
    );
    sort.addEventListener('change', () => this.setOptions({ sortUnits: sort.value as UnitOrder }));
    measure.addEventListener('change', () =>
      this.setOptions({ saliency: measure.value as SaliencyMeasure }),
    );
    this.status = el('div', { class: 'status', 'aria-live': 'polite' });
    this.legend = el('div', { class: 'graph-legend' });
    this.saliencyKey = el('div', { class: 'saliency-legend' });
    this.canvas = el('div', {
      class: 'graph-canvas',
      tabindex: '0',
      'aria-label': 'Unfolded graph; left and right arrows step through time',
    });
    this.canvas.addEventListener('keydown', (event) => {
      if (event.key === 'ArrowRight') this.moveCursor(1);
      else if (event.key === 'ArrowLeft') this.moveCursor(-1);
      else if (event.key === ' ') this.togglePlay();
      else return;
      event.preventDefault();
    });
    this.tooltip = el('div', { class: 'tooltip', role: 'status' });
    this.tooltip.hidden = true;
    this.root = el(
      'section',
      { class: 'view graph-view', 'aria-label': 'Unfolded graph' },
      el(
        'div',
        { class: 'toolbar' },
        this.playButton,
        back,
        step,
        all,
        el('span', { class: 'separator' }),
        zoomOut,
        zoomIn,
        el('label', {}, gates, ' gates'),
        el('label', {}, gradients, ' gradient flow'),
        el('label', { class: 'field' }, 'units sorted by', sort),
        el('label', { class: 'field' }, 'saliency', measure),
      ),
      this.status,
      this.legend,
      this.saliencyKey,
      this.canvas,
      this.tooltip,
    );
  }

  show(trace: SequenceTrace | null, reason?: string): void {
    // A new input is shown whole: a step position or an animation belongs to the input it was
    // made on, and kept on a longer name it would show a prefix as if it were the answer.
    const newInput = this.trace !== undefined && trace?.input !== this.trace.input;
    this.trace = trace ?? undefined;
    if (newInput) {
      this.stopPlaying();
      this.options = { ...this.options, cursor: -1 };
      this.callbacks.onState({ cursor: -1 });
    }
    if (!trace) {
      this.canvas.replaceChildren(
        el('p', { class: 'empty' }, reason ?? 'Type a name to see the network read it.'),
      );
      this.legend.replaceChildren();
      this.saliencyKey.replaceChildren();
      this.status.textContent = '';
      return;
    }
    if (this.options.cursor >= trace.steps.length) this.options.cursor = -1;
    this.render();
  }

  private setOptions(change: Partial<GraphOptions>): void {
    this.options = { ...this.options, ...change };
    this.callbacks.onState(change);
    this.render();
  }

  private moveCursor(delta: number): void {
    if (!this.trace) return;
    const last = this.trace.steps.length - 1;
    const current = this.options.cursor < 0 ? last : this.options.cursor;
    this.setOptions({ cursor: Math.max(0, Math.min(last, current + delta)) });
  }

  private stopPlaying(): void {
    if (this.timer === undefined) return;
    window.clearInterval(this.timer);
    this.timer = undefined;
    this.playButton.textContent = 'Play';
  }

  private togglePlay(): void {
    if (this.timer !== undefined) {
      this.stopPlaying();
      return;
    }
    if (!this.trace) return;
    this.playButton.textContent = 'Pause';
    this.setOptions({ cursor: 0 });
    this.timer = window.setInterval(() => {
      const last = (this.trace?.steps.length ?? 1) - 1;
      if (this.options.cursor >= last) {
        // The end of the animation is the whole input, not a position that a longer input
        // typed next would keep.
        this.stopPlaying();
        this.setOptions({ cursor: -1 });
        return;
      }
      this.moveCursor(1);
    }, 450);
  }

  /** The rows of a layer: h, then (on request) the gates in PyTorch's order, and LSTM's c. */
  private rowNames(trace: SequenceTrace): string[] {
    if (!this.options.showGates) return ['h'];
    const first = trace.steps[0]?.layers[0];
    const gates = Object.keys(first?.gates ?? {});
    return ['h', ...gates, ...(first?.c ? ['c'] : [])];
  }

  /** Per layer, the units in display order (the same in every column). */
  private unitOrder(trace: SequenceTrace): number[][] {
    const H = trace.hiddenSize;
    const sort = this.options.sortUnits ?? DEFAULT_ORDER;
    return Array.from({ length: trace.numLayers }, (_, l) => {
      const units = Array.from({ length: H }, (_, j) => j);
      if (sort === 'index') return units;
      // Most negative (red) first, most positive (blue) last, by the state after the input.
      const last = trace.steps[trace.steps.length - 1]?.layers[l]?.h ?? [];
      const key = Float64Array.from(units, (j) => last[j] ?? 0);
      return units.sort((a, b) => key[a]! - key[b]! || a - b);
    });
  }

  private fonts(): { family: string } {
    const family =
      getComputedStyle(document.body).getPropertyValue('--vscode-editor-font-family').trim() ||
      getComputedStyle(document.body).fontFamily ||
      'monospace';
    return { family };
  }

  private computeLayout(trace: SequenceTrace): Layout {
    const { family } = this.fonts();
    const H = trace.hiddenSize;
    const columnWidth = Math.max(24, Math.round(64 * this.options.zoom));
    const perRow = Math.max(1, Math.min(H, UNITS_PER_ROW));
    const rows = Math.ceil(H / perRow);
    const cellWidth = columnWidth / perRow;
    const cellHeight = rows === 1 ? Math.max(cellWidth, MIN_STRIP_HEIGHT) : cellWidth;
    const stripHeight = rows * cellHeight;
    const rowNames = this.rowNames(trace);
    const layerHeight = rowNames.length * (stripHeight + ROW_GAP) - ROW_GAP + LAYER_GAP;
    // Every output label whole: a column is as wide as its widest label needs.
    let widest = 0;
    for (const step of trace.steps) {
      step.top.slice(0, 3).forEach((entry, rank) => {
        const font = rank === 0 ? `600 ${FONT.output}px ${family}` : `${FONT.small}px ${family}`;
        widest = Math.max(widest, textWidth(entry.display ?? entry.label, font));
      });
    }
    const gap = Math.round(columnWidth * 0.35);
    const pitch = Math.ceil(Math.max(columnWidth + gap, widest + 10));
    const maxNorm = Math.max(
      0,
      ...trace.steps.flatMap((s) => s.gradNorms.filter((v) => Number.isFinite(v))),
    );
    // The left margin holds the row labels and the gradient axis, measured.
    const labels =
      trace.steps[0]?.layers.flatMap((_, l) => rowNames.map((r) => this.rowLabel(trace, r, l))) ??
      [];
    labels.push(SALIENCY_MEASURES[shownMeasure(trace.saliency, this.measure())].label);
    let left = 0;
    for (const label of labels)
      left = Math.max(left, textWidth(label, `600 ${FONT.label}px ${family}`));
    if (this.options.showGradients) {
      for (const label of this.axisLabels(trace, maxNorm))
        left = Math.max(left, textWidth(label, `${FONT.axis}px ${family}`));
    }
    left = Math.ceil(left + 14);
    const outputsTop = HEADER + trace.numLayers * layerHeight;
    // ±1 for tanh cells, as in every view; wider only for a relu RNN's states.
    let extreme = 0;
    for (const step of trace.steps) {
      for (const layer of step.layers) {
        for (const v of layer.h) extreme = Math.max(extreme, Math.abs(v));
        for (const gate of Object.values(layer.gates))
          for (const v of gate) extreme = Math.max(extreme, Math.abs(v));
      }
    }
    const limit = stateLimit([extreme]);
    const top = (COLOUR_LEVELS - 1) / 2;
    return {
      H,
      columnWidth,
      pitch,
      left,
      perRow,
      cellWidth,
      cellHeight,
      stripHeight,
      rowNames,
      layerHeight,
      outputsTop,
      saliencyTop: outputsTop + FOOTER,
      barsTop: outputsTop + FOOTER + SALIENCY_ROW,
      limit,
      palette: Array.from({ length: COLOUR_LEVELS }, (_, k) =>
        divergingColour(((k - top) / top) * limit, limit),
      ),
      maxNorm,
      order: this.unitOrder(trace),
    };
  }

  private measure(): SaliencyMeasure {
    return this.options.saliency ?? DEFAULT_MEASURE;
  }

  private rowLabel(trace: SequenceTrace, row: string, layer: number): string {
    return trace.numLayers > 1 ? `L${layer + 1} ${row}` : row;
  }

  private axisLabels(trace: SequenceTrace, maxNorm: number): string[] {
    return [
      ...Array.from({ length: trace.numLayers }, (_, l) =>
        trace.numLayers > 1 ? `‖dL/dh‖ L${l + 1}` : '‖dL/dh‖',
      ),
      '0',
      norm(maxNorm),
    ];
  }

  private columnX(layout: Layout, t: number): number {
    return layout.left + t * layout.pitch + (layout.pitch - layout.columnWidth) / 2;
  }

  private rowY(trace: SequenceTrace, layout: Layout, layer: number, row: number): number {
    return (
      HEADER +
      (trace.numLayers - 1 - layer) * layout.layerHeight +
      row * (layout.stripHeight + ROW_GAP)
    );
  }

  private render(): void {
    const trace = this.trace;
    if (!trace) return;
    const started = performance.now();
    this.gradientColour = seriesColors()[1] as string;
    const { showGradients } = this.options;
    const T = trace.steps.length;
    const cursor = this.options.cursor < 0 ? T - 1 : this.options.cursor;
    const layout = (this.layout = this.computeLayout(trace));
    const { columnWidth, pitch, rowNames, maxNorm } = layout;
    const height = layout.barsTop + (showGradients ? trace.numLayers * BAR_ROW + 4 : 0);
    const width = layout.left + T * pitch + 4;
    const root = svg('svg', {
      width,
      height,
      class: 'unfolded',
      role: 'img',
      'aria-label': `Unfolded ${trace.cell} over ${T} steps`,
    });
    root.append(this.rowLabels(trace, layout));
    const drawn = shownMeasure(trace.saliency, this.measure());
    // The choice is kept for the next input; this one may lack occlusion (a long input).
    const occlusion = this.measureSelect.querySelector<HTMLOptionElement>(
      'option[value="occlusion"]',
    );
    if (occlusion) occlusion.disabled = !trace.saliency.occlusion;
    this.measureSelect.value = drawn;
    const saliency = saliencyScale(trace.saliency, drawn);
    root.append(saliencyAxis(saliency, layout.left - 8, layout.saliencyTop));
    if (showGradients) root.append(this.gradientAxis(trace, layout));
    trace.steps.forEach((step, t) => {
      const x = this.columnX(layout, t);
      const column = svg('g', {
        class: `step${t > cursor ? ' future' : ''}`,
        'data-step': t,
        tabindex: 0,
        role: 'group',
      });
      column.setAttribute(
        'aria-label',
        `${this.describeStep(step, t)}; ${describeSaliency(saliency, t)}`,
      );
      const symbol = svg('text', { x: x + columnWidth / 2, y: 18, class: 'symbol' });
      symbol.textContent = step.symbol === ' ' ? '␣' : step.symbol;
      column.append(symbol);
      step.layers.forEach((layer, l) => {
        rowNames.forEach((row, r) => {
          const values = row === 'h' ? layer.h : row === 'c' ? (layer.c ?? []) : layer.gates[row];
          column.append(
            this.strip(values ?? [], x, this.rowY(trace, layout, l, r), layout, l, `${row}${l}`),
          );
        });
        if (t > 0) column.append(...this.arrows(step, t, l, x, layout, trace));
        if (showGradients) {
          const value = step.gradNorms[l] ?? 0;
          const barHeight = maxNorm > 0 && Number.isFinite(value) ? (BAR_MAX * value) / maxNorm : 0;
          const baseline = layout.barsTop + l * BAR_ROW + BAR_MAX + 4;
          const bar = svg('rect', {
            x: x + columnWidth * 0.2,
            y: baseline - barHeight,
            width: columnWidth * 0.6,
            height: barHeight,
            class: 'grad-bar',
            'data-layer': l,
            'data-norm': value,
          });
          bar.style.fill = this.gradientColour;
          const title = svg('title');
          title.textContent = `||dL/dh_${t + 1}|| = ${norm(value)} (layer ${l + 1})`;
          bar.append(title);
          column.append(bar);
        }
      });
      column.append(...saliencyCell(saliency, t, step.symbol, x, columnWidth, layout.saliencyTop));
      // The top 3 after this prefix: a label and a bar each, the first one bold.
      step.top.slice(0, 3).forEach((entry, rank) => {
        const y = layout.outputsTop + 4 + rank * OUTPUT_ROW;
        const label = svg('text', {
          x: x + columnWidth / 2,
          y: y + 9,
          class: rank === 0 ? 'output top' : 'output small',
        });
        // A forecast shows its value (its row says which step); a class shows its name, whole.
        label.textContent = entry.display ?? entry.label;
        const bar = svg('rect', {
          x,
          y: y + 12,
          width: columnWidth * entry.probability,
          height: 3,
          class: 'probability',
        });
        const title = svg('title');
        title.textContent = `${entry.label} ${shown(entry)}`;
        bar.append(title);
        column.append(label, bar);
      });
      column.addEventListener('mousemove', (event) => this.hover(step, t, event));
      column.addEventListener('focus', () =>
        this.explainUnit(step, t, trace.numLayers - 1, 'h', 0),
      );
      column.addEventListener('mouseleave', () => (this.tooltip.hidden = true));
      root.append(column);
    });
    this.canvas.replaceChildren(root);
    const limitText = String(Number(layout.limit.toPrecision(3)));
    this.legend.replaceChildren(
      colourBar({
        kind: 'diverging',
        domain: [-layout.limit, layout.limit],
        label:
          `unit value: −${limitText} red · 0 white · +${limitText} blue` +
          (this.options.showGates && trace.cell !== 'rnn'
            ? `; σ gates lie in 0…1, white to blue${trace.cell === 'lstm' ? `; c beyond ±${limitText} at the ends` : ''}`
            : ''),
      }),
      el(
        'span',
        { class: 'caption' },
        `units in rows of ${layout.perRow}, sorted by ${UNIT_ORDERS[this.options.sortUnits ?? DEFAULT_ORDER]}`,
      ),
      ...(showGradients
        ? [
            el(
              'span',
              { class: 'caption gradient-legend' },
              `orange bars: ||dL/dh_t|| of the final prediction's loss, linear scale, tallest = ${norm(maxNorm)}`,
            ),
          ]
        : []),
    );
    // Its own box: the graph legend's colour bar stays the one for unit values.
    this.saliencyKey.replaceChildren(saliencyLegend(trace.saliency, drawn));
    const prefix = trace.steps
      .slice(0, cursor + 1)
      .map((step) => step.symbol)
      .join(trace.separator);
    const top = trace.steps[cursor]?.top ?? [];
    this.status.textContent = `After "${prefix}": ${top.map((t) => `${t.label} ${shown(t)}`).join(', ')}`;
    this.lastRenderMs = performance.now() - started;
    this.root.dataset.renderMs = this.lastRenderMs.toFixed(1);
  }

  /** Row labels at the left: h and the gates by name, each with its equation as its title. */
  private rowLabels(trace: SequenceTrace, layout: Layout): SVGGElement {
    const group = svg('g', { class: 'row-labels' });
    for (let l = 0; l < trace.numLayers; l++) {
      layout.rowNames.forEach((row, r) => {
        const y = this.rowY(trace, layout, l, r) + layout.stripHeight / 2 + 4;
        // The group holds the title, so the label's text is the gate's name alone.
        const item = svg('g', { class: 'row', 'data-row': row, 'data-layer': l, tabindex: 0 });
        const title = svg('title');
        title.textContent = this.rowTitle(trace, row, l);
        const label = svg('text', { x: layout.left - 8, y, class: 'row-label' });
        label.textContent = this.rowLabel(trace, row, l);
        item.append(title, label);
        const explain = (): void => this.explainRow(row, l);
        item.addEventListener('mouseenter', explain);
        item.addEventListener('focus', explain);
        item.addEventListener('mouseleave', () => (this.tooltip.hidden = true));
        group.append(item);
      });
    }
    return group;
  }

  private rowTitle(trace: SequenceTrace, row: string, layer: number): string {
    const where = trace.numLayers > 1 ? `, layer ${layer + 1}` : '';
    if (row === 'h') {
      const equation =
        H_EQUATION[trace.cell] ??
        `h_t = ${trace.activation ?? 'tanh'}(W_ih x_t + b_ih + W_hh h_{t−1} + b_hh)`;
      return `h — hidden state${where}: ${equation}`;
    }
    const gate = GATES[trace.cell]?.[row];
    return gate ? `${row} — ${gate.title}${where}: ${gate.equation}` : row;
  }

  private gradientAxis(trace: SequenceTrace, layout: Layout): SVGGElement {
    const group = svg('g', { class: 'gradient-axis' });
    const x = layout.left - 4;
    for (let l = 0; l < trace.numLayers; l++) {
      const baseline = layout.barsTop + l * BAR_ROW + BAR_MAX + 4;
      const top = baseline - BAR_MAX;
      group.append(svg('line', { x1: x, x2: x, y1: top, y2: baseline, class: 'axis' }));
      for (const [y, text] of [
        [baseline, '0'],
        [top, norm(layout.maxNorm)],
      ] as const) {
        group.append(svg('line', { x1: x - 3, x2: x, y1: y, y2: y, class: 'axis' }));
        const label = svg('text', { x: x - 5, y: y + 4, class: 'axis-label' });
        label.textContent = text;
        group.append(label);
      }
      const name = svg('text', { x: x - 5, y: (top + baseline) / 2 + 4, class: 'axis-label' });
      name.textContent = this.axisLabels(trace, layout.maxNorm)[l] ?? '';
      group.append(name);
    }
    return group;
  }

  /**
   * The recurrence h_{t−1} → h_t as a grey arrow; with the overlay, the gradient flowing back
   * h_t → h_{t−1} as an orange arrow whose width is linear in ||dL/dh_t||.
   */
  private arrows(
    step: StepTrace,
    t: number,
    l: number,
    x: number,
    layout: Layout,
    trace: SequenceTrace,
  ): SVGElement[] {
    const x1 = this.columnX(layout, t - 1) + layout.columnWidth + 2;
    const x2 = x - 2;
    const y = this.rowY(trace, layout, l, 0) + layout.stripHeight / 2;
    const forward = svg('path', {
      d: `M${x1} ${y - 3}H${x2}m-4 -3l4 3l-4 3`,
      class: 'flow',
    });
    if (!this.options.showGradients) return [forward];
    const value = step.gradNorms[l] ?? 0;
    const weight =
      layout.maxNorm > 0 && Number.isFinite(value) ? 0.75 + (4 * value) / layout.maxNorm : 0.75;
    const back = svg('line', {
      x1: x2,
      y1: y + 4,
      x2: x1,
      y2: y + 4,
      class: 'flow gradient',
      'stroke-width': weight.toFixed(2),
    });
    back.style.stroke = this.gradientColour;
    const title = svg('title');
    title.textContent = `||dL/dh_${t + 1}|| = ${norm(value)} (layer ${l + 1}), flowing back to h_${t}`;
    back.append(title);
    return [forward, back];
  }

  /**
   * A state's units as a grid of squares in the layer's unit order, drawn as one path per colour
   * step rather than one rect per unit: a 100-step, 128-unit graph is then about 3,000 elements
   * instead of 13,000, and draws within the 100 ms budget. Each path says which units it holds
   * (`data-units`, in the order of its squares) and the value its colour stands for.
   */
  private strip(
    values: readonly number[],
    x: number,
    y: number,
    layout: Layout,
    layer: number,
    name: string,
  ): SVGGElement {
    const group = svg('g', {
      class: 'strip',
      'data-strip': name,
      'data-units': values.length,
      'data-layer': layer,
      'data-x': x.toFixed(2),
      'data-y': y.toFixed(2),
    });
    const order = layout.order[layer] ?? [];
    const w = (layout.cellWidth + 0.25).toFixed(2);
    const h = (layout.cellHeight + 0.25).toFixed(2);
    const byLevel = new Map<number, { d: string[]; units: number[] }>();
    const top = (COLOUR_LEVELS - 1) / 2;
    order.forEach((unit, position) => {
      if (unit >= values.length) return;
      const v = values[unit] ?? 0;
      const ratio = Number.isFinite(v) ? Math.max(-1, Math.min(1, v / layout.limit)) : 0;
      const level = Math.round(ratio * top);
      const cx = (x + (position % layout.perRow) * layout.cellWidth).toFixed(2);
      const cy = (y + Math.floor(position / layout.perRow) * layout.cellHeight).toFixed(2);
      const entry = byLevel.get(level) ?? { d: [], units: [] };
      entry.d.push(`M${cx} ${cy}h${w}v${h}h-${w}z`);
      entry.units.push(unit);
      byLevel.set(level, entry);
    });
    for (const [level, entry] of byLevel) {
      group.append(
        svg('path', {
          d: entry.d.join(''),
          fill: layout.palette[level + top] ?? 'none',
          'data-units': entry.units.join(' '),
          'data-value': String((level / top) * layout.limit),
        }),
      );
    }
    // Units near 0 are near white: a faint frame keeps the strip's edge visible.
    group.append(
      svg('rect', {
        x,
        y,
        width: layout.columnWidth,
        height: layout.stripHeight,
        class: 'strip-frame',
      }),
    );
    return group;
  }

  private describeStep(step: StepTrace, t: number): string {
    const top = step.top.map((s) => `${s.label} ${shown(s)}`).join(', ');
    return `Step ${t + 1}, symbol ${step.symbol}: ${top}`;
  }

  private hover(step: StepTrace, t: number, event: MouseEvent): void {
    const target = event.target as Element | null;
    const strip = target?.closest('g.strip');
    const layout = this.layout;
    const box = this.canvas.querySelector('svg')?.getBoundingClientRect();
    if (strip && layout && box) {
      // The square under the pointer, from its position in the strip's grid.
      const layer = Number(strip.getAttribute('data-layer'));
      const row = (strip.getAttribute('data-strip') ?? 'h').replace(/\d+$/, '');
      const dx = event.clientX - box.left - Number(strip.getAttribute('data-x'));
      const dy = event.clientY - box.top - Number(strip.getAttribute('data-y'));
      const column = Math.max(0, Math.min(layout.perRow - 1, Math.floor(dx / layout.cellWidth)));
      const line = Math.max(0, Math.floor(dy / layout.cellHeight));
      const order = layout.order[layer] ?? [];
      const unit = order[Math.min(order.length - 1, line * layout.perRow + column)];
      if (unit !== undefined) this.explainUnit(step, t, layer, row, unit);
      return;
    }
    const bar = target?.closest('rect.grad-bar');
    if (bar) this.explainGradient(step, t, Number(bar.getAttribute('data-layer')));
  }

  private showTip(lines: Array<string | HTMLElement>): void {
    this.tooltip.hidden = false;
    this.tooltip.replaceChildren(
      ...lines.map((line) => (typeof line === 'string' ? el('div', {}, line) : line)),
    );
  }

  private explainGradient(step: StepTrace, t: number, layer: number): void {
    const trace = this.trace;
    if (!trace) return;
    this.showTip([
      `Step ${t + 1} “${step.symbol}”, layer ${layer + 1}`,
      el('div', { class: 'equation' }, `||dL/dh_${t + 1}|| = ${norm(step.gradNorms[layer] ?? 0)}`),
      `The gradient of the final prediction's loss with respect to h_${t + 1}; the bar's height is linear in it (tallest ${norm(this.layout?.maxNorm ?? 0)}).`,
    ]);
  }

  /** A row label: what the row is, its equation, and its numbers at the cursor's step. */
  private explainRow(row: string, layer: number): void {
    const trace = this.trace;
    if (!trace) return;
    const t = this.options.cursor < 0 ? trace.steps.length - 1 : this.options.cursor;
    const step = trace.steps[t];
    if (!step) return;
    this.showTip([this.rowTitle(trace, row, layer), this.rowSummary(trace, step, t, row, layer)]);
  }

  /** A row's numbers at one step: mean, min and max over its units. */
  private rowSummary(
    trace: SequenceTrace,
    step: StepTrace,
    t: number,
    row: string,
    layer: number,
  ): string {
    const state = step.layers[layer];
    const values = (row === 'h' ? state?.h : row === 'c' ? state?.c : state?.gates[row]) ?? [];
    if (values.length === 0) return '';
    let sum = 0;
    let min = Infinity;
    let max = -Infinity;
    for (const v of values) {
      sum += v;
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    return `${row} at step ${t + 1} “${step.symbol}” over its ${trace.hiddenSize} units: mean ${f3(sum / values.length)}, min ${f3(min)}, max ${f3(max)}`;
  }

  /** The hovered unit's value, and its row's own equation with the numbers put in. */
  private explainUnit(step: StepTrace, t: number, layer: number, row: string, unit: number): void {
    const trace = this.trace;
    if (!trace) return;
    const state = step.layers[layer];
    if (!state) return;
    const previousState = t > 0 ? trace.steps[t - 1]?.layers[layer] : undefined;
    const previous = previousState?.h[unit] ?? 0;
    const g = (name: string): number => state.gates[name]?.[unit] ?? 0;
    const where = `Step ${t + 1} “${step.symbol}”, unit ${unit} of ${trace.hiddenSize}, layer ${layer + 1} of ${trace.numLayers}`;
    const norms = `||dL/dh_${t + 1}|| = ${norm(step.gradNorms[layer] ?? 0)}`;
    const top = `Top 3 so far: ${step.top.map((s) => `${s.label} ${shown(s)}`).join(', ')}`;
    if (row === 'h') {
      const h = state.h[unit] ?? 0;
      let equation: string;
      if (trace.cell === 'gru') {
        equation = `h = (1 − z)·n + z·h₋₁ = (1 − ${f3(g('z'))})·${f3(g('n'))} + ${f3(g('z'))}·${f3(previous)} = ${f3(h)}`;
      } else if (trace.cell === 'lstm') {
        const c = state.c?.[unit] ?? 0;
        equation = `c = f·c₋₁ + i·g;  h = o·tanh(c) = ${f3(g('o'))}·tanh(${f3(c)}) = ${f3(h)}   (i ${f3(g('i'))}, f ${f3(g('f'))}, g ${f3(g('g'))})`;
      } else {
        const act = trace.activation ?? 'tanh';
        equation = `h = ${act}(W_ih x + b_ih + W_hh h₋₁ + b_hh) = ${f3(h)}   (h₋₁ = ${f3(previous)})`;
      }
      this.showTip([
        `${where}: h = ${f3(h)}`,
        el('div', { class: 'equation' }, equation),
        norms,
        top,
      ]);
      return;
    }
    const gate = GATES[trace.cell]?.[row];
    if (!gate) return;
    const value = row === 'c' ? (state.c?.[unit] ?? 0) : g(row);
    let numbers: string;
    if (row === 'c') {
      const cPrevious = previousState?.c?.[unit] ?? 0;
      numbers = `= ${f3(g('f'))}·${f3(cPrevious)} + ${f3(g('i'))}·${f3(g('g'))} = ${f3(value)}`;
    } else if (row === 'n') {
      const hn = state.hn?.[unit];
      const r = g('r');
      if (hn === undefined) numbers = `= ${f3(value)}   (r_t = ${f3(r)})`;
      else if (Math.abs(value) < 0.999) {
        // The input term is what tanh's inverse leaves once the reset-scaled term is taken out.
        const inputTerm = Math.atanh(value) - r * hn;
        numbers = `= tanh(${f3(inputTerm)} + ${f3(r)}·${f3(hn)}) = ${f3(value)}`;
      } else numbers = `= ${f3(value)}   (r_t = ${f3(r)}, W_hn h_{t−1} + b_hn = ${f3(hn)})`;
    } else {
      // The pre-activation, from the activation's inverse, while it is not saturated.
      const pre =
        gate.squash === 'σ'
          ? value > 0.001 && value < 0.999
            ? Math.log(value / (1 - value))
            : undefined
          : Math.abs(value) < 0.999
            ? Math.atanh(value)
            : undefined;
      numbers =
        pre === undefined
          ? `= ${f3(value)} (saturated)`
          : `= ${gate.squash}(${f3(pre)}) = ${f3(value)}`;
    }
    this.showTip([
      `${where}: ${row} (${gate.title}) = ${f3(value)}`,
      el('div', { class: 'equation' }, `${gate.equation} ${numbers}`),
      this.rowSummary(trace, step, t, row, layer),
    ]);
  }
}
