import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { initBackend } from '../../src/core/backend';
import { readText, stepsBetween, type TextReading } from '../../src/core/explore/surprise';
import { rankUnits } from '../../src/core/explore/unitSearch';
import { loadModel } from '../../src/core/io/modelFile';
import { TEXT_TASK } from '../../src/core/tasks/languageModel';
import { ROOT, VSCode, waitFor } from './vscode';

const VSIX = path.join(ROOT, 'dist', 'rnn-explorer.vsix');
const FILE = 'sentences.txt';
/** The lessons' three sentences, one a line: the newlines are not in the model's vocabulary. */
const TEXT = 'hey how are you\ngood i am fine\nhave a nice day\n';

describe(
  'A text model in the editor, in a real VS Code (code-server)',
  { timeout: 15 * 60_000 },
  () => {
    let vscode: VSCode;
    /** The engine's own reading of the file, with the model the extension trained. */
    let reading: TextReading;

    before(async () => {
      const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'rnn-editor-text-'));
      fs.writeFileSync(path.join(workspace, FILE), TEXT);
      vscode = await VSCode.start({ vsix: VSIX, workspace });
      await vscode.activated();
    });
    after(async () => vscode?.stop());

    /** The screen position of a character: the editor's lines are in a monospace font. */
    async function characterBox(line: string, column: number): Promise<{ x: number; y: number }> {
      const row = vscode.page
        .locator('.editor-instance .monaco-editor .view-line', {
          hasText: new RegExp(`^${line.replace(/ /g, '[ \u00a0]')}$`),
        })
        .first();
      const box = await row.locator('span').first().boundingBox();
      if (!box) throw new Error(`the line "${line}" is not visible`);
      const width = box.width / line.length;
      return { x: box.x + (column + 0.5) * width, y: box.y + box.height / 2 };
    }

    it('colours an open file by the model’s surprise; the hover gives the engine’s bits', async () => {
      await vscode.trainSentencesTextModel();

      await initBackend('cpu');
      const { manifest, model } = loadModel(vscode.onlyTrainedModel(TEXT_TASK));
      reading = readText(model, manifest.vocabulary, TEXT);
      model.dispose();

      await vscode.openFile(FILE);
      await vscode.runCommand('RNN: Show Model Surprise');
      await waitFor(
        () => vscode.page.locator('.statusbar-item', { hasText: 'Surprise: 0–8 bits' }).count(),
        30_000,
        'the surprise legend in the status bar',
      );
      // The log's mean is the extension's reading of the whole file; the engine's must match it.
      const scored = Array.from(reading.bits).filter((bits) => !Number.isNaN(bits));
      const mean = scored.reduce((sum, bits) => sum + bits, 0) / scored.length;
      const logged = await waitFor(
        () =>
          /Coloured sentences\.txt by surprise: (\d+) characters, mean surprise ([\d.]+) bits/.exec(
            vscode.readLog(),
          ) ?? undefined,
        20_000,
        'the colouring in the log',
      );
      assert.equal(Number(logged[1]), [...TEXT].length);
      assert.ok(Math.abs(Number(logged[2]) - mean) < 1e-3, `${logged[2]} against ${mean}`);
      // The three newlines are outside the vocabulary and the first character has no context.
      assert.equal(scored.length, [...TEXT].length - 4);

      const line = 'good i am fine';
      const column = line.indexOf('f');
      const { x, y } = await characterBox(line, column);
      await vscode.page.mouse.move(x, y);
      const hover = await waitFor(
        async () => {
          const texts = await vscode.page.locator('.monaco-hover:not(.hidden)').allInnerTexts();
          // The hover's plain text keeps its spaces as no-break spaces.
          return texts
            .map((text) => text.replace(/\u00a0/g, ' '))
            .find((text) => text.includes('Model surprise'));
        },
        20_000,
        'the surprise hover',
      );
      await vscode.screenshot('27-editor-surprise');
      const expected = reading.bits[TEXT.indexOf(line) + column] as number;
      const shown = /"f": ([\d.]+) bits/.exec(hover);
      assert.ok(shown, hover);
      assert.ok(Math.abs(Number(shown[1]) - expected) <= 0.0051, `${shown[1]} against ${expected}`);
      assert.match(hover, /Next: "/);
    });

    it('ranks the units for an editor selection as the engine ranks them, and colours by the top one', async () => {
      await vscode.page.mouse.move(0, 0);
      await vscode.page.keyboard.press('Escape');
      // Select "am fine" on line 2 (Go to Line, then to the line's end with Shift).
      const input = await vscode.openPalette();
      await input.fill(':2:8');
      await vscode.page.keyboard.press('Enter');
      await vscode.page.keyboard.press('Shift+End');
      await vscode.runCommand('RNN: Find Units for Selection');
      await vscode.quickInputTitled('Find Units for Selection');
      const rows = await vscode.quickPickRows();
      await vscode.screenshot('28-editor-find-units');
      const start = TEXT.indexOf('am fine');
      const { from, to } = stepsBetween(reading, start, start + 'am fine'.length);
      const ranked = rankUnits(reading, from, to);
      const listed = rows.map((row) => Number(/^Unit (\d+)/.exec(row)?.[1]));
      assert.ok(listed.length >= 5, rows.join(' | '));
      assert.deepEqual(
        listed,
        ranked.slice(0, listed.length).map((score) => score.unit),
      );
      const best = ranked[0]!;
      await vscode.page.keyboard.press('Enter');
      const toast = await waitFor(
        async () => (await vscode.notifications()).find((t) => t.includes(`unit ${best.unit} (`)),
        20_000,
        'the message that says where else the unit fires',
      );
      assert.match(toast, best.direction > 0 ? /h > \+0\.5/ : /h < −0\.5/);
      const status = vscode.page.locator('.statusbar-item', {
        hasText: `Unit ${best.unit}: −1 to +1`,
      });
      await waitFor(() => status.count(), 20_000, 'the unit legend in the status bar');
      await vscode.screenshot('29-editor-unit');

      // A click on the legend clears the colouring.
      await status.first().click();
      await waitFor(
        async () =>
          (await vscode.page.locator('.statusbar-item', { hasText: /Unit \d+: / }).count()) === 0,
        20_000,
        'the legend gone',
      );
      assert.match(vscode.readLog(), /Cleared the model colouring of sentences\.txt/);
    });
  },
);
