import * as tf from '@tensorflow/tfjs-core';
import * as assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { packBatch, type EncodedSequence } from '../../src/core/data/batches';
import type { CellType } from '../../src/core/model/config';
import { SequenceModel } from '../../src/core/model/sequenceModel';
import { classificationBatch } from '../../src/core/training/classification';
import { kernelStepApplies } from '../../src/core/training/kernelStep';
import { createOptimizer } from '../../src/core/training/optimizers';
import { trainStep, type StepOptions, type TrainBatch } from '../../src/core/training/step';
import { Random } from '../../src/core/random';
import { useTestBackend } from './helpers';

/** Names-like sequences of 1 to 9 ids over 11 symbols, 4 classes, so batches hold padding. */
const random = new Random(7);
const SEQUENCES: EncodedSequence[] = Array.from({ length: 20 * 12 }, () => ({
  ids: Array.from({ length: 1 + Math.floor(random.next() * 9) }, () =>
    Math.floor(random.next() * 11),
  ),
  label: Math.floor(random.next() * 4),
}));
const BATCHES = Array.from({ length: 20 }, (_, k) =>
  packBatch(SEQUENCES.slice(k * 12, k * 12 + 12)),
);

const config = (cell: CellType, numLayers: number) =>
  ({
    cell,
    nonlinearity: 'tanh',
    inputKind: 'tokens',
    inputSize: 11,
    hiddenSize: 16,
    numLayers,
    outputSize: 4,
    head: 'last',
  }) as const;

// A clip this low acts on most steps, so the scaled update is compared too.
const OPTIONS: StepOptions = { clipNorm: 0.5, recordGradients: true };

/** The same batch without its labels: the step then takes tfjs's tape, as before. */
function throughTape(batch: TrainBatch): TrainBatch {
  const { labels: _labels, ...rest } = batch;
  return rest;
}

describe('the kernel step of classification against the step through tfjs', () => {
  before(useTestBackend);

  for (const cell of ['rnn', 'gru', 'lstm'] as CellType[]) {
    for (const layers of [1, 2]) {
      it(`${cell}, ${layers} layer${layers > 1 ? 's' : ''}: 20 Adam steps give the same weights, losses and norms`, async () => {
        const fused = SequenceModel.create(config(cell, layers), 3);
        const taped = SequenceModel.create(config(cell, layers), 3);
        const [fusedAdam, tapedAdam] = [0, 0].map(() =>
          createOptimizer({ name: 'adam', learningRate: 0.01 }),
        );
        let worst = 0;
        for (const [k, arrays] of BATCHES.entries()) {
          const batch = classificationBatch(arrays);
          assert.equal(kernelStepApplies(fused, batch), true);
          assert.equal(kernelStepApplies(taped, throughTape(batch)), false);
          // The kernel step runs no tfjs kernel at all; the tape's runs several. (tf.profile
          // hands back one shared record, so each list is copied before the next profile.)
          let a!: ReturnType<typeof trainStep>;
          let b!: ReturnType<typeof trainStep>;
          const fusedOps = [
            ...(
              await tf.profile(() => {
                a = trainStep(fused, fusedAdam!, batch, OPTIONS);
              })
            ).kernelNames,
          ];
          const tapedOps = [
            ...(
              await tf.profile(() => {
                b = trainStep(taped, tapedAdam!, throughTape(batch), OPTIONS);
              })
            ).kernelNames,
          ];
          assert.deepEqual(fusedOps, []);
          assert.ok(tapedOps.length > 0);
          assert.equal(a.loss, b.loss, `step ${k}: loss`);
          assert.equal(a.correct, b.correct, `step ${k}: right answers`);
          assert.equal(a.gradNorm, b.gradNorm, `step ${k}: gradient norm`);
          assert.deepEqual(a.stepGradNorms, b.stepGradNorms, `step ${k}: ||dL/dh_t||`);
          assert.deepEqual(a.paramGradNorms, b.paramGradNorms, `step ${k}: parameter norms`);
          assert.deepEqual(a.finalStates, b.finalStates, `step ${k}: final states`);
          const after = taped.weightValues();
          for (const [name, values] of fused.weightValues()) {
            const other = after.get(name) as Float32Array;
            values.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - (other[i] as number)))));
          }
        }
        // The same float32 operations in the same order: equal to the bit, not only within 1e-5.
        assert.equal(worst, 0);
        fused.dispose();
        taped.dispose();
      });
    }
  }

  it('leaves the kernel for what it does not do: dropout drawn, two directions, a loss per step', () => {
    const batch = classificationBatch(BATCHES[0]!);
    const dropout = SequenceModel.create({ ...config('gru', 2), dropout: 0.3 }, 1);
    assert.equal(kernelStepApplies(dropout, batch, new Random(1)), false);
    assert.equal(kernelStepApplies(dropout, batch), true);
    const both = SequenceModel.create({ ...config('gru', 1), bidirectional: true }, 1);
    assert.equal(kernelStepApplies(both, batch), false);
    const steps = SequenceModel.create({ ...config('gru', 1), head: 'all' }, 1);
    assert.equal(kernelStepApplies(steps, batch), false);
    [dropout, both, steps].forEach((model) => model.dispose());
  });
});
