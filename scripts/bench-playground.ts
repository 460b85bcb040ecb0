/**
 * npm run bench:playground: how fast the playground retrains, on the code the extension runs:
 * the built worker (dist/trainWorker.js, from npm run build) driven by TrainingWorker, the class
 * TrainingController uses, with the start messages it sends for the playground's names runs
 * (playgroundTraining). Times, from the host's side of the thread:
 *   - cold start: a new TrainingWorker's start() until the run's first batch event, split at its
 *     `backend` event (thread spawn + tfjs backend start | data load, model build, first batch);
 *   - warmed start: the same on a TrainingWorker warmed 3 s before (warm(), as the Explorer does
 *     when the Training view opens): the playground's first Train;
 *   - restart: start() with changed settings while a run trains, until the new run's `backend`
 *     event. The worker sends it only once the old run has left its batch loop and freed its
 *     model, and the new run has its backend: old run stopped, new run started;
 *   - first point: the same start() until the new run's first batch event (its loss point).
 * The restarts come at set times into a run, and then right after an epoch's last batch, so
 * they land in the held-out evaluation that follows it (the worst place: see evaluate.ts).
 * Not included: the controller's bookkeeping around start() (the run history's file, the
 * checkpoint record), and the Explorer's path from a batch event to the chart: at most 200 ms of
 * pacing (TRAINING_POST_MS in explorerPanel.ts) and the page's draw.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { NAMES_RECIPE } from '../src/core/tasks/names';
import { playgroundTraining, type PlaygroundSettings } from '../src/core/tasks/playground';
import type { BackendPreference } from '../src/core/backend';
import type { WorkerEvent } from '../src/shared/trainingMessages';
import { TrainingWorker } from '../src/extension/training/trainingWorker';

const { values } = parseArgs({
  options: {
    restarts: { type: 'string', default: '10' },
    cold: { type: 'string', default: '3' },
    backend: { type: 'string', default: 'auto' },
  },
});
const ROOT = path.resolve(__dirname, '..');
const DIST = path.join(ROOT, 'dist');
const SCRATCH = path.join(ROOT, '.scratch', 'bench-playground');

/** The extension's defaults (package.json's rnnExplorer.training.*), as settings.ts reads them. */
const BASE = {
  epochs: 10,
  seed: 42,
  schedule: 'cosine' as const,
  dropout: NAMES_RECIPE.dropout,
  weightAveraging: NAMES_RECIPE.weightAveraging,
};
const FIRST: PlaygroundSettings = {
  task: 'names',
  cell: 'gru',
  hiddenSize: 64,
  numLayers: 1,
  learningRate: 0.003,
  clipNorm: 5,
  batchSize: 64,
};
/** Each restart changes one control, as a user would; hidden sizes stay at 64 or less. */
const CHANGES: Array<Partial<PlaygroundSettings>> = [
  { hiddenSize: 32 },
  { cell: 'lstm' },
  { learningRate: 0.01 },
  { hiddenSize: 16 },
  { cell: 'rnn' },
  { batchSize: 32 },
  { hiddenSize: 64 },
  { clipNorm: 1 },
  { cell: 'gru' },
  { numLayers: 2 },
];
/** How long each run trains before the change: some changes land in an epoch's evaluation. */
const TRAIN_MS = [300, 1200, 500, 2500, 800, 2000, 400, 1500, 3000, 600];

let serial = 0;
function startMessage(settings: PlaygroundSettings) {
  const { job, settings: train } = playgroundTraining(settings, BASE, {
    namesDirectory: path.join(ROOT, 'media', 'data', 'names'),
    text: () => {
      throw new Error('names only');
    },
    series: () => {
      throw new Error('names only');
    },
  });
  serial += 1;
  return {
    wasmDirectory: DIST,
    backend: values.backend as BackendPreference,
    job,
    settings: train,
    manifestFile: path.join(SCRATCH, `model-${serial}.json`),
    checkpointFile: path.join(SCRATCH, `checkpoint-${serial}.json`),
  };
}

interface Timing {
  backend: number;
  firstBatch: number;
}

/** Resolves when the run started last has sent the last batch of an epoch. */
let epochEnd: (() => void) | undefined;

