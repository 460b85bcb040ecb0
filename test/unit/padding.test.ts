import * as assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { batchData, packBatch } from '../../src/core/data/batches';
import type { CellType } from '../../src/core/model/config';
import { infer } from '../../src/core/model/inference';
import { SequenceModel } from '../../src/core/model/sequenceModel';
import { maxAbsDiff, useTestBackend } from './helpers';

describe('padding never changes a result', () => {
  before(useTestBackend);

  for (const cell of ['rnn', 'gru', 'lstm'] as CellType[]) {
    it(`${cell}: a name alone and in a padded batch give the same probabilities`, () => {
      const model = SequenceModel.create(
        {
          cell,
          nonlinearity: 'tanh',
          inputKind: 'tokens',
          inputSize: 57,
          hiddenSize: 16,
          numLayers: 2,
          outputSize: 18,
          head: 'last',
        },
        5,
      );
      try {
        const short = { ids: [3, 14, 18, 19, 14], label: 0 };
        const others = [
          { ids: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], label: 0 },
          { ids: [20], label: 0 },
        ];
        const alone = infer(model, batchData(packBatch([short]))).probabilities;
        const batched = infer(
          model,
          batchData(packBatch([others[0]!, short, others[1]!])),
        ).probabilities;
        const classes = 18;
        const inBatch = batched.slice(classes, 2 * classes);
        // The padded steps copy the state through exactly; only matmul tiling could differ.
        assert.ok(maxAbsDiff(alone, inBatch) <= 1e-6, `difference ${maxAbsDiff(alone, inBatch)}`);
        const lastStateAlone = model.trace(batchData(packBatch([short])))[1]!.hs.slice(-16);
        const traced = model.trace(batchData(packBatch([others[0]!, short, others[1]!])))[1]!.hs;
        const lastStateInBatch = traced.slice(traced.length - 3 * 16 + 16, traced.length - 16);
        assert.ok(maxAbsDiff(lastStateAlone, lastStateInBatch) <= 1e-6);
      } finally {
        model.dispose();
      }
    });
  }
});
