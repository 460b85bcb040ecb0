import * as tf from '@tensorflow/tfjs-core';
import * as assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { batchData, packBatch, type EncodedSequence } from '../../src/core/data/batches';
import type { CellType, ModelConfig } from '../../src/core/model/config';
import { infer } from '../../src/core/model/inference';
import { SequenceModel } from '../../src/core/model/sequenceModel';
import { Random } from '../../src/core/random';
import { classificationBatch } from '../../src/core/training/classification';
import { crossEntropy } from '../../src/core/training/loss';
import { createOptimizer } from '../../src/core/training/optimizers';
import { trainStep } from '../../src/core/training/step';
import { assertNoLeak, maxAbsDiff, useTestBackend } from './helpers';

const CELLS: CellType[] = ['rnn', 'gru', 'lstm'];

const config = (cell: CellType, extra: Partial<ModelConfig> = {}): ModelConfig => ({
  cell,
  nonlinearity: 'tanh',
  inputKind: 'tokens',
  inputSize: 7,
  hiddenSize: 4,
  numLayers: 1,
  outputSize: 3,
  head: 'last',
  bidirectional: true,
  ...extra,
});

/** Different lengths, so that the backward direction must start at each sequence's own end. */
const SEQUENCES: EncodedSequence[] = [
  { ids: [1, 2, 3, 4, 6], label: 1 },
  { ids: [5, 6], label: 2 },
  { ids: [0], label: 0 },
  { ids: [3, 1, 4, 1], label: 2 },
];

const dataOf = (sequences: readonly EncodedSequence[]) => batchData(packBatch(sequences));

/** A [B, C] model output as plain numbers, freeing the tensors. */
const logitsOf = (model: SequenceModel, sequences: readonly EncodedSequence[]): Float32Array =>
  tf.tidy(() => model.logits(dataOf(sequences)).dataSync() as Float32Array);

