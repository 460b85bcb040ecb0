import * as assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { batchData, packBatch } from '../../src/core/data/batches';
import {
  inputGradient,
  MAX_OCCLUSION_STEPS,
  saliencyOf,
  type SaliencyTarget,
} from '../../src/core/explore/saliency';
import { traceInput } from '../../src/core/explore/trace';
import type { ModelConfig } from '../../src/core/model/config';
import { infer, logSoftmaxRows } from '../../src/core/model/inference';
import type { SequenceData } from '../../src/core/model/recurrentStack';
import { SequenceModel } from '../../src/core/model/sequenceModel';
import { smallConfig, useTestBackend } from './helpers';

const VOCABULARY = 7;
const IDS = [1, 4, 0, 6, 2];

/** One sequence of explicit input vectors, [T*I]: the form in which an entry can be nudged. */
function denseOne(x: Float32Array, steps: number, features: number): SequenceData {
  return { steps, batch: 1, mask: new Float32Array(steps).fill(1), dense: x, features };
}

function oneHot(ids: readonly number[], size: number): Float32Array {
  const x = new Float32Array(ids.length * size);
  ids.forEach((id, t) => (x[t * size + id] = 1));
  return x;
}

/** The target recomputed from scratch by a plain forward pass, as the reference. */
function targetOf(model: SequenceModel, data: SequenceData, target: SaliencyTarget): number {
  const C = model.config.outputSize;
  const row = infer(model, data).stepOutputs.subarray(target.step * C, (target.step + 1) * C);
  if (target.kind === 'values') return row.reduce((sum, v) => sum + v, 0);
  return logSoftmaxRows(row, C)[target.index] as number;
}

/**
 * Central differences of the target in each input entry, in float64 arithmetic over the
 * model's float32 forward pass: step and tolerance are those of the weight gradient check.
 */
function numericGradient(
  model: SequenceModel,
  x: Float32Array,
  steps: number,
  target: SaliencyTarget,
): Float64Array {
  const I = model.config.inputSize;
  const step = 1e-2;
  const out = new Float64Array(x.length);
  for (let k = 0; k < x.length; k++) {
    const at = (delta: number): number => {
      const shifted = x.slice();
      shifted[k] = (shifted[k] as number) + delta;
      return targetOf(model, denseOne(shifted, steps, I), target);
    };
    out[k] = (at(step) - at(-step)) / (2 * step);
  }
  return out;
}

const close = (analytic: number, numeric: number): boolean =>
  Math.abs(numeric - analytic) <= 2e-3 + 2e-2 * Math.abs(analytic);

const cases: Array<[string, Partial<ModelConfig> & Pick<ModelConfig, 'cell'>]> = [
  ['rnn tanh x1', { cell: 'rnn' }],
  ['rnn tanh x2', { cell: 'rnn', numLayers: 2 }],
  ['gru x1', { cell: 'gru' }],
  ['gru x2', { cell: 'gru', numLayers: 2 }],
  ['lstm x1', { cell: 'lstm' }],
  ['lstm x2', { cell: 'lstm', numLayers: 2 }],
  ['gru bidirectional', { cell: 'gru', bidirectional: true }],
  ['lstm bidirectional', { cell: 'lstm', bidirectional: true }],
];

