import { csvParse } from 'd3-dsv';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import { MAX_RUN_BATCHES, RUN_FORMAT_VERSION, type RunRecord } from '../../src/core/runs/runRecord';
import { RunRecorder } from '../../src/core/runs/runRecorder';
import { RunStore } from '../../src/core/runs/runStore';
import { runsCsv, runsJson } from '../../src/core/runs/runTable';
import type { EpochFigures, TaskJob } from '../../src/core/tasks/jobs';
import { trainSettings } from '../../src/core/training/settings';

/** The module object itself: an `import * as` namespace is a copy whose functions cannot be replaced. */
const nodeFs = createRequire(__filename)('node:fs') as typeof fs;

const namesJob: TaskJob = {
  task: 'names',
  dataDirectory: '/data/names',
  model: { cell: 'gru', hiddenSize: 64, numLayers: 1, dropout: 0, bidirectional: false },
};
const forecastJob: TaskJob = {
  task: 'forecast',
  series: { name: 'airline-passengers.csv', column: 'Passengers', values: [1, 2, 3] },
  model: { cell: 'lstm', hiddenSize: 32, numLayers: 1, window: 24, horizon: 12 },
};

function figures(epoch: number, accuracy: number): EpochFigures {
  return {
    epoch,
    epochs: 10,
    trainLoss: 2 / epoch,
    trainAccuracy: accuracy,
    heldOutLoss: 2.2 / epoch,
    heldOutAccuracy: accuracy,
    macroAccuracy: accuracy,
    headline: { name: 'held-out accuracy', value: accuracy, unit: '%' },
    sequencesPerSecond: 3000,
    confusion: [],
    predictions: [],
  };
}

const at = (minute: number, seconds = 0): Date =>
  new Date(Date.UTC(2026, 11, 3, 8, minute, seconds));

/** A finished names run of `epochs` epochs, started `minute` minutes past the hour. */
function run(id: string, minute: number, epochs = 3, batches = 100): RunRecord {
  const recorder = new RunRecorder(
    id,
    `GRU 64 ${id}`,
    namesJob,
    trainSettings({ epochs }),
    at(minute),
  );
  const start = at(minute).getTime();
  for (let i = 0; i < batches; i++)
    recorder.batch((i / batches) * epochs, 3 - i / batches, start + i * 100);
  for (let e = 1; e <= epochs; e++) recorder.epoch(figures(e, 0.5 + e / 100), start + e * 10_000);
  recorder.end('finished', at(minute + 1), `/models/${id}.json`);
  return recorder.run;
}

