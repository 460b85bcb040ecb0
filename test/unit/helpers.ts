import * as path from 'node:path';
import { loadModel, type LoadedModel } from '../../src/core/io/modelFile';
import { subjectReading } from '../../src/core/explore/subjects';
import type { ModelConfig } from '../../src/core/model/config';
import type { Subject } from '../../src/extension/explorer/subjects';
import * as tf from '@tensorflow/tfjs-core';
import * as assert from 'node:assert/strict';
import { initBackend, type BackendName } from '../../src/core/backend';

/** Unit tests run on the backend named by RNN_TEST_BACKEND (default: cpu, the reference). */
export async function useTestBackend(): Promise<BackendName> {
  const preference = (process.env.RNN_TEST_BACKEND ?? 'cpu') as BackendName;
  return (await initBackend(preference)).name;
}

/** Fails if `run` leaves tensors behind. */
export async function assertNoLeak<T>(label: string, run: () => T | Promise<T>): Promise<T> {
  const before = tf.memory().numTensors;
  const result = await run();
  const after = tf.memory().numTensors;
  assert.equal(after, before, `${label} leaked ${after - before} tensors`);
  return result;
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length, 'length mismatch');
  let worst = 0;
  for (let i = 0; i < a.length; i++)
    worst = Math.max(worst, Math.abs((a[i] as number) - (b[i] as number)));
  return worst;
}

/** A small one-layer token classifier; `extra` changes any field. */
export function smallConfig(
  cell: ModelConfig['cell'],
  extra: Partial<ModelConfig> = {},
): ModelConfig {
  return {
    cell,
    nonlinearity: 'tanh',
    inputKind: 'tokens',
    inputSize: 4,
    hiddenSize: 8,
    numLayers: 1,
    outputSize: 2,
    head: 'last',
    ...extra,
  };
}

/** The bundled names model, as the Explorer explores it before any training. */
export const BUNDLED_NAMES_MODEL = path.resolve(
  __dirname,
  '..',
  '..',
  'media',
  'models',
  'names-gru.json',
);

export function bundledNamesSubject(loaded: LoadedModel = loadModel(BUNDLED_NAMES_MODEL)): Subject {
  return {
    task: 'names',
    file: BUNDLED_NAMES_MODEL,
    title: 'GRU 128 (default)',
    loaded,
    reading: subjectReading(loaded.manifest),
    defaultInput: 'Dostoevsky',
  };
}
