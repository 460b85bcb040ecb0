/**
 * The colouring of a text model's reading, shared by the editor and the Explorer's unit search so
 * that a colour means the same state in both, and free of vscode so that it can be unit-tested
 * and timed: which colour bin each character falls in, and the runs of characters that share a
 * bin (one decoration range each).
 */
import { schemeRdBu, schemeYlOrRd } from 'd3-scale-chromatic';
import type { TextReading } from '../core/explore/surprise';

/** The parts of a reading that colouring looks at. */
export type ColourSource = Pick<
  TextReading,
  'offsets' | 'steps' | 'bits' | 'activations' | 'hiddenSize'
>;

/** What the characters are coloured by: the model's surprise, or one hidden unit's state. */
export type ColourBy = { kind: 'surprise' } | { kind: 'unit'; unit: number };

export interface ColourBin {
  /** What the bin holds, for the legend: "2–3 bits", "+0.25 to +0.5". */
  label: string;
  /** A translucent background (#rrggbbaa), so the text stays legible in every theme. */
  background: string;
}

export const BIN_COUNT = 8;
/** Surprise bins are a bit wide: 0–1, 1–2, ..., 7 and more. */
export const SURPRISE_TOP_BITS = BIN_COUNT;

/**
 * #rrggbbaa: decorations take any CSS colour, but a hover's or tooltip's Markdown keeps a span's
 * background-color only when it is written in hex, and the legend shows the same colours.
 */
const withAlpha = (hex: string, alpha: number): string =>
  `${hex}${Math.round(alpha * 255)
    .toString(16)
    .padStart(2, '0')}`;

/*
 * ColorBrewer's 8-class YlOrRd (sequential) and RdBu (diverging: negative red, positive blue, the
 * Explorer's scale), from d3. The alpha grows with the value's size as well, so a character the
 * model expected, or a unit near 0, is barely tinted.
 */
const YL_OR_RD = schemeYlOrRd[BIN_COUNT] as readonly string[];
const RD_BU = schemeRdBu[BIN_COUNT] as readonly string[];
const SEQUENTIAL_ALPHA = [0.08, 0.16, 0.24, 0.32, 0.4, 0.48, 0.56, 0.64];
const DIVERGING_ALPHA = [0.64, 0.44, 0.28, 0.14, 0.14, 0.28, 0.44, 0.64];

const signed = (value: number): string =>
  value === 0 ? '0' : `${value < 0 ? '−' : '+'}${Math.abs(value)}`;

export const SURPRISE_BINS: readonly ColourBin[] = YL_OR_RD.map((hex, bin) => ({
  label: bin === BIN_COUNT - 1 ? `${bin}+ bits` : `${bin}–${bin + 1} bits`,
  background: withAlpha(hex, SEQUENTIAL_ALPHA[bin] as number),
}));

/** Hidden states lie in −1…1 (tanh); each bin is a quarter wide, and 0 is a bin edge. */
export const UNIT_BINS: readonly ColourBin[] = RD_BU.map((hex, bin) => {
  const low = -1 + bin / 4;
  return {
    label: `${signed(low)} to ${signed(low + 0.25)}`,
    background: withAlpha(hex, DIVERGING_ALPHA[bin] as number),
  };
});

export const binsFor = (by: ColourBy): readonly ColourBin[] =>
  by.kind === 'surprise' ? SURPRISE_BINS : UNIT_BINS;

/** The bin of a value on its scale, values past the ends in the end bins; −1 for no value. */
export function binOf(value: number, by: ColourBy): number {
  if (Number.isNaN(value)) return -1;
  const position = by.kind === 'surprise' ? value : ((value + 1) * BIN_COUNT) / 2;
  return Math.max(0, Math.min(BIN_COUNT - 1, Math.floor(position)));
}

/** The value a character is coloured by: its bits, or the unit's state after reading it. */
export function characterValue(reading: ColourSource, by: ColourBy, i: number): number {
  if (by.kind === 'surprise') return reading.bits[i] as number;
  const step = reading.steps[i] as number;
  return step < 0 ? NaN : (reading.activations[step * reading.hiddenSize + by.unit] as number);
}

/**
 * Per bin, the runs of neighbouring characters in that bin as [start, end) UTF-16 offsets:
 * a run is one decoration range, far fewer than one per character. Characters with no value
 * (the first, unknown ones) are left uncoloured.
 */
export function colourRuns(reading: ColourSource, by: ColourBy): Array<Array<[number, number]>> {
  const runs: Array<Array<[number, number]>> = Array.from({ length: BIN_COUNT }, () => []);
  const { offsets } = reading;
  let open = -1;
  let start = 0;
  const n = offsets.length - 1;
  for (let i = 0; i <= n; i++) {
    const bin = i < n ? binOf(characterValue(reading, by, i), by) : -1;
    if (bin === open) continue;
    if (open >= 0) (runs[open] as Array<[number, number]>).push([start, offsets[i] as number]);
    open = bin;
    start = offsets[i] as number;
  }
  return runs;
}
