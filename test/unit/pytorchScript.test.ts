import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { importPyTorch, metadataList } from '../../src/core/io/pytorchInterop';
import { pytorchScript, ScriptExportError } from '../../src/core/runs/pytorchScript';
import { RunRecorder } from '../../src/core/runs/runRecorder';
import { NamesClassifier } from '../../src/core/tasks/names';
import { trainSettings } from '../../src/core/training/settings';
import { useTestBackend } from './helpers';

const ROOT = path.resolve(__dirname, '..', '..');
const NAMES = ['Nakamura', 'Müller', "O'Brien", 'Dostoevsky'];

/** Debian's python3-torch, one BLAS thread as the peer runs it. */
function python(args: string[], cwd: string): string {
  const result = spawnSync('/usr/bin/python3', args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, OPENBLAS_NUM_THREADS: '1' },
    timeout: 120_000,
  });
  assert.equal(result.status, 0, `python3 ${args.join(' ')} failed:\n${result.stderr}`);
  return result.stdout;
}

function namesRun(cell: 'gru' | 'lstm', bidirectional: boolean) {
  return new RunRecorder(
    `run-${cell}`,
    `${cell} 8`,
    {
      task: 'names',
      dataDirectory: '/unused',
      model: { cell, hiddenSize: 8, numLayers: 1, dropout: 0.3, bidirectional },
    },
    trainSettings({ epochs: 1, batchSize: 256, schedule: 'cosine', weightAveraging: 0.99 }),
    new Date(Date.UTC(2026, 11, 3, 9)),
  ).run;
}

describe('a run exported as a PyTorch script', { timeout: 300_000 }, () => {
  let dir: string;
  before(async () => {
    await useTestBackend();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rnn-script-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  for (const [cell, bidirectional] of [
    ['gru', false],
    ['lstm', true],
  ] as const) {
    it(`${cell}${bidirectional ? ' bidirectional' : ''}: trains with PyTorch, and this extension predicts what the script predicts, within 1e-5`, () => {
      const run = namesRun(cell, bidirectional);
      const script = path.join(dir, `${run.id}.py`);
      fs.writeFileSync(script, pytorchScript(run, path.join(ROOT, 'media', 'data', 'names')));
      const out = path.join(dir, `${run.id}.safetensors`);
      const log = python([script, '--out', out], dir);
      assert.match(
        log,
        /epoch 1\/1: training loss \d\.\d+, held-out loss \d\.\d+, held-out accuracy \d+\.\d%/,
      );
      const theirs = JSON.parse(
        python([script, '--out', out, '--predict', ...NAMES], dir)
          .trim()
          .split('\n')
          .pop()!,
      ) as Record<string, Record<string, number>>;
      const imported = importPyTorch(fs.readFileSync(out));
      assert.equal(imported.config.cell, cell);
      assert.equal(imported.config.bidirectional ?? false, bidirectional);
      const classifier = new NamesClassifier(imported.model, {
        vocabulary: metadataList(imported.metadata, 'vocabulary')!,
        labels: metadataList(imported.metadata, 'labels')!,
      });
      try {
        for (const name of NAMES) {
          const ours = classifier.predict(name, 18);
          assert.ok(ours.ok, name);
          assert.equal(ours.top.length, 18);
          for (const { language, probability } of ours.top) {
            const expected = theirs[name]![language]!;
            assert.ok(
              Math.abs(probability - expected) < 1e-5,
              `${name} ${language}: ours ${probability}, PyTorch ${expected}`,
            );
          }
        }
      } finally {
        imported.model.dispose();
      }
    });
  }

  it('says which runs it cannot export yet', () => {
    const run = { ...namesRun('gru', false), task: 'text' as const };
    assert.throws(() => pytorchScript(run, '/data'), ScriptExportError);
  });

  it("writes the run's settings as the script's defaults", () => {
    const text = pytorchScript(namesRun('gru', false), '/data/names');
    for (const line of [
      '"cell": "gru",',
      '"hidden": 8,',
      '"dropout": 0.3,',
      '"batch": 256,',
      '"schedule": "cosine",',
      '"average": 0.99,',
      '"seed": 42,',
      'DATA = "/data/names"',
    ])
      assert.ok(text.includes(line), line);
  });
});
