/**
 * Fuzzing the readers of untrusted files: thousands of mutated inputs, and nothing may escape but
 * the reader's own error type (a user sees its message; anything else would be a crash).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { after, before, describe, it } from 'node:test';
import { loadModel, ModelFileError, saveModel } from '../../src/core/io/modelFile';
import { exportPyTorch, importPyTorch } from '../../src/core/io/pytorchInterop';
import { readSafetensors, SafetensorsError } from '../../src/core/io/safetensors';
import { SequenceModel } from '../../src/core/model/sequenceModel';
import { Random } from '../../src/core/random';
import { useTestBackend } from './helpers';

const CASES = 2000;

/** One of several mutations: flip bytes, cut, extend, or splice in a number that matters. */
function mutate(bytes: Uint8Array, random: Random): Uint8Array {
  const out = Uint8Array.from(bytes);
  const pick = Math.floor(random.next() * 5);
  const at = Math.floor(random.next() * out.length);
  if (pick === 0) {
    for (let i = 0; i < 1 + random.next() * 8; i++) {
      out[Math.floor(random.next() * out.length)] = Math.floor(random.next() * 256);
    }
    return out;
  }
  if (pick === 1) return out.slice(0, at);
  if (pick === 2)
    return Uint8Array.from([...out, ...random.uniformArray(16, 0, 255)].map(Math.floor));
  if (pick === 3) {
    // The header length and offsets live in the first bytes and in the JSON: hit them hard.
    const view = new DataView(out.buffer);
    view.setUint32(Math.min(at, out.length - 4) & ~3, Math.floor(random.next() * 2 ** 32), true);
    return out;
  }
  const digits = new TextEncoder().encode(String(Math.floor(random.next() * 1e9)));
  out.set(digits.slice(0, Math.max(0, out.length - at)), at);
  return out;
}

const asText = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

/**
 * Runs `load` on CASES inputs; every failure must be an `expected` error, and no tensor may be
 * left behind. Returns how many inputs loaded.
 */
function fuzz(load: () => void, expected: new (...args: never[]) => Error): number {
  const tensorsBefore = tf.memory().numTensors;
  let accepted = 0;
  for (let i = 0; i < CASES; i++) {
    try {
      load();
      accepted++;
    } catch (error) {
      assert.ok(
        error instanceof expected,
        `case ${i}: ${(error as Error).name}: ${(error as Error).message}`,
      );
    }
  }
  assert.equal(tf.memory().numTensors, tensorsBefore, 'no tensors left by failed loads');
  return accepted;
}

describe('fuzzing the file readers', () => {
  let model: SequenceModel;
  let dir: string;

  before(async () => {
    await useTestBackend();
    model = SequenceModel.create(
      {
        cell: 'gru',
        nonlinearity: 'tanh',
        inputKind: 'tokens',
        inputSize: 5,
        hiddenSize: 3,
        numLayers: 2,
        outputSize: 4,
        head: 'last',
      },
      3,
    );
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rnn-fuzz-'));
  });
  after(() => {
    model.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it(`safetensors: ${CASES} mutated files throw only SafetensorsError`, () => {
    const good = exportPyTorch(model, { task: 'names' });
    const random = new Random(11);
    const accepted = fuzz(() => {
      const bytes = mutate(good, random);
      readSafetensors(bytes);
      importPyTorch(bytes).model.dispose();
    }, SafetensorsError);
    // Byte flips inside the weights keep a file valid; the fuzzer must reach both outcomes.
    assert.ok(accepted > 0 && accepted < CASES, `accepted ${accepted} of ${CASES}`);
  });

  it(`model files: ${CASES} mutated manifests and weights throw only ModelFileError`, () => {
    const manifestFile = path.join(dir, 'good.json');
    const saved = saveModel(manifestFile, model, {
      task: 'names',
      createdAt: '2026-11-27T00:00:00.000Z',
      vocabulary: ['a', 'b', 'c', 'd', 'e'],
      labels: ['W', 'X', 'Y', 'Z'],
    });
    const manifest = new TextEncoder().encode(fs.readFileSync(manifestFile, 'utf8'));
    const weights = fs.readFileSync(path.join(dir, saved.weights.file));
    const random = new Random(12);
    const file = path.join(dir, `case.json`);
    const accepted = fuzz(() => {
      const mutateManifest = random.next() < 0.6;
      const text = mutateManifest ? asText(mutate(manifest, random)) : asText(manifest);
      // Keep the weights file name the manifest asks for, so the weights are read too.
      fs.writeFileSync(file, text.replace(saved.weights.file, 'case.weights.bin'));
      fs.writeFileSync(
        path.join(dir, 'case.weights.bin'),
        mutateManifest ? weights : mutate(weights, random),
      );
      loadModel(file).model.dispose();
    }, ModelFileError);
    assert.ok(accepted < CASES, `every mutation was accepted (${accepted})`);
  });
});