/** Starts a run and resolves with the ms from start() to its backend and first batch events. */
function timedStart(worker: TrainingWorker, settings: PlaygroundSettings): Promise<Timing> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const timing: Timing = { backend: NaN, firstBatch: NaN };
    worker.start(startMessage(settings), {
      onEvent: (event: WorkerEvent) => {
        if (event.type === 'backend') timing.backend = performance.now() - started;
        if (event.type === 'batch' && event.batch === event.batches) epochEnd?.();
        if (event.type === 'batch' && !Number.isFinite(timing.firstBatch)) {
          timing.firstBatch = performance.now() - started;
          resolve(timing);
        }
        if (event.type === 'error') reject(new Error(event.message));
      },
      onCrash: reject,
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function summary(name: string, xs: number[]): string {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  const median = s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
  return `${name.padEnd(46)} median ${median.toFixed(0).padStart(5)} ms   range ${(s[0] as number).toFixed(0)}–${(s[s.length - 1] as number).toFixed(0)} ms   (n=${s.length})`;
}

async function main(): Promise<void> {
  fs.mkdirSync(SCRATCH, { recursive: true });
  const cold: Timing[] = [];
  for (let i = 0; i < Number(values.cold); i++) {
    const worker = new TrainingWorker(path.join(DIST, 'trainWorker.js'));
    cold.push(await timedStart(worker, FIRST));
    worker.dispose();
    await sleep(300);
  }
  const warmed: Timing[] = [];
  for (let i = 0; i < Number(values.cold); i++) {
    const worker = new TrainingWorker(path.join(DIST, 'trainWorker.js'));
    worker.warm({ wasmDirectory: DIST, backend: values.backend as BackendPreference });
    await sleep(3000);
    warmed.push(await timedStart(worker, FIRST));
    worker.dispose();
    await sleep(300);
  }
  const worker = new TrainingWorker(path.join(DIST, 'trainWorker.js'));
  await timedStart(worker, FIRST);
  let settings = FIRST;
  const restarts: Timing[] = [];
  for (let i = 0; i < Number(values.restarts); i++) {
    await sleep(TRAIN_MS[i % TRAIN_MS.length] as number);
    settings = { ...settings, ...CHANGES[i % CHANGES.length] };
    const t = await timedStart(worker, settings);
    restarts.push(t);
    console.log(
      `restart ${i + 1}: ${JSON.stringify(CHANGES[i % CHANGES.length])} after ${TRAIN_MS[i % TRAIN_MS.length]} ms of training: ` +
        `stopped+started ${t.backend.toFixed(0)} ms, first point ${t.firstBatch.toFixed(0)} ms`,
    );
  }
  const inEvaluation: Timing[] = [];
  for (let i = 0; i < Number(values.restarts) / 2; i++) {
    await new Promise<void>((resolve) => (epochEnd = resolve));
    epochEnd = undefined;
    settings = { ...settings, hiddenSize: settings.hiddenSize === 64 ? 32 : 64 };
    const t = await timedStart(worker, settings);
    inEvaluation.push(t);
    console.log(
      `restart in evaluation ${i + 1}: hidden ${settings.hiddenSize}: stopped+started ${t.backend.toFixed(0)} ms, first point ${t.firstBatch.toFixed(0)} ms`,
    );
  }
  worker.dispose();
  // The machine is shared: the load says how far to trust the figures.
  const load = os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
  console.log(
    `\nnames task, hidden ≤ 64, backend ${values.backend}, ${new Date().toISOString()}, ` +
      `${os.cpus().length} cores, load average ${load}`,
  );
  const rows: Array<[string, Timing[], keyof Timing]> = [
    ['cold start → backend (spawn + tfjs backend)', cold, 'backend'],
    ['cold start → first point', cold, 'firstBatch'],
    ['warmed start (Training view open 3 s) → first point', warmed, 'firstBatch'],
    ['restart: old stopped, new started (warm)', restarts, 'backend'],
    ['restart → first point of the new curve (warm)', restarts, 'firstBatch'],
    ['restart in evaluation: old stopped, new started', inEvaluation, 'backend'],
    ['restart in evaluation → first point', inEvaluation, 'firstBatch'],
  ];
  for (const [name, timings, region] of rows)
    console.log(
      summary(
        name,
        timings.map((t) => t[region]),
      ),
    );
}

void main();
