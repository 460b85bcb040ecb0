import * as tf from '@tensorflow/tfjs-core';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { packBatch, type EncodedSequence } from '../../src/core/data/batches';
import type { CellType } from '../../src/core/model/config';
import { SequenceModel } from '../../src/core/model/sequenceModel';
import { Random } from '../../src/core/random';
import { classificationBatch } from '../../src/core/training/classification';
import {
  classificationGradients,
  classificationGradientsSplit,
  kernelStepApplies,
} from '../../src/core/training/kernelStep';
import { nextTokenBatch, type TokenSequence } from '../../src/core/training/nextToken';
import { createOptimizer, type Optimizer } from '../../src/core/training/optimizers';
import {
  trainStep,
  type StepOptions,
  type StepResult,
  type TrainBatch,
} from '../../src/core/training/step';
import { trainSettings } from '../../src/core/training/settings';
import { splitRows, StepHelper } from '../../src/core/training/stepHelper';
import { trainModel } from '../../src/core/training/trainer';
import { useTestBackend } from './helpers';

/** Names-like sequences of 1 to 9 ids over 11 symbols, 4 classes. */
const random = new Random(7);
const SEQUENCES: EncodedSequence[] = Array.from({ length: 240 }, () => ({
  ids: Array.from({ length: 1 + Math.floor(random.next() * 9) }, () =>
    Math.floor(random.next() * 11),
  ),
  label: Math.floor(random.next() * 4),
}));

/** Batch k of `rows` sequences; sorted by length, as the bucketed batches are, or not. */
function batchOf(k: number, rows: number, sorted: boolean): TrainBatch {
  const from = (k * rows) % SEQUENCES.length;
  const sequences = SEQUENCES.slice(from, from + rows);
  if (sorted) sequences.sort((a, b) => a.ids.length - b.ids.length);
  return classificationBatch(packBatch(sequences));
}

const config = (
  cell: CellType,
  numLayers: number,
  hiddenSize = 16,
  dropout = 0,
  bidirectional = false,
) =>
  ({
    cell,
    nonlinearity: 'tanh',
    inputKind: 'tokens',
    inputSize: 11,
    hiddenSize,
    numLayers,
    outputSize: 4,
    head: 'last',
    dropout,
    bidirectional,
  }) as const;

// A clip this low acts on most steps, so the scaled update is compared too.
const OPTIONS: StepOptions = { clipNorm: 0.5, recordGradients: true };

/** The same batch without its labels: the step then takes tfjs's tape, as before. */
function throughTape(batch: TrainBatch): TrainBatch {
  const rest = { ...batch };
  delete rest.labels;
  delete rest.labelWeights;
  return rest;
}

/** Two models alike, each with its Adam and its dropout stream, stepped side by side. */
function twins(
  cell: CellType,
  layers: number,
  hidden?: number,
  dropout?: number,
  bidirectional?: boolean,
) {
  return [0, 1].map(() => ({
    model: SequenceModel.create(config(cell, layers, hidden, dropout, bidirectional), 3),
    adam: createOptimizer({ name: 'adam', learningRate: 0.01 }) as Optimizer,
    random: new Random(11),
  }));
}

type Twin = ReturnType<typeof twins>[number];

function largestWeightDifference(a: SequenceModel, b: SequenceModel): number {
  const other = b.weightValues();
  let worst = 0;
  for (const [name, values] of a.weightValues()) {
    const them = other.get(name) as Float32Array;
    values.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - (them[i] as number)))));
  }
  return worst;
}

