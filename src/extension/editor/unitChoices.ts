/**
 * What the unit commands offer, without VS Code: the ranked units of a selection as quick pick
 * rows, every unit with its range in the document, and where else a chosen unit fires.
 */
import { stepSpanOffsets, type TextReading } from '../../core/explore/surprise';
import {
  firingSpans,
  FIRING_THRESHOLD,
  type Activations,
  type UnitScore,
} from '../../core/explore/unitSearch';
import { markDefault, type ChoiceItem, type Choices } from '../commands/promptItems';

const percent = (share: number): string => `${Math.round(100 * share)} %`;
const signed = (value: number): string => `${value < 0 ? '−' : '+'}${Math.abs(value).toFixed(2)}`;

/** "h > +0.5" or "h < −0.5": what firing means for a unit in its direction. */
export const firingRule = (direction: 1 | -1): string =>
  direction > 0 ? `h > +${FIRING_THRESHOLD}` : `h < −${FIRING_THRESHOLD}`;

/** Find Units' rows: ranked as `rankUnits` ranks them, the best first and highlighted. */
export function rankedUnitChoices(ranked: readonly UnitScore[]): Choices<UnitScore> {
  const items = ranked.map((score) => ({
    label: `Unit ${score.unit}`,
    description:
      `${signed(score.score)}: ${firingRule(score.direction)} on ${percent(score.inside)} ` +
      `of the selection, ${percent(score.outside)} of the rest`,
    value: score,
  }));
  return { items, active: items[0] as ChoiceItem<UnitScore> };
}

/**
 * Colour by Unit's rows: every unit with its range over the document. The default is `current`
 * (the unit shown now), else the unit that varies most over this document: the likeliest to
 * mean something here.
 */
export function unitChoices(reading: Activations, current?: number): Choices<number> {
  const { activations, hiddenSize: H } = reading;
  const steps = activations.length / H;
  const stats = Array.from({ length: H }, (_, unit) => {
    let min = Infinity;
    let max = -Infinity;
    let sum = 0;
    let squares = 0;
    for (let t = 0; t < steps; t++) {
      const value = activations[t * H + unit] as number;
      min = Math.min(min, value);
      max = Math.max(max, value);
      sum += value;
      squares += value * value;
    }
    const mean = sum / Math.max(1, steps);
    const sd = Math.sqrt(Math.max(0, squares / Math.max(1, steps) - mean * mean));
    return { unit, min, max, sd };
  });
  const widest = stats.reduce((best, unit) => (unit.sd > best.sd ? unit : best), stats[0]!);
  const items = stats.map(({ unit, min, max, sd }) => ({
    label: `Unit ${unit}`,
    description: steps > 0 ? `${signed(min)} to ${signed(max)}, sd ${sd.toFixed(2)}` : '',
    value: unit,
  }));
  const preferred = current !== undefined && current < H ? current : widest.unit;
  return markDefault(items, preferred);
}

/**
 * Where else `unit` fires: its firing spans as UTF-16 offsets [start, end), leaving out those
 * that overlap the selected steps [from, to).
 */
export function otherFirings(
  reading: Activations & Pick<TextReading, 'characterOfStep' | 'offsets'>,
  score: Pick<UnitScore, 'unit' | 'direction'>,
  from: number,
  to: number,
): Array<{ start: number; end: number }> {
  return firingSpans(reading, score.unit, score.direction)
    .filter((span) => span.to <= from || span.from >= to)
    .map((span) => stepSpanOffsets(reading, span.from, span.to));
}
