import type { HeldOutScore, TrainingSource } from '../../src/core/training/trainer';

/**
 * The epoch-wall region of both benches: from the call that cuts and builds an epoch's batches
 * to the end of the epoch's last step (its onBatch call). The held-out evaluation that follows
 * is not in it.
 */
export function epochWallClock<E extends HeldOutScore>(
  inner: TrainingSource<E>,
): { source: TrainingSource<E>; onBatch: () => void; wallSeconds: number[] } {
  const wallSeconds: number[] = [];
  let epochStarted = 0;
  let lastStepEnded = 0;
  return {
    wallSeconds,
    source: {
      batches: (random, epoch) => {
        epochStarted = performance.now();
        return inner.batches(random, epoch);
      },
      evaluate: (model, between) => {
        wallSeconds.push((lastStepEnded - epochStarted) / 1000);
        return inner.evaluate(model, between);
      },
    },
    onBatch: () => {
      lastStepEnded = performance.now();
    },
  };
}

/** Runs one side's training; a failure is printed with its stack and fails the process. */
export function runSide(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    process.stderr.write(
      `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  });
}

/** The epoch wall so far at the end of each epoch: running sums of the per-epoch seconds. */
export function cumulative(seconds: readonly number[]): number[] {
  let sum = 0;
  return seconds.map((s) => (sum += s));
}
