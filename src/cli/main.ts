import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { initBackend, type BackendPreference } from '../core/backend';
import { loadModel, saveModel } from '../core/io/modelFile';
import type { CellType } from '../core/model/config';
import { NAMES_RECIPE, NamesClassifier, trainNames } from '../core/tasks/names';
import type { OptimizerName } from '../core/training/optimizers';
import { trainSettings } from '../core/training/settings';
import type { LearningRateSchedule } from '../core/training/trainer';
import { BACKENDS, number, oneOf, UsageError } from './args';
import { ProgressBar } from './progressBar';
import { enableRelaxedSimd } from './relaxedSimd';
import { runTaskCommand, TASK_USAGE } from './tasks';

const ROOT = path.resolve(__dirname, '..', '..');
export const DEFAULT_NAMES_DATA = path.join(ROOT, 'media', 'data', 'names');
export const DEFAULT_MODEL = path.join(ROOT, 'media', 'models', 'names-gru.json');

const USAGE = `Usage:
  npm run train -- --task names [--cell gru|lstm|rnn] [--hidden 128] [--layers 1] [--bidirectional] [--dropout 0.3] [--epochs 10]
                   [--lr 0.003] [--schedule constant|cosine] [--average 0.998] [--batch 64] [--clip 5] [--optimizer adam|sgd] [--momentum 0.9]
                   [--seed 42] [--backend auto|tensorflow|wasm|cpu] [--threads 1|2] [--data DIR] [--out FILE.json] [--json]
  npm run predict -- NAME [--model FILE.json] [--top 5] [--backend ...] [--json]
${TASK_USAGE}`;

async function train(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      task: { type: 'string', default: 'names' },
      cell: { type: 'string' },
      hidden: { type: 'string' },
      layers: { type: 'string' },
      dropout: { type: 'string' },
      epochs: { type: 'string' },
      lr: { type: 'string' },
      batch: { type: 'string' },
      clip: { type: 'string' },
      optimizer: { type: 'string' },
      schedule: { type: 'string' },
      average: { type: 'string' },
      momentum: { type: 'string' },
      seed: { type: 'string' },
      backend: { type: 'string' },
      data: { type: 'string' },
      out: { type: 'string' },
      bidirectional: { type: 'boolean', default: false },
      'record-gradients': { type: 'boolean', default: false },
      threads: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  if (values.task !== 'names')
    throw new UsageError(
      `--task ${values.task} is not one of names; see "train-text", "train-generator" and "forecast"`,
    );
  const cell = oneOf<CellType>(values.cell, ['gru', 'lstm', 'rnn'], 'gru', 'cell');
  const hiddenSize = number(values.hidden, 128, 'hidden');
  const numLayers = number(values.layers, 1, 'layers');
  const epochs = number(values.epochs, 10, 'epochs');
  const optimizer = oneOf<OptimizerName>(values.optimizer, ['adam', 'sgd'], 'adam', 'optimizer');
  const settings = trainSettings({
    epochs,
    schedule: oneOf<LearningRateSchedule>(
      values.schedule,
      ['cosine', 'constant'],
      NAMES_RECIPE.schedule,
      'schedule',
    ),
    batchSize: number(values.batch, 64, 'batch'),
    optimizer: {
      name: optimizer,
      learningRate: number(values.lr, optimizer === 'adam' ? 0.003 : 0.05, 'lr'),
      momentum: number(values.momentum, 0.9, 'momentum'),
    },
    clipNorm: number(values.clip, 5, 'clip'),
    seed: number(values.seed, 42, 'seed'),
    recordGradients: values['record-gradients'],
    weightAveraging: number(values.average, NAMES_RECIPE.weightAveraging, 'average'),
    // The CLI runs from source, so its helper does too.
    helperThread:
      oneOf(values.threads, ['1', '2'], '1', 'threads') === '2'
        ? path.join(ROOT, 'scripts', 'stepHelper.dev.mjs')
        : undefined,
  });
  const backend = await initBackend(
    oneOf<BackendPreference>(values.backend, BACKENDS, 'auto', 'backend'),
  );
  const out = path.resolve(values.out ?? path.join('models', `names-${cell}-h${hiddenSize}.json`));
  // Human-readable lines go to stderr under --json, so stdout is exactly one JSON line.
  const log = values.json
    ? (line: string) => process.stderr.write(line + '\n')
    : (line: string) => console.log(line);
  log(
    `Training ${cell.toUpperCase()} hidden ${hiddenSize} x${numLayers} for ${epochs} epochs on ${backend.name}, kernel ${backend.kernel}`,
  );
  const bar = new ProgressBar(process.stderr);
  let interrupted = false;
  process.once('SIGINT', () => (interrupted = true));
  const { outcome, info } = await trainNames(
    values.data ?? DEFAULT_NAMES_DATA,
    {
      cell,
      hiddenSize,
      numLayers,
      dropout: number(values.dropout, NAMES_RECIPE.dropout, 'dropout'),
      bidirectional: values.bidirectional,
    },
    settings,
    backend.name,
    {
      shouldStop: () => interrupted,
      onBatch: (p) =>
        bar.update(
          p.batch / p.batches,
          `epoch ${p.epoch}/${epochs} loss ${p.step.loss.toFixed(3)} ${Math.round(p.sequencesPerSecond)} names/s`,
        ),
      onEpoch: (r) => {
        bar.clear();
        log(
          `epoch ${r.epoch}/${r.epochs}  train loss ${r.trainLoss.toFixed(4)}  train acc ${(100 * r.trainAccuracy).toFixed(1)}%  ` +
            `held-out acc ${(100 * r.heldOut.accuracy).toFixed(2)}%  macro ${(100 * r.heldOut.macroAccuracy).toFixed(2)}%  ` +
            `${Math.round(r.sequencesPerSecond)} names/s`,
        );
      },
    },
  );
  bar.clear();
  saveModel(out, outcome.model, info);
  outcome.model.dispose();
  log(`${outcome.completed ? 'Saved' : 'Interrupted; saved the partly trained model to'} ${out}`);
  if (values.json) {
    console.log(
      JSON.stringify({
        task: 'names',
        cell,
        hidden: hiddenSize,
        layers: numLayers,
        epochs: outcome.history.length,
        backend: backend.name,
        kernel: backend.kernel,
        heldOutAccuracy: info.heldOut?.accuracy ?? null,
        macroAccuracy: info.heldOut?.macroAccuracy ?? null,
        namesPerSecond: Math.round(outcome.sequencesPerSecond),
        seconds: Number(outcome.trainSeconds.toFixed(2)),
        helperSteps: outcome.helperSteps,
        peakMB: Math.round(process.resourceUsage().maxRSS / 1024),
        history: outcome.history.map((h) => ({
          accuracy: h.heldOut.accuracy,
          seconds: Number(h.trainSeconds.toFixed(3)),
        })),
        modelPath: out,
      }),
    );
  }
}

