import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import type { ModelManifest } from '../../src/core/io/modelFile';
import {
  describeSplit,
  baseTitle,
  plural,
  trainedNamesNotice,
  trainingActivates,
  uniqueTitles,
  USE_FOR_HOVER,
  type ModelEntry,
} from '../../src/extension/modelChoice';

const defaultFile = path.resolve('media/models/names-gru.json');
const bundled = JSON.parse(fs.readFileSync(defaultFile, 'utf8')) as ModelManifest;

const entry = (
  id: string,
  origin: ModelEntry['origin'],
  change: Partial<ModelManifest> = {},
): ModelEntry => ({ id, origin, manifest: { ...bundled, ...change } });

const withAccuracy = (accuracy: number): ModelManifest => ({
  ...bundled,
  heldOut: { ...bundled.heldOut!, accuracy },
});

describe('models: which one the hover uses, and what each is called', () => {
  it('never puts a finished names training in use by itself; other tasks still do', () => {
    assert.equal(trainingActivates('names'), false);
    assert.equal(trainingActivates('text'), true);
    assert.equal(trainingActivates('forecast'), true);
  });

  it('compares the new model with the model in use, the default included', () => {
    const text = trainedNamesNotice(
      { title: 'GRU 128 #3', manifest: withAccuracy(0.8124) },
      { title: 'GRU 128 (default)', manifest: withAccuracy(0.8131) },
    );
    assert.match(text, /GRU 128 #3 reached 81\.2 % held-out/);
    assert.match(text, /the model in use, GRU 128 \(default\), has 81\.3 %/);
    assert.ok(text.includes(USE_FOR_HOVER));
    assert.equal(USE_FOR_HOVER, 'Use for Hover');
  });

  it('says so when a model has no held-out figure', () => {
    const text = trainedNamesNotice(
      { title: 'GRU 64', manifest: { ...bundled, heldOut: undefined } },
      { title: 'GRU 128 (default)', manifest: withAccuracy(0.8) },
    );
    assert.match(text, /GRU 64 finished training \(no held-out figure\)/);
    assert.match(text, /has 80\.0 %/);
  });

  it('gives two models of the same kind different titles, first come first numbered', () => {
    const entries = [
      entry('/ext/names-gru.json', 'default'),
      entry('/g/names-1.json', 'trained'),
      entry('/g/names-2.json', 'trained'),
      entry('/g/names-3.json', 'trained', {
        config: { ...bundled.config, hiddenSize: 64 },
      }),
      entry('/a/mine.json', 'loaded'),
      entry('/b/mine.json', 'loaded'),
    ];
    const base = baseTitle(entries[0]!).replace(' (default)', '');
    assert.deepEqual(Object.values(uniqueTitles(entries).titles), [
      `${base} (default)`,
      base,
      `${base} #2`,
      base.replace('128', '64'),
      `${base} (mine.json)`,
      `${base} (mine.json) #2`,
    ]);
    assert.equal(new Set(Object.values(uniqueTitles(entries).titles)).size, entries.length);
  });

  it('keeps a model’s number when another is removed, and never gives a number twice', () => {
    const trained = (n: number): ModelEntry => entry(`/g/names-${n}.json`, 'trained');
    const base = baseTitle(trained(1));
    const first = uniqueTitles([trained(1), trained(2), trained(3)]);
    assert.deepEqual(Object.values(first.titles), [base, `${base} #2`, `${base} #3`]);
    // #2 removed: #3 stays #3 (list order alone would have renumbered it #2).
    const removed = uniqueTitles([trained(1), trained(3)], first);
    assert.deepEqual(removed.titles, { '/g/names-1.json': base, '/g/names-3.json': `${base} #3` });
    // A new model of the kind gets #4, not the freed #2.
    const added = uniqueTitles([trained(1), trained(3), trained(4)], removed);
    assert.equal(added.titles['/g/names-4.json'], `${base} #4`);
    // The first removed too: the plain title is not given again either.
    const later = uniqueTitles([trained(3), trained(4), trained(5)], added);
    assert.deepEqual(Object.values(later.titles), [`${base} #3`, `${base} #4`, `${base} #5`]);
  });

  it('speaks plainly: the held-out split, and "1 epoch"', () => {
    assert.equal(
      describeSplit(bundled.heldOut!.split),
      'held-out split: 1 name in 5, chosen by a hash of the name, the same in every run',
    );
    assert.ok(!describeSplit(bundled.heldOut!.split).includes('crc32'));
    assert.equal(describeSplit('last 10 %'), 'last 10 %');
    assert.equal(plural(1, 'epoch'), '1 epoch');
    assert.equal(plural(3, 'epoch'), '3 epochs');
    assert.equal(plural(0, 'name'), '0 names');
  });
});
