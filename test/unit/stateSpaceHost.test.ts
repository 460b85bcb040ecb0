import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { subjectReading } from '../../src/core/explore/subjects';
import { loadNames } from '../../src/core/data/names';
import { saveModel, type LoadedModel } from '../../src/core/io/modelFile';
import { SequenceModel } from '../../src/core/model/sequenceModel';
import type { EpochCheckpoint } from '../../src/core/runs/epochCheckpoints';
import { StateSpaceHost } from '../../src/extension/explorer/stateSpaceHost';
import type { Subject } from '../../src/extension/explorer/subjects';
import type { StateSpacePicture } from '../../src/shared/explorerProtocol';
import { BUNDLED_NAMES_MODEL, bundledNamesSubject, smallConfig, useTestBackend } from './helpers';

const ROOT = path.resolve(__dirname, '..', '..');

describe('the State space view’s pictures, as the host makes them', () => {
  let loaded: LoadedModel;
  let subject: Subject;
  let directory: string;
  let untrained: string;
  before(async () => {
    await useTestBackend();
    subject = bundledNamesSubject();
    loaded = subject.loaded;
    // An "epoch 1" that has learned nothing: the same shape, fresh weights.
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'rnn-states-'));
    untrained = path.join(directory, 'epoch-1.json');
    const fresh = SequenceModel.create(loaded.model.config, 3);
    saveModel(untrained, fresh, {
      task: 'names',
      createdAt: new Date(0).toISOString(),
      vocabulary: loaded.manifest.vocabulary,
      labels: loaded.manifest.labels,
    });
    fresh.dispose();
  });
  after(() => {
    loaded.model.dispose();
    fs.rmSync(directory, { recursive: true, force: true });
  });

  /** `epochs`: what the run that made the bundled model keeps; undefined: no run made it. */
  const host = (epochs?: EpochCheckpoint[]): StateSpaceHost =>
    new StateSpaceHost(ROOT, (file) => (file === BUNDLED_NAMES_MODEL ? epochs : undefined));
  const draw = (h: StateSpaceHost, epoch?: number): StateSpacePicture => {
    const picture = h.picture(subject, 'Dostoevsky', epoch);
    assert.ok(!('reason' in picture));
    return picture;
  };

  it('draws every held-out name with its language, and no slider for the bundled model', () => {
    const picture = draw(host());
    const heldOut = loadNames(path.join(ROOT, 'media', 'data', 'names'));
    assert.equal(picture.inputs.length, heldOut.test.length);
    picture.inputs.forEach((item, i) => {
      const name = heldOut.test[i]!;
      assert.equal(item.input, name.name);
      assert.equal(picture.labels[item.label], heldOut.languages[name.label]);
      assert.equal(item.path.length, 2 * name.name.length);
    });
    assert.deepEqual(picture.epochs, []);
    assert.match(picture.noEpochs!, /^This model was not trained in this VS Code/);
    // A model a run made, whose epochs were pruned since, says so instead.
    assert.match(draw(host([])).noEpochs!, /^The run that made this model no longer keeps/);
    assert.ok(picture.explained[0]! > picture.explained[1]! && picture.explained[1]! > 0);
  });

  it('draws an epoch on the model’s basis, and the model itself where an epoch is its copy', () => {
    const h = host([
      { epoch: 1, file: untrained },
      { epoch: 2, file: BUNDLED_NAMES_MODEL },
    ]);
    const model = draw(h);
    const first = draw(h, 1);
    const last = draw(h, 2);
    assert.deepEqual(model.epochs, [1, 2]);
    assert.equal(first.epoch, 1);
    assert.equal(model.epoch, undefined);
    // The same weights on the same basis land on the same points: the axes did not move.
    assert.deepEqual(
      last.inputs.map((i) => i.path),
      model.inputs.map((i) => i.path),
    );
    // An untrained model's states differ, yet are drawn on the trained model's axes.
    assert.deepEqual(first.explained, model.explained);
    assert.notDeepEqual(first.inputs[0]!.path, model.inputs[0]!.path);
    // The axes hold the model's own states and the epoch's: every point drawn is inside, and
    // the model's own extent is inside every epoch's axes, so they hold still while it moves.
    const inside = (picture: StateSpacePicture, point: number[]): boolean =>
      point[0]! >= picture.domain.x[0] - 1e-4 &&
      point[0]! <= picture.domain.x[1] + 1e-4 &&
      point[1]! >= picture.domain.y[0] - 1e-4 &&
      point[1]! <= picture.domain.y[1] + 1e-4;
    const points = (picture: StateSpacePicture): number[][] =>
      picture.inputs.flatMap((item) =>
        Array.from({ length: item.path.length / 2 }, (_, k) => item.path.slice(2 * k, 2 * k + 2)),
      );
    for (const picture of [model, first, last])
      assert.ok(points(picture).every((p) => inside(picture, p)));
    assert.ok(points(model).every((p) => inside(first, p)));
    assert.deepEqual(last.domain, model.domain);
  });

  it('draws the model itself when the epoch asked for is no longer kept', () => {
    const picture = draw(host([{ epoch: 2, file: BUNDLED_NAMES_MODEL }]), 7);
    assert.equal(picture.epoch, undefined);
  });

  it('draws a forecaster’s series as one path on a basis fitted along it', () => {
    const model = SequenceModel.create(
      smallConfig('gru', { inputKind: 'dense', inputSize: 1, hiddenSize: 6, outputSize: 2 }),
      9,
    );
    try {
      const manifest = {
        ...loaded.manifest,
        task: 'forecast',
        vocabulary: [],
        labels: ['t+1', 't+2'],
        taskOptions: { mean: 100, std: 20, window: 4, column: 'Passengers' },
      };
      const forecaster: Subject = {
        task: 'forecast',
        file: path.join(directory, 'forecast.json'),
        title: 'GRU 6',
        loaded: { model, manifest },
        reading: subjectReading(manifest),
        defaultInput: '',
      };
      const picture = new StateSpaceHost(ROOT, () => []).picture(
        forecaster,
        '112, 118, 132, 129, 121',
      );
      assert.ok(!('reason' in picture));
      const [series] = picture.inputs;
      assert.equal(picture.kind, 'sequence');
      assert.deepEqual(series!.symbols, ['112', '118', '132', '129', '121']);
      assert.equal(series!.path.length, 10);
      // Fitted on these five states, so their projections are centred on zero.
      const meanX = series!.path.filter((_, i) => i % 2 === 0).reduce((a, b) => a + b, 0) / 5;
      assert.ok(Math.abs(meanX) < 1e-3, `mean PC1 ${meanX}`);
      // The graph reads the same input: five steps, each with its forecasts in the data's units.
      const trace = forecaster.reading.trace(model, '112, 118, 132, 129, 121');
      assert.ok(!('reason' in trace));
      assert.equal(trace.steps.length, 5);
      assert.ok(
        trace.steps.every((step) => step.top.every((t) => Number.isFinite(Number(t.display)))),
      );
      const refused = new StateSpaceHost(ROOT, () => []).picture(forecaster, 'a, b');
      assert.ok('reason' in refused && /Type numbers/.test(refused.reason));
    } finally {
      model.dispose();
    }
  });
});
