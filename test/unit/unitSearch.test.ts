import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { firingSpans, rankUnits } from '../../src/core/explore/unitSearch';
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
