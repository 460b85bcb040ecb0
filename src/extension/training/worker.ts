/**
 * The training worker: runs the engine off the extension host's main thread so the editor never
 * waits on a batch. It talks only through src/shared/trainingMessages.
 */
import { parentPort } from 'node:worker_threads';
import { initBackend } from '../../core/backend';
import { saveModel } from '../../core/io/modelFile';
import { runJob } from '../../core/tasks/jobs';
import type { HostToWorker, StartTraining, WorkerToHost } from '../../shared/trainingMessages';

const port = parentPort;
if (!port) throw new Error('The training worker must run in a worker thread');

let stopRequested = false;
/** While paused, the trainer awaits this promise before its next batch. */
let resume: (() => void) | undefined;
let paused: Promise<void> | undefined;
/** Progress is throttled so the host is never flooded; epochs and the end always go through. */
const BATCH_MESSAGE_INTERVAL_MS = 100;

function send(message: WorkerToHost): void {
  port?.postMessage(message);
}

async function run(start: StartTraining): Promise<void> {
  const backend = await initBackend(start.backend, { wasmDir: start.wasmDirectory });
  send({ type: 'backend', info: backend });
  let lastBatchMessage = 0;
  const result = await runJob(start.job, start.settings, backend.name, {
    shouldStop: () => stopRequested,
    waitIfPaused: () => paused ?? Promise.resolve(),
    onBatch: (p) => {
      const now = Date.now();
      if (now - lastBatchMessage < BATCH_MESSAGE_INTERVAL_MS && p.batch < p.batches) return;
      lastBatchMessage = now;
      send({
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
    onEpoch: (summary) => send({ type: 'epoch', summary }),
    onCheckpoint: (model, epoch, info) => {
      if (!info) return;
      saveModel(start.checkpointFile, model, { ...info, createdAt: new Date().toISOString() });
      send({ type: 'checkpoint', epoch });
    },
  });
  try {
    // A cancelled run is not saved: the last good model stays the active one.
    if (result.completed) saveModel(start.manifestFile, result.model, result.info);
  } finally {
    result.model.dispose();
  }
  send({
    type: 'done',
    completed: result.completed,
    manifestFile: result.completed ? start.manifestFile : undefined,
    forecast: result.completed ? result.forecast : undefined,
    seconds: result.trainSeconds,
    sequencesPerSecond: result.sequencesPerSecond,
  });
}

port.on('message', (message: HostToWorker) => {
  if (message.type === 'pause') {
    paused ??= new Promise((resolve) => (resume = resolve));
    return;
  }
  if (message.type === 'resume' || message.type === 'stop') {
    stopRequested ||= message.type === 'stop';
    resume?.();
    resume = undefined;
    paused = undefined;
    return;
  }
  run(message).catch((error: unknown) =>
    send({ type: 'error', message: error instanceof Error ? error.message : String(error) }),
  );
});
