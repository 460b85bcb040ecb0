import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { foldToAlphabet } from '../../src/core/data/alphabet';
import { isHeldOut, loadNames } from '../../src/core/data/names';
import { loadModel } from '../../src/core/io/modelFile';
import {
  encodeNames,
  heldOutNames,
  looksLikeSurname,
  misclassifiedNames,
  NamesClassifier,
} from '../../src/core/tasks/names';
import { assertNoLeak, useTestBackend } from './helpers';

const ROOT = path.resolve(__dirname, '..', '..');

describe('names data set', () => {
  it('gives the benchmark split: 14,415 train and 3,579 held-out distinct pairs', () => {
    const data = loadNames(path.join(ROOT, 'media', 'data', 'names'));
    assert.equal(data.languages.length, 18);
    assert.equal(data.train.length, 14415);
    assert.equal(data.test.length, 3579);
    const trainNames = new Set(data.train.map((n) => n.name));
    assert.ok(
      data.test.every((n) => !trainNames.has(n.name)),
      'no name on both sides',
    );
    assert.ok(data.test.every((n) => isHeldOut(n.name)));
  });

  it('folds accents the way the PyTorch tutorial does', () => {
    assert.equal(foldToAlphabet('Bélanger'), 'Belanger');
    assert.equal(foldToAlphabet('Śliwiński'), 'Sliwinski');
    assert.equal(foldToAlphabet("O'Néill"), "O'Neill");
    assert.equal(foldToAlphabet('Müller-Lüdenscheidt'), 'MullerLudenscheidt');
  });
});

describe('the misclassified names of the training dashboard', () => {
  it('lists the held-out names of one language that the predictions gave to another', () => {
    const data = loadNames(path.join(ROOT, 'media', 'data', 'names'));
    const heldOut = heldOutNames(data);
    // The evaluation predicts the held-out names in encodeNames' order: the lists must align.
    assert.deepEqual(
      heldOut.labels,
      encodeNames(data).test.map((n) => n.label),
    );
    const russian = data.languages.indexOf('Russian');
    const english = data.languages.indexOf('English');
    // Every Russian name predicted English, except the first, which is predicted Russian.
    const firstRussian = heldOut.labels.indexOf(russian);
    const predictions = heldOut.labels.map((label, i) =>
      label === russian && i !== firstRussian ? english : label,
    );
    const listed = misclassifiedNames(heldOut, predictions, russian, english);
    const russianNames = heldOut.names.filter((_, i) => heldOut.labels[i] === russian);
    assert.deepEqual(listed, russianNames.slice(1));
    assert.ok(!listed.includes(heldOut.names[firstRussian]!));
    assert.deepEqual(misclassifiedNames(heldOut, predictions, english, russian), []);
  });
});

describe('surname detection for the hover', () => {
  it('accepts capitalised names and rejects everything else', () => {
    for (const word of ['Dostoevsky', "O'Brien", 'Nakamura', 'Bélanger', 'Li'])
      assert.ok(looksLikeSurname(word, 2), word);
    for (const word of [
      'dostoevsky',
      'USA',
      'HTML',
      'X',
      '123',
      'Abc1',
      'A'.repeat(41),
      '😀',
      '',
    ]) {
      assert.ok(!looksLikeSurname(word, 2), word);
    }
  });
});

describe('the bundled default model', () => {
  let classifier: NamesClassifier;
  before(async () => {
    await useTestBackend();
    const { manifest, model } = loadModel(path.join(ROOT, 'media', 'models', 'names-gru.json'));
    classifier = new NamesClassifier(model, manifest);
  });
  after(() => classifier.model.dispose());

  it('answers the classic examples', () => {
    const expectations: Array<[string, string]> = [
      ['Dostoevsky', 'Russian'],
      ['Nakamura', 'Japanese'],
      ['Schmidt', 'German'],
    ];
    for (const [name, language] of expectations) {
      const result = classifier.predict(name);
      assert.ok(result.ok);
      assert.equal(result.top[0]!.language, language, name);
      assert.equal(result.top.length, 5);
      const total = result.top.reduce((s, t) => s + t.probability, 0);
      assert.ok(total > 0.5 && total <= 1.0001);
      assert.equal(result.prefixes.length, name.length);
    }
  });

  const refused: Array<[string, string, RegExp]> = [
    ['empty', '', /empty/],
    ['blank', '   \t ', /empty/],
    ['10,000 characters', 'a'.repeat(10_000), /longer than 40/],
    ['emoji', '😀😀', /no Latin letters/],
    ['right-to-left text', 'محمد', /no Latin letters/],
    ['digits', '12345', /no Latin letters/],
  ];
  for (const [label, input, reason] of refused) {
    it(`gives a clear message for ${label}, without leaking tensors`, async () => {
      const result = await assertNoLeak(label, () => classifier.predict(input));
      assert.equal(result.ok, false);
      assert.match((result as { reason: string }).reason, reason);
    });
  }

  it('reads combining marks, markup and markdown as their letters only', async () => {
    for (const input of [
      'Be\u0301langer',
      '<img src=x onerror=alert(1)>',
      '[x](command:evil)',
      'Nakamura😀',
    ]) {
      const result = await assertNoLeak(input, () => classifier.predict(input));
      assert.ok(result.ok, input);
      assert.match(result.folded, /^[A-Za-z .,;']+$/);
    }
  });
});
