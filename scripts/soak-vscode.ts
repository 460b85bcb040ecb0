/**
 * `npm run soak:vscode -- [--minutes 10]`: the long run of issue 6 in a real VS Code (outside
 * CI). Each loop trains a small name classifier, predicts, opens the Explorer on a name and walks
 * its views, opens the Results panel, closes everything, and asks the extension for its memory
 * ("RNN: Show Memory Use"). Tensor count and resident memory of the extension host must stay flat.
 */
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT, VSCode, waitFor } from '../test/e2e/vscode';

const { values } = parseArgs({ options: { minutes: { type: 'string', default: '10' } } });

async function main(): Promise<void> {
  const vscode = await VSCode.start({
    vsix: path.join(ROOT, 'dist', 'rnn-explorer.vsix'),
    workspace: path.join(ROOT, 'media', 'examples'),
    settings: { 'rnnExplorer.training.epochs': 1, 'rnnExplorer.training.hiddenSize': 16 },
  });
  const samples: Array<{ tensors: number; rssMB: number }> = [];
  let uiTimeouts = 0;
  try {
    await vscode.activated();
    const deadline = Date.now() + Number(values.minutes) * 60_000;
    for (let loop = 1; Date.now() < deadline; loop++) {
      try {
        await userLoop(vscode);
      } catch (error) {
        // A step that timed out in the UI is not a leak; note it, clear the UI and go on.
        uiTimeouts++;
        console.log(`loop ${loop}: UI step timed out: ${(error as Error).message.split('\n')[0]}`);
        await vscode.page.keyboard.press('Escape');
      }
      samples.push(await memory(vscode));
      const last = samples[samples.length - 1];
      console.log(`loop ${loop}: ${last?.tensors} tensors, extension host RSS ${last?.rssMB} MB`);
    }
  } finally {
    await vscode.stop();
  }
  console.log(
    JSON.stringify({
      minutes: Number(values.minutes),
      loops: samples.length,
      uiTimeouts,
      first: samples[0],
      last: samples[samples.length - 1],
      peakRssMB: Math.max(...samples.map((s) => s.rssMB)),
      maxTensors: Math.max(...samples.map((s) => s.tensors)),
    }),
  );
}

/** Train, predict, explore, compare, and close everything. */
async function userLoop(vscode: VSCode): Promise<void> {
  const finishedBefore = (vscode.readLog().match(/Training finished/g) ?? []).length;
  await vscode.runCommand('RNN: Train Name Classifier');
  await vscode.quickPickSelect('Train with defaults');
  await waitFor(
    async () =>
      (vscode.readLog().match(/Training finished/g) ?? []).length > finishedBefore || undefined,
    180_000,
    'the training to finish',
  );
  await vscode.runCommand('RNN: Predict Name Origin');
  await vscode.quickInputType('Dostoevsky');
  await vscode.quickPickRows();
  await vscode.closeQuickInput();
  await vscode.runCommand('RNN: Open Explorer');
  const frame = await vscode.webviewFrame('#name-input', 60_000);
  await frame.fill('#name-input', 'Nakamura');
  for (const tab of ['gradients', 'training', 'predictions', 'graph']) {
    await frame.click(`#tab-${tab}`);
  }
  await vscode.runCommand('RNN: Compare Input Orders…');
  await vscode.quickInputType('Schmidt');
  await vscode.webviewFrame('.distance', 30_000);
  await vscode.runCommand('View: Close All Editors');
}

/** The extension's own memory report ("RNN: Show Memory Use"), read back from its log. */
async function memory(vscode: VSCode): Promise<{ tensors: number; rssMB: number }> {
  const before = (vscode.readLog().match(/Memory: /g) ?? []).length;
  await vscode.runCommand('RNN: Show Memory Use');
  const line = await waitFor(
    async () => {
      const lines = vscode.readLog().match(/Memory: .*/g) ?? [];
      return lines.length > before ? lines[lines.length - 1] : undefined;
    },
    30_000,
    'the memory report',
  );
  const [, tensors, rss] = /Memory: (\d+) tensors .* resident memory is (\d+) MB/.exec(line) ?? [];
  return { tensors: Number(tensors), rssMB: Number(rss) };
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
