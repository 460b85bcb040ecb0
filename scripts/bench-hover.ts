/**
 * Hover latency: the time the hover provider spends in NamesClassifier.predict and
 * letterContributions (the letters that drove it), the same calls it makes, over real surnames
 * (held-out ones, so nothing is cached or memorised).
 * Usage: npm run bench:hover -- [--backend wasm] [--count 2000]
 */
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { initBackend, type BackendPreference } from '../src/core/backend';
import { loadNames } from '../src/core/data/names';
import { loadModel } from '../src/core/io/modelFile';
import { NamesClassifier } from '../src/core/tasks/names';

const ROOT = path.resolve(__dirname, '..');

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

async function main(): Promise<void> {
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
  const hover = (name: string): void => {
    const result = classifier.predict(name, 3);
    const language = result.ok ? result.top[0]?.language : undefined;
    if (result.ok && language) classifier.letterContributions(result.folded, language);
  };
  for (const name of names.slice(0, 50)) hover(name);
  const count = Number(values.count);
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const name = names[i % names.length] as string;
    const started = performance.now();
    hover(name);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  const result = {
    backend: backend.name,
    predictions: count,
    p50Ms: Number(percentile(times, 50).toFixed(3)),
    p99Ms: Number(percentile(times, 99).toFixed(3)),
    maxMs: Number((times[times.length - 1] as number).toFixed(3)),
  };
  console.log(JSON.stringify(result));
  model.dispose();
}

void main();
