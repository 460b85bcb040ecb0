/**
 * The State space view's cost for the names classifier: collect the final (and every letter's)
 * states of all held-out names with the bundled model, fit the PCA basis on the final states,
 * and project them, each timed on its own and together. The timed region starts with the names
 * already loaded and the model in memory, as the Explorer holds them. Besides wall time it reports
 * the process's CPU time over the whole region (user + system): on a machine shared with other
 * work, wall time includes the waits for a core and CPU time does not.
 * Usage: npm run bench:projection -- [--backend wasm] [--repeats 15]
 */
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { enableRelaxedSimd } from '../src/cli/relaxedSimd';
import { initBackend, type BackendPreference } from '../src/core/backend';
import { loadNames } from '../src/core/data/names';
import { loadModel } from '../src/core/io/modelFile';
import { collectNameStates, fitStateBasis, projectStates } from '../src/core/explore/stateSpace';

const ROOT = path.resolve(__dirname, '..');

function summary(times: number[]): { medianMs: number; minMs: number; maxMs: number } {
  const sorted = [...times].sort((a, b) => a - b);
  const middle = sorted.length / 2;
  const median =
    sorted.length % 2 === 1
      ? (sorted[Math.floor(middle)] as number)
      : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
  const round = (ms: number): number => Number(ms.toFixed(1));
  return {
    medianMs: round(median),
    minMs: round(sorted[0] as number),
    maxMs: round(sorted[sorted.length - 1] as number),
  };
}

async function main(): Promise<void> {
  enableRelaxedSimd();
  const { values } = parseArgs({
    options: {
      backend: { type: 'string', default: 'wasm' },
      repeats: { type: 'string', default: '15' },
    },
  });
  const backend = await initBackend(values.backend as BackendPreference);
  const { manifest, model } = loadModel(path.join(ROOT, 'media', 'models', 'names-gru.json'));
  const names = loadNames(path.join(ROOT, 'media', 'data', 'names')).test.map((n) => n.name);
  const repeats = Number(values.repeats);
  const times = { collect: [] as number[], fit: [] as number[], project: [] as number[] };
  const totals: number[] = [];
  const cpu: number[] = [];
  // One untimed round first: the kernel's module and memory are set up on the first call.
  for (let round = -1; round < repeats; round++) {
    const cpuStarted = process.cpuUsage();
    const started = performance.now();
    const states = collectNameStates(model, manifest.vocabulary, names);
    const collected = performance.now();
    const basis = fitStateBasis(states);
    const fitted = performance.now();
    projectStates(basis, states);
    const projected = performance.now();
    const used = process.cpuUsage(cpuStarted);
    if (round < 0) continue;
    cpu.push((used.user + used.system) / 1000);
    times.collect.push(collected - started);
    times.fit.push(fitted - collected);
    times.project.push(projected - fitted);
    totals.push(projected - started);
  }
  console.log(
    JSON.stringify({
      backend: backend.name,
      kernel: backend.kernel,
      names: names.length,
      hiddenSize: model.config.hiddenSize,
      repeats,
      total: summary(totals),
      totalCpu: summary(cpu),
      collectStates: summary(times.collect),
      fitBasis: summary(times.fit),
      projectFinalsAndTrajectories: summary(times.project),
    }),
  );
  model.dispose();
}

void main();
