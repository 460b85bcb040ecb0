import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Random } from '../../src/core/random';
import { colourAlpha, parseColour } from '../../src/shared/contrast';
import {
  binOf,
  characterValue,
  colourRuns,
  SURPRISE_BINS,
  UNIT_BINS,
  type ColourBy,
  type ColourSource,
} from '../../src/shared/readingColours';

const SURPRISE: ColourBy = { kind: 'surprise' };

/** A reading built by hand: `bits` per character, NaN for unknown ones (step −1), 2 units. */
function reading(text: string, bits: number[], unknown: Set<number>): ColourSource {
  const characters = [...text];
  const offsets = new Int32Array(characters.length + 1);
  const steps = new Int32Array(characters.length);
  let offset = 0;
  let step = 0;
  characters.forEach((ch, i) => {
    offsets[i] = offset;
    offset += ch.length;
    steps[i] = unknown.has(i) ? -1 : step++;
  });
  offsets[characters.length] = offset;
  const activations = Float32Array.from({ length: step * 2 }, (_, k) =>
    k % 2 === 0 ? -1 + (2 * Math.floor(k / 2)) / Math.max(1, step - 1) : 0.3,
  );
  return { hiddenSize: 2, offsets, steps, bits: Float32Array.from(bits), activations };
}

describe('editor colouring: bins and decoration ranges', () => {
  it('bins bits a bit wide from 0 to 7+, and states a quarter wide around 0', () => {
    const bits = [0, 0.99, 1, 7.5, 40, NaN].map((v) => binOf(v, SURPRISE));
    assert.deepEqual(bits, [0, 0, 1, 7, 7, -1]);
    const unit: ColourBy = { kind: 'unit', unit: 0 };
    const states = [-1.2, -1, -0.01, 0, 0.24, 0.26, 1, 3].map((v) => binOf(v, unit));
    assert.deepEqual(states, [0, 0, 3, 4, 4, 5, 7, 7]);
    assert.deepEqual(
      SURPRISE_BINS.map((bin) => bin.label),
      [
        '0–1 bits',
        '1–2 bits',
        '2–3 bits',
        '3–4 bits',
        '4–5 bits',
        '5–6 bits',
        '6–7 bits',
        '7+ bits',
      ],
    );
    assert.equal(UNIT_BINS[0]!.label, '−1 to −0.75');
    assert.equal(UNIT_BINS[3]!.label, '−0.25 to 0');
    assert.equal(UNIT_BINS[4]!.label, '0 to +0.25');
    // Negative states red, positive blue, as the Explorer; stronger the further from 0.
    const [red, blue] = [UNIT_BINS[0]!, UNIT_BINS[7]!].map((bin) => parseColour(bin.background)!);
    assert.ok(red![0] > red![2] && blue![2] > blue![0]);
    assert.ok(colourAlpha(UNIT_BINS[0]!.background) > colourAlpha(UNIT_BINS[3]!.background));
    assert.ok(
      colourAlpha(SURPRISE_BINS[7]!.background) > colourAlpha(SURPRISE_BINS[0]!.background),
    );
  });

  it('makes one range per run of neighbouring characters in a bin, in UTF-16 offsets', () => {
    // "a" has no context, the emoji (two UTF-16 units) is unknown: neither is coloured.
    const r = reading('aab😀cc', [NaN, 0.5, 0.7, NaN, 3.2, 3.9], new Set([3]));
    const runs = colourRuns(r, SURPRISE);
    assert.deepEqual(runs[0], [[1, 3]]);
    assert.deepEqual(runs[3], [[5, 7]]);
    assert.equal(runs.flat().length, 2);
  });

  it('covers every character that has a value exactly once, in its own bin', () => {
    const random = new Random(5);
    const text = 'the "quick" brown fox\njumps over the lazy dog. '.repeat(8);
    const unknown = new Set([3, 40, 41, 200]);
    const bits = [...text].map((_, i) =>
      i === 0 || unknown.has(i) ? NaN : Math.floor(random.next() * 3) * 3.5,
    );
    const r = reading(text, bits, unknown);
    for (const by of [SURPRISE, { kind: 'unit', unit: 0 }] as ColourBy[]) {
      const runs = colourRuns(r, by);
      const owner = new Int32Array(text.length).fill(-1);
      runs.forEach((binRuns, bin) =>
        binRuns.forEach(([start, end]) => {
          for (let at = start; at < end; at++) {
            assert.equal(owner[at], -1, `offset ${at} is coloured twice`);
            owner[at] = bin;
          }
        }),
      );
      [...text].forEach((_, i) =>
        assert.equal(owner[i], binOf(characterValue(r, by, i), by), `character ${i}`),
      );
    }
  });
});
