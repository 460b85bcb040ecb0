import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadModel, saveModel, type ManifestInfo } from '../../src/core/io/modelFile';
import { SequenceModel } from '../../src/core/model/sequenceModel';
import { EpochCheckpointStore, epochCheckpointFile } from '../../src/core/runs/epochCheckpoints';
import { maxAbsDiff, smallConfig, useTestBackend } from './helpers';

const info: ManifestInfo = {
  task: 'names',
  createdAt: '2026-12-04T00:00:00.000Z',
  vocabulary: ['a', 'b', 'c', 'd'],
  labels: ['X', 'Y'],
};

describe('epoch checkpoints of runs', () => {
  let dir: string;
  let store: EpochCheckpointStore;
  const models: SequenceModel[] = [];

  before(async () => {
    await useTestBackend();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rnn-epochs-'));
    store = new EpochCheckpointStore(dir);
    // Epochs 1, 2 and 10, saved out of order: the list is by epoch number, not by name.
    for (const [epoch, seed] of [
      [10, 3],
      [1, 1],
      [2, 2],
    ] as const) {
      const model = SequenceModel.create(smallConfig('gru'), seed);
      models[epoch] = model;
      saveModel(epochCheckpointFile(store.directoryOf('run-a'), epoch), model, info);
    }
    saveModel(epochCheckpointFile(store.directoryOf('run-b'), 1), models[1] as SequenceModel, info);
  });

  after(() => {
    models.forEach((m) => m.dispose());
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('lists a run’s epochs in numeric order, each loading the weights saved at that epoch', () => {
    const listed = store.list('run-a');
    assert.deepEqual(
      listed.map((c) => c.epoch),
      [1, 2, 10],
    );
    for (const { epoch, file } of listed) {
      const { model } = loadModel(file);
      const saved = (models[epoch] as SequenceModel).weightValues();
      for (const [name, values] of model.weightValues())
        assert.equal(maxAbsDiff(values, saved.get(name) as Float32Array), 0, `${epoch} ${name}`);
      model.dispose();
    }
  });

  it('has no epochs for a run that kept none', () => {
    assert.deepEqual(store.list('run-never'), []);
  });

  it('keeps only the runs it is told to, and the weights files go with their manifests', () => {
    assert.deepEqual(store.keepOnly(new Set(['run-b'])), ['run-a']);
    assert.deepEqual(store.list('run-a'), []);
    assert.equal(fs.existsSync(store.directoryOf('run-a')), false);
    assert.deepEqual(
      store.list('run-b').map((c) => c.epoch),
      [1],
    );
  });

  it('refuses an id that would leave its folder', () => {
    assert.throws(() => store.directoryOf('../outside'), /not a run id/);
    assert.throws(() => store.directoryOf(''), /not a run id/);
  });
});
