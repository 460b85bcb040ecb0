/**
 * The cells raced, in a real VS Code: a short memory-span sweep (two spans) drawn in the Results
 * panel, Compare Cells on the names with a small budget recorded as three runs, and the gradient
 * lab's link that opens the race.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ROOT, VSCode, waitFor } from './vscode';

const VSIX = path.join(ROOT, 'dist', 'rnn-explorer.vsix');

describe('The cells raced in a real VS Code (code-server)', { timeout: 15 * 60_000 }, () => {
  let vscode: VSCode;

  before(async () => {
    vscode = await VSCode.start({
      vsix: VSIX,
      workspace: path.join(ROOT, 'media', 'examples'),
      settings: { 'rnnExplorer.memorySpan.spans': [5, 10], 'rnnExplorer.memorySpan.seeds': [1] },
    });
    await vscode.activated();
  });
  after(async () => vscode?.stop());

  it('races the three cells at two spans and says what was measured under the chart', async () => {
    await vscode.runCommand('RNN: Memory Span…');
    await vscode.quickInputTitled('Memory Span');
    // The default recipe is highlighted: Enter takes it.
    assert.match(
      await vscode.page.locator('.quick-input-list .monaco-list-row.focused').innerText(),
      /default/,
    );
    await vscode.page.keyboard.press('Enter');
    const race = vscode.webview('.span-view');
    const finding = await race.on(
      (frame) =>
        waitFor(
          async () => (await frame.innerText('.span-finding')).trim() || undefined,
          180_000,
          'the finished sweep',
        ),
      180_000,
    );
    assert.match(
      finding,
      /^Measured over (one seed|\d+ seeds) \(held = held-out accuracy at least 62\.5 %/,
    );
    assert.match(finding, /the vanilla RNN held .*; the LSTM held .*; the GRU held /);
    const rows = await race.on((frame) =>
      frame.locator('table.span-table tbody tr').allInnerTexts(),
    );
    assert.deepEqual(
      rows.map((r) => r.split('\t')[0]?.trim()),
      ['5', '10'],
      'one row per span set',
    );
    for (const r of rows) assert.match(r, /^\d+\s+\d+%\s+\d+%\s+\d+%$/, 'a figure for every cell');
    assert.equal(await race.count('.span-chart svg g[aria-label="line"]'), 3, 'a line per cell');
    assert.equal(
      await race.on((frame) => frame.locator('.span-chart svg g.span-chance-label').textContent()),
      'chance 25%',
    );
    assert.match(vscode.readLog(), /Memory span: finished after 6 trainings in [\d.]+ s/);
    await vscode.screenshot('30-memory-span');
  });

  it('compares the cells on the names with one budget, live, and records three runs', async () => {
    await vscode.runCommand('RNN: Compare Cells…');
    await vscode.quickInputTitled('hidden size');
    await vscode.quickPickSelect('16');
    await vscode.quickInputTitled('epochs');
    await vscode.quickPickSelect('1');
    const compared = vscode.webview('.runs-view');
    const states = await compared.on(
      (frame) =>
        waitFor(
          async () => {
            const rows = await frame.locator('table.runs-table tbody tr').allInnerTexts();
            return rows.length === 3 && rows.every((r) => /finished/.test(r)) ? rows : undefined;
          },
          300_000,
          'three finished runs in the table',
        ),
      300_000,
    );
    assert.deepEqual(
      states.map((r) => r.split('\t')[0]?.trim()),
      ['RNN 16 (Compare Cells)', 'LSTM 16 (Compare Cells)', 'GRU 16 (Compare Cells)'],
    );
    assert.equal(await compared.count('.runs-chart svg g[aria-label="line"]'), 3);
    assert.match(
      await compared.innerText('.same-settings'),
      /seed 42/,
      'the seed is one of the settings all three share',
    );
    assert.match(
      await compared.innerText('.runs-view .note'),
      /budget \(1 epoch, hidden 16\) for each cell; only the cell differs\. All three are in the Runs view\./,
    );
    assert.match(vscode.readLog(), /Compare Cells: finished in [\d.]+ s/);
    await vscode.screenshot('31-cells-compared');
  });

  it('opens the race from the gradient lab’s "see it in training"', async () => {
    // A tab clicked before the page has started is switched back to the graph (the button then
    // hid under the test's click once): openExplorer waits for the start.
    const explorer = await vscode.openExplorer();
    await explorer.click('#tab-gradients');
    await explorer.click('button.lab-see-training');
    await vscode.quickInputTitled('Memory Span');
    await vscode.closeQuickInput();
  });
});
