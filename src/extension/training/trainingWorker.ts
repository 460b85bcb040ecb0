/**
 * The training worker thread, kept warm between runs. Spawning the thread and starting tfjs's
 * WebAssembly backend took 0.35 s of a cold run's 0.8 s to its first batch on an idle machine,
 * and 1.4-3 s on a loaded one (npm run bench:playground), so the playground's restarts reuse
 * the thread. Left idle for WARM_MS after a run, it ends and gives its memory back. No vscode
 * here: the benchmark drives this class.
 */
import { Worker } from 'node:worker_threads';
import type {
  ControlTraining,
  StartTraining,
  WarmWorker,
  WorkerEvent,
  WorkerToHost,
} from '../../shared/trainingMessages';

/** Long enough to try a few settings one after another, short enough not to hold memory all day. */
export const WARM_MS = 5 * 60_000;

export interface RunListener {
  onEvent(event: WorkerEvent): void;
  /** The thread died (not a run's error, which arrives as an event): this run is over. */
  onCrash(error: Error): void;
}

export class TrainingWorker {
  private worker?: Worker;
  private idleTimer?: NodeJS.Timeout;
  private lastRun = 0;
  /** The run started last and its listener; events of earlier runs are dropped. */
  private listening?: { run: number; listener: RunListener };

  constructor(private readonly file: string) {}

  /** Starts a run; one still training in the thread stops first. */
  start(start: Omit<StartTraining, 'type' | 'run'>, listener: RunListener): void {
    clearTimeout(this.idleTimer);
    const run = ++this.lastRun;
    this.listening = { run, listener };
    this.thread().postMessage({ type: 'start', run, ...start } satisfies StartTraining);
  }

  /** Spawns the thread and starts its backend ahead of a run, unless a run has it already. */
  warm(backend: Omit<WarmWorker, 'type'>): void {
    if (this.worker) return;
    this.thread().postMessage({ type: 'warm', ...backend } satisfies WarmWorker);
    this.idle();
  }

  /** Pause, resume or stop the run started last. */
  control(message: ControlTraining): void {
    this.worker?.postMessage(message);
  }

  /** The run started last has ended: keep the thread for WARM_MS, for the next run. */
  idle(): void {
    this.listening = undefined;
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.dispose(), WARM_MS);
    this.idleTimer.unref();
  }

  private thread(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.file);
    worker.on('message', (message: WorkerToHost) => {
      if (message.run === this.listening?.run) this.listening.listener.onEvent(message);
    });
    worker.on('error', (error) => {
      const listening = this.listening;
      this.listening = undefined;
      if (this.worker === worker) this.worker = undefined;
      void worker.terminate();
      listening?.listener.onCrash(error);
    });
    this.worker = worker;
    return worker;
  }

  dispose(): void {
    clearTimeout(this.idleTimer);
    this.listening = undefined;
    void this.worker?.terminate();
    this.worker = undefined;
  }
}
