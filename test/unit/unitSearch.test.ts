import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { firingSpans, rankUnits } from '../../src/core/explore/unitSearch';
import {
  otherFirings,
  rankedUnitChoices,
  unitChoices,
} from '../../src/extension/editor/unitChoices';
import { Random } from '../../src/core/random';

const TEXT = 'he said "hello there" and left. then "yes, fine" she said, and "no" at last.';
const H = 8;
const PLANTED = 5;

/** The steps inside quotes (between the marks), as [from, to) runs. */
function quoted(text: string): Array<{ from: number; to: number }> {
  const runs: Array<{ from: number; to: number }> = [];
  for (let at = text.indexOf('"'); at >= 0;) {
    const close = text.indexOf('"', at + 1);
    runs.push({ from: at + 1, to: close });
    at = text.indexOf('"', close + 1);
  }
  return runs;
}

/**
 * Activations of a text with one step per character: noise below the threshold for every unit,
 * a unit on at random half the time (busy, but not about quotes), one always on, and the planted
 * unit at 0.9 only inside quotes.
 */
function synthetic(text: string, planted: number, sign: 1 | -1 = 1): Float32Array {
  const random = new Random(3);
  const inside = new Set(quoted(text).flatMap(({ from, to }) => range(from, to)));
  const activations = random.uniformArray(text.length * H, -0.4, 0.4);
  for (let t = 0; t < text.length; t++) {
    activations[t * H + 1] = random.next() < 0.5 ? 0.8 : -0.1;
    activations[t * H + 2] = 0.95;
    if (inside.has(t)) activations[t * H + planted] = sign * 0.9;
  }
  return activations;
}

const range = (from: number, to: number): number[] =>
  Array.from({ length: to - from }, (_, i) => from + i);

describe('unit search: units ranked by how selectively they fire on a span', () => {
  it('ranks the planted quote unit first for a span inside quotes, and finds every quote', () => {
    const activations = synthetic(TEXT, PLANTED);
    const hello = TEXT.indexOf('hello');
    const ranked = rankUnits({ activations, hiddenSize: H }, hello, hello + 5);
    assert.equal(ranked.length, H);
    const [first, second] = ranked;
    assert.equal(first!.unit, PLANTED);
    assert.equal(first!.direction, 1);
    assert.equal(first!.inside, 1);
    // Outside the span it fires only in the other quotes: their share of the other steps.
    const otherQuoted = quoted(TEXT).reduce((sum, { from, to }) => sum + to - from, 0) - 5;
    assert.ok(Math.abs(first!.outside - otherQuoted / (TEXT.length - 5)) < 1e-12);
    assert.ok(first!.score > second!.score, 'the planted unit stands clear of the rest');
    // The always-on unit fires inside and out: its score is 0, not 1.
    assert.equal(ranked.find((s) => s.unit === 2)!.score, 0);
    assert.deepEqual(firingSpans({ activations, hiddenSize: H }, PLANTED), quoted(TEXT));
  });

  it('finds a unit that fires by going negative, and its spans in that direction', () => {
    const activations = synthetic(TEXT, PLANTED, -1);
    const yes = TEXT.indexOf('yes');
    const [first] = rankUnits({ activations, hiddenSize: H }, yes, yes + 3);
    assert.equal(first!.unit, PLANTED);
    assert.equal(first!.direction, -1);
    assert.deepEqual(firingSpans({ activations, hiddenSize: H }, PLANTED, -1), quoted(TEXT));
    assert.deepEqual(firingSpans({ activations, hiddenSize: H }, PLANTED, 1), []);
  });

  it('refuses a span with no step in it', () => {
    const activations = synthetic(TEXT, PLANTED);
    assert.throws(() => rankUnits({ activations, hiddenSize: H }, 4, 4), /no character/);
  });
});

describe('unit commands: what the quick picks offer', () => {
  /** The synthetic activations as a reading of TEXT, one step per character. */
  const reading = (activations: Float32Array) => ({
    hiddenSize: H,
    offsets: Int32Array.from({ length: TEXT.length + 1 }, (_, i) => i),
    characterOfStep: Int32Array.from({ length: TEXT.length }, (_, i) => i),
    activations,
  });

  it("lists Find Units' rows in rankUnits' order, the best highlighted, and where else it fires", () => {
    const activations = synthetic(TEXT, PLANTED);
    const hello = TEXT.indexOf('hello');
    const ranked = rankUnits({ activations, hiddenSize: H }, hello, hello + 5);
    const choices = rankedUnitChoices(ranked);
    assert.deepEqual(
      choices.items.map((item) => item.label),
      ranked.map((score) => `Unit ${score.unit}`),
    );
    assert.equal(choices.active, choices.items[0]);
    assert.match(choices.items[0]!.description!, /h > \+0\.5 on 100 % of the selection/);
    // Elsewhere: the two other quotes, not the one the selection is in.
    const others = otherFirings(reading(activations), ranked[0]!, hello, hello + 5);
    assert.deepEqual(
      others.map(({ start, end }) => TEXT.slice(start, end)),
      ['yes, fine', 'no'],
    );
  });

  it('Colour by Unit offers every unit, the one shown now or else the most varied by default', () => {
    const activations = synthetic(TEXT, PLANTED);
    const choices = unitChoices(reading(activations));
    assert.equal(choices.items.length, H);
    // Unit 1 jumps between 0.8 and −0.1 at random: the widest spread of the synthetic units.
    assert.equal(choices.active.value, 1);
    assert.match(choices.active.description!, /\(default\)$/);
    assert.equal(unitChoices(reading(activations), PLANTED).active.value, PLANTED);
  });
});
