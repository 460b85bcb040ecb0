import * as tf from '@tensorflow/tfjs-core';
import * as assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { batchData, packBatch, type EncodedSequence } from '../../src/core/data/batches';
import type { CellType } from '../../src/core/model/config';
import { saliencyOf } from '../../src/core/explore/saliency';
import { infer } from '../../src/core/model/inference';
import { SequenceModel } from '../../src/core/model/sequenceModel';
import { evaluateClassifier } from '../../src/core/training/evaluate';
import { createOptimizer } from '../../src/core/training/optimizers';
import { trainSettings } from '../../src/core/training/settings';
import { trainStep } from '../../src/core/training/step';
import { classificationBatch } from '../../src/core/training/classification';
import { trainClassifier } from '../../src/core/training/trainer';
import { assertNoLeak, useTestBackend } from './helpers';

const sequences: EncodedSequence[] = Array.from({ length: 40 }, (_, i) => ({
  ids: Array.from({ length: 1 + (i % 6) }, (_, t) => (i * 3 + t) % 9),
  label: i % 3,
}));
const config = (cell: CellType) =>
  ({
    cell,
    nonlinearity: 'tanh',
    inputKind: 'tokens',
    inputSize: 9,
    hiddenSize: 6,
    numLayers: 2,
    outputSize: 3,
    head: 'last',
    dropout: 0.2,
  }) as const;
const settings = trainSettings({
  epochs: 2,
  schedule: 'cosine',
  batchSize: 8,
  optimizer: { name: 'adam', learningRate: 0.01 },
  clipNorm: 1,
  seed: 3,
  recordGradients: true,
});

describe('no public operation leaks tensors', () => {
  before(useTestBackend);

  for (const cell of ['rnn', 'gru', 'lstm'] as CellType[]) {
    it(`${cell}: a training step, with gradient recording, adam and sgd`, async () => {
      const model = SequenceModel.create(config(cell), 1);
      for (const name of ['adam', 'sgd'] as const) {
        const optimizer = createOptimizer({ name, learningRate: 0.01, momentum: 0.9 });
        // The optimizer keeps its moments in plain arrays: even its first step adds no tensor.
        await assertNoLeak(`${cell} ${name} first step`, () =>
          trainStep(
            model,
            optimizer,
            classificationBatch(packBatch(sequences.slice(0, 8))),
            settings,
          ),
        );
        const step = await assertNoLeak(`${cell} ${name} step`, () =>
          trainStep(
            model,
            optimizer,
            classificationBatch(packBatch(sequences.slice(8, 16))),
            settings,
          ),
        );
        assert.equal(step.stepGradNorms?.length, 2);
        assert.equal(Object.keys(step.paramGradNorms ?? {}).length, 10);
        optimizer.dispose();
      }
      await assertNoLeak(`${cell} inference`, () =>
        infer(model, batchData(packBatch(sequences.slice(0, 5)))),
      );
      await assertNoLeak(`${cell} evaluation`, () => evaluateClassifier(model, sequences, 16));
      const saliency = await assertNoLeak(`${cell} saliency`, () =>
        saliencyOf(model, batchData(packBatch(sequences.slice(5, 6))), {
          kind: 'class',
          index: 1,
          step: (sequences[5] as EncodedSequence).ids.length - 1,
        }),
      );
      assert.equal(saliency.occlusion?.length, 6);
      const count = tf.memory().numTensors;
      model.dispose();
      assert.equal(tf.memory().numTensors, count - 10);
    });
  }

  it('a whole training run, completed or cancelled at the first batch, leaves only its model', async () => {
    for (const stopAt of [Infinity, 0]) {
      const before = tf.memory().numTensors;
      let batches = 0;
      const outcome = await trainClassifier(
        config('gru'),
        sequences,
        sequences.slice(0, 10),
        settings,
        {
          onBatch: () => batches++,
          shouldStop: () => batches >= stopAt,
        },
      );
      assert.equal(outcome.completed, stopAt === Infinity);
      assert.equal(outcome.history.length, stopAt === Infinity ? 2 : 0);
      outcome.model.dispose();
      assert.equal(tf.memory().numTensors, before);
    }
  });
});
