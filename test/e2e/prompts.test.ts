import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ROOT, VSCode, waitFor } from './vscode';

const VSIX = path.join(ROOT, 'dist', 'rnn-explorer.vsix');

describe('multi-step prompts in a real VS Code', { timeout: 6 * 60_000 }, () => {
  let vscode: VSCode;

  before(async () => {
    vscode = await VSCode.start({
      vsix: VSIX,
      workspace: path.join(ROOT, 'media', 'examples'),
      // Defaults that are not any prompt's first row, so Enter on the first row would show.
      settings: {
        'rnnExplorer.training.cell': 'lstm',
        'rnnExplorer.training.hiddenSize': 64,
        'rnnExplorer.training.layers': 1,
        'rnnExplorer.training.epochs': 2,
        'rnnExplorer.training.learningRate': 0.001,
      },
    });
    await vscode.activated();
  });
  after(async () => vscode?.stop());

  /** Waits for the prompt with this title, as a person reads it, then presses Enter. */
  async function enterOn(title: RegExp): Promise<void> {
    await waitFor(
      async () =>
        title.test(await vscode.page.locator('.quick-input-widget .quick-input-title').innerText()),
      15_000,
      `the prompt ${title}`,
    );
    await vscode.page.keyboard.press('Enter');
  }

  it('trains with the defaults when Enter is pressed through every prompt', async () => {
    await vscode.runCommand('RNN: Train Name Classifier');
    await vscode.quickPickSelect('Choose cell, size, layers, epochs and learning rate');
    for (const title of [/Cell \(1\/5\)/, /Hidden size/, /Layers/, /Epochs/, /Learning rate/])
      await enterOn(title);
    const started = await waitFor(
      () => /Training started: [^\n]*/.exec(vscode.readLog())?.[0],
      30_000,
      'the training run to start',
    );
    assert.match(started, /LSTM 64, 2 epochs, batch \d+, adam lr 0\.001/);
    await vscode.runCommand('RNN: Cancel Training');
  });

  it("takes the text model's default cell, RNN for the lessons' sentences", async () => {
    await waitFor(
      () => /Training (finished|stopped|cancelled)/i.test(vscode.readLog()),
      60_000,
      'the cancelled run to end',
    );
    await vscode.runCommand('RNN: Train Text Model…');
    await vscode.quickPickSelect('The three sentences');
    await enterOn(/Cell/);
    await enterOn(/Inputs during training/);
    const started = await waitFor(
      () => [...vscode.readLog().matchAll(/Training started: [^\n]*/g)][1]?.[0],
      30_000,
      'the text model to start training',
    );
    assert.match(started, /, RNN on /);
  });
});
