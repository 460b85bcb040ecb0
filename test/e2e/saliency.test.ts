/**
 * Saliency in a real VS Code: hovering a surname says which of its letters drove the prediction,
 * with the same numbers the engine computes for the same model outside VS Code.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { initBackend } from '../../src/core/backend';
import { loadModel } from '../../src/core/io/modelFile';
import { NamesClassifier } from '../../src/core/tasks/names';
import { drivingLetters } from '../../src/extension/hoverSaliency';
import { ROOT, VSCode } from './vscode';

const VSIX = path.join(ROOT, 'dist', 'rnn-explorer.vsix');

describe('saliency in a real VS Code (code-server)', { timeout: 5 * 60_000 }, () => {
  let vscode: VSCode;

  before(async () => {
    vscode = await VSCode.start({ vsix: VSIX, workspace: path.join(ROOT, 'media', 'examples') });
  });
  after(async () => vscode?.stop());

  it('the hover names the letters that drove the prediction, with the engine’s own numbers', async () => {
    await vscode.activated();
    await vscode.openFile('surnames.txt');
    const text = await vscode.hoverWord('Dostoevsky');
    await vscode.screenshot('saliency-hover');
    // The same bundled model on the same WebAssembly kernel, here in the test's own process.
    await initBackend('wasm');
    const { manifest, model } = loadModel(path.join(ROOT, 'media', 'models', 'names-gru.json'));
    try {
      const classifier = new NamesClassifier(model, manifest);
      const result = classifier.predict('Dostoevsky', 1);
      assert.ok(result.ok);
      const language = result.top[0]!.language;
      const expected = drivingLetters(
        classifier.letterContributions(result.folded, language),
        language,
        result.top[0]!.probability,
      )!;
      // The hover renders appended text's spaces as no-break spaces; \s matches both.
      const words = (value: string): string => value.replace(/\s+/g, ' ').trim();
      const line = words(/Letters that drove it:(.+)/.exec(text)?.[1] ?? '');
      assert.equal(line, words(expected.letters), `the hover's line in:\n${text}`);
      for (const entry of line.split(' · ')) {
        const letter = entry.split(' ')[0]!;
        assert.ok('Dostoevsky'.includes(letter), `"${letter}" is a letter of the name`);
      }
      assert.ok(words(text).includes(words(expected.meaning)), 'the hover says what they are');
    } finally {
      model.dispose();
    }
  });
});
