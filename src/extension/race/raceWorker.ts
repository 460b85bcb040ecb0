/**
 * The race worker: trains the cells against each other off the extension host's main thread
 * (the memory-span sweep, or Compare Cells), and talks only through src/shared/raceMessages.
 */
import { parentPort } from 'node:worker_threads';
import { initBackend } from '../../core/backend';
import { runSpanSweep } from '../../core/tasks/memorySpanSweep';
import { runJob, type TaskJob } from '../../core/tasks/jobs';
import type { HostToRace, RaceToHost, StartRace } from '../../shared/raceMessages';

const port = parentPort;
if (!port) throw new Error('The race worker must run in a worker thread');

let stopRequested = false;
/** Progress is throttled so the host is never flooded; results and epochs always go through. */
const PROGRESS_INTERVAL_MS = 100;
let lastProgress = 0;

function send(message: RaceToHost): void {
  port?.postMessage(message);
}

function due(): boolean {
  const now = Date.now();
  if (now - lastProgress < PROGRESS_INTERVAL_MS) return false;
  lastProgress = now;
  return true;
}

async function race(start: StartRace, backend: string): Promise<boolean> {
  const shouldStop = (): boolean => stopRequested;
  if (start.type === 'span-sweep') {
    const { completed } = await runSpanSweep(start.sweep, {
      shouldStop,
      onProgress: (progress) => {
        if (due()) send({ type: 'sweep-progress', progress });
      },
      onResult: (result) => send({ type: 'span-result', result }),
    });
    return completed;
  }
  for (const cell of start.cells) {
    if (stopRequested) return false;
    send({ type: 'cell-start', cell });
    const job = { ...start.job, model: { ...start.job.model, cell } } as TaskJob;
    const result = await runJob(job, start.settings, backend, {
      shouldStop,
      onBatch: (p) => {
        if (due() || p.batch === p.batches)
          send({
            type: 'cell-batch',
            cell,
            progress: p.epoch - 1 + p.batch / p.batches,
            loss: p.step.loss,
          });
      },
      onEpoch: (figures) =>
        send({ type: 'cell-epoch', cell, figures: { ...figures, confusion: [], predictions: [] } }),
    });
    result.model.dispose();
    send({ type: 'cell-end', cell, completed: result.completed });
    if (!result.completed) return false;
  }
  return true;
}

port.on('message', (message: HostToRace) => {
  if (message.type === 'stop') {
    stopRequested = true;
    return;
  }
  const started = Date.now();
  initBackend(message.backend, { wasmDir: message.wasmDirectory })
    .then((info) => race(message, info.name))
    .then((completed) => send({ type: 'done', completed, seconds: (Date.now() - started) / 1000 }))
    .catch((error: unknown) =>
      send({ type: 'error', message: error instanceof Error ? error.message : String(error) }),
    );
});
