/**
 * The Explorer's fixed-point search on the bundled names GRU 128, as the host runs it (the
 * subject's own starts, HOST_SEARCH's budget, in the analysis worker), for zero input and a
 * held symbol: wall time, CPU time (user + system of every thread; on a shared machine wall time
 * includes the waits for a core), and what was found. Usage: node --import tsx scripts/bench-fixed-points.ts [--starts 64] [--backend wasm]
 */
import * as path from 'node:path';
import { cpuUsage } from 'node:process';
import { parseArgs } from 'node:util';
import { enableRelaxedSimd } from '../src/cli/relaxedSimd';
import { initBackend, type BackendPreference } from '../src/core/backend';
import { subjectReading } from '../src/core/explore/subjects';
import { loadModel } from '../src/core/io/modelFile';
import { AnalysisRunner } from '../src/extension/explorer/analysisRunner';
import { HOST_SEARCH, subjectFixedPoints } from '../src/extension/explorer/fixedPointHost';
import type { FixedPointInput } from '../src/shared/explorerProtocol';

const ROOT = path.resolve(__dirname, '..');
const MODEL = path.join(ROOT, 'media', 'models', 'names-gru.json');
/** The analysis worker from its source (dist/analysisWorker.js is the built one). */
const WORKER = path.join(ROOT, 'scripts', 'analysisWorker.dev.mjs');

async function main(): Promise<void> {
  enableRelaxedSimd();
  const { values } = parseArgs({
    options: {
      starts: { type: 'string', default: String(HOST_SEARCH.starts) },
      backend: { type: 'string', default: 'wasm' },
    },
  });
  await initBackend(values.backend as BackendPreference);
  HOST_SEARCH.starts = Number(values.starts);
  const loaded = loadModel(MODEL);
  const subject = {
    task: 'names',
    file: MODEL,
    title: 'GRU 128 (default)',
    loaded,
    reading: subjectReading(loaded.manifest),
    defaultInput: 'Dostoevsky',
  };
  const runner = new AnalysisRunner(WORKER);
  const inputs: FixedPointInput[] = [{ kind: 'zero' }, { kind: 'symbol', symbol: 'a' }];
  for (const input of inputs) {
    const began = performance.now();
    const cpu = cpuUsage();
    const result = await subjectFixedPoints(subject, input, subject.defaultInput, runner.search);
    const used = cpuUsage(cpu);
    if (!result || 'reason' in result) throw new Error(result?.reason ?? 'superseded');
    console.log(
      JSON.stringify({
        input,
        starts: result.starts,
        wallMs: Math.round(performance.now() - began),
        cpuMs: Math.round((used.user + used.system) / 1000),
        fixed: result.points.filter((p) => p.kind === 'fixed').length,
        slow: result.points.filter((p) => p.kind === 'slow').length,
        residuals: result.points.map((p) => Number(p.residual.toPrecision(2))),
        unstable: result.points.map((p) => p.unstable),
      }),
    );
  }
  loaded.model.dispose();
}

void main();
