import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  characterAt,
  nextCharacters,
  readText,
  stepsBetween,
  stepSpanOffsets,
} from '../../src/core/explore/surprise';
import { infer } from '../../src/core/model/inference';
import { SequenceModel } from '../../src/core/model/sequenceModel';
import { maxAbsDiff, smallConfig, useTestBackend } from './helpers';

const VOCABULARY = ['\n', ' ', '"', 'a', 'b', 'c', 'd', 'e'];
const V = VOCABULARY.length;
/** 'é' and the emoji are not in the vocabulary; the emoji takes two UTF-16 units. */
const TEXT = 'ab "cd"\nbé ea😀dd cab';

const textConfig = () =>
  smallConfig('lstm', { inputSize: V, outputSize: V, hiddenSize: 6, numLayers: 2, head: 'all' });

describe('surprise: a text model reads a document', () => {
  let model: SequenceModel;
  before(async () => {
    await useTestBackend();
    model = SequenceModel.create(textConfig(), 7);
  });
  after(() => model.dispose());
  const known = [...TEXT].filter((ch) => VOCABULARY.includes(ch));
  const direct = () =>
    infer(model, {
      steps: known.length,
      batch: 1,
      mask: new Float32Array(known.length).fill(1),
      tokens: Int32Array.from(known, (ch) => VOCABULARY.indexOf(ch)),
    });

  it('gives each character −log2 p(char | text before it), as infer() computes p', () => {
    const reading = readText(model, VOCABULARY, TEXT);
    const { stepProbabilities } = direct();
    let step = 0;
    [...TEXT].forEach((ch, i) => {
      const bits = reading.bits[i] as number;
      if (!VOCABULARY.includes(ch)) {
        assert.equal(reading.steps[i], -1, `${ch} is marked unknown`);
        assert.ok(Number.isNaN(bits), `${ch} has no surprise`);
        return;
      }
      assert.equal(reading.steps[i], step);
      if (step === 0) assert.ok(Number.isNaN(bits), 'the first character has no context');
      else {
        const p = stepProbabilities[(step - 1) * V + VOCABULARY.indexOf(ch)] as number;
        assert.ok(Math.abs(bits - -Math.log2(p)) < 1e-4, `bits at ${i}: ${bits} vs ${p}`);
        // The identity itself: 2^−bits is the probability the model gave the character.
        assert.ok(Math.abs(2 ** -bits - p) < 1e-5);
      }
      step++;
    });
    assert.equal(step, known.length);
  });

  it('reads in chunks with the state carried: the same as one pass', () => {
    const whole = readText(model, VOCABULARY, TEXT);
    const chunked = readText(model, VOCABULARY, TEXT, { chunk: 3 });
    assert.ok(maxAbsDiff(chunked.activations, whole.activations) < 1e-6);
    const finite = (bits: Float32Array) => Array.from(bits, (b) => (Number.isNaN(b) ? -1 : b));
    assert.ok(maxAbsDiff(finite(chunked.bits), finite(whole.bits)) < 1e-5);
    // And the activations are the top layer's states.
    const layers = direct().layers;
    assert.ok(maxAbsDiff(whole.activations, layers[layers.length - 1]!.hs) < 1e-6);
  });

  it('after an edit, reads again only from the chunk it touches, with the same result', () => {
    const long = TEXT.repeat(6);
    const edits = [
      long.slice(0, 90) + 'x' + long.slice(90), // an unknown character inserted late
      long.slice(0, 100) + 'dab' + long.slice(101), // a known one replaced late
      long.slice(0, 70), // cut short
      'b' + long, // changed at the start
      long + 'cab ea', // typed at the end
    ];
    const before = readText(model, VOCABULARY, long, { chunk: 16 });
    for (const edited of edits) {
      const fresh = readText(model, VOCABULARY, edited, { chunk: 16 });
      const resumed = readText(model, VOCABULARY, edited, { chunk: 16, previous: before });
      // Bit for bit: the reused chunks read the same ids from the same states.
      assert.deepEqual(resumed.activations, fresh.activations);
      assert.deepEqual(resumed.bits, fresh.bits);
      assert.deepEqual(resumed.topIds, fresh.topIds);
      assert.deepEqual(resumed.topProbabilities, fresh.topProbabilities);
    }
    // The late edit starts from a kept state: the one before the third chunk is the same object.
    const late = readText(model, VOCABULARY, edits[0]!, { chunk: 16, previous: before });
    assert.ok(late.resume.starts[2] !== undefined);
    assert.equal(late.resume.starts[2], before.resume.starts[2]);
    const fresh = readText(model, VOCABULARY, edits[0]!, { chunk: 16 });
    assert.notEqual(fresh.resume.starts[2], before.resume.starts[2]);
    // Another model's reading is not reused.
    const other = SequenceModel.create(textConfig(), 8);
    try {
      const theirs = readText(other, VOCABULARY, TEXT);
      const ours = readText(model, VOCABULARY, TEXT, { previous: theirs });
      assert.deepEqual(ours.activations, readText(model, VOCABULARY, TEXT).activations);
    } finally {
      other.dispose();
    }
  });

  it('lists the most likely next characters, best first, as infer() ranks them', () => {
    const reading = readText(model, VOCABULARY, TEXT, { topK: 3 });
    const { stepProbabilities } = direct();
    const i = [...TEXT].indexOf('c');
    const step = reading.steps[i] as number;
    const expected = VOCABULARY.map((symbol, c) => ({
      symbol,
      probability: stepProbabilities[step * V + c] as number,
    }))
      .sort((a, b) => b.probability - a.probability)
      .slice(0, 3);
    const got = nextCharacters(reading, i);
    assert.deepEqual(
      got.map((entry) => entry.symbol),
      expected.map((entry) => entry.symbol),
    );
    got.forEach((entry, rank) =>
      assert.ok(Math.abs(entry.probability - expected[rank]!.probability) < 1e-5),
    );
    assert.deepEqual(nextCharacters(reading, [...TEXT].indexOf('é')), []);
  });

  it('a model that predicts every character alike gives log2(V) bits everywhere', () => {
    const values = model.weightValues();
    values.set('fc.weight', new Float32Array(values.get('fc.weight')!.length));
    values.set('fc.bias', new Float32Array(V));
    const uniform = SequenceModel.fromValues(model.config, values);
    try {
      const reading = readText(uniform, VOCABULARY, TEXT);
      const scored = Array.from(reading.bits).filter((b) => !Number.isNaN(b));
      assert.equal(scored.length, known.length - 1);
      for (const bits of scored) assert.ok(Math.abs(bits - Math.log2(V)) < 1e-5, `${bits}`);
    } finally {
      uniform.dispose();
    }
  });

  it("maps the editor's UTF-16 offsets to characters and steps", () => {
    const reading = readText(model, VOCABULARY, TEXT);
    const emoji = TEXT.indexOf('😀');
    const index = [...TEXT].indexOf('😀');
    assert.equal(reading.offsets[index], emoji);
    // Both halves of the surrogate pair are the same character; the next one starts after both.
    assert.equal(characterAt(reading, emoji), index);
    assert.equal(characterAt(reading, emoji + 1), index);
    assert.equal(characterAt(reading, emoji + 2), index + 1);
    assert.equal(characterAt(reading, TEXT.length), -1);
    assert.equal(reading.offsets[reading.characters.length], TEXT.length);
    // '"cd"' reads four steps; a span of only unknown characters reads none.
    const quote = TEXT.indexOf('"');
    const span = stepsBetween(reading, quote, quote + 4);
    assert.deepEqual(span, { from: 3, to: 7 });
    assert.deepEqual(stepSpanOffsets(reading, span.from, span.to), {
      start: quote,
      end: quote + 4,
    });
    // Steps 8 and 9 read "b" and " " around the unknown "é", which lies inside their span.
    const b = TEXT.indexOf('bé');
    assert.deepEqual(stepSpanOffsets(reading, 8, 10), { start: b, end: b + 3 });
    assert.deepEqual(stepsBetween(reading, emoji, emoji + 2), { from: 0, to: 0 });
    assert.deepEqual(stepsBetween(reading, 0, TEXT.length), { from: 0, to: known.length });
    assert.deepEqual(stepsBetween(reading, TEXT.length, TEXT.length + 3), { from: 0, to: 0 });
  });
});
