import { interpolateViridis } from 'd3';
import type { TraceSaliency } from '../../core/explore/trace';
import { formatSigned } from '../../shared/format';
import { colourBar, divergingColour } from '../common/colourScale';
import { svg } from './dom';

/**
 * The saliency row under the unfolded graph: one bar per column for how much that step's input
 * drove the final prediction, by the measure chosen. A bar's length is linear in its value (the
 * longest is the largest magnitude); signed measures grow up for a step that raised the target
 * and down for one that lowered it, coloured on the shared diverging scale centred at 0;
 * connectivity, never negative, grows up on a sequential scale.
 */
export type SaliencyMeasure = 'occlusion' | 'gradientInput' | 'connectivity';

export const SALIENCY_MEASURES: Record<SaliencyMeasure, { label: string; signed: boolean }> = {
  occlusion: { label: 'occlusion', signed: true },
  gradientInput: { label: 'gradient × input', signed: true },
  connectivity: { label: 'connectivity', signed: false },
};

/** Occlusion reads most plainly ("without this letter, log P falls by …"), as the hover says. */
export const DEFAULT_MEASURE: SaliencyMeasure = 'occlusion';

/**
 * The measure drawn: the one chosen, or gradient × input, its first-order estimate, when the
 * trace has no occlusion (the host leaves it out of long inputs: one forward pass per step).
 */
export function shownMeasure(saliency: TraceSaliency, chosen: SaliencyMeasure): SaliencyMeasure {
  return saliency[chosen] ? chosen : 'gradientInput';
}

/** The longest bar on one side of the zero line, in px. */
const HALF = 22;
/** The row: bars on both sides of the zero line, then the values as text. */
export const SALIENCY_ROW = 2 * HALF + 22;

/** The number the measures explain, as a reader writes it, and its unit. */
function target(saliency: TraceSaliency): { name: string; unit: string } {
  return saliency.target === 'class'
    ? { name: `log P(${saliency.label})`, unit: 'nats' }
    : { name: `the ${saliency.label}`, unit: 'normalised units' };
}

/** What a bar's value is, in words and units: the legend's and the tooltips' sentence. */
function saliencyMeaning(saliency: TraceSaliency, measure: SaliencyMeasure): string {
  const { name, unit } = target(saliency);
  switch (measure) {
    case 'occlusion':
      return `occlusion: ${name} minus ${name} with the step's input set to zero, in ${unit}`;
    case 'gradientInput':
      return `gradient × input: ∂${name}/∂x_t · x_t, in ${unit} (occlusion's first-order estimate)`;
    case 'connectivity':
      return `connectivity: ‖∂${name}/∂x_t‖, in ${unit} per unit of input (sensitivity to any change there)`;
  }
}

/** The largest magnitude, which the longest bar and the colour bar's ends stand for. */
function saliencyLimit(values: readonly number[]): number {
  return Math.max(0, ...values.filter(Number.isFinite).map(Math.abs));
}

/** A value's colour: diverging around 0 when it has a sign, sequential 0…limit when it has not. */
export function saliencyColour(value: number, limit: number, signed: boolean): string {
  if (signed) return divergingColour(value, limit);
  return interpolateViridis(limit > 0 ? Math.max(0, Math.min(1, value / limit)) : 0);
}

/** How one measure is drawn for one trace: the same for every column. */
export interface SaliencyScale {
  measure: SaliencyMeasure;
  signed: boolean;
  values: readonly number[];
  /** The largest magnitude: the longest bar's value. */
  limit: number;
  /** The longest bar in px; signed bars have half the row on each side of the zero line. */
  longest: number;
  /** The zero line's distance below the row's top. */
  zero: number;
  meaning: string;
}

export function saliencyScale(saliency: TraceSaliency, measure: SaliencyMeasure): SaliencyScale {
  const { signed } = SALIENCY_MEASURES[measure];
  const values = saliency[measure] ?? [];
  const longest = signed ? HALF : 2 * HALF;
  return {
    measure,
    signed,
    values,
    limit: saliencyLimit(values),
    longest,
    zero: longest,
    meaning: saliencyMeaning(saliency, measure),
  };
}

/** The row's name in the graph's left margin, carrying the scale for anyone reading it back. */
export function saliencyAxis(scale: SaliencyScale, x: number, top: number): SVGGElement {
  const group = svg('g', {
    class: 'saliency-axis',
    'data-measure': scale.measure,
    'data-limit': scale.limit,
    'data-longest': scale.longest,
  });
  const name = svg('text', { x, y: top + scale.zero + 4, class: 'axis-label saliency-label' });
  name.textContent = SALIENCY_MEASURES[scale.measure].label;
  group.append(name);
  return group;
}

/** Step t's saliency in words, for its column's accessible description. */
export function describeSaliency(scale: SaliencyScale, t: number): string {
  return `${SALIENCY_MEASURES[scale.measure].label} ${formatSigned(scale.values[t] ?? 0, 3)}`;
}

/** Step t's zero line, bar and value, under its column (left edge x). */
export function saliencyCell(
  scale: SaliencyScale,
  t: number,
  symbol: string,
  x: number,
  columnWidth: number,
  top: number,
): SVGElement[] {
  const value = scale.values[t] ?? 0;
  const zero = top + scale.zero;
  const length =
    scale.limit > 0 && Number.isFinite(value) ? (scale.longest * Math.abs(value)) / scale.limit : 0;
  const line = svg('line', {
    x1: x,
    x2: x + columnWidth,
    y1: zero,
    y2: zero,
    class: 'saliency-zero',
  });
  const bar = svg('rect', {
    x: x + columnWidth * 0.2,
    y: value >= 0 ? zero - length : zero,
    width: columnWidth * 0.6,
    height: length,
    fill: saliencyColour(value, scale.limit, scale.signed),
    class: 'saliency-bar',
    'data-step': t,
    'data-value': value,
  });
  const title = svg('title');
  title.textContent = `Step ${t + 1} “${symbol}”: ${formatSigned(value, 3)}. ${scale.meaning}`;
  bar.append(title);
  const text = svg('text', {
    x: x + columnWidth / 2,
    y: top + 2 * HALF + 16,
    class: 'saliency-value',
  });
  text.textContent = scale.signed ? formatSigned(value) : String(Number(value.toPrecision(2)));
  return [line, bar, text];
}

/** The measure's colour bar, from −limit to +limit (or 0 to limit), named with its units. */
export function saliencyLegend(saliency: TraceSaliency, measure: SaliencyMeasure): HTMLElement {
  const { signed } = SALIENCY_MEASURES[measure];
  const limit = saliencyLimit(saliency[measure] ?? []) || 1;
  const direction = signed ? '; up (blue): raised it, down (red): lowered it' : '';
  const missing = saliency.occlusion
    ? ''
    : ' (occlusion is left out of inputs this long: it runs the input once per step)';
  return colourBar({
    kind: signed ? 'diverging' : 'sequential',
    domain: signed ? [-limit, limit] : [0, limit],
    label: `${saliencyMeaning(saliency, measure)}; bar length linear in the value${direction}${missing}`,
  });
}
