/**
 * The CLI side of the tasks beyond name classification: the same engine calls the extension
 * makes, printed as text (or one JSON line with --json).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { initBackend, type BackendInfo, type BackendPreference } from '../core/backend';
import { checkCsvSize } from '../core/data/csv';
import { decodeText } from '../core/data/text';
import { compareOrders, reorder } from '../core/explore/order';
import { compareTeacherForcing } from '../core/explore/teacherForcing';
import { loadModel, saveModel } from '../core/io/modelFile';
import {
  exportPyTorch,
  importPyTorch,
  metadataList,
  taskMetadata,
} from '../core/io/pytorchInterop';
import type { CellType } from '../core/model/config';
import { trainSettings } from '../core/training/settings';
import { forecastEpochs, seriesFromCsv } from '../core/tasks/forecasting';
import { runJob, type TaskJob } from '../core/tasks/jobs';
import { CLASSIC_SENTENCES, generateText } from '../core/tasks/languageModel';
import { generateNames } from '../core/tasks/nameGeneration';
import { NamesClassifier } from '../core/tasks/names';
import { formatHeadline } from '../shared/format';
import { BACKENDS, number, oneOf, UsageError } from './args';
import { ProgressBar } from './progressBar';

const ROOT = path.resolve(__dirname, '..', '..');
const DATA = path.join(ROOT, 'media', 'data');

export const TASK_USAGE = `  npm run cli -- train-text [--text FILE | --classic] [--cell rnn|gru|lstm] [--hidden 128] [--seq 100] [--no-carry] [--free-running]
                   [--epochs N] [--lr 0.003] [--batch 32] [--out FILE.json] [--json]
  npm run cli -- generate --model FILE.json [--prime good] [--length 15] [--temperature 0] [--seed 1]
  npm run cli -- train-generator [--cell gru] [--hidden 128] [--epochs 5] [--out FILE.json] [--json]
  npm run cli -- generate-names --model FILE.json --language Russian [--prefix Ko] [--count 10] [--temperature 0.7]
  npm run cli -- forecast --csv FILE.csv --column NAME [--window 24] [--horizon 12] [--cell gru] [--hidden 32] [--epochs 60] [--out FILE.json] [--json]
  npm run cli -- compare-teacher-forcing [--json]
  npm run cli -- order NAME [--model FILE.json] [--json]
  npm run cli -- export --model FILE.json --out FILE.safetensors
  npm run cli -- import FILE.safetensors --out FILE.json [--task names]`;

const common = {
  cell: { type: 'string' },
  hidden: { type: 'string' },
  epochs: { type: 'string' },
  lr: { type: 'string' },
  batch: { type: 'string' },
  seed: { type: 'string' },
  backend: { type: 'string' },
  out: { type: 'string' },
  model: { type: 'string' },
  json: { type: 'boolean', default: false },
} as const;

type Values = Record<string, string | boolean | undefined>;
const text = (values: Values, key: string): string | undefined =>
  typeof values[key] === 'string' ? values[key] : undefined;

async function backendFrom(values: Values): Promise<BackendInfo> {
  return initBackend(
    oneOf<BackendPreference>(text(values, 'backend'), BACKENDS, 'auto', 'backend'),
  );
}

/** Trains one job with a progress bar, saves it, and prints the epochs (or one JSON line). */
async function train(
  job: TaskJob,
  values: Values,
  defaults: { epochs: number; lr: number; batch: number },
): Promise<void> {
  const { name: backend, kernel } = await backendFrom(values);
  const json = values.json === true;
  const log = json
    ? (line: string) => process.stderr.write(line + '\n')
    : (line: string) => console.log(line);
  const settings = trainSettings({
    epochs: number(text(values, 'epochs'), defaults.epochs, 'epochs'),
    batchSize: number(text(values, 'batch'), defaults.batch, 'batch'),
    optimizer: { name: 'adam', learningRate: number(text(values, 'lr'), defaults.lr, 'lr') },
    seed: number(text(values, 'seed'), 42, 'seed'),
  });
  const out = path.resolve(
    text(values, 'out') ??
      path.join('models', `${job.task}-${job.model.cell}-h${job.model.hiddenSize}.json`),
  );
  log(
    `Training a ${job.task} ${job.model.cell.toUpperCase()} ${job.model.hiddenSize} for ${settings.epochs} epochs on ${backend}, kernel ${kernel}`,
  );
  const bar = new ProgressBar(process.stderr);
  let interrupted = false;
  process.once('SIGINT', () => (interrupted = true));
  const result = await runJob(job, settings, backend, {
    shouldStop: () => interrupted,
    onBatch: (p) =>
      bar.update(
        p.batch / p.batches,
        `epoch ${p.epoch}/${settings.epochs} loss ${p.step.loss.toFixed(3)}`,
      ),
    onEpoch: (e) => {
      bar.clear();
      log(
        `epoch ${e.epoch}/${e.epochs}  train loss ${e.trainLoss.toFixed(4)}  held-out loss ${e.heldOutLoss.toFixed(4)}  ${formatHeadline(e.headline)}`,
      );
    },
  });
  bar.clear();
  saveModel(out, result.model, result.info);
  if (job.task === 'text' && job.corpus.kind === 'sentences') {
    log(
      `"good" at temperature 0: ${JSON.stringify(generateText(result.model, result.info.vocabulary, { prime: 'good', length: 15, temperature: 0, seed: 1 }))}`,
    );
  }
  result.model.dispose();
  const errors = result.forecast?.errors;
  if (errors) {
    for (const [name, e] of Object.entries(errors))
      log(`  ${name.padEnd(14)} RMSE ${e.rmse.toFixed(3)}  MAE ${e.mae.toFixed(3)}`);
  }
  log(`${result.completed ? 'Saved' : 'Interrupted; saved the partly trained model to'} ${out}`);
  if (json) {
    console.log(
      JSON.stringify({
        task: job.task,
        backend,
        kernel,
        epochs: result.history.length,
        seconds: Number(result.trainSeconds.toFixed(2)),
        metrics: result.info.metrics ?? null,
        errors: errors ?? null,
        modelPath: out,
      }),
    );
  }
}

