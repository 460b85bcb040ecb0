/**
 * npm run memory-span: races a vanilla RNN, an LSTM and a GRU on the long-memory task (the first
 * of `symbols` symbols, then T distractors) for each span T, on the same data, seed and budget,
 * and prints held-out accuracy against T with chance. The cells alternate within each span.
 */
import { parseArgs } from 'node:util';
import { initBackend, type BackendPreference } from '../src/core/backend';
import type { CellType } from '../src/core/model/config';
import { MEMORY_SPAN_DEFAULTS } from '../src/core/tasks/memorySpan';
import { runSpanSweep, summariseSweep } from '../src/core/tasks/memorySpanSweep';
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
    momentum: { type: 'string', default: '0.9' },
    batch: { type: 'string', default: '32' },
    clip: { type: 'string', default: '5' },
    seeds: { type: 'string', default: '1,2,3' },
    'forget-bias': { type: 'string' },
    'update-bias': { type: 'string' },
    symbols: { type: 'string', default: String(MEMORY_SPAN_DEFAULTS.symbols) },
    distractors: { type: 'string', default: String(MEMORY_SPAN_DEFAULTS.distractors) },
    train: { type: 'string', default: String(MEMORY_SPAN_DEFAULTS.trainSize) },
    backend: { type: 'string', default: 'wasm' },
    json: { type: 'boolean', default: false },
  },
});

async function main(): Promise<void> {
  const backend = await initBackend(values.backend as BackendPreference);
  const optimizer = values.optimizer as OptimizerName;
  const [forgetBias, updateBias] = [values['forget-bias'], values['update-bias']];
  const sweep = {
    cells: values.cells.split(',') as CellType[],
    spans: values.spans.split(',').map(Number),
    seeds: values.seeds.split(',').map(Number),
    hiddenSize: Number(values.hidden),
    symbols: Number(values.symbols),
    distractors: Number(values.distractors),
    trainSize: Number(values.train),
    settings: trainSettings({
      epochs: Number(values.epochs),
      batchSize: Number(values.batch),
      clipNorm: Number(values.clip),
      optimizer: {
        name: optimizer,
        learningRate: Number(values.lr),
        ...(optimizer === 'sgd' ? { momentum: Number(values.momentum) } : {}),
      },
    }),
    init: {
      ...(forgetBias === undefined ? {} : { forgetGateBias: Number(forgetBias) }),
      ...(updateBias === undefined ? {} : { updateGateBias: Number(updateBias) }),
    },
  };
  const started = Date.now();
  const { results } = await runSpanSweep(sweep, {
    onResult: (r) => {
      if (!values.json)
        console.error(
          `T ${r.span} seed ${r.seed} ${r.cell}: ${(100 * r.accuracy).toFixed(1)}% (${r.trainSeconds.toFixed(1)} s)`,
        );
    },
  });
  const seconds = (Date.now() - started) / 1000;
  if (values.json) {
    console.log(JSON.stringify({ backend: backend.name, sweep, seconds, results }, null, 2));
    return;
  }
  const summary = summariseSweep(results);
  const percent = (x: number): string => (100 * x).toFixed(0);
  const optimizerText = optimizer === 'sgd' ? `sgd momentum ${values.momentum}` : optimizer;
  console.log(
    `\nheld-out accuracy, mean over seeds ${values.seeds} [lowest, highest] (chance ${percent(1 / sweep.symbols)}%): ` +
      `${sweep.symbols} symbols, ${sweep.distractors} distractors, hidden ${values.hidden}, ${values.epochs} epochs, ` +
      `${optimizerText} lr ${values.lr}, clip ${values.clip}, ${values.train} sequences, ` +
      `LSTM forget-gate bias ${forgetBias ?? 'PyTorch default'}, GRU update-gate bias ${updateBias ?? 'PyTorch default'}, ${backend.name}, ${seconds.toFixed(0)} s in all`,
  );
  console.log(
    `| T | ${sweep.cells.join(' | ')} |\n| --- |${sweep.cells.map(() => ' --- |').join('')}`,
  );
  for (const span of sweep.spans) {
    const row = sweep.cells.map((cell) => {
      const s = summary.find((x) => x.span === span && x.cell === cell);
      return s ? `${percent(s.mean)}% [${percent(s.lowest)}, ${percent(s.highest)}]` : '—';
    });
    console.log(`| ${span} | ${row.join(' | ')} |`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
