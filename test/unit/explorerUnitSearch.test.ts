import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { readText, stepsBetween } from '../../src/core/explore/surprise';
import { rankUnits } from '../../src/core/explore/unitSearch';
import type { LayerRun } from '../../src/core/model/recurrentStack';
import { SequenceModel } from '../../src/core/model/sequenceModel';
import { otherFirings } from '../../src/extension/editor/unitChoices';
import {
  explorerUnitSearch,
  UNITS_LISTED,
  type UnitSearchSubject,
} from '../../src/extension/explorer/unitSearchHost';
import { smallConfig, useTestBackend } from './helpers';

const VOCABULARY = [...' "abcdefghilnorsty,.'];
const V = VOCABULARY.length;
const TEXT = 'he said "hello there" and left. then "yes, fine" she said, and "no" at last.';
const H = 8;
const PLANTED = 5;

const subject = (model: SequenceModel, task = 'text'): UnitSearchSubject => ({
  task,
  title: 'LSTM 16 (test)',
  loaded: { model, manifest: { vocabulary: VOCABULARY } },
});

/**
 * A text model with a planted quote unit, as in unitSearch.test.ts but read through `readText`:
 * a stand-in for a trained model whose state carries "inside quotes" from step to step. Unit
 * PLANTED is 0.9 after reading a character inside quotes (the opening mark starts the quote)
 * and −0.1 outside; unit 2 is always on, unit 1 fires on every vowel, the rest are small noise.
 */
function quoteModel(): SequenceModel {
  const quote = VOCABULARY.indexOf('"');
  const vowels = new Set([...'aeio'].map((ch) => VOCABULARY.indexOf(ch)));
  const stub = {
    config: { ...smallConfig('rnn'), inputSize: V, outputSize: V, hiddenSize: H, head: 'all' },
    trace(data: { steps: number; tokens?: Int32Array }, initial?: Array<{ h: Float32Array }>) {
      let inside = (initial?.[0]?.h[PLANTED] ?? 0) > 0.5;
      const hs = new Float32Array(data.steps * H);
      for (let t = 0; t < data.steps; t++) {
        const token = data.tokens![t] as number;
        if (token === quote) inside = !inside;
        for (let unit = 0; unit < H; unit++)
          hs[t * H + unit] = 0.4 * Math.sin(1.7 * (t + 1) * (unit + 1) + token);
        hs[t * H + 1] = vowels.has(token) ? 0.8 : -0.1;
        hs[t * H + 2] = 0.95;
        hs[t * H + PLANTED] = inside ? 0.9 : -0.1;
      }
      return [{ hs }] as unknown as LayerRun[];
    },
    headValues: (states: Float32Array) => new Float32Array((states.length / H) * V),
  };
  return stub as unknown as SequenceModel;
}

describe('Explorer unit search: the host ranks the units of a span of the Explorer’s text', () => {
  let model: SequenceModel;
  before(async () => {
    await useTestBackend();
    model = SequenceModel.create(
      smallConfig('lstm', { inputSize: V, outputSize: V, hiddenSize: 16, head: 'all' }),
      11,
    );
  });
  after(() => model.dispose());

  it('lists rankUnits’ best units of readText’s reading, in its order with its scores', () => {
    const start = TEXT.indexOf('hello');
    const end = start + 'hello there'.length;
    const result = explorerUnitSearch(subject(model), TEXT, start, end);
    assert.ok('units' in result, 'reason' in result ? result.reason : '');
    const reading = readText(model, VOCABULARY, TEXT);
    const { from, to } = stepsBetween(reading, start, end);
    const ranked = rankUnits(reading, from, to).slice(0, UNITS_LISTED);
    assert.deepEqual(
      result.units.map(({ unit, score, direction, inside, outside }) => ({
        unit,
        score,
        direction,
        inside,
        outside,
      })),
      ranked,
    );
    // The page draws each unit's state along the text and where else it fires from these.
    for (const unit of result.units) {
      assert.deepEqual(
        unit.values,
        Array.from(
          { length: reading.activations.length / 16 },
          (_, t) => reading.activations[t * 16 + unit.unit],
        ),
      );
      assert.deepEqual(unit.elsewhere, otherFirings(reading, unit, from, to));
    }
    assert.deepEqual(result.steps, Array.from(reading.steps));
    assert.deepEqual(result.offsets, Array.from(reading.offsets));
    assert.equal(result.hiddenSize, 16);
    assert.equal(result.text, TEXT);
    assert.deepEqual([result.start, result.end], [start, end]);
  });

  it('ranks a planted quote unit first for a quoted span, and finds the other quotes', () => {
    const quoteUnits = quoteModel();
    const start = TEXT.indexOf('hello');
    const result = explorerUnitSearch(subject(quoteUnits), TEXT, start, start + 5);
    assert.ok('units' in result);
    const [first, second] = result.units;
    assert.equal(first!.unit, PLANTED);
    assert.equal(first!.direction, 1);
    assert.equal(first!.inside, 1);
    assert.ok(first!.score > second!.score, 'the planted unit stands clear of the rest');
    // Its score is rankUnits' on the same reading, not a second computation of it.
    const reading = readText(quoteUnits, VOCABULARY, TEXT);
    assert.equal(first!.score, rankUnits(reading, start, start + 5)[0]!.score);
    // The always-on unit fires inside and out: a score of 0 puts it below the planted one.
    assert.equal(result.units.find((u) => u.unit === 2)?.score ?? 0, 0);
    assert.deepEqual(
      first!.elsewhere.map(({ start: s, end: e }) => TEXT.slice(s, e)),
      ['"yes, fine', '"no'],
    );
  });

  it('says why when the model is not a text model or the span holds nothing it reads', () => {
    const names = explorerUnitSearch(subject(model, 'names'), TEXT, 0, 4);
    assert.ok('reason' in names);
    assert.match(names.reason, /reads a text model/);
    const unknown = explorerUnitSearch(subject(model), 'ab ÉÉÉ cd', 3, 6);
    assert.ok('reason' in unknown);
    assert.match(unknown.reason, /no character the model reads/);
  });
});
