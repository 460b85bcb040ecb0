import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';

const ROOT = path.resolve(__dirname, '..', '..');

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, FORCE_COLOR: '0' },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('command line', () => {
  it('train --threads 2 lets the helper thread take part in the steps large enough for it', () => {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'rnn-cli-')), 'gru.json');
    const run = cli(
      ...['train', '--task', 'names', '--cell', 'gru', '--hidden', '128', '--epochs', '1'],
      ...['--threads', '2', '--out', out, '--json'],
    );
    assert.equal(run.status, 0, run.stderr);
    const summary = JSON.parse(run.stdout.trim());
    // About 225 batches of 64 names; batches of short names stay on one thread.
    assert.ok(summary.helperSteps > 50 && summary.helperSteps <= 230, `${summary.helperSteps}`);
    assert.ok(summary.heldOutAccuracy > 0.469, 'beats always answering Russian');
    assert.equal(cli('train', '--threads', '3').status, 64);
  });

  it('train --json ends with one JSON line and saves a loadable model', () => {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'rnn-cli-')), 'tiny.json');
    const run = cli(
      'train',
      '--task',
      'names',
      '--cell',
      'rnn',
      '--hidden',
      '8',
      '--epochs',
      '1',
      '--out',
      out,
      '--json',
    );
    assert.equal(run.status, 0, run.stderr);
    const lines = run.stdout.trim().split('\n');
    assert.equal(lines.length, 1, 'stdout holds exactly the JSON line');
    const summary = JSON.parse(lines[0]!);
    assert.deepEqual(Object.keys(summary).sort(), [
      'backend',
      'cell',
      'epochs',
      'heldOutAccuracy',
      'helperSteps',
      'hidden',
      'history',
      'kernel',
      'layers',
      'macroAccuracy',
      'modelPath',
      'namesPerSecond',
      'peakMB',
      'seconds',
      'task',
    ]);
    assert.equal(summary.cell, 'rnn');
    // The CLI runs the kernel VS Code runs, on Node 20 too (src/cli/relaxedSimd.ts).
    assert.equal(summary.kernel, 'relaxed');
    assert.match(run.stderr, /on \w+, kernel relaxed/);
    assert.equal(summary.modelPath, out);
    assert.ok(summary.heldOutAccuracy > 0.469, 'beats always answering Russian');
    assert.match(run.stderr, /epoch 1\/1 .*held-out acc/);
    const predicted = cli('predict', 'Nakamura', '--model', out, '--json');
    assert.equal(predicted.status, 0, predicted.stderr);
    assert.equal(JSON.parse(predicted.stdout).top.length, 5);
  });

  it('predict --json uses the default model and gives the top 5', () => {
    const run = cli('predict', 'Dostoevsky', '--json');
    assert.equal(run.status, 0, run.stderr);
    const result = JSON.parse(run.stdout);
    assert.equal(result.name, 'Dostoevsky');
    assert.match(result.backend, /^(tensorflow|wasm|cpu)$/);
    assert.equal(result.top.length, 5);
    assert.equal(result.top[0].language, 'Russian');
  });

  it('explains bad input and bad options instead of crashing', () => {
    const empty = cli('predict', '   ');
    assert.equal(empty.status, 2);
    assert.match(empty.stderr, /empty/);
    const badCell = cli('train', '--cell', 'transformer');
    assert.equal(badCell.status, 64);
    assert.match(badCell.stderr, /--cell must be one of gru, lstm, rnn/);
    const corrupt = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'rnn-cli-')), 'bad.json');
    fs.writeFileSync(corrupt, 'not json');
    const badModel = cli('predict', 'Kim', '--model', corrupt);
    assert.equal(badModel.status, 1);
    assert.match(badModel.stderr, /not valid JSON/);
  });
});