async function predict(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      model: { type: 'string' },
      top: { type: 'string' },
      backend: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  if (positionals.length === 0)
    throw new UsageError('Give a name to classify, for example: npm run predict -- Dostoevsky');
  const name = positionals.join(' ');
  const backend = await initBackend(
    oneOf<BackendPreference>(values.backend, BACKENDS, 'auto', 'backend'),
  );
  const { manifest, model } = loadModel(path.resolve(values.model ?? DEFAULT_MODEL));
  const result = new NamesClassifier(model, manifest).predict(name, number(values.top, 5, 'top'));
  model.dispose();
  if (!result.ok) {
    process.stderr.write(`${result.reason}\n`);
    process.exitCode = 2;
    return;
  }
  if (values.json) {
    console.log(JSON.stringify({ name: result.name, backend: backend.name, top: result.top }));
    return;
  }
  console.log(`${result.name} (${backend.name})`);
  for (const { language, probability } of result.top) {
    console.log(
      `  ${language.padEnd(12)} ${(100 * probability).toFixed(1).padStart(5)}%  ${'#'.repeat(Math.round(probability * 30))}`,
    );
  }
}

async function main(): Promise<void> {
  enableRelaxedSimd();
  const [command, ...rest] = process.argv.slice(2);
  if (command === 'train') return train(rest);
  if (command === 'predict') return predict(rest);
  if (command && (await runTaskCommand(command, rest))) return;
  throw new UsageError(`Unknown command "${command ?? ''}"`);
}

main().catch((error: unknown) => {
  if (
    error instanceof UsageError ||
    (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')
  ) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    process.exitCode = 64;
    return;
  }
  process.stderr.write(`Error: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
