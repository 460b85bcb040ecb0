/**
 * A stop that arrives while a run scores its held-out set ends the run there: the playground's
 * restart does not wait for a score nobody will read. The stepwise evaluation scores as before.
 */
import * as assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { EncodedSequence } from '../../src/core/data/batches';
import { SequenceModel } from '../../src/core/model/sequenceModel';
import { classificationSource } from '../../src/core/training/classification';
import { evaluateClassifier } from '../../src/core/training/evaluate';
import { trainSettings } from '../../src/core/training/settings';
import { trainModel } from '../../src/core/training/trainer';
import { smallConfig, useTestBackend } from './helpers';

/** Two classes told apart by the first token, with sequences of several lengths. */
function sequences(count: number): EncodedSequence[] {
  return Array.from({ length: count }, (_, i) => ({
    ids: [i % 2, ...Array.from({ length: 2 + (i % 5) }, () => 2 + (i % 2))],
    label: i % 2,
  }));
}

describe('a stop during the held-out evaluation', () => {
  before(useTestBackend);

  it('scores the same in steps as in one go', async () => {
    const model = SequenceModel.create(smallConfig('gru'), 1);
    const heldOut = sequences(300);
    try {
      const whole = evaluateClassifier(model, heldOut);
      const source = classificationSource([], heldOut, 8);
      let steps = 0;
      const stepwise = await source.evaluate(model, async () => void (steps += 1));
      assert.ok(steps >= 2, `the evaluation took ${steps} steps`);
      assert.deepEqual(stepwise, whole);
    } finally {
      model.dispose();
    }
  });

  it('ends the run there: not completed, and no score reported for the epoch', async () => {
    let evaluating = false;
    let epochs = 0;
    const heldOut = sequences(600);
    const inner = classificationSource(sequences(32), heldOut, 8);
    const outcome = await trainModel(
      SequenceModel.create(smallConfig('gru'), 1),
      {
        batches: inner.batches,
        evaluate: (model, between) => {
          evaluating = true;
          return inner.evaluate(model, between);
        },
      },
      trainSettings({ epochs: 3, batchSize: 8 }),
      { shouldStop: () => evaluating, onEpoch: () => (epochs += 1) },
    );
    outcome.model.dispose();
    assert.equal(outcome.completed, false);
    assert.equal(epochs, 0);
    assert.equal(outcome.history.length, 0);
  });
});
