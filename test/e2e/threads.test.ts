/**
 * A names training on two threads, in a real VS Code: with rnnExplorer.training.threads at 2 the
 * training worker starts the packaged helper thread (dist/stepHelper.js) and the helper takes
 * part in the steps large enough to pay for it; the run finishes with no error shown.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ROOT, VSCode, waitFor } from './vscode';

const VSIX = path.join(ROOT, 'dist', 'rnn-explorer.vsix');

describe(
  'Training on two threads in a real VS Code (code-server)',
  { timeout: 15 * 60_000 },
  () => {
    let vscode: VSCode;

    before(async () => {
      vscode = await VSCode.start({
        vsix: VSIX,
        workspace: path.join(ROOT, 'media', 'examples'),
        // GRU 128, the default cell and size: most batches of names pass the split's threshold.
        settings: {
          'rnnExplorer.training.threads': 2,
          'rnnExplorer.training.epochs': 1,
          'rnnExplorer.training.hiddenSize': 128,
        },
      });
      await vscode.activated();
    });
    after(async () => vscode?.stop());

    it('trains the names with a helper thread taking part in its steps', async () => {
      await vscode.runCommand('RNN: Train Name Classifier');
      await vscode.quickPickSelect('Train with defaults');
      // A helper that cannot start fails the run at once: wait for either end.
      await waitFor(
        () => /Training (finished|failed)|Training worker crashed/.test(vscode.readLog()),
        10 * 60_000,
        'the log line that ends the training',
      );
      const log = vscode.readLog();
      assert.match(log, /Training finished/);
      const helper = /a helper thread took part in (\d+) steps/.exec(log);
      assert.ok(helper, `the log names the helper's steps:\n${log.slice(-2000)}`);
      // One epoch of the names is about 225 batches of 64; short names' batches stay on one thread.
      const steps = Number(helper[1]);
      assert.ok(steps > 50 && steps <= 230, `${steps} steps with the helper`);
      const toasts = await vscode.notifications();
      assert.deepEqual(
        toasts.filter((t) => /error|failed|cannot/i.test(t)),
        [],
        'error notifications on screen',
      );
    });
  },
);
