/**
 * Hover latency: the time the hover provider spends in NamesClassifier.predict and
 * letterContributions (the letters that drove it), the same calls it makes, over real surnames
 * (held-out ones, so nothing is cached or memorised). The two are timed apart as well, so the
 * prediction's own latency stays comparable with figures from before the letters.
 * Usage: npm run bench:hover -- [--backend wasm] [--count 2000]
 */
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { enableRelaxedSimd } from '../src/cli/relaxedSimd';
import { initBackend, type BackendPreference } from '../src/core/backend';
import { loadNames } from '../src/core/data/names';
import { loadModel } from '../src/core/io/modelFile';
import { NamesClassifier } from '../src/core/tasks/names';

const ROOT = path.resolve(__dirname, '..');

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

async function main(): Promise<void> {
  enableRelaxedSimd();
  const { values } = parseArgs({
    options: {
      backend: { type: 'string', default: 'auto' },
      count: { type: 'string', default: '2000' },
    },
  });
  const backend = await initBackend(values.backend as BackendPreference);
  const { manifest, model } = loadModel(path.join(ROOT, 'media', 'models', 'names-gru.json'));
  const classifier = new NamesClassifier(model, manifest);
  const names = loadNames(path.join(ROOT, 'media', 'data', 'names')).test.map((n) => n.name);
  const predict = (name: string) => classifier.predict(name, 3);
  const letters = (result: ReturnType<typeof predict>): void => {
    const language = result.ok ? result.top[0]?.language : undefined;
    if (result.ok && language) classifier.letterContributions(result.folded, language);
  };
  for (const name of names.slice(0, 50)) letters(predict(name));
  const count = Number(values.count);
  const times = { hover: [] as number[], predict: [] as number[], letters: [] as number[] };
  for (let i = 0; i < count; i++) {
    const name = names[i % names.length] as string;
    const started = performance.now();
    const result = predict(name);
    const predicted = performance.now();
    letters(result);
    const ended = performance.now();
    times.hover.push(ended - started);
    times.predict.push(predicted - started);
    times.letters.push(ended - predicted);
  }
  const summary = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    return {
      p50Ms: Number(percentile(sorted, 50).toFixed(3)),
      p99Ms: Number(percentile(sorted, 99).toFixed(3)),
      maxMs: Number((sorted[sorted.length - 1] as number).toFixed(3)),
    };
  };
  const result = {
    backend: backend.name,
    kernel: backend.kernel,
    predictions: count,
    ...summary(times.hover),
    predictOnly: summary(times.predict),
    lettersOnly: summary(times.letters),
  };
  console.log(JSON.stringify(result));
  model.dispose();
}

void main();
