import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { traceSequence } from '../../src/core/explore/trace';
import { loadModel } from '../../src/core/io/modelFile';
import { SequenceModel } from '../../src/core/model/sequenceModel';
import { smallConfig, useTestBackend } from './helpers';

const ROOT = path.resolve(__dirname, '..', '..');

describe('the unfolded graph trace', () => {
  before(async () => {
    await useTestBackend();
  });

  it("GRU: keeps W_hn h_{t−1} + b_hn, so n_t's equation can be shown with its numbers", () => {
    const { manifest, model } = loadModel(path.join(ROOT, 'media', 'models', 'names-gru.json'));
    try {
      const trace = traceSequence(model, manifest.vocabulary, manifest.labels, 'Dostoevsky')!;
      const H = trace.hiddenSize;
      const bHH = Array.from(model.layerWeights()[0]!.bHH.dataSync());
      const first = trace.steps[0]!.layers[0]!;
      // h_{−1} = 0, so at the first step the term is b_hn (PyTorch's order r, z, n).
      assert.equal(first.hn!.length, H);
      first.hn!.forEach((v, j) => assert.ok(Math.abs(v - bHH[2 * H + j]!) < 1e-4, `unit ${j}`));
      const later = trace.steps[3]!.layers[0]!;
      assert.ok(later.hn!.some((v, j) => Math.abs(v - bHH[2 * H + j]!) > 1e-3));
      // n_t = tanh(a + r_t · hn) for some input term a: |n_t| < 1 and finite everywhere.
      for (const step of trace.steps)
        for (const v of step.layers[0]!.gates.n!) assert.ok(Math.abs(v) <= 1);
      assert.deepEqual(Object.keys(first.gates), ['r', 'z', 'n']);
      assert.equal(trace.activation, undefined);
    } finally {
      model.dispose();
    }
  });

  it('LSTM: gates i, f, g, o and the cell state; a plain RNN names its nonlinearity', () => {
    const vocabulary = ['a', 'b', 'c', 'd'];
    const lstm = SequenceModel.create(smallConfig('lstm'), 1);
    const relu = SequenceModel.create(smallConfig('rnn', { nonlinearity: 'relu' }), 1);
    try {
      const a = traceSequence(lstm, vocabulary, ['x', 'y'], 'abcd')!;
      const layer = a.steps[2]!.layers[0]!;
      assert.deepEqual(Object.keys(layer.gates), ['i', 'f', 'g', 'o']);
      assert.equal(layer.c!.length, 8);
      assert.equal(layer.hn, undefined);
      // c_t = f_t ⊙ c_{t−1} + i_t ⊙ g_t, to the trace's rounding.
      const previous = a.steps[1]!.layers[0]!.c!;
      layer.c!.forEach((c, j) => {
        const expected =
          layer.gates.f![j]! * previous[j]! + layer.gates.i![j]! * layer.gates.g![j]!;
        assert.ok(Math.abs(c - expected) < 1e-4, `unit ${j}`);
      });
      const b = traceSequence(relu, vocabulary, ['x', 'y'], 'abcd')!;
      assert.equal(b.activation, 'relu');
      assert.deepEqual(b.steps[0]!.layers[0]!.gates, {});
    } finally {
      lstm.dispose();
      relu.dispose();
    }
  });
});
