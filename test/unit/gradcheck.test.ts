import * as tf from '@tensorflow/tfjs-core';
import * as assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { packBatch, batchData } from '../../src/core/data/batches';
import type { CellType, HeadKind, Nonlinearity } from '../../src/core/model/config';
import type { SequenceData } from '../../src/core/model/recurrentStack';
import { SequenceModel } from '../../src/core/model/sequenceModel';
import { crossEntropy } from '../../src/core/training/loss';
import { useTestBackend } from './helpers';

/**
 * Central differences in float32: step and tolerance sized for single-precision losses. ReLU
 * gets a smaller step so that a probe rarely crosses its kink.
 */
const stepFor = (nonlinearity: Nonlinearity): number => (nonlinearity === 'relu' ? 1e-3 : 1e-2);

function lossOf(
  model: SequenceModel,
  data: SequenceData,
  labels: Int32Array,
  head: HeadKind,
): tf.Scalar {
  const logits = model.logits(data);
  return head === 'last' ? crossEntropy(logits, labels) : crossEntropy(logits, labels, data.mask);
}

const cases: Array<[CellType, Nonlinearity, number, HeadKind]> = [
  ['rnn', 'tanh', 1, 'last'],
  ['rnn', 'relu', 2, 'last'],
  ['rnn', 'sigmoid', 1, 'all'],
  ['gru', 'tanh', 1, 'last'],
  ['gru', 'tanh', 2, 'all'],
  ['lstm', 'tanh', 1, 'all'],
  ['lstm', 'tanh', 2, 'last'],
];

describe('finite-difference gradient checks', () => {
  before(useTestBackend);

  for (const [cell, nonlinearity, numLayers, head] of cases) {
    it(`${cell} ${nonlinearity} x${numLayers}, ${head} head, padded batch`, () => {
      const model = SequenceModel.create(
        {
          cell,
          nonlinearity,
          inputKind: 'tokens',
          inputSize: 7,
          hiddenSize: 5,
          numLayers,
          outputSize: 4,
          head,
        },
        11,
      );
      try {
        const batch = packBatch([
          { ids: [1, 2, 3, 4, 6], label: 1 },
          { ids: [5, 6], label: 2 },
          { ids: [0], label: 3 },
        ]);
        const data = batchData(batch);
        const labels =
          head === 'last'
            ? batch.labels
            : Int32Array.from({ length: batch.steps * batch.size }, (_, i) => (i * 7) % 4);
        const f = (): tf.Scalar => lossOf(model, data, labels, head);
        const { value, grads } = tf.variableGrads(f, model.trainableVariables);
        value.dispose();
        let checked = 0;
        for (const [name, variable] of model.params) {
          const analytic = (grads[variable.name] as tf.Tensor).dataSync();
          const original = variable.dataSync().slice();
          for (let k = 0; k < Math.min(original.length, 8); k++) {
            const index = (k * 7919) % original.length;
            const at = (delta: number): number => {
              const shifted = original.slice();
              shifted[index] = (shifted[index] as number) + delta;
              tf.tidy(() => variable.assign(tf.tensor(shifted, variable.shape)));
              return tf.tidy(() => f().dataSync()[0] as number);
            };
            const step = stepFor(nonlinearity);
            const numeric = (at(step) - at(-step)) / (2 * step);
            tf.tidy(() => variable.assign(tf.tensor(original, variable.shape)));
            const exact = analytic[index] as number;
            assert.ok(
              Math.abs(numeric - exact) <= 2e-3 + 2e-2 * Math.abs(exact),
              `${name}[${index}]: analytic ${exact}, numeric ${numeric}`,
            );
            checked++;
          }
        }
        Object.values(grads).forEach((g) => g.dispose());
        assert.ok(checked > 20);
      } finally {
        model.dispose();
      }
    });
  }
});
