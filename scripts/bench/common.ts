import { spawnSync } from 'node:child_process';

/** Debian's Python, where python3-torch lives: the peer at its best (../shared/docs/benchmarks.md). */
export const PYTHON = '/usr/bin/python3';

export function peerAvailable(): boolean {
  return spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;
}

/** Each side prints its result as the last JSON line of its standard output. */
export function lastJson<T>(output: string): T {
  const line = output
    .trim()
    .split('\n')
    .reverse()
    .find((l) => l.startsWith('{'));
  if (!line) throw new Error(`no JSON result in:\n${output.slice(-2000)}`);
  return JSON.parse(line) as T;
}

export const median = (xs: number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

/** The peer's own report of its threads and BLAS; a warning when it did not run at its best. */
export function peerSetupWarning(run: {
  threads?: number;
  openblasThreads?: string | null;
  blas?: string[];
}): string | null {
  if (
    run.threads === 1 &&
    run.openblasThreads === '1' &&
    run.blas?.some((b) => /openblas/i.test(b))
  )
    return null;
  return `warning: PyTorch ran with ${run.threads} threads, OPENBLAS_NUM_THREADS=${run.openblasThreads}, BLAS ${run.blas?.join(', ')}`;
}
