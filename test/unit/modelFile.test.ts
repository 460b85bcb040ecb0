import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { after, before, describe, it, mock } from 'node:test';
import {
  loadModel,
  removeModel,
  saveModel,
  ModelFileError,
  type ManifestInfo,
} from '../../src/core/io/modelFile';
import { SequenceModel } from '../../src/core/model/sequenceModel';
import { assertNoLeak, maxAbsDiff, useTestBackend } from './helpers';

/** The module object itself: an `import * as` namespace is a copy whose functions cannot be replaced. */
const nodeFs = createRequire(__filename)('node:fs') as typeof fs;

const info: ManifestInfo = {
  task: 'names',
  createdAt: '2026-11-24T00:00:00.000Z',
  vocabulary: ['a', 'b', 'c'],
  labels: ['X', 'Y'],
};

describe('model files', () => {
  let dir: string;
  let good: string;
  let model: SequenceModel;

  before(async () => {
    await useTestBackend();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rnn-model-'));
    model = SequenceModel.create(
      {
        cell: 'lstm',
        nonlinearity: 'tanh',
        inputKind: 'tokens',
        inputSize: 3,
        hiddenSize: 4,
        numLayers: 2,
        outputSize: 2,
        head: 'last',
      },
      1,
    );
    good = path.join(dir, 'good.json');
    await assertNoLeak('save', () => saveModel(good, model, info));
  });
  after(() => {
    model.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** A copy of the good model with the manifest (and optionally the weights) changed. */
  function variant(
    name: string,
    edit: (m: Record<string, any>) => void,
    weights?: (b: Buffer) => Buffer,
  ): string {
    const manifest = JSON.parse(fs.readFileSync(good, 'utf8'));
    const bytes = fs.readFileSync(path.join(dir, manifest.weights.file));
    manifest.weights.file = `${name}.weights.bin`;
    edit(manifest);
    const file = path.join(dir, `${name}.json`);
    fs.writeFileSync(file, JSON.stringify(manifest));
    fs.writeFileSync(path.join(dir, `${name}.weights.bin`), weights ? weights(bytes) : bytes);
    return file;
  }

  it('round-trips every weight exactly, with metadata', async () => {
    await assertNoLeak('load', () => {
      const loaded = loadModel(good);
      for (const [name, values] of model.weightValues()) {
        assert.equal(maxAbsDiff(values, loaded.model.weightValues().get(name)!), 0, name);
      }
      assert.deepEqual(loaded.manifest.labels, ['X', 'Y']);
      assert.equal(loaded.manifest.weights.tensors[0]!.name, 'rnn.weight_ih_l0');
      loaded.model.dispose();
    });
  });

  const bad: Array<[string, () => string, RegExp]> = [
    [
      'invalid JSON',
      () => (
        fs.writeFileSync(path.join(dir, 'broken.json'), '{"format": '),
        path.join(dir, 'broken.json')
      ),
      /not valid JSON/,
    ],
    [
      'a foreign JSON file',
      () => (
        fs.writeFileSync(path.join(dir, 'pkg.json'), '{"name":"x"}'),
        path.join(dir, 'pkg.json')
      ),
      /not an RNN Explorer model/,
    ],
    [
      'a newer format version',
      () => variant('newer', (m) => (m.version = 99)),
      /newer than this extension reads/,
    ],
    [
      'truncated weights',
      () =>
        variant(
          'truncated',
          () => undefined,
          (b) => b.subarray(0, b.length - 8),
        ),
      /truncated or replaced/,
    ],
    [
      'corrupt weights',
      () =>
        variant(
          'corrupt',
          () => undefined,
          (b) => {
            const c = Buffer.from(b);
            c[10] = (c[10]! + 1) % 256;
            return c;
          },
        ),
      /checksum/,
    ],
    [
      'wrong shapes',
      () => variant('shapes', (m) => (m.weights.tensors[1].shape = [16, 5])),
      /has shape/,
    ],
    [
      'a path out of the folder',
      () => variant('escape', (m) => (m.weights.file = '../../etc/passwd')),
      /same folder/,
    ],
    [
      'a huge declared size',
      () => variant('huge', (m) => (m.weights.byteLength = 1e12)),
      /not allowed/,
    ],
    [
      'a different vocabulary size',
      () => variant('vocab', (m) => (m.vocabulary = ['a', 'b'])),
      /vocabulary has 2 symbols/,
    ],
    [
      'repeated vocabulary symbols',
      () => variant('repeat', (m) => (m.vocabulary = ['a', 'a', 'b'])),
      /repeat/,
    ],
    [
      'labels that do not fit the output',
      () => variant('labels', (m) => (m.labels = ['X'])),
      /labels/,
    ],
    [
      'an unknown cell',
      () => variant('cell', (m) => (m.config.cell = 'transformer')),
      /Unknown cell/,
    ],
    [
      'a missing weights file',
      () =>
        variant(
          'missing',
          () => undefined,
          (b) => b,
        ) && (fs.rmSync(path.join(dir, 'missing.weights.bin')), path.join(dir, 'missing.json')),
      /cannot be read/,
    ],
    ['a missing manifest', () => path.join(dir, 'nope.json'), /not found/],
  ];
  for (const [label, make, message] of bad) {
    it(`rejects ${label} with a clear error and no leaked tensors`, async () => {
      const file = make();
      await assertNoLeak(label, () =>
        assert.throws(
          () => loadModel(file),
          (e: unknown) => e instanceof ModelFileError && message.test((e as Error).message),
        ),
      );
    });
  }

  it('a failed load leaves the model loaded before untouched', () => {
    const before = model.weightValues();
    assert.throws(() => loadModel(path.join(dir, 'nope.json')));
    for (const [name, values] of model.weightValues())
      assert.equal(maxAbsDiff(values, before.get(name)!), 0);
  });

  it('saves atomically: a save into a missing folder it cannot create leaves no partial files', () => {
    const blocker = path.join(dir, 'file-not-folder');
    fs.writeFileSync(blocker, 'x');
    assert.throws(() => saveModel(path.join(blocker, 'model.json'), model, info));
    assert.deepEqual(
      fs.readdirSync(dir).filter((f) => f.endsWith('.tmp')),
      [],
    );
  });

  function weightsFiles(base: string): string[] {
    return fs
      .readdirSync(dir)
      .filter((f) => f.startsWith(`${base}.`) && f.endsWith('.weights.bin'))
      .sort();
  }

  it('a save cut off before its manifest lands leaves the previous save loadable', async () => {
    const file = path.join(dir, 'interrupted.json');
    saveModel(file, model, info);
    const other = SequenceModel.create(model.config, 2);
    const realRename = nodeFs.renameSync;
    // The process dies after the new weights are in place and before the manifest is: the
    // manifest's rename is the step that never happens.
    const rename = mock.method(nodeFs, 'renameSync', (from: fs.PathLike, to: fs.PathLike) => {
      if (to === file) throw new Error('killed');
      realRename(from, to);
    });
    try {
      assert.throws(() => saveModel(file, other, info), /killed/);
    } finally {
      rename.mock.restore();
      other.dispose();
    }
    await assertNoLeak('load after a cut-off save', () => {
      const loaded = loadModel(file);
      for (const [name, values] of model.weightValues())
        assert.equal(maxAbsDiff(values, loaded.model.weightValues().get(name)!), 0, name);
      loaded.model.dispose();
    });
  });

  it('a finished save keeps only its own weights file, and removing a model removes them all', () => {
    const file = path.join(dir, 'resaved.json');
    const neighbour = path.join(dir, 'resaved-2.json');
    saveModel(neighbour, model, info);
    const other = SequenceModel.create(model.config, 3);
    try {
      saveModel(file, model, info);
      // A weights file in the older fixed name, as the bundled model and earlier saves have.
      fs.writeFileSync(path.join(dir, 'resaved.weights.bin'), 'old');
      const manifest = saveModel(file, other, info);
      assert.deepEqual(weightsFiles('resaved'), [manifest.weights.file]);
      loadModel(file).model.dispose();
    } finally {
      other.dispose();
    }
    removeModel(file);
    assert.equal(fs.existsSync(file), false);
    assert.deepEqual(weightsFiles('resaved'), []);
    assert.equal(weightsFiles('resaved-2').length, 1, 'a neighbour with a longer name is kept');
    loadModel(neighbour).model.dispose();
  });
});