describe('saliency: each input step’s contribution to a prediction', () => {
  before(useTestBackend);

  for (const [label, extra] of cases) {
    it(`${label}: the input gradient matches finite differences, occlusion a re-run`, () => {
      const model = SequenceModel.create(
        smallConfig(extra.cell, { inputSize: VOCABULARY, hiddenSize: 6, outputSize: 3, ...extra }),
        5,
      );
      try {
        const data = batchData(packBatch([{ ids: IDS, label: 0 }]));
        const T = IDS.length;
        const probabilities = infer(model, data).probabilities;
        const predicted = Array.from(probabilities).indexOf(Math.max(...probabilities));
        const target: SaliencyTarget = { kind: 'class', index: predicted, step: T - 1 };
        const x = oneHot(IDS, VOCABULARY);
        const numeric = numericGradient(model, x, T, target);
        const exact = inputGradient(model, data, target);
        exact.forEach((g, k) =>
          assert.ok(close(g, numeric[k] as number), `entry ${k}: ${g} vs ${numeric[k]}`),
        );

        const saliency = saliencyOf(model, data, target);
        assert.ok(Math.abs(saliency.value - Math.log(probabilities[predicted] as number)) < 1e-5);
        IDS.forEach((id, t) => {
          // One-hot: gradient × input is the gradient at the symbol's own entry.
          assert.ok(
            close(saliency.gradientInput[t] as number, numeric[t * VOCABULARY + id] as number),
          );
          const row = numeric.subarray(t * VOCABULARY, (t + 1) * VOCABULARY);
          const norm = Math.hypot(...row);
          assert.ok(close(saliency.connectivity[t] as number, norm), `connectivity ${t}`);
          const without = x.slice();
          without.fill(0, t * VOCABULARY, (t + 1) * VOCABULARY);
          const rerun = targetOf(model, denseOne(without, T, VOCABULARY), target);
          assert.ok(
            Math.abs((saliency.occlusion?.[t] as number) - (saliency.value - rerun)) < 1e-5,
            `occlusion ${t}`,
          );
        });
      } finally {
        model.dispose();
      }
    });
  }

  it('a character model at a chosen step: later steps contribute exactly nothing', () => {
    const model = SequenceModel.create(
      smallConfig('lstm', {
        inputSize: VOCABULARY,
        hiddenSize: 6,
        outputSize: VOCABULARY,
        head: 'all',
      }),
      8,
    );
    try {
      const data = batchData(packBatch([{ ids: IDS, label: 0 }]));
      const target: SaliencyTarget = { kind: 'class', index: 3, step: 2 };
      const numeric = numericGradient(model, oneHot(IDS, VOCABULARY), IDS.length, target);
      const exact = inputGradient(model, data, target);
      exact.forEach((g, k) => assert.ok(close(g, numeric[k] as number), `entry ${k}`));
      const saliency = saliencyOf(model, data, target);
      for (let t = 3; t < IDS.length; t++) {
        assert.equal(saliency.connectivity[t], 0);
        assert.equal(saliency.gradientInput[t], 0);
        assert.equal(saliency.occlusion?.[t], 0);
      }
      assert.ok((saliency.connectivity[2] as number) > 0);
      // The steps up to the target: each blanked input read again from its start.
      for (let t = 0; t <= 2; t++) {
        const without = oneHot(IDS, VOCABULARY);
        without.fill(0, t * VOCABULARY, (t + 1) * VOCABULARY);
        const rerun = targetOf(model, denseOne(without, IDS.length, VOCABULARY), target);
        assert.ok(
          Math.abs((saliency.occlusion?.[t] as number) - (saliency.value - rerun)) < 1e-5,
          `occlusion ${t}`,
        );
      }
    } finally {
      model.dispose();
    }
  });

  it('a ReLU forecaster without biases: gradient × input sums to the output (Euler)', () => {
    // Every layer is positively homogeneous of degree 1 in x, so f(x) = Σ ∂f/∂x · x exactly.
    const config = smallConfig('rnn', {
      nonlinearity: 'relu',
      inputKind: 'dense',
      inputSize: 2,
      hiddenSize: 5,
      numLayers: 2,
      outputSize: 1,
    });
    const values = SequenceModel.create(config, 3).weightValues();
    for (const [name, value] of values) if (name.includes('bias')) value.fill(0);
    const model = SequenceModel.fromValues(config, values);
    try {
      const x = Float32Array.from([0.5, -1, 1.2, 0.3, -0.7, 2, 0.9, 0.1]);
      const data = denseOne(x, 4, 2);
      const target: SaliencyTarget = { kind: 'values', step: 3 };
      const saliency = saliencyOf(model, data, target);
      const total = saliency.gradientInput.reduce((sum, v) => sum + v, 0);
      assert.ok(Math.abs(saliency.value) > 1e-3, 'a nonzero output to explain');
      assert.ok(Math.abs(total - saliency.value) < 1e-4 * (1 + Math.abs(saliency.value)));
      const numeric = numericGradient(model, x, 4, target);
      inputGradient(model, data, target).forEach((g, k) =>
        assert.ok(close(g, numeric[k] as number), `entry ${k}`),
      );
    } finally {
      model.dispose();
    }
  });

  /** Weights under which the output reads one letter only: every measure ranks its step first. */
  function planted(bidirectional: boolean): SequenceModel {
    const config = smallConfig('rnn', {
      inputSize: VOCABULARY,
      hiddenSize: 3,
      outputSize: 2,
      bidirectional,
    });
    const values = SequenceModel.create(config, 1).weightValues();
    // W_hh = 0: a state holds the step it just read and nothing older.
    for (const [name, value] of values) if (name.includes('weight_hh')) value.fill(0);
    if (bidirectional) {
      // The head ignores the forward direction, whose final state read the last letter; the
      // backward direction's final state read the first letter.
      const head = values.get('fc.weight') as Float32Array;
      for (let c = 0; c < 2; c++) head.fill(0, c * 6, c * 6 + 3);
    }
    return SequenceModel.fromValues(config, values);
  }

  for (const [bidirectional, step] of [
    [false, IDS.length - 1],
    [true, 0],
  ] as const) {
    it(`planted: an output that reads only step ${step} (${bidirectional ? 'bidirectional' : 'forward'})`, () => {
      const model = planted(bidirectional);
      try {
        const data = batchData(packBatch([{ ids: IDS, label: 0 }]));
        const saliency = saliencyOf(model, data, { kind: 'class', index: 1, step: IDS.length - 1 });
        for (const measure of [saliency.gradientInput, saliency.connectivity, saliency.occlusion]) {
          const sizes = measure!.map(Math.abs);
          assert.equal(sizes.indexOf(Math.max(...sizes)), step);
          assert.ok((sizes[step] as number) > 1e-3);
          sizes.forEach((size, t) => t !== step && assert.equal(size, 0, `step ${t}`));
        }
      } finally {
        model.dispose();
      }
    });
  }

  it('a forecaster on dense input: occlusion equals a re-run with that step set to zero', () => {
    const model = SequenceModel.create(
      smallConfig('gru', {
        inputKind: 'dense',
        inputSize: 2,
        hiddenSize: 6,
        outputSize: 1,
        numLayers: 2,
        head: 'all',
      }),
      4,
    );
    try {
      const T = 6;
      const x = Float32Array.from({ length: T * 2 }, (_, k) => Math.sin(k) + 0.3);
      const target: SaliencyTarget = { kind: 'values', step: T - 1 };
      const saliency = saliencyOf(model, denseOne(x, T, 2), target);
      assert.ok(Math.abs(saliency.value - targetOf(model, denseOne(x, T, 2), target)) < 1e-6);
      for (let t = 0; t < T; t++) {
        const without = x.slice();
        without.fill(0, t * 2, (t + 1) * 2);
        const rerun = targetOf(model, denseOne(without, T, 2), target);
        assert.ok(
          Math.abs((saliency.occlusion?.[t] as number) - (saliency.value - rerun)) < 1e-6,
          `occlusion ${t}`,
        );
      }
    } finally {
      model.dispose();
    }
  });

  it('leaves occlusion out past MAX_OCCLUSION_STEPS, and keeps the gradient measures', () => {
    const model = SequenceModel.create(smallConfig('gru', { inputSize: VOCABULARY }), 1);
    try {
      for (const steps of [MAX_OCCLUSION_STEPS, MAX_OCCLUSION_STEPS + 1]) {
        const ids = Array.from({ length: steps }, (_, t) => (t * 3) % VOCABULARY);
        const data = batchData(packBatch([{ ids, label: 0 }]));
        const target: SaliencyTarget = { kind: 'class', index: 1, step: steps - 1 };
        const saliency = saliencyOf(model, data, target);
        assert.equal(saliency.occlusion?.length, steps <= MAX_OCCLUSION_STEPS ? steps : undefined);
        assert.equal(saliency.gradientInput.length, steps);
        assert.ok(Math.abs(saliency.value - targetOf(model, data, target)) < 1e-6);
      }
    } finally {
      model.dispose();
    }
  });

  it("a forecaster's trace explains the sum of its final outputs, and says so", () => {
    const config = smallConfig('gru', { inputKind: 'dense', inputSize: 1, outputSize: 3 });
    const model = SequenceModel.create(config, 2);
    try {
      const data = denseOne(Float32Array.of(0.3, -0.2, 0.8, 0.1), 4, 1);
      const trace = traceInput(
        model,
        { input: '', symbols: ['a', 'b', 'c', 'd'], separator: ' ', data },
        { kind: 'values', read: () => [] },
      );
      assert.equal(trace.saliency.target, 'values');
      assert.equal(trace.saliency.label, 'sum of the 3 final outputs');
      const expected = targetOf(model, data, { kind: 'values', step: 3 });
      assert.ok(Math.abs(trace.saliency.value - expected) < 1e-4);
      assert.equal(trace.saliency.occlusion?.length, 4);
    } finally {
      model.dispose();
    }
  });

  it('refuses a step a many-to-one model has no output at', () => {
    const model = SequenceModel.create(smallConfig('gru', { inputSize: VOCABULARY }), 1);
    try {
      const data = batchData(packBatch([{ ids: IDS, label: 0 }]));
      assert.throws(
        () => saliencyOf(model, data, { kind: 'class', index: 0, step: 1 }),
        RangeError,
      );
    } finally {
      model.dispose();
    }
  });
});