describe('the kernel step of classification against the step through tfjs', () => {
  before(useTestBackend);

  const cases = (['rnn', 'gru', 'lstm'] as CellType[]).flatMap((cell) => [
    { cell, layers: 1, dropout: 0, bidirectional: false },
    { cell, layers: 2, dropout: 0, bidirectional: false },
    { cell, layers: 2, dropout: 0.3, bidirectional: false },
    { cell, layers: 1, dropout: 0.3, bidirectional: true },
  ]);
  for (const { cell, layers, dropout, bidirectional } of cases) {
    it(`${cell}, ${layers} layer(s)${bidirectional ? ', bidirectional' : ''}, dropout ${dropout}: 20 Adam steps give the same weights, losses and norms`, async () => {
      const [fused, taped] = twins(cell, layers, 16, dropout, bidirectional) as [Twin, Twin];
      for (let k = 0; k < 20; k++) {
        const batch = batchOf(k, 12, false);
        assert.equal(kernelStepApplies(fused.model, batch), true);
        assert.equal(kernelStepApplies(taped.model, throughTape(batch)), false);
        // The kernel step runs no tfjs kernel at all; the tape's runs several. (tf.profile
        // hands back one shared record, so each list is copied before the next profile.)
        let a!: StepResult;
        let b!: StepResult;
        const fusedOps = [
          ...(
            await tf.profile(() => {
              a = trainStep(fused.model, fused.adam, batch, OPTIONS, fused.random);
            })
          ).kernelNames,
        ];
        const tapedOps = [
          ...(
            await tf.profile(() => {
              b = trainStep(taped.model, taped.adam, throughTape(batch), OPTIONS, taped.random);
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
      }
      // The same float32 operations in the same order: equal to the bit, not only within 1e-5.
      assert.equal(largestWeightDifference(fused.model, taped.model), 0);
      // Both drew the same dropout masks, and as many of them.
      assert.equal(fused.random.next(), taped.random.next());
      [fused, taped].forEach(({ model }) => model.dispose());
    });
  }

  // A language model: a head at every step, 8 streams of 6 steps carried from chunk to chunk
  // (truncated BPTT), the last chunk's streams of unequal length, teacher-forced or free-running.
  for (const [cell, teacherForcing] of [
    ['gru', true],
    ['lstm', false],
  ] as const) {
    it(`${cell}, a head at every step, ${teacherForcing ? 'teacher forcing' : 'free-running'}, states carried: 20 Adam steps equal the tape's`, async () => {
      const lm = { ...config(cell, 2, 16, 0.3), outputSize: 11, head: 'all' } as const;
      const languageTwin = () => ({
        model: SequenceModel.create(lm, 4),
        adam: createOptimizer({ name: 'adam', learningRate: 0.01 }) as Optimizer,
        random: new Random(13),
        carried: undefined as StepResult['finalStates'] | undefined,
      });
      const [fused, taped] = [languageTwin(), languageTwin()];
      const stream = (s: number, k: number): TokenSequence => {
        const length = k === 19 ? 2 + s : 6;
        const ids = Array.from({ length: length + 1 }, (_, t) => (s * 7 + k * 6 + t * 3) % 11);
        return { inputs: ids.slice(0, -1), targets: ids.slice(1) };
      };
      for (let k = 0; k < 20; k++) {
        const sequences = Array.from({ length: 4 }, (_, s) => stream(s, k));
        const results: StepResult[] = [];
        for (const side of [fused, taped] as const) {
          const batch = nextTokenBatch(sequences, { teacherForcing, continues: k > 0 });
          const ran = side === fused ? batch : throughTape(batch);
          assert.equal(kernelStepApplies(side.model, ran), side === fused);
          const ops = [
            ...(
              await tf.profile(() => {
                results.push(
                  trainStep(side.model, side.adam, ran, OPTIONS, side.random, side.carried),
                );
              })
            ).kernelNames,
          ];
          // Free-running picks its inputs with the model before the step, in either case.
          if (side === fused && teacherForcing) assert.deepEqual(ops, []);
          side.carried = results[results.length - 1]!.finalStates;
        }
        const [a, b] = results as [StepResult, StepResult];
        assert.equal(a.loss, b.loss, `step ${k}: loss`);
        assert.equal(a.correct, b.correct, `step ${k}: right answers`);
        assert.equal(a.gradNorm, b.gradNorm, `step ${k}: gradient norm`);
        assert.deepEqual(a.stepGradNorms, b.stepGradNorms, `step ${k}: ||dL/dh_t||`);
        assert.deepEqual(a.finalStates, b.finalStates, `step ${k}: final states`);
      }
      assert.equal(largestWeightDifference(fused.model, taped.model), 0);
      [fused, taped].forEach(({ model }) => model.dispose());
    });
  }

  it('leaves the kernel for what it does not do: a batch without labels', () => {
    const batch = batchOf(0, 12, false);
    const model = SequenceModel.create(config('gru', 1), 1);
    assert.equal(kernelStepApplies(model, throughTape(batch)), false);
    model.dispose();
  });
});

describe('the classification step split across two threads', () => {
  let helper: StepHelper;
  before(async () => {
    await useTestBackend();
    helper = await StepHelper.start(
      path.join(__dirname, '..', '..', 'scripts', 'stepHelper.dev.mjs'),
    );
  });
  after(() => helper?.dispose());

  it('splits a batch sorted by length where half its steps lie on each side', () => {
    const arrays = packBatch(
      [1, 1, 2, 2, 3, 3, 4, 8].map((length, k) => ({
        ids: Array.from({ length }, (_, t) => (k + t) % 11),
        label: k % 4,
      })),
    );
    const [first, second] = splitRows(classificationBatch(arrays).data, arrays.labels);
    // 24 steps in all: 1+1+2+2+3+3 = 12 on the first side, 4+8 = 12 on the second.
    assert.deepEqual([first.from, first.data.batch, first.data.steps], [0, 6, 3]);
    assert.deepEqual([second.from, second.data.batch, second.data.steps], [6, 2, 8]);
    assert.deepEqual(Array.from(second.labels), [2, 3]);
    // Row 1 of the second part is the batch's row 7, step for step.
    for (let t = 0; t < 8; t++) {
      assert.equal(second.data.tokens![t * 2 + 1], arrays.ids[t * 8 + 7]);
      assert.equal(second.data.mask[t * 2 + 1], arrays.mask[t * 8 + 7]);
    }
  });

  // Hidden 256, two layers, 48 rows: every batch is past the split's threshold.
  for (const cell of ['rnn', 'gru', 'lstm'] as CellType[]) {
    it(`${cell} 256, 2 layers, dropout 0.3: one step's gradients on two threads equal one thread's within float32 rounding`, () => {
      const [two, one] = twins(cell, 2, 256, 0.3) as [Twin, Twin];
      const batch = batchOf(0, 48, true);
      const labels = batch.labels as Int32Array;
      const a = classificationGradientsSplit(two.model, batch, labels, helper, two.random);
      const b = classificationGradients(one.model, batch, labels, one.random);
      assert.ok(Math.abs(a.loss - b.loss) <= 1e-6 * b.loss, `loss ${a.loss} against ${b.loss}`);
      assert.equal(a.correct, b.correct);
      // Each row's forward pass is its own, so the states are the same to the bit.
      assert.deepEqual(a.finalStates, b.finalStates);
      let differs = false;
      a.grads.forEach((grad, p) => {
        const other = b.grads[p] as Float32Array;
        const scale = other.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
        grad.forEach((g, i) => {
          differs ||= g !== other[i];
          assert.ok(Math.abs(g - (other[i] as number)) <= 1e-5 * scale, `parameter ${p}[${i}]`);
        });
      });
      assert.ok(differs, 'the sums over rows run in another order, so not to the bit');
      // Through up to nine steps back, per-row rounding in the backward matmuls compounds.
      a.stepNorms!.forEach((layer, l) =>
        layer.forEach((norm, t) => {
          const other = b.stepNorms![l]![t]!;
          assert.ok(Math.abs(norm - other) <= 1e-4 * other, `||dL/dh_${t}|| of layer ${l}`);
        }),
      );
      [two, one].forEach(({ model }) => model.dispose());
    });

    // Adam divides by the root of each gradient's running square, so a gradient near 0 turns
    // rounding into a step of up to the learning rate; SGD's step is linear in the gradient.
    it(`${cell} 256, 2 layers: 20 SGD steps on two threads stay within 1e-5 of one thread`, () => {
      const [two, one] = twins(cell, 2, 256, 0.3) as [Twin, Twin];
      const [twoSgd, oneSgd] = [0, 1].map(() =>
        createOptimizer({ name: 'sgd', learningRate: 0.1, momentum: 0.9 }),
      ) as [Optimizer, Optimizer];
      for (let k = 0; k < 20; k++) {
        const batch = batchOf(k, 48, true);
        const a = trainStep(two.model, twoSgd, batch, OPTIONS, two.random, undefined, helper);
        const b = trainStep(one.model, oneSgd, batch, OPTIONS, one.random);
        assert.ok(Math.abs(a.loss - b.loss) <= 1e-5 * b.loss, `step ${k}: loss`);
      }
      const worst = largestWeightDifference(two.model, one.model);
      assert.ok(worst > 0 && worst < 1e-5, `largest difference ${worst}`);
      [two, one].forEach(({ model }) => model.dispose());
    });
  }

  it('fails at the start, not at the first step, when the helper cannot start', async () => {
    await assert.rejects(
      StepHelper.start(path.join(__dirname, 'no-such-helper.js')),
      /The training helper thread could not start/,
    );
    // Through trainModel, the model it was given is disposed, as on any failed training.
    const model = SequenceModel.create(config('gru', 1), 1);
    await assert.rejects(
      trainModel(
        model,
        { batches: () => [batchOf(0, 12, true)], evaluate: () => ({ loss: 0, accuracy: 0 }) },
        trainSettings({ epochs: 1, helperThread: path.join(__dirname, 'no-such-helper.js') }),
      ),
      /The training helper thread could not start/,
    );
    assert.ok(model.trainableVariables.every((variable) => variable.isDisposed));
  });

  it('gru 256, bidirectional, dropout 0.3: one step on two threads equals one thread within float32 rounding', () => {
    const [two, one] = twins('gru', 1, 256, 0.3, true) as [Twin, Twin];
    const batch = batchOf(1, 48, true);
    const labels = batch.labels as Int32Array;
    const a = classificationGradientsSplit(two.model, batch, labels, helper, two.random);
    const b = classificationGradients(one.model, batch, labels, one.random);
    assert.ok(Math.abs(a.loss - b.loss) <= 1e-6 * b.loss, `loss ${a.loss} against ${b.loss}`);
    a.grads.forEach((grad, p) => {
      const other = b.grads[p] as Float32Array;
      const scale = other.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      grad.forEach((g, i) =>
        assert.ok(Math.abs(g - (other[i] as number)) <= 1e-5 * scale, `parameter ${p}[${i}]`),
      );
    });
    [two, one].forEach(({ model }) => model.dispose());
  });

  it('keeps a step too small to pay for the helper on one thread, to the bit', () => {
    const [two, one] = twins('gru', 1) as [
      ReturnType<typeof twins>[0],
      ReturnType<typeof twins>[0],
    ];
    for (let k = 0; k < 5; k++) {
      const batch = batchOf(k, 48, true);
      trainStep(two.model, two.adam, batch, OPTIONS, two.random, undefined, helper);
      trainStep(one.model, one.adam, batch, OPTIONS, one.random);
    }
    assert.equal(largestWeightDifference(two.model, one.model), 0);
    [two, one].forEach(({ model }) => model.dispose());
  });
});
