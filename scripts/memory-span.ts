/**
 * npm run memory-span: races a vanilla RNN, an LSTM and a GRU on the long-memory task (the first
 * of `symbols` symbols, then T distractors) for each span T, on the same data, seed and budget,
 * and prints held-out accuracy against T with chance. The cells alternate within each span.
 */
import { parseArgs } from 'node:util';
import { initBackend, type BackendPreference } from '../src/core/backend';
import type { CellType } from '../src/core/model/config';
import {
  MEMORY_SPAN_DEFAULTS,
  trainMemorySpan,
  type SpanResult,
} from '../src/core/tasks/memorySpan';
import type { OptimizerName } from '../src/core/training/optimizers';
import { trainSettings } from '../src/core/training/settings';

const { values } = parseArgs({
  options: {
    spans: { type: 'string', default: '5,10,20,40,80' },
    cells: { type: 'string', default: 'rnn,lstm,gru' },
    hidden: { type: 'string', default: '16' },
    epochs: { type: 'string', default: '10' },
    lr: { type: 'string', default: '0.01' },
    optimizer: { type: 'string', default: 'adam' },
    batch: { type: 'string', default: '32' },
    clip: { type: 'string', default: '5' },
    seeds: { type: 'string', default: '1,2,3' },
    symbols: { type: 'string', default: String(MEMORY_SPAN_DEFAULTS.symbols) },
    distractors: { type: 'string', default: String(MEMORY_SPAN_DEFAULTS.distractors) },
    train: { type: 'string', default: String(MEMORY_SPAN_DEFAULTS.trainSize) },
    backend: { type: 'string', default: 'wasm' },
    json: { type: 'boolean', default: false },
  },
});

async function main(): Promise<void> {
  const backend = await initBackend(values.backend as BackendPreference);
  const spans = values.spans.split(',').map(Number);
  const cells = values.cells.split(',') as CellType[];
  const settings = trainSettings({
    epochs: Number(values.epochs),
    batchSize: Number(values.batch),
    clipNorm: Number(values.clip),
    optimizer: { name: values.optimizer as OptimizerName, learningRate: Number(values.lr) },
  });
  const started = Date.now();
  const results: SpanResult[] = [];
  const seeds = values.seeds.split(',').map(Number);
  const task = { symbols: Number(values.symbols), distractors: Number(values.distractors) };
  for (const span of spans) {
    for (const seed of seeds) {
      for (const cell of cells) {
        const result = await trainMemorySpan(
          cell,
          Number(values.hidden),
          { ...MEMORY_SPAN_DEFAULTS, ...task, span, trainSize: Number(values.train), seed },
          { ...settings, seed },
        );
        results.push(result);
        if (!values.json)
          console.error(
            `T ${span} seed ${seed} ${cell}: ${(100 * result.accuracy).toFixed(1)}% (${result.trainSeconds.toFixed(1)} s)`,
          );
      }
    }
  }
  const seconds = (Date.now() - started) / 1000;
  if (values.json) {
    console.log(JSON.stringify({ backend: backend.name, settings, seconds, results }, null, 2));
    return;
  }
  const chance = 100 / task.symbols;
  console.log(
    `\nheld-out accuracy, mean over seeds ${values.seeds} [lowest, highest] (chance ${chance.toFixed(0)}%): ` +
      `${task.symbols} symbols, ${task.distractors} distractors, hidden ${values.hidden}, ${values.epochs} epochs, ` +
      `${values.optimizer} lr ${values.lr}, clip ${values.clip}, ${values.train} sequences, ${backend.name}, ${seconds.toFixed(0)} s in all`,
  );
  console.log(`| T | ${cells.join(' | ')} |\n| --- |${cells.map(() => ' --- |').join('')}`);
  for (const span of spans) {
    const row = cells.map((cell) => {
      const accuracies = results
        .filter((x) => x.span === span && x.cell === cell)
        .map((x) => 100 * x.accuracy);
      const mean = accuracies.reduce((a, b) => a + b, 0) / accuracies.length;
      return `${mean.toFixed(0)}% [${Math.min(...accuracies).toFixed(0)}, ${Math.max(...accuracies).toFixed(0)}]`;
    });
    console.log(`| ${span} | ${row.join(' | ')} |`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
