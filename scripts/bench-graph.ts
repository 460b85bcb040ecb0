/**
 * npm run bench:graph: how long the Explorer's unfolded graph takes to draw a long input, in
 * headless Chromium with the real bundle and stylesheet (npm run build first). The input is 100
 * letters through an LSTM of hidden size 128 (untrained, seed 3); each round sends the trace and
 * reads the page's own render time (data-render-ms: from the trace's arrival to the drawn SVG,
 * before paint). Speed is measured here, not by a test: a timed test fails on a loaded machine.
 */
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { initBackend } from '../src/core/backend';
import { traceSequence } from '../src/core/explore/trace';
import { loadModel } from '../src/core/io/modelFile';
import { SequenceModel } from '../src/core/model/sequenceModel';
import { openExplorerPage, ROOT } from '../test/webview/page';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '15' },
    steps: { type: 'string', default: '100' },
    hidden: { type: 'string', default: '128' },
  },
});

async function main(): Promise<void> {
  await initBackend('wasm');
  const { manifest } = loadModel(path.join(ROOT, 'media', 'models', 'names-gru.json'));
  const hiddenSize = Number(values.hidden);
  const model = SequenceModel.create(
    {
      cell: 'lstm',
      nonlinearity: 'tanh',
      inputKind: 'tokens',
      inputSize: manifest.vocabulary.length,
      hiddenSize,
      numLayers: 1,
      outputSize: manifest.labels.length,
      head: 'last',
    },
    3,
  );
  const steps = Number(values.steps);
  const text = 'abcdefghij'.repeat(Math.ceil(steps / 10)).slice(0, steps);
  const trace = traceSequence(model, manifest.vocabulary, manifest.labels, text)!;
  model.dispose();
  const explorer = await openExplorerPage();
  try {
    await explorer.send({ type: 'trace', trace }); // the first draw builds the page: not counted
    const times: number[] = [];
    for (let i = 0; i < Number(values.rounds); i++) {
      await explorer.send({ type: 'trace', trace });
      times.push(Number(await explorer.page.locator('.graph-view').getAttribute('data-render-ms')));
    }
    times.sort((a, b) => a - b);
    const at = (q: number): number =>
      times[Math.min(times.length - 1, Math.floor(q * times.length))]!;
    console.log(
      `unfolded graph, ${steps} steps x ${hiddenSize} units, ${times.length} renders: ` +
        `median ${at(0.5).toFixed(1)} ms, fastest ${times[0]!.toFixed(1)} ms, slowest ${times.at(-1)!.toFixed(1)} ms`,
    );
  } finally {
    await explorer.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
