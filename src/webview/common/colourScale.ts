/**
 * One colour scale for every webview, so a colour means the same number wherever it is drawn:
 * negative red, zero white, positive blue (d3-scale-chromatic's RdBu), and a colour bar legend
 * that says so. The start of a shared webview kit: DOM and SVG only, no inline <style>.
 */
import { interpolateRdBu, interpolateViridis, scaleDiverging, scaleSequential } from 'd3';

const SVG_NS = 'http://www.w3.org/2000/svg';

/** Tick labels of a colour bar, in px: never smaller than 11 (the kit's minimum legible size). */
export const COLOUR_BAR_FONT_PX = 11;

/**
 * A value's colour on the shared diverging scale: −limit and below red, 0 white, +limit and above
 * blue (RdBu runs red → blue, so a value maps to 0.5 + value / (2 · limit), clamped to 0..1).
 */
export function divergingColour(value: number, limit: number): string {
  const scale = limit > 0 && Number.isFinite(limit) ? limit : 1;
  const t = 0.5 + (0.5 * (Number.isFinite(value) ? value : 0)) / scale;
  return interpolateRdBu(Math.max(0, Math.min(1, t)));
}

/**
 * The limit a diverging scale of hidden-state values uses: 1 for states of tanh cells (GRU,
 * LSTM, tanh RNN), so the same value has the same colour in every view; wider only when a value
 * lies outside ±1 (a relu RNN's states).
 */
export function stateLimit(values: Iterable<number>): number {
  let limit = 1;
  for (const v of values) if (Number.isFinite(v) && Math.abs(v) > limit) limit = Math.abs(v);
  return limit;
}

export interface ColourBarOptions {
  kind: 'diverging' | 'sequential';
  domain: [number, number];
  label: string;
  /** 0..1 to a colour; diverging: RdBu (negative red), sequential: viridis by default. */
  interpolate?: (t: number) => string;
  /** How many evenly spaced tick labels, ends included (default 3: min, middle, max). */
  ticks?: number;
}

const RAMP_WIDTH = 180;
const RAMP_HEIGHT = 10;
const RAMP_STOPS = 60;
const TICK = 4;

/** A tick label: 3 significant digits, a true minus sign, and + on the positive side of 0. */
function tickLabel(value: number, signed: boolean): string {
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  const text =
    magnitude >= 1e4 || magnitude < 1e-3
      ? magnitude.toExponential(1)
      : String(Number(magnitude.toPrecision(3)));
  return `${value < 0 ? '−' : signed ? '+' : ''}${text}`;
}

function tickValues(options: ColourBarOptions, min: number, max: number): number[] {
  const count = Math.max(2, Math.round(options.ticks ?? 3));
  const values = Array.from({ length: count }, (_, k) => min + ((max - min) * k) / (count - 1));
  if (options.kind === 'diverging' && min < 0 && max > 0 && !values.includes(0)) {
    // A diverging bar always labels its pivot; ticks too close to it would overlap its label.
    const near = 0.12 * (max - min);
    return [...values.filter((v) => v === min || v === max || Math.abs(v) > near), 0].sort(
      (a, b) => a - b,
    );
  }
  return values;
}

function svgNode<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attributes: Record<string, string | number>,
): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, String(value));
  return node;
}

/**
 * A horizontal colour bar legend: the ramp, tick marks with min / 0 / max labels (≥ 11 px) and
 * what the colour means. Diverging bars pivot at 0 (or the middle, when 0 is outside the domain).
 */
export function colourBar(options: ColourBarOptions): HTMLElement {
  const [lo, hi] = options.domain;
  const min = Math.min(lo, hi);
  const max = Math.max(lo, hi) > min ? Math.max(lo, hi) : min + 1;
  const signed = options.kind === 'diverging' && min < 0;
  const colour =
    options.kind === 'diverging'
      ? scaleDiverging(options.interpolate ?? interpolateRdBu)
          .domain([min, min < 0 && max > 0 ? 0 : (min + max) / 2, max])
          .clamp(true)
      : scaleSequential(options.interpolate ?? interpolateViridis)
          .domain([min, max])
          .clamp(true);
  const ticks = tickValues(options, min, max);
  const x = (v: number): number => ((v - min) / (max - min)) * RAMP_WIDTH;
  // Room on both sides for the end labels, which are centred on their ticks.
  const pad =
    0.5 * COLOUR_BAR_FONT_PX * 0.62 * Math.max(...ticks.map((v) => tickLabel(v, signed).length)) +
    2;
  const width = RAMP_WIDTH + 2 * pad;
  const height = RAMP_HEIGHT + TICK + COLOUR_BAR_FONT_PX + 6;
  const root = svgNode('svg', {
    width: Math.ceil(width),
    height,
    viewBox: `${-pad} 0 ${Math.ceil(width)} ${height}`,
    class: 'colour-ramp',
    'aria-hidden': 'true',
  });
  for (let k = 0; k < RAMP_STOPS; k++) {
    const v = min + ((max - min) * (k + 0.5)) / RAMP_STOPS;
    root.append(
      svgNode('rect', {
        x: ((RAMP_WIDTH * k) / RAMP_STOPS).toFixed(2),
        y: 0,
        // A hair wider than a stop, so no background shows between two.
        width: (RAMP_WIDTH / RAMP_STOPS + 0.4).toFixed(2),
        height: RAMP_HEIGHT,
        fill: colour(v),
        'data-value': v.toPrecision(4),
      }),
    );
  }
  root.append(
    svgNode('rect', {
      x: 0,
      y: 0,
      width: RAMP_WIDTH,
      height: RAMP_HEIGHT,
      fill: 'none',
      stroke: 'currentColor',
      'stroke-opacity': 0.35,
    }),
  );
  for (const v of ticks) {
    root.append(
      svgNode('line', {
        x1: x(v),
        x2: x(v),
        y1: RAMP_HEIGHT,
        y2: RAMP_HEIGHT + TICK,
        stroke: 'currentColor',
      }),
    );
    const text = svgNode('text', {
      x: x(v),
      y: RAMP_HEIGHT + TICK + COLOUR_BAR_FONT_PX,
      'font-size': COLOUR_BAR_FONT_PX,
      'text-anchor': 'middle',
      fill: 'currentColor',
      class: 'tick',
      'data-value': v,
    });
    text.textContent = tickLabel(v, signed);
    root.append(text);
  }
  const bar = document.createElement('div');
  bar.className = `colour-bar ${options.kind}`;
  bar.setAttribute('role', 'img');
  bar.setAttribute(
    'aria-label',
    `${options.label}: colour scale from ${tickLabel(min, signed)} to ${tickLabel(max, signed)}`,
  );
  const label = document.createElement('span');
  label.className = 'colour-bar-label';
  label.textContent = options.label;
  bar.append(root, label);
  return bar;
}
