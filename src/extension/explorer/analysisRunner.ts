/**
 * Runs fixed-point searches in a worker thread (dist/analysisWorker.js), one at a time: a new
 * request ends the worker still searching for the last one, whose input is no longer on screen,
 * so its CPU goes to the search that will be shown. A superseded request resolves undefined.
 */
import { Worker } from 'node:worker_threads';
import type { FixedPointOptions, FixedPointSearch } from '../../core/explore/fixedPoints';
import type { StepMap } from '../../core/explore/stepMap';
import type { AnalysisToHost, FixedPointRequest } from '../../shared/analysisMessages';

export type FixedPointSearcher = (
  map: StepMap,
  visited: Float64Array[],
  options: FixedPointOptions,
) => Promise<FixedPointSearch | undefined>;

export class AnalysisRunner {
  private running?: { worker: Worker; supersede: () => void };

  /** `workerFile`: the bundled dist/analysisWorker.js, or its source when run under tsx. */
  constructor(private readonly workerFile: string) {}

  readonly search: FixedPointSearcher = (map, visited, options) => {
    this.stop();
    const worker = new Worker(this.workerFile);
    return new Promise<FixedPointSearch | undefined>((resolve, reject) => {
      const run = { worker, supersede: () => resolve(undefined) };
      this.running = run;
      const finish = (): void => {
        if (this.running === run) this.running = undefined;
        void worker.terminate();
      };
      worker.on('message', (answer: AnalysisToHost) => {
        finish();
        if (answer.type === 'error') reject(new Error(answer.message));
        else resolve(answer.search);
      });
      worker.on('error', (error) => {
        finish();
        reject(error);
      });
      worker.on('exit', (code) => {
        if (this.running !== run) return;
        this.running = undefined;
        reject(new Error(`the analysis worker exited (code ${code})`));
      });
      const request: FixedPointRequest = { type: 'fixedPoints', map, visited, options };
      worker.postMessage(request);
    });
  };

  /** Ends the search under way, if any; its request resolves undefined. */
  stop(): void {
    const run = this.running;
    if (!run) return;
    this.running = undefined;
    run.supersede();
    void run.worker.terminate();
  }
}
