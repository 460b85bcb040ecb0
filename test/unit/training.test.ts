import * as tf from '@tensorflow/tfjs-core';
import * as assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { type EncodedSequence } from '../../src/core/data/batches';
import { classificationMetrics } from '../../src/core/training/metrics';
import { createOptimizer } from '../../src/core/training/optimizers';
import {
  NonFiniteLossError,
  scheduledRate,
  trainClassifier,
} from '../../src/core/training/trainer';
import { maxAbsDiff, useTestBackend } from './helpers';

/** A task a recurrent model must read the whole sequence for: the label is the first symbol. */
const sequences: EncodedSequence[] = Array.from({ length: 96 }, (_, i) => ({
  ids: [i % 3, ...Array.from({ length: 2 + (i % 5) }, (_, t) => 3 + ((i * 7 + t) % 4))],
  label: i % 3,
}));
const config = {
  cell: 'gru',
  nonlinearity: 'tanh',
  inputKind: 'tokens',
  inputSize: 7,
  hiddenSize: 12,
  numLayers: 1,
  outputSize: 3,
  head: 'last',
} as const;
const settings = {
  epochs: 8,
  schedule: 'constant' as const,
  batchSize: 16,
  optimizer: { name: 'adam' as const, learningRate: 0.02 },
  clipNorm: 5,
  seed: 9,
  recordGradients: false,
};

describe('training', () => {
  before(useTestBackend);

  it('learns a task that needs memory of the first step', async () => {
    const outcome = await trainClassifier(config, sequences, sequences, settings);
    const last = outcome.history[outcome.history.length - 1]!;
    assert.ok(last.heldOut.accuracy > 0.95, `accuracy ${last.heldOut.accuracy}`);
    assert.ok(last.trainLoss < outcome.history[0]!.trainLoss);
    outcome.model.dispose();
  });

  it('repeats exactly with the same seed', async () => {
    const short = { ...settings, epochs: 2 };
    const a = await trainClassifier({ ...config, dropout: 0.3 }, sequences, sequences, short);
    const b = await trainClassifier({ ...config, dropout: 0.3 }, sequences, sequences, short);
    for (const [name, values] of a.model.weightValues()) {
      assert.equal(maxAbsDiff(values, b.model.weightValues().get(name)!), 0, name);
    }
    a.model.dispose();
    b.model.dispose();
  });

  it('stops with a clear error when the loss stops being finite', async () => {
    const before = tf.memory().numTensors;
    await assert.rejects(
      trainClassifier(config, sequences, sequences, {
        ...settings,
        optimizer: { name: 'sgd', learningRate: Infinity },
      }),
      NonFiniteLossError,
    );
    assert.equal(tf.memory().numTensors, before);
  });

  it('anneals the learning rate on a cosine from the base rate to zero', () => {
    const s = { ...settings, schedule: 'cosine' as const };
    assert.equal(scheduledRate(s, 0), 0.02);
    assert.ok(Math.abs(scheduledRate(s, 0.5) - 0.01) < 1e-12);
    assert.ok(scheduledRate(s, 1) < 1e-12);
  });
});

describe('optimizers follow torch.optim', () => {
  before(useTestBackend);

  it('Adam: two steps match the PyTorch update rule', () => {
    const w = tf.variable(tf.tensor1d([1, -2]));
    const adam = createOptimizer({ name: 'adam', learningRate: 0.1 });
    const grads = [
      [0.5, -1],
      [0.25, 3],
    ];
    // Reference, written out from torch.optim.Adam's documented algorithm.
    let m = [0, 0];
    let v = [0, 0];
    let p = [1, -2];
    grads.forEach((g, i) => {
      const t = i + 1;
      m = m.map((mi, k) => 0.9 * mi + 0.1 * g[k]!);
      v = v.map((vi, k) => 0.999 * vi + 0.001 * g[k]! ** 2);
      p = p.map(
        (pi, k) =>
          pi - (0.1 / (1 - 0.9 ** t)) * (m[k]! / (Math.sqrt(v[k]! / (1 - 0.999 ** t)) + 1e-8)),
      );
      adam.apply([w], [Float32Array.from(g)]);
    });
    assert.ok(maxAbsDiff(w.dataSync(), p) < 1e-6);
    adam.dispose();
    w.dispose();
  });

  it('SGD with momentum: buf = mu*buf + g, p -= lr*buf', () => {
    const w = tf.variable(tf.tensor1d([1]));
    const sgd = createOptimizer({ name: 'sgd', learningRate: 0.5, momentum: 0.9 });
    sgd.apply([w], [Float32Array.of(2)]);
    sgd.apply([w], [Float32Array.of(2)]);
    // buf1 = 2 -> p = 0; buf2 = 0.9*2 + 2 = 3.8 -> p = -1.9
    assert.ok(Math.abs((w.dataSync()[0] as number) + 1.9) < 1e-6);
    sgd.dispose();
    w.dispose();
  });
});

describe('metrics', () => {
  it('gives accuracy, macro accuracy over present classes, and the confusion matrix', () => {
    const m = classificationMetrics([0, 0, 0, 1], [0, 0, 1, 1], 3);
    assert.equal(m.accuracy, 0.75);
    assert.ok(Math.abs(m.macroAccuracy - (2 / 3 + 1) / 2) < 1e-12);
    assert.deepEqual(m.confusion, [
      [2, 1, 0],
      [0, 1, 0],
      [0, 0, 0],
    ]);
  });
});