function readText(file: string): string {
  return decodeText(fs.readFileSync(file), path.basename(file));
}

export async function runTaskCommand(command: string, args: string[]): Promise<boolean> {
  switch (command) {
    case 'train-text': {
      const { values } = parseArgs({
        args,
        options: {
          ...common,
          text: { type: 'string' },
          classic: { type: 'boolean' },
          seq: { type: 'string' },
          'no-carry': { type: 'boolean' },
          'free-running': { type: 'boolean' },
        },
      });
      const file = values.text ?? path.join(DATA, 'text', 'tinyshakespeare.txt');
      const sentences = values.classic === true;
      await train(
        {
          task: 'text',
          corpus: sentences
            ? { kind: 'sentences', lines: CLASSIC_SENTENCES }
            : { kind: 'stream', text: readText(file) },
          sourceName: sentences ? 'the three sentences' : path.basename(file),
          model: {
            cell: oneOf<CellType>(
              values.cell,
              ['gru', 'lstm', 'rnn'],
              sentences ? 'rnn' : 'gru',
              'cell',
            ),
            hiddenSize: number(values.hidden, sentences ? 32 : 128, 'hidden'),
            numLayers: 1,
            sequenceLength: number(values.seq, 100, 'seq'),
            truncatedBptt: values['no-carry'] !== true,
            teacherForcing: values['free-running'] !== true,
          },
        },
        values,
        sentences ? { epochs: 150, lr: 0.01, batch: 64 } : { epochs: 1, lr: 0.003, batch: 32 },
      );
      return true;
    }
    case 'generate': {
      const { values } = parseArgs({
        args,
        options: {
          ...common,
          prime: { type: 'string' },
          length: { type: 'string' },
          temperature: { type: 'string' },
        },
      });
      if (!values.model)
        throw new UsageError('generate needs --model FILE.json (a text model from train-text)');
      await backendFrom(values);
      const { manifest, model } = loadModel(path.resolve(values.model));
      try {
        console.log(
          generateText(model, manifest.vocabulary, {
            prime: values.prime ?? 'good',
            length: number(values.length, 15, 'length'),
            temperature: number(values.temperature, 0, 'temperature'),
            seed: number(values.seed, 1, 'seed'),
          }),
        );
      } finally {
        model.dispose();
      }
      return true;
    }
    case 'train-generator': {
      const { values } = parseArgs({ args, options: common });
      await train(
        {
          task: 'name-generation',
          dataDirectory: path.join(DATA, 'names'),
          model: {
            cell: oneOf<CellType>(values.cell, ['gru', 'lstm', 'rnn'], 'gru', 'cell'),
            hiddenSize: number(values.hidden, 128, 'hidden'),
            numLayers: 1,
            teacherForcing: true,
          },
        },
        values,
        { epochs: 5, lr: 0.003, batch: 64 },
      );
      return true;
    }
    case 'generate-names': {
      const { values } = parseArgs({
        args,
        options: {
          ...common,
          language: { type: 'string' },
          prefix: { type: 'string' },
          count: { type: 'string' },
          temperature: { type: 'string' },
        },
      });
      if (!values.model || !values.language)
        throw new UsageError('generate-names needs --model FILE.json and --language NAME');
      await backendFrom(values);
      const { manifest, model } = loadModel(path.resolve(values.model));
      try {
        const names = generateNames(model, manifest, {
          language: values.language,
          prefix: values.prefix ?? '',
          count: number(values.count, 10, 'count'),
          temperature: number(values.temperature, 0.7, 'temperature'),
          seed: number(values.seed, 1, 'seed'),
        });
        if (values.json) console.log(JSON.stringify({ language: values.language, names }));
        else
          names.forEach((n) =>
            console.log(`${n.name.padEnd(16)} p=${n.probability.toExponential(2)}`),
          );
      } finally {
        model.dispose();
      }
      return true;
    }
    case 'forecast': {
      const { values } = parseArgs({
        args,
        options: {
          ...common,
          csv: { type: 'string' },
          column: { type: 'string' },
          window: { type: 'string' },
          horizon: { type: 'string' },
        },
      });
      const file = values.csv ?? path.join(DATA, 'timeseries', 'airline-passengers.csv');
      checkCsvSize(fs.statSync(file).size, path.basename(file));
      const series = seriesFromCsv(
        fs.readFileSync(file, 'utf8'),
        path.basename(file),
        values.column ?? 'Passengers',
      );
      await train(
        {
          task: 'forecast',
          series: { ...series, values: Array.from(series.values) },
          model: {
            cell: oneOf<CellType>(values.cell, ['gru', 'lstm', 'rnn'], 'gru', 'cell'),
            hiddenSize: number(values.hidden, 32, 'hidden'),
            numLayers: 1,
            window: number(values.window, 24, 'window'),
            horizon: number(values.horizon, 12, 'horizon'),
          },
        },
        values,
        { epochs: forecastEpochs(series.values.length), lr: 0.003, batch: 32 },
      );
      return true;
    }
    case 'compare-teacher-forcing': {
      const { values } = parseArgs({ args, options: common });
      await backendFrom(values);
      const runs = await compareTeacherForcing();
      if (values.json) console.log(JSON.stringify({ runs }));
      for (const run of runs) {
        if (values.json) break;
        console.log(
          `${run.label}: final training loss ${run.trainLoss[run.trainLoss.length - 1]?.toFixed(4)}`,
        );
        for (const s of run.samples)
          console.log(
            `  ${s.prompt.padEnd(5)} → ${JSON.stringify(s.output)} ${s.output === s.expected ? '✓' : '✗'}`,
          );
      }
      return true;
    }
    case 'order': {
      const { values, positionals } = parseArgs({ args, allowPositionals: true, options: common });
      await backendFrom(values);
      const { manifest, model } = loadModel(
        path.resolve(values.model ?? path.join(ROOT, 'media', 'models', 'names-gru.json')),
      );
      try {
        const name = positionals[0] ?? 'Dostoevsky';
        const result = compareOrders(new NamesClassifier(model, manifest), [name, reorder(name)]);
        if (values.json) console.log(JSON.stringify(result));
        else {
          for (const input of result.inputs)
            console.log(
              `${input.input.padEnd(16)} ${input.top.map((t) => `${t.label} ${(100 * t.probability).toFixed(1)}%`).join(', ')}`,
            );
          console.log(`distance between the final states: ${result.distance.toFixed(3)}`);
        }
      } finally {
        model.dispose();
      }
      return true;
    }
    case 'export': {
      const { values } = parseArgs({ args, options: common });
      if (!values.model || !values.out)
        throw new UsageError('export needs --model FILE.json --out FILE.safetensors');
      await backendFrom(values);
      const { manifest, model } = loadModel(path.resolve(values.model));
      try {
        fs.writeFileSync(values.out, exportPyTorch(model, taskMetadata(manifest)));
      } finally {
        model.dispose();
      }
      console.log(`Wrote ${values.out}`);
      return true;
    }
    case 'import': {
      const { values, positionals } = parseArgs({
        args,
        allowPositionals: true,
        options: { ...common, task: { type: 'string' } },
      });
      const file = positionals[0];
      if (!file || !values.out)
        throw new UsageError('import needs FILE.safetensors --out FILE.json');
      await backendFrom(values);
      const imported = importPyTorch(fs.readFileSync(file));
      try {
        const list = (key: string): string[] => {
          const value = metadataList(imported.metadata, key);
          if (!value) throw new UsageError(`the file's "${key}" metadata is not a list of strings`);
          return value;
        };
        saveModel(path.resolve(values.out), imported.model, {
          task: values.task ?? imported.metadata.task ?? 'names',
          createdAt: new Date().toISOString(),
          vocabulary: list('vocabulary'),
          labels: list('labels'),
        });
      } finally {
        imported.model.dispose();
      }
      console.log(`Wrote ${values.out}`);
      return true;
    }
    default:
      return false;
  }
}
