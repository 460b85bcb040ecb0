import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { initBackend } from '../../src/core/backend';
import { readText, stepsBetween } from '../../src/core/explore/surprise';
import { rankUnits } from '../../src/core/explore/unitSearch';
import { loadModel } from '../../src/core/io/modelFile';
import { TEXT_TASK } from '../../src/core/tasks/languageModel';
import { ROOT, VSCode, waitFor, type Webview } from './vscode';

const VSIX = path.join(ROOT, 'dist', 'rnn-explorer.vsix');
/** The lessons' three sentences on one line: the Explorer's input is a single line. */
const TEXT = 'hey how are you good i am fine have a nice day';
const SPAN = 'am fine';

describe('unit search on the Explorer’s text, in a real VS Code', { timeout: 15 * 60_000 }, () => {
  let vscode: VSCode;
  let explorer: Webview;

  before(async () => {
    vscode = await VSCode.start({ vsix: VSIX, workspace: path.join(ROOT, 'media', 'examples') });
    await vscode.activated();
  });
  after(async () => vscode?.stop());

  it('ranks the units of a span dragged over in the Explorer’s text as the engine does', async () => {
    await vscode.trainSentencesTextModel();

    await vscode.runCommand('RNN: Open Explorer');
    explorer = vscode.webview('#subject');
    await explorer.selectOption('#subject', 'text');
    await waitFor(
      async () => (await explorer.inputValue('#name-input')) === 'good i am',
      30_000,
      "the text model's default input",
    );
    await explorer.fill('#name-input', TEXT);
    await explorer.click('#tab-units');
    await waitFor(
      async () => (await explorer.innerText('#units-text')) === TEXT,
      20_000,
      'the input as the unit search’s text',
    );
    // The model in use is named where its units are: the title the model list shows.
    const title = await explorer.on((frame) =>
      frame.locator('#subject option:checked').innerText(),
    );
    assert.ok((await explorer.innerText('.units-intro')).includes(`hidden units of ${title}`));

    // Drag from the first to the last character of the span, as a person would.
    const first = TEXT.indexOf(SPAN);
    const centre = (i: number) =>
      explorer.on(async (frame) => {
        const box = await frame.locator(`#units-text .ch[data-index="${i}"]`).boundingBox();
        if (!box) throw new Error(`character ${i} is not on screen`);
        return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
      });
    const from = await centre(first);
    const to = await centre(first + SPAN.length - 1);
    await vscode.page.mouse.move(from.x, from.y);
    await vscode.page.mouse.down();
    await vscode.page.mouse.move(to.x, to.y, { steps: 8 });
    await vscode.page.mouse.up();

    const rows = await waitFor(
      async () => {
        const texts = await explorer.on((frame) =>
          frame.locator('.units-list button.unit-choice').allInnerTexts(),
        );
        return texts.length > 0 ? texts : undefined;
      },
      30_000,
      'the ranked units',
    );
    await vscode.screenshot('34-explorer-units');

    await initBackend('cpu');
    const { manifest, model } = loadModel(vscode.onlyTrainedModel(TEXT_TASK));
    const reading = readText(model, manifest.vocabulary, TEXT);
    model.dispose();
    const steps = stepsBetween(reading, first, first + SPAN.length);
    const ranked = rankUnits(reading, steps.from, steps.to);
    const listed = rows.map((row) => Number(/^Unit (\d+)/.exec(row)?.[1]));
    assert.equal(listed.length, Math.min(10, ranked.length), rows.join(' | '));
    assert.deepEqual(
      listed,
      ranked.slice(0, listed.length).map((score) => score.unit),
    );
    rows.forEach((row, k) => {
      const score = ranked[k]!.score;
      const shown = `score ${score < 0 ? '−' : '+'}${Math.abs(score).toFixed(2)}`;
      assert.ok(row.includes(shown), `${row} should say ${shown}`);
    });
    const heading = await explorer.innerText('.units-heading');
    assert.ok(
      heading.includes(
        `Units of ${title} for “${SPAN.replace(/ /g, '␣')}” (characters ${first + 1}–${first + SPAN.length})`,
      ),
      heading,
    );
    // The best unit is picked: every character read is coloured by it, and its line is drawn.
    assert.match(
      await explorer.innerText('.units-key-title'),
      new RegExp(`unit ${ranked[0]!.unit}'s h`),
    );
    assert.equal(
      await explorer.count('.units-chart g[aria-label="dot"] circle'),
      reading.activations.length / reading.hiddenSize,
    );
    const logged = `for characters ${first}–${first + SPAN.length}: best unit ${ranked[0]!.unit} `;
    await waitFor(() => vscode.readLog().includes(logged), 20_000, 'the search in the log');
  });
});