describe('the run history', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rnn-runs-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('keeps every setting, epoch and batch point of a run across a reload, NaN included', () => {
    const recorder = new RunRecorder(
      'f1',
      'LSTM 32 on airline-passengers.csv',
      forecastJob,
      trainSettings({ epochs: 2, seed: 7 }),
      at(60),
    );
    recorder.batch(0.5, 0.8, at(60, 2).getTime());
    recorder.epoch(
      {
        ...figures(1, Number.NaN),
        headline: { name: 'held-out RMSE', value: 0.31, unit: 'normalised' },
      },
      at(60, 3).getTime(),
    );
    const forecast = recorder.run;
    new RunStore(dir).save(forecast);
    const { runs, problems } = new RunStore(dir).list();
    assert.deepEqual(problems, []);
    assert.deepEqual(runs, [forecast]);
    const [loaded] = runs as [RunRecord];
    assert.equal(loaded.data, 'airline-passengers.csv: Passengers');
    assert.equal(loaded.hyper.window, 24);
    assert.equal(loaded.hyper.seed, 7);
    assert.equal(loaded.hyper.learningRate, trainSettings({}).optimizer.learningRate);
    assert.ok(Number.isNaN(loaded.epochs[0]!.heldOutAccuracy), 'NaN accuracy of a regression');
    assert.deepEqual(loaded.batches, [{ progress: 0.5, seconds: 2, loss: 0.8 }]);
    assert.equal(loaded.epochs[0]!.seconds, 3, 'wall-clock seconds since the start');
    assert.equal(loaded.state, 'running');
  });

  it('keeps that an epoch was scored on the training lines across a reload', () => {
    const recorder = new RunRecorder(
      's1',
      'RNN 32 on the three sentences',
      forecastJob,
      trainSettings({}),
      at(61),
    );
    recorder.epoch({ ...figures(1, 0.5), scoredOnTraining: true }, at(61, 1).getTime());
    recorder.epoch(figures(2, 0.6), at(61, 2).getTime());
    new RunStore(dir).save(recorder.run);
    const loaded = new RunStore(dir).list().runs.find((r) => r.id === 's1')!;
    assert.deepEqual(
      loaded.epochs.map((e) => e.scoredOnTraining),
      [true, undefined],
    );
  });

  it('downsamples a long curve to an even sampling of the whole run', () => {
    const long = run('long', 0, 10, 20_000);
    assert.ok(long.batches.length <= MAX_RUN_BATCHES, `${long.batches.length} points`);
    assert.ok(long.batches.length > MAX_RUN_BATCHES / 2);
    assert.equal(long.batches[0]!.progress, 0);
    assert.ok(long.batches.at(-1)!.progress > 9.9, 'reaches the end of the run');
    const steps = long.batches.slice(1).map((b, i) => b.progress - long.batches[i]!.progress);
    assert.ok(Math.max(...steps) - Math.min(...steps) < 1e-9, 'evenly spaced');
  });

  /** Bytes on disk of a run like run(), with and without its curve. */
  const full = Buffer.byteLength(JSON.stringify(run('x', 0))) + 1;
  const bare = Buffer.byteLength(JSON.stringify({ ...run('x', 0), batches: [] })) + 1;

  it('over its size, drops the oldest runs’ curves first, and keeps every epoch and result', () => {
    // Room for three runs with their curves.
    const store = new RunStore(dir, { maxRuns: 100, maxBytes: 3 * full + 100 });
    for (const [i, id] of ['a', 'b', 'c'].entries())
      assert.deepEqual(store.save(run(id, i)), { curvesDropped: [], removed: [] });
    // Four full runs: a's curve is not enough (3 full + 1 bare is over), so b's goes too.
    assert.deepEqual(store.save(run('d', 3)), {
      curvesDropped: ['GRU 64 a', 'GRU 64 b'],
      removed: [],
    });
    assert.deepEqual(
      store
        .list()
        .runs.map((r) => [r.id, r.batches.length, r.batchesDropped ?? false, r.epochs.length]),
      [
        ['a', 0, true, 3],
        ['b', 0, true, 3],
        ['c', 100, false, 3],
        ['d', 100, false, 3],
      ],
    );
    assert.deepEqual(store.save(run('e', 4)), { curvesDropped: ['GRU 64 c'], removed: [] });
  });

  it('removes the oldest runs when dropping curves is not enough', () => {
    // Room for one run with its curve and one without.
    const store = new RunStore(dir, { maxRuns: 100, maxBytes: full + bare + 100 });
    store.save(run('a', 0));
    assert.deepEqual(store.save(run('b', 1)), { curvesDropped: ['GRU 64 a'], removed: [] });
    assert.deepEqual(store.save(run('c', 2)), {
      curvesDropped: ['GRU 64 b'],
      removed: ['GRU 64 a'],
    });
    assert.deepEqual(
      store.list().runs.map((r) => [r.id, r.batches.length]),
      [
        ['b', 0],
        ['c', 100],
      ],
    );
  });

  it('keeps at most maxRuns, never the run just saved nor one still running', () => {
    const store = new RunStore(dir, { maxRuns: 2, maxBytes: 1e9 });
    const running: RunRecord = { ...run('r', 0), state: 'running' };
    store.save(running);
    store.save(run('a', 1));
    const eviction = store.save(run('b', 2));
    assert.deepEqual(eviction.removed, ['GRU 64 a']);
    assert.deepEqual(
      store.list().runs.map((r) => r.id),
      ['r', 'b'],
    );
  });

  it('refuses corrupt, foreign and newer files with a sentence each, and leaves them alone', () => {
    const store = new RunStore(dir);
    store.save(run('good', 0));
    const newer = { ...run('newer', 1), version: RUN_FORMAT_VERSION + 1 };
    fs.writeFileSync(path.join(dir, 'newer.json'), JSON.stringify(newer));
    fs.writeFileSync(path.join(dir, 'broken.json'), '{"format": "rnn-explorer-run", ');
    fs.writeFileSync(path.join(dir, 'package.json'), '{"name": "x"}');
    fs.writeFileSync(path.join(dir, 'moved.json'), JSON.stringify(run('other', 2)));
    const badEpoch = run('badepoch', 3);
    (badEpoch.epochs[1] as unknown as Record<string, unknown>).trainLoss = 'low';
    fs.writeFileSync(path.join(dir, 'badepoch.json'), JSON.stringify(badEpoch));
    const { runs, problems } = store.list();
    assert.deepEqual(
      runs.map((r) => r.id),
      ['good'],
    );
    assert.deepEqual(problems.sort(), [
      'badepoch.json: epoch 2 is not valid; left as it is',
      'broken.json: not valid JSON; left as it is',
      'moved.json: its id is "other"; left as it is',
      `newer.json: format version ${RUN_FORMAT_VERSION + 1} is newer than this extension reads (${RUN_FORMAT_VERSION}); left as it is`,
      'package.json: not a run record; left as it is',
    ]);
    assert.equal(fs.readdirSync(dir).length, 6, 'nothing deleted');
  });

  it('a save cut off before its rename leaves the run as it was, and no stray file', () => {
    const store = new RunStore(dir);
    const first = run('cut', 0, 2);
    store.save(first);
    const realRename = nodeFs.renameSync;
    const rename = mock.method(nodeFs, 'renameSync', (from: fs.PathLike, to: fs.PathLike) => {
      if (String(to).endsWith('cut.json')) throw new Error('killed');
      realRename(from, to);
    });
    try {
      assert.throws(() => store.save(run('cut', 0, 5)), /killed/);
    } finally {
      rename.mock.restore();
    }
    assert.deepEqual(store.list().runs, [first]);
    assert.deepEqual(fs.readdirSync(dir), ['cut.json']);
  });

  it('renames and removes runs', () => {
    const store = new RunStore(dir);
    store.save(run('a', 0));
    store.save(run('b', 1));
    assert.equal(store.rename('a', 'baseline')?.name, 'baseline');
    assert.equal(new RunStore(dir).get('a')?.name, 'baseline');
    assert.equal(store.rename('missing', 'x'), undefined);
    store.remove('b');
    assert.deepEqual(
      store.list().runs.map((r) => r.name),
      ['baseline'],
    );
  });
});

