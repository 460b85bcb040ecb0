import { interpolateRdBu } from 'd3-scale-chromatic';
import type { OutputEntry, SequenceTrace, StepTrace } from '../../core/explore/trace';
import { el, percent, svg } from './dom';
import type { ExplorerState } from './vscodeApi';

/**
 * The unfolded graph: one column per time step with its input symbol, each layer's hidden state
 * as a strip of coloured units (and optionally the gates), the prediction after the prefix, and
 * the gradient flowing back through time as arrows whose weight follows ||dL/dh_t||.
 */
const ROW_GAP = 14;
const STRIP_HEIGHT = 14;
const HEADER = 28;
/** Three rows of prediction under each column. */
const OUTPUT_ROW = 18;
const FOOTER = 3 * OUTPUT_ROW + 10;
/** Distinct colours a strip uses; finer steps are invisible at a unit's width. */
const COLOR_LEVELS = 21;

/** -1..1 to a diverging colour: red negative, blue positive. */
const unitColor = (value: number): string =>
  interpolateRdBu((1 - Math.max(-1, Math.min(1, value))) / 2);

/** A forecast shows its value; a class its probability. */
const shown = (entry: OutputEntry): string => entry.display ?? percent(entry.probability);

export interface GraphCallbacks {
  onState(change: Partial<ExplorerState['graph']>): void;
}

export class GraphView {
  readonly root: HTMLElement;
  private readonly canvas: HTMLElement;
  private readonly status: HTMLElement;
  private readonly tooltip: HTMLElement;
  private readonly playButton: HTMLButtonElement;
  private trace?: SequenceTrace;
  private timer?: number;
  /** How long the last render took, for the render-time check. */
  lastRenderMs = 0;

