import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadNames } from '../../src/core/data/names';
import { ROOT, VSCode, waitFor, type Webview } from './vscode';

const VSIX = path.join(ROOT, 'dist', 'rnn-explorer.vsix');
const HELD_OUT = loadNames(path.join(ROOT, 'media', 'data', 'names')).test.map((n) => n.name);
const DOTS = '.states-view g[aria-label="dot"] circle';

describe('the State space view in a real VS Code', { timeout: 10 * 60_000 }, () => {
  let vscode: VSCode;
  let explorer: Webview;

  before(async () => {
    vscode = await VSCode.start({
      vsix: VSIX,
      workspace: path.join(ROOT, 'media', 'examples'),
      settings: { 'rnnExplorer.training.epochs': 2, 'rnnExplorer.training.hiddenSize': 32 },
    });
    await vscode.activated();
  });
  after(async () => vscode?.stop());

  it('draws a point per held-out name for the bundled model, and says why it has no slider', async () => {
    explorer = await vscode.openExplorer();
    await explorer.click('#tab-states');
    await waitFor(
      async () => (await explorer.count(DOTS)) === HELD_OUT.length,
      60_000,
      `${HELD_OUT.length} points`,
    );
    // On screen, not only drawn: the points of a hidden view would be counted too.
    assert.equal(await explorer.on((frame) => frame.isVisible('#panel-states')), true);
    assert.match(
      await explorer.innerText('.states-no-epochs'),
      /not trained in this VS Code.*train a run to see one learn/,
    );
    assert.match(await explorer.innerText('.states-basis'), /3,579 held-out names/);
    await vscode.screenshot('30-state-space');
  });

  it('scrubs a trained run’s epochs on the same basis', async () => {
    await vscode.runCommand('RNN: Train Name Classifier');
    await vscode.quickPickRows();
    await vscode.quickPickSelect('Train with defaults');
    // The new model is not used until its notification's button says so.
    await vscode.useTrainedModelForHover(5 * 60_000);
    await waitFor(
      async () => /Epoch|model in use/.test(await explorer.innerText('#states-epoch-label')),
      60_000,
      'the epoch slider of the trained run',
    );
    assert.match(await explorer.innerText('#states-epoch-label'), /epochs 1–2/);
    await explorer.on((frame) =>
      frame.$eval('#states-epoch', (input: HTMLInputElement) => {
        input.value = '0';
        input.dispatchEvent(new Event('input'));
      }),
    );
    await waitFor(
      async () => (await explorer.innerText('#states-epoch-label')) === 'Epoch 1 of 2',
      60_000,
      'epoch 1 drawn',
    );
    assert.equal(await explorer.count(DOTS), HELD_OUT.length);
    await vscode.screenshot('31-state-space-epoch-1');
  });

  it('opens a clicked point’s name in the unfolded graph', async () => {
    // The rightmost point: no other name's point lies within a click of it.
    const index = await explorer.on((frame) =>
      frame.$$eval(DOTS, (circles) => {
        const xs = circles.map((c) => Number(c.getAttribute('cx')));
        return xs.indexOf(Math.max(...xs));
      }),
    );
    const name = HELD_OUT[index] as string;
    await explorer.on((frame) => frame.locator(DOTS).nth(index).click({ force: true }));
    await waitFor(
      async () => (await explorer.inputValue('#name-input')) === name,
      30_000,
      `the input ${name}`,
    );
    await waitFor(
      async () => (await explorer.innerText('.graph-view .status')).includes(`After "${name}"`),
      30_000,
      `the graph of ${name}`,
    );
  });
});