describe('the runs export', () => {
  it('writes one CSV row per run, settings as columns, a missing one as an empty cell', () => {
    const names = run('a', 0);
    names.name = 'GRU 64, seed "42"';
    const recorder = new RunRecorder(
      'f',
      'LSTM 32',
      forecastJob,
      trainSettings({ epochs: 1 }),
      at(5),
    );
    recorder.epoch(
      {
        ...figures(1, Number.NaN),
        headline: { name: 'held-out RMSE', value: 0.31, unit: 'normalised' },
      },
      at(5, 4).getTime(),
    );
    recorder.end('stopped', at(6));
    const rows = csvParse(runsCsv([names, recorder.run]));
    assert.equal(rows.length, 2);
    assert.equal(rows[0]!.name, 'GRU 64, seed "42"', 'quoted, commas and quotes survive');
    assert.equal(rows[0]!.headlineName, 'held-out accuracy');
    assert.equal(Number(rows[0]!.headline), 0.53);
    assert.equal(Number(rows[0]!.seconds), 30);
    assert.equal(rows[0]!.hiddenSize, '64');
    assert.equal(rows[0]!.window, '', 'a names run has no window');
    assert.equal(rows[1]!.window, '24');
    assert.equal(rows[1]!.state, 'stopped');
    assert.equal(rows[1]!.headline, '0.31');
    for (const key of ['seed', 'learningRate', 'clipNorm', 'batchSize', 'optimizer', 'cell'])
      assert.ok(rows.columns.includes(key), key);
  });

  it('writes everything to JSON, NaN as null', () => {
    const parsed = JSON.parse(runsJson([run('a', 0)]));
    assert.equal(parsed.format, 'rnn-explorer-runs');
    assert.equal(parsed.runs[0].epochs.length, 3);
    assert.equal(parsed.runs[0].batches.length, 100);
  });
});
