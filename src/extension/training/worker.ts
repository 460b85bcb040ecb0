/**
 * The training worker: runs the engine off the extension host's main thread so the editor never
 * waits on a batch. It talks only through src/shared/trainingMessages. It outlives a run, so the
 * next one finds the backend started (TrainingWorker keeps it warm); one run trains at a time.
 */
import * as path from 'node:path';
import { parentPort } from 'node:worker_threads';
import { initBackend } from '../../core/backend';
import { saveModel } from '../../core/io/modelFile';
import { epochCheckpointFile } from '../../core/runs/epochCheckpoints';
import { runJob } from '../../core/tasks/jobs';
import type {
  HostToWorker,
  StartTraining,
  WorkerEvent,
  WorkerToHost,
} from '../../shared/trainingMessages';

const port = parentPort;
if (!port) throw new Error('The training worker must run in a worker thread');

interface Run {
  start: StartTraining;
  stopRequested: boolean;
  /** While paused, the trainer awaits this promise before its next batch. */
  paused?: Promise<void>;
  resume?: () => void;
}

/** The run started last: pause, resume and stop apply to it. */
let current: Run | undefined;
/** The runs in order: a run starts once the one before has stopped and freed its model. */
let queue: Promise<void> = Promise.resolve();
/** Progress is throttled so the host is never flooded; epochs and the end always go through. */
const BATCH_MESSAGE_INTERVAL_MS = 100;

function send(run: Run, event: WorkerEvent): void {
  port?.postMessage({ ...event, run: run.start.run } satisfies WorkerToHost);
}

function release(run: Run): void {
  run.resume?.();
  run.resume = undefined;
  run.paused = undefined;
}

async function train(run: Run): Promise<void> {
  const { start } = run;
  if (run.stopRequested) {
    // Stopped before it began (a later start, or a cancel): nothing to build.
    send(run, { type: 'done', completed: false, seconds: 0, sequencesPerSecond: 0 });
    return;
  }
  const backend = await initBackend(start.backend, { wasmDir: start.wasmDirectory });
  send(run, { type: 'backend', info: backend });
  let lastBatchMessage = 0;
  // The helper's bundle sits beside this one in dist.
  const trainSettings =
    start.threads === 2
      ? { ...start.settings, helperThread: path.join(__dirname, 'stepHelper.js') }
      : start.settings;
  const result = await runJob(start.job, trainSettings, backend.name, {
    shouldStop: () => run.stopRequested,
    waitIfPaused: () => run.paused ?? Promise.resolve(),
    onBatch: (p) => {
      const now = Date.now();
      if (now - lastBatchMessage < BATCH_MESSAGE_INTERVAL_MS && p.batch < p.batches) return;
      lastBatchMessage = now;
      send(run, {
        type: 'batch',
        epoch: p.epoch,
        epochs: start.settings.epochs,
        batch: p.batch,
        batches: p.batches,
        loss: p.step.loss,
        learningRate: p.learningRate,
        sequencesPerSecond: p.sequencesPerSecond,
        tokensPerSecond: p.tokensPerSecond,
        stepGradNorms: p.step.stepGradNorms?.[p.step.stepGradNorms.length - 1] ?? [],
        paramGradNorms: p.step.paramGradNorms ?? {},
      });
    },
    onEpoch: (summary) => send(run, { type: 'epoch', summary }),
    onCheckpoint: (model, epoch, info) => {
      // A stopped run's checkpoints are already discarded by the host.
      if (!info || run.stopRequested) return;
      const saved = { ...info, createdAt: new Date().toISOString() };
      saveModel(start.checkpointFile, model, saved);
      if (start.epochDirectory)
        saveModel(epochCheckpointFile(start.epochDirectory, epoch), model, saved);
      send(run, { type: 'checkpoint', epoch });
    },
  });
  try {
    // A cancelled run is not saved: the last good model stays the active one.
    if (result.completed) saveModel(start.manifestFile, result.model, result.info);
  } finally {
    result.model.dispose();
  }
  send(run, {
    type: 'done',
    completed: result.completed,
    manifestFile: result.completed ? start.manifestFile : undefined,
    forecast: result.completed ? result.forecast : undefined,
    seconds: result.trainSeconds,
    sequencesPerSecond: result.sequencesPerSecond,
    helperSteps: result.helperSteps,
  });
}

port.on('message', (message: HostToWorker) => {
  if (message.type === 'warm') {
    // A failure here is reported by the run that needs the backend.
    queue = queue
      .then(() => initBackend(message.backend, { wasmDir: message.wasmDirectory }))
      .then(
        () => undefined,
        () => undefined,
      );
    return;
  }
  if (message.type !== 'start') {
    const run = current;
    if (!run) return;
    if (message.type === 'pause') {
      run.paused ??= new Promise((resolve) => (run.resume = resolve));
      return;
    }
    run.stopRequested ||= message.type === 'stop';
    release(run);
    return;
  }
  if (current) {
    current.stopRequested = true;
    release(current);
  }
  const run: Run = { start: message, stopRequested: false };
  current = run;
  queue = queue.then(() =>
    train(run).catch((error: unknown) =>
      send(run, {
        type: 'error',
        message: error instanceof Error ? error.message : String(error),
      }),
    ),
  );
});