describe('bidirectional models', () => {
  before(useTestBackend);

  for (const cell of CELLS) {
    it(`${cell}: finite-difference gradients of both directions and the head, padded batch`, () => {
      const model = SequenceModel.create(config(cell), 17);
      try {
        const batch = packBatch(SEQUENCES);
        const data = batchData(batch);
        const f = (): tf.Scalar => crossEntropy(model.logits(data), batch.labels);
        const { value, grads } = tf.variableGrads(f, model.trainableVariables);
        value.dispose();
        const checkedByName = new Map<string, number>();
        for (const [name, variable] of model.params) {
          const analytic = (grads[variable.name] as tf.Tensor).dataSync();
          const original = variable.dataSync().slice();
          let largest = 0;
          for (let k = 0; k < Math.min(original.length, 8); k++) {
            const index = (k * 7919) % original.length;
            const at = (delta: number): number => {
              const shifted = original.slice();
              shifted[index] = (shifted[index] as number) + delta;
              tf.tidy(() => variable.assign(tf.tensor(shifted, variable.shape)));
              return tf.tidy(() => f().dataSync()[0] as number);
            };
            const step = 1e-2;
            const numeric = (at(step) - at(-step)) / (2 * step);
            tf.tidy(() => variable.assign(tf.tensor(original, variable.shape)));
            const exact = analytic[index] as number;
            assert.ok(
              Math.abs(numeric - exact) <= 2e-3 + 2e-2 * Math.abs(exact),
              `${name}[${index}]: analytic ${exact}, numeric ${numeric}`,
            );
            largest = Math.max(largest, Math.abs(exact));
          }
          checkedByName.set(name, largest);
        }
        Object.values(grads).forEach((g) => g.dispose());
        assert.equal(checkedByName.size, 10);
        // The backward direction really takes part: its weights get gradients too.
        for (const name of ['rnn.weight_ih_l0_reverse', 'rnn.weight_hh_l0_reverse'])
          assert.ok((checkedByName.get(name) as number) > 1e-6, `${name} has no gradient`);
      } finally {
        model.dispose();
      }
    });
  }

  for (const cell of CELLS) {
    it(`${cell}: a padded batch gives each sequence the probabilities it gets alone`, () => {
      const model = SequenceModel.create(config(cell), 5);
      try {
        const batched = infer(model, dataOf(SEQUENCES)).probabilities;
        const batchedLogits = logitsOf(model, SEQUENCES);
        SEQUENCES.forEach((sequence, b) => {
          const alone = infer(model, dataOf([sequence])).probabilities;
          assert.ok(maxAbsDiff(batched.slice(b * 3, b * 3 + 3), alone) < 1e-6, `sequence ${b}`);
          const aloneLogits = logitsOf(model, [sequence]);
          assert.ok(maxAbsDiff(batchedLogits.slice(b * 3, b * 3 + 3), aloneLogits) < 1e-5);
        });
        // Padding with other ids changes nothing either: only the mask marks the end.
        const garbage = { ...dataOf(SEQUENCES) };
        garbage.tokens = (garbage.tokens as Int32Array).map((id, p) =>
          garbage.mask[p] ? id : (p * 5) % 7,
        );
        assert.ok(maxAbsDiff(infer(model, garbage).probabilities, batched) < 1e-6);
      } finally {
        model.dispose();
      }
    });
  }

  it('the backward direction reads each sequence from its last valid step to its first', () => {
    // Both directions share one unidirectional model's weights; the head reads one half only.
    const H = 4;
    const single = SequenceModel.create({ ...config('gru'), bidirectional: false }, 9);
    const weights = single.weightValues();
    const fcWeight = weights.get('fc.weight') as Float32Array;
    const halves = (side: 0 | 1): Map<string, Float32Array> => {
      const values = new Map<string, Float32Array>();
      for (const [name, value] of weights) {
        if (name.startsWith('rnn.')) values.set(name, value).set(`${name}_reverse`, value);
      }
      const wide = new Float32Array(3 * 2 * H);
      for (let c = 0; c < 3; c++)
        wide.set(fcWeight.subarray(c * H, (c + 1) * H), c * 2 * H + side * H);
      return values.set('fc.weight', wide).set('fc.bias', weights.get('fc.bias') as Float32Array);
    };
    const forwardOnly = SequenceModel.fromValues(config('gru'), halves(0));
    const backwardOnly = SequenceModel.fromValues(config('gru'), halves(1));
    try {
      const reversed = SEQUENCES.map((s) => ({ ...s, ids: [...s.ids].reverse() }));
      assert.ok(maxAbsDiff(logitsOf(forwardOnly, SEQUENCES), logitsOf(single, SEQUENCES)) < 1e-5);
      assert.ok(maxAbsDiff(logitsOf(backwardOnly, SEQUENCES), logitsOf(single, reversed)) < 1e-5);
      // And not merely the forward reading again (the sequences are not palindromes).
      assert.ok(maxAbsDiff(logitsOf(backwardOnly, SEQUENCES), logitsOf(single, SEQUENCES)) > 1e-4);
    } finally {
      single.dispose();
      forwardOnly.dispose();
      backwardOnly.dispose();
    }
  });

  for (const cell of CELLS) {
    it(`${cell}: infer's step probabilities are the probabilities of every prefix`, () => {
      const model = SequenceModel.create(config(cell), 23);
      try {
        const data = dataOf(SEQUENCES);
        const B = SEQUENCES.length;
        const C = 3;
        const { stepProbabilities, probabilities } = infer(model, data);
        assert.equal(stepProbabilities.length, data.steps * B * C);
        const at = (t: number, b: number) =>
          stepProbabilities.slice((t * B + b) * C, (t * B + b + 1) * C);
        SEQUENCES.forEach((sequence, b) => {
          const length = sequence.ids.length;
          assert.deepEqual(at(length - 1, b), probabilities.slice(b * C, (b + 1) * C));
          for (let t = 0; t < length - 1; t++) {
            const prefix = { ...sequence, ids: sequence.ids.slice(0, t + 1) };
            const alone = infer(model, dataOf([prefix])).probabilities;
            assert.ok(maxAbsDiff(at(t, b), alone) < 1e-6, `sequence ${b}, step ${t}`);
          }
          // Past its end a sequence's prediction stays the one after its last valid step.
          for (let t = length; t < data.steps; t++)
            assert.deepEqual(at(t, b), at(length - 1, b), `sequence ${b}, padded step ${t}`);
        });
      } finally {
        model.dispose();
      }
    });
  }

  for (const cell of CELLS) {
    it(`${cell}: a training step and inference leave no tensors behind`, async () => {
      const model = SequenceModel.create(config(cell, { dropout: 0.2 }), 1);
      const settings = { clipNorm: 1, recordGradients: true };
      const optimizer = createOptimizer({ name: 'adam', learningRate: 0.01 });
      try {
        const random = new Random(4);
        const before = (
          model.weightValues().get('rnn.weight_hh_l0_reverse') as Float32Array
        ).slice();
        // The first step creates the optimizer's moment variables; they are freed by dispose.
        trainStep(model, optimizer, classificationBatch(packBatch(SEQUENCES)), settings, random);
        const step = await assertNoLeak(`${cell} bidirectional step`, () =>
          trainStep(
            model,
            optimizer,
            classificationBatch(packBatch(SEQUENCES.slice(1))),
            settings,
            random,
          ),
        );
        assert.ok(Number.isFinite(step.loss));
        assert.equal(Object.keys(step.paramGradNorms ?? {}).length, 10);
        const after = model.weightValues().get('rnn.weight_hh_l0_reverse') as Float32Array;
        assert.ok(maxAbsDiff(before, after) > 0, 'the backward direction was not trained');
        await assertNoLeak(`${cell} bidirectional inference`, () =>
          infer(model, dataOf(SEQUENCES)),
        );
      } finally {
        optimizer.dispose();
        model.dispose();
      }
    });
  }
});
