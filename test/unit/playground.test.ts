/**
 * The playground's logic: what the page may send, the training each setting means, and what a
 * restart relies on in the warm worker: a run is handed only its own events.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import {
  menuValues,
  parsePlaygroundSettings,
  playgroundSettingsOf,
  playgroundTraining,
  PLAYGROUND_TASKS,
  type PlaygroundSettings,
} from '../../src/core/tasks/playground';
import { TrainingWorker } from '../../src/extension/training/trainingWorker';
import { parseWebviewMessage } from '../../src/shared/explorerProtocol';
import type { WorkerEvent } from '../../src/shared/trainingMessages';

const SETTINGS: PlaygroundSettings = {
  task: 'names',
  cell: 'lstm',
  hiddenSize: 32,
  numLayers: 2,
  learningRate: 0.01,
  clipNorm: 1,
  batchSize: 16,
};
const BASE = { epochs: 7, seed: 3, schedule: 'cosine' as const, dropout: 0.2, weightAveraging: 0 };

/** Bundled data stand-ins that say whether they were read. */
function sources(read: string[] = []) {
  return {
    namesDirectory: '/data/names',
    text: () => {
      read.push('text');
      return {
        corpus: { kind: 'stream' as const, text: 'to be or not to be' },
        sourceName: 'tinyshakespeare.txt',
        epochs: 1,
      };
    },
    series: () => {
      read.push('series');
      return {
        series: { name: 'airline-passengers.csv', column: 'Passengers', values: [1, 2, 3] },
        window: 24,
        horizon: 12,
        epochs: 60,
      };
    },
  };
}

describe('what the page may send', () => {
  it('passes settings in range through unchanged, as a playground message', () => {
    assert.deepEqual(parsePlaygroundSettings(SETTINGS), SETTINGS);
    assert.deepEqual(parseWebviewMessage({ type: 'playground', settings: SETTINGS }), {
      message: { type: 'playground', settings: SETTINGS },
    });
  });

  it('drops an unknown task or cell, a missing control, and numbers out of range', () => {
    const bad: Array<Record<string, unknown>> = [
      { ...SETTINGS, task: 'memory' },
      { ...SETTINGS, cell: 'transformer' },
      { ...SETTINGS, hiddenSize: undefined },
      { ...SETTINGS, hiddenSize: 32.5 },
      { ...SETTINGS, hiddenSize: 4096 },
      { ...SETTINGS, numLayers: 0 },
      { ...SETTINGS, learningRate: 0 },
      { ...SETTINGS, learningRate: Number.NaN },
      { ...SETTINGS, clipNorm: -1 },
      { ...SETTINGS, batchSize: '64' },
    ];
    for (const settings of bad) {
      assert.equal(parsePlaygroundSettings(settings), undefined, JSON.stringify(settings));
      assert.ok('error' in parseWebviewMessage({ type: 'playground', settings }));
    }
  });

  it('keeps only the known fields', () => {
    assert.deepEqual(parsePlaygroundSettings({ ...SETTINGS, epochs: 1000 }), SETTINGS);
  });
});

