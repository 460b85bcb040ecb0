/**
 * Runs one race in its own worker thread (dist/raceWorker.js) and passes its messages on; a
 * cancelled token asks the worker to stop after its current batch.
 */
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type * as vscode from 'vscode';
import type { RaceToHost, StartRace } from '../../shared/raceMessages';

export type RaceEvent = Exclude<RaceToHost, { type: 'done' } | { type: 'error' }>;

/** One race at a time: the machine's cores are the budget every cell is given. */
let running = false;

export function raceRunning(): boolean {
  return running;
}

export function runRace(
  extensionPath: string,
  start: StartRace,
  onEvent: (event: RaceEvent) => void,
  token: vscode.CancellationToken,
): Promise<{ completed: boolean; seconds: number }> {
  if (running) return Promise.reject(new Error('a race is already running'));
  running = true;
  const worker = new Worker(path.join(extensionPath, 'dist', 'raceWorker.js'));
  const cancel = token.onCancellationRequested(() => worker.postMessage({ type: 'stop' }));
  return new Promise<{ completed: boolean; seconds: number }>((resolve, reject) => {
    worker.on('message', (message: RaceToHost) => {
      if (message.type === 'done') resolve(message);
      else if (message.type === 'error') reject(new Error(message.message));
      else onEvent(message);
    });
    worker.on('error', reject);
    worker.on('exit', (code) => reject(new Error(`the race worker exited (code ${code})`)));
    worker.postMessage(start);
  }).finally(() => {
    running = false;
    cancel.dispose();
    void worker.terminate();
  });
}
