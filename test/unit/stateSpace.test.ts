import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  collectNameStates,
  collectSequenceStates,
  fitStateBasis,
  projectStates,
} from '../../src/core/explore/stateSpace';
import { tokenInput } from '../../src/core/explore/trace';
import { loadNames } from '../../src/core/data/names';
import { loadModel, type LoadedModel } from '../../src/core/io/modelFile';
import { SequenceModel } from '../../src/core/model/sequenceModel';
import { NamesClassifier } from '../../src/core/tasks/names';
import { maxAbsDiff, smallConfig, useTestBackend } from './helpers';

const ROOT = path.resolve(__dirname, '..', '..');

describe('the State space view’s states', () => {
  let loaded: LoadedModel;
  let names: string[];
  before(async () => {
    await useTestBackend();
    loaded = loadModel(path.join(ROOT, 'media', 'models', 'names-gru.json'));
    // More than one batch of names, of every length, in the data set's order.
    names = loadNames(path.join(ROOT, 'media', 'data', 'names'))
      .test.map((n) => n.name)
      .slice(0, 1200);
  });
  after(() => loaded.model.dispose());

  it('gives each name the states after its letters, as when it is read alone', () => {
    const { model, manifest } = loaded;
    const states = collectNameStates(model, manifest.vocabulary, names);
    const H = states.dimensions;
    assert.equal(states.offsets.length, names.length + 1);
    for (const index of [0, 1, 517, 1100, names.length - 1]) {
      const name = names[index] as string;
      const alone = collectSequenceStates(model, tokenInput(manifest.vocabulary, name)!.data);
      const from = states.offsets[index] as number;
      const to = states.offsets[index + 1] as number;
      assert.equal(to - from, name.length, name);
      // Padded batches carry the state through bit for bit, so the states are the same.
      assert.ok(maxAbsDiff(states.steps.subarray(from * H, to * H), alone.steps) < 1e-6, name);
      assert.deepEqual(
        states.finals.subarray(index * H, (index + 1) * H),
        states.steps.subarray((to - 1) * H, to * H),
        `${name}: the trajectory ends at the final state`,
      );
    }
  });

  it('names the language the classifier predicts for each name', () => {
    const { model, manifest } = loaded;
    const states = collectNameStates(model, manifest.vocabulary, names.slice(0, 300));
    const classifier = new NamesClassifier(model, manifest);
    names.slice(0, 300).forEach((name, index) => {
      const result = classifier.predict(name, 1);
      assert.ok(result.ok);
      assert.equal(manifest.labels[states.predicted[index] as number], result.top[0]?.language);
    });
  });

  it('projects onto uncorrelated axes whose variances are the explained shares', () => {
    const { model, manifest } = loaded;
    const states = collectNameStates(model, manifest.vocabulary, names);
    const basis = fitStateBasis(states);
    const { finals, steps } = projectStates(basis, states);
    const H = states.dimensions;
    const n = names.length;
    // Total variance of the final states, in float64, straight from the definition.
    let total = 0;
    for (let d = 0; d < H; d++) {
      let mean = 0;
      for (let i = 0; i < n; i++) mean += states.finals[i * H + d] as number;
      mean /= n;
      for (let i = 0; i < n; i++) total += ((states.finals[i * H + d] as number) - mean) ** 2;
    }
    const moments = [0, 1].map((c) => {
      let sum = 0;
      for (let i = 0; i < n; i++) sum += finals[i * 2 + c] as number;
      return sum / n;
    });
    const variance = (c: number): number => {
      let sum = 0;
      for (let i = 0; i < n; i++) sum += ((finals[i * 2 + c] as number) - moments[c]!) ** 2;
      return sum;
    };
    let covariance = 0;
    for (let i = 0; i < n; i++)
      covariance += (finals[i * 2] as number) * (finals[i * 2 + 1] as number);
    for (const c of [0, 1]) {
      assert.ok(Math.abs(moments[c]!) < 1e-9, 'the projection is centred on the fitted mean');
      assert.ok(Math.abs(variance(c) / total - basis.explainedRatio[c]!) < 1e-9);
    }
    assert.ok(Math.abs(covariance) / Math.sqrt(variance(0) * variance(1)) < 1e-9);
    assert.ok(basis.explainedRatio[0]! >= basis.explainedRatio[1]!);
    // A trajectory's last point is its name's point.
    const last = (states.offsets[1] as number) - 1;
    assert.deepEqual([steps[last * 2], steps[last * 2 + 1]], [finals[0], finals[1]]);
  });

  it('reads one sequence’s states along it, fitting the basis on them', () => {
    const model = SequenceModel.create(smallConfig('lstm', { hiddenSize: 6 }), 5);
    try {
      const traced = tokenInput(['a', 'b', 'c', 'd'], 'abcddcbaab')!;
      const states = collectSequenceStates(model, traced.data);
      assert.equal(states.steps.length, 10 * 6);
      assert.deepEqual(states.finals, states.steps.subarray(9 * 6));
      const { steps } = projectStates(fitStateBasis(states), states);
      assert.equal(steps.length, 20);
    } finally {
      model.dispose();
    }
  });
});