describe('the training a setting means', () => {
  it('puts every control into the job and its settings, and reads no other data', () => {
    const read: string[] = [];
    const { job, settings, title } = playgroundTraining(SETTINGS, BASE, sources(read));
    assert.deepEqual(read, []);
    assert.equal(job.task, 'names');
    assert.deepEqual(job.model, {
      cell: 'lstm',
      hiddenSize: 32,
      numLayers: 2,
      dropout: 0.2,
      bidirectional: false,
    });
    assert.equal(settings.optimizer.learningRate, 0.01);
    assert.equal(settings.clipNorm, 1);
    assert.equal(settings.batchSize, 16);
    assert.equal(settings.epochs, 7);
    assert.equal(settings.seed, 3);
    assert.equal(settings.schedule, 'cosine');
    assert.equal(title, 'LSTM 32 x2');
  });

  it('reads back, for every task, exactly the settings it was given', () => {
    for (const { task } of PLAYGROUND_TASKS) {
      const p = { ...SETTINGS, task };
      const { job, settings } = playgroundTraining(p, BASE, sources());
      assert.deepEqual(playgroundSettingsOf(job, settings), p, task);
    }
  });

  it("names the bundled data in the other tasks' titles and takes their own epochs", () => {
    const text = playgroundTraining({ ...SETTINGS, task: 'text' }, BASE, sources());
    assert.equal(text.title, 'LSTM 32 x2 on tinyshakespeare.txt');
    assert.equal(text.settings.epochs, 1);
    const forecast = playgroundTraining({ ...SETTINGS, task: 'forecast' }, BASE, sources());
    assert.equal(forecast.title, 'LSTM 32 x2 on airline-passengers.csv Passengers');
    assert.equal(forecast.settings.epochs, 60);
  });

  it("offers the run's own value in order among a menu's values", () => {
    assert.deepEqual(menuValues('hiddenSize', 100), [8, 16, 32, 64, 100, 128, 256]);
    assert.deepEqual(menuValues('hiddenSize', 64), [8, 16, 32, 64, 128, 256]);
  });
});

describe('the warm worker', () => {
  it('runs the next run in the thread it warmed ahead of it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rnn-worker-'));
    const file = path.join(dir, 'worker.js');
    fs.writeFileSync(
      file,
      `const { parentPort } = require('node:worker_threads');
       let warmed = 0;
       parentPort.on('message', (m) => {
         if (m.type === 'warm') warmed += 1;
         if (m.type === 'start') parentPort.postMessage({ type: 'done', completed: false, seconds: warmed, sequencesPerSecond: 0, run: m.run });
       });`,
    );
    const worker = new TrainingWorker(file);
    const { job, settings } = playgroundTraining(SETTINGS, BASE, sources());
    try {
      worker.warm({ wasmDirectory: '', backend: 'cpu' });
      worker.warm({ wasmDirectory: '', backend: 'cpu' });
      const event = await new Promise<WorkerEvent>((resolve, reject) =>
        worker.start(
          {
            wasmDirectory: '',
            backend: 'cpu',
            manifestFile: '',
            checkpointFile: '',
            job,
            settings,
          },
          { onEvent: resolve, onCrash: reject },
        ),
      );
      // One thread, warmed once: a second warm finds it there already.
      assert.deepEqual(event.type === 'done' && event.seconds, 1);
    } finally {
      worker.dispose();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("gives each run only its own events, though the last run's arrive after a restart", async () => {
    // A stand-in thread: it reports a start late, after the next start's own report.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rnn-worker-'));
    const file = path.join(dir, 'worker.js');
    fs.writeFileSync(
      file,
      `const { parentPort } = require('node:worker_threads');
       parentPort.on('message', (m) => {
         if (m.type !== 'start') return;
         setTimeout(() => parentPort.postMessage({ type: 'done', completed: false, seconds: m.run, sequencesPerSecond: 0, run: m.run }), m.run === 1 ? 200 : 10);
       });`,
    );
    const worker = new TrainingWorker(file);
    const seen: Array<[string, WorkerEvent]> = [];
    const start = {
      wasmDirectory: '',
      backend: 'cpu' as const,
      manifestFile: '',
      checkpointFile: '',
    };
    const { job, settings } = playgroundTraining(SETTINGS, BASE, sources());
    try {
      await new Promise<void>((resolve, reject) => {
        worker.start(
          { ...start, job, settings },
          { onEvent: (e) => seen.push(['first', e]), onCrash: reject },
        );
        worker.start(
          { ...start, job, settings },
          { onEvent: (e) => (seen.push(['second', e]), resolve()), onCrash: reject },
        );
      });
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.deepEqual(
        seen.map(([who, e]) => [who, e.type === 'done' ? e.seconds : e.type]),
        [['second', 2]],
      );
    } finally {
      worker.dispose();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