  constructor(
    private options: ExplorerState['graph'],
    private readonly callbacks: GraphCallbacks,
  ) {
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
    this.status = el('div', { class: 'status', 'aria-live': 'polite' });
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
      ),
      this.status,
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
      this.status.textContent = '';
      return;
    }
    if (this.options.cursor >= trace.steps.length) this.options.cursor = -1;
    this.render();
  }

  private setOptions(change: Partial<ExplorerState['graph']>): void {
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

  private render(): void {
    const trace = this.trace;
    if (!trace) return;
    const started = performance.now();
    const { zoom, showGates, showGradients } = this.options;
    const T = trace.steps.length;
    const cursor = this.options.cursor < 0 ? T - 1 : this.options.cursor;
    const H = trace.hiddenSize;
    const columnWidth = Math.max(24, Math.round(64 * zoom));
    const gap = Math.round(columnWidth * 0.35);
    const unitWidth = columnWidth / H;
    const gateNames = Object.keys(trace.steps[0]?.layers[0]?.gates ?? {});
    const rowsPerLayer = 1 + (showGates ? gateNames.length : 0);
    const layerHeight = rowsPerLayer * (STRIP_HEIGHT + 3) + ROW_GAP;
    const height = HEADER + trace.numLayers * layerHeight + FOOTER;
    const width = T * (columnWidth + gap) + gap;
    const root = svg('svg', {
      width,
      height,
      class: 'unfolded',
      role: 'img',
      'aria-label': `Unfolded ${trace.cell} over ${T} steps`,
    });
    const maxNorm = Math.max(1e-30, ...trace.steps.flatMap((s) => s.gradNorms));
    trace.steps.forEach((step, t) => {
      const x = gap + t * (columnWidth + gap);
      const column = svg('g', {
        class: `step${t > cursor ? ' future' : ''}`,
        'data-step': t,
        tabindex: 0,
        role: 'group',
      });
      column.setAttribute('aria-label', this.describeStep(step, t));
      const symbol = svg('text', { x: x + columnWidth / 2, y: 18, class: 'symbol' });
      symbol.textContent = step.symbol === ' ' ? '␣' : step.symbol;
      column.append(symbol);
      step.layers.forEach((layer, l) => {
        const y0 = HEADER + (trace.numLayers - 1 - l) * layerHeight;
        column.append(this.strip(layer.h, x, y0, unitWidth, `h${l}`));
        if (showGates) {
          gateNames.forEach((name, g) => {
            const values = layer.gates[name] ?? [];
            const strip = this.strip(
              values.map((v) => 2 * v - 1),
              x,
              y0 + (g + 1) * (STRIP_HEIGHT + 3),
              unitWidth,
              `${name}${l}`,
            );
            column.append(strip);
          });
        }
        if (t > 0) {
          const arrowY = y0 + STRIP_HEIGHT / 2;
          const norm = step.gradNorms[l] ?? 0;
          const weight = showGradients
            ? 0.5 + 5.5 * Math.max(0, 1 + Math.log10(norm / maxNorm) / 6)
            : 1;
          const arrow = svg('line', {
            x1: x - gap + 1,
            y1: arrowY,
            x2: x - 1,
            y2: arrowY,
            class: showGradients ? 'flow gradient' : 'flow',
            'stroke-width': weight.toFixed(2),
          });
          const title = svg('title');
          title.textContent = `||dL/dh_${t}|| = ${norm.toExponential(2)} (layer ${l + 1})`;
          arrow.append(title);
          column.append(arrow);
        }
      });
      // The top 3 after this prefix: a label and a bar each, the first one bold.
      const outY = HEADER + trace.numLayers * layerHeight;
      const chars = Math.max(3, Math.floor(columnWidth / 6.5));
      step.top.slice(0, 3).forEach((entry, rank) => {
        const y = outY + 4 + rank * OUTPUT_ROW;
        const label = svg('text', {
          x: x + columnWidth / 2,
          y: y + 9,
          class: rank === 0 ? 'output top' : 'output small',
        });
        // A forecast shows its value (its row says which step); a class shows its name.
        label.textContent = (entry.display ?? entry.label).slice(0, chars);
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
      column.addEventListener('mousemove', (event) => this.explain(step, t, event, x, unitWidth));
      column.addEventListener('focus', () => this.explain(step, t, undefined, x, unitWidth));
      column.addEventListener('mouseleave', () => (this.tooltip.hidden = true));
      root.append(column);
    });
    this.canvas.replaceChildren(root);
    const prefix = trace.steps
      .slice(0, cursor + 1)
      .map((step) => step.symbol)
      .join(trace.separator);
    const top = trace.steps[cursor]?.top ?? [];
    this.status.textContent = `After "${prefix}": ${top.map((t) => `${t.label} ${shown(t)}`).join(', ')}`;
    this.lastRenderMs = performance.now() - started;
    this.root.dataset.renderMs = this.lastRenderMs.toFixed(1);
  }

  /**
   * One path per colour level rather than one rect per unit: a 100-step, 128-unit graph is then
   * about 2,000 elements instead of 13,000, and draws well within the 100 ms budget.
   */
  private strip(
    values: readonly number[],
    x: number,
    y: number,
    unitWidth: number,
    name: string,
  ): SVGGElement {
    const group = svg('g', { class: 'strip', 'data-strip': name, 'data-units': values.length });
    const byLevel = new Map<number, string[]>();
    const w = (unitWidth + 0.3).toFixed(2);
    values.forEach((value, j) => {
      const level = Math.round(((Math.max(-1, Math.min(1, value)) + 1) / 2) * (COLOR_LEVELS - 1));
      const parts = byLevel.get(level) ?? [];
      parts.push(`M${(x + j * unitWidth).toFixed(2)} ${y}h${w}v${STRIP_HEIGHT}h-${w}z`);
      byLevel.set(level, parts);
    });
    for (const [level, parts] of byLevel) {
      group.append(
        svg('path', { d: parts.join(''), fill: unitColor((2 * level) / (COLOR_LEVELS - 1) - 1) }),
      );
    }
    return group;
  }

  private describeStep(step: StepTrace, t: number): string {
    const top = step.top.map((s) => `${s.label} ${shown(s)}`).join(', ');
    return `Step ${t + 1}, symbol ${step.symbol}: ${top}`;
  }

  /** The hovered unit's values, and its cell equation with the numbers put in. */
  private explain(
    step: StepTrace,
    t: number,
    event: MouseEvent | undefined,
    x: number,
    unitWidth: number,
  ): void {
    const trace = this.trace;
    if (!trace) return;
    const svgBox = this.canvas.querySelector('svg')?.getBoundingClientRect();
    const unit =
      event && svgBox
        ? Math.max(
            0,
            Math.min(
              trace.hiddenSize - 1,
              Math.floor((event.clientX - svgBox.left - x) / unitWidth),
            ),
          )
        : 0;
    const layer = step.layers[step.layers.length - 1];
    if (!layer) return;
    const previous = t > 0 ? (trace.steps[t - 1]?.layers[step.layers.length - 1]?.h[unit] ?? 0) : 0;
    const h = layer.h[unit] ?? 0;
    const g = (name: string): number => layer.gates[name]?.[unit] ?? 0;
    const f = (v: number): string => v.toFixed(3);
    let equation: string;
    if (trace.cell === 'gru') {
      equation = `h = (1 − z)·n + z·h₋₁ = (1 − ${f(g('z'))})·${f(g('n'))} + ${f(g('z'))}·${f(previous)} = ${f(h)}`;
    } else if (trace.cell === 'lstm') {
      const c = layer.c?.[unit] ?? 0;
      equation = `c = f·c₋₁ + i·g;  h = o·tanh(c) = ${f(g('o'))}·tanh(${f(c)}) = ${f(h)}   (i ${f(g('i'))}, f ${f(g('f'))}, g ${f(g('g'))})`;
    } else {
      equation = `h = tanh(W_ih x + b_ih + W_hh h₋₁ + b_hh) = ${f(h)}   (h₋₁ = ${f(previous)})`;
    }
    this.tooltip.hidden = false;
    this.tooltip.replaceChildren(
      el(
        'div',
        {},
        `Step ${t + 1} “${step.symbol}”, unit ${unit} of ${trace.hiddenSize}, top layer`,
      ),
      el('div', { class: 'equation' }, equation),
      el(
        'div',
        {},
        `||dL/dh_${t + 1}|| = ${(step.gradNorms[step.gradNorms.length - 1] ?? 0).toExponential(2)}`,
      ),
      el('div', {}, `Top 3 so far: ${step.top.map((s) => `${s.label} ${shown(s)}`).join(', ')}`),
    );
  }
}
