import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { labTokens, tfjsGradients } from '../../src/core/explore/gradientLab';
import { randomOrthogonal } from '../../src/core/explore/orthogonal';
import { recurrentRadii, spectralRadius, trainedModelLab } from '../../src/core/explore/trainedLab';
import { loadModel } from '../../src/core/io/modelFile';
import type { ModelConfig } from '../../src/core/model/config';
import { SequenceModel } from '../../src/core/model/sequenceModel';
import { Random } from '../../src/core/random';
import { assertNoLeak, smallConfig, useTestBackend } from './helpers';

const ROOT = path.resolve(__dirname, '..', '..');

const config = (cell: ModelConfig['cell'], extra: Partial<ModelConfig> = {}): ModelConfig =>
  smallConfig(cell, { inputSize: 10, hiddenSize: 12, outputSize: 3, ...extra });

describe('the gradient lab on a trained model', () => {
  before(async () => {
    await useTestBackend();
  });

  it('finds the spectral radius, complex eigenvalues included', () => {
    // A rotation by 90 degrees scaled by 2 has eigenvalues +-2i: no real eigenvalue reaches 2.
    assert.ok(Math.abs(spectralRadius([0, -2, 2, 0], 2) - 2) < 1e-12);
    // A triangular matrix's eigenvalues are its diagonal.
    assert.ok(Math.abs(spectralRadius([0.5, 9, 4, 0, -1.5, 7, 0, 0, 1.2], 3) - 1.5) < 1e-12);
    // The lab's own construction: r times a random orthogonal matrix has radius r.
    const q = randomOrthogonal(24, new Random(3));
    assert.ok(
      Math.abs(
        spectralRadius(
          q.map((x) => 0.7 * x),
          24,
        ) - 0.7,
      ) < 1e-9,
    );
  });

  it('names each gate block of W_hh with its own radius', () => {
    const H = 12;
    const wHH = new Float32Array(3 * H * H);
    [0.5, 1, 2].forEach((r, gate) => {
      const q = randomOrthogonal(H, new Random(gate + 1));
      for (let i = 0; i < H * H; i++) wHH[gate * H * H + i] = r * (q[i] as number);
    });
    const radii = recurrentRadii(config('gru'), wHH);
    assert.deepEqual(
      radii.map((r) => r.block),
      ['W_hr', 'W_hz', 'W_hn'],
    );
    radii.forEach((r, gate) => assert.ok(Math.abs(r.radius - [0.5, 1, 2][gate]!) < 1e-5));
  });

  for (const cell of ['rnn', 'lstm', 'gru'] as const) {
    it(`follows a ${cell} model's own weights: the float64 norms agree with its tfjs pass`, async () => {
      const model = SequenceModel.create(config(cell), 5);
      try {
        const settings = { length: 30, clipNorm: 0, seed: 4 };
        const lab = await assertNoLeak('trained lab', () => trainedModelLab(model, settings));
        assert.ok(lab.ok);
        // The model's float32 pass on the same tokens, against the same first class, is an
        // independent implementation; in float32's range the two agree.
        const tokens = labTokens(settings.length, 10, settings.seed);
        const reference = tfjsGradients(model, tokens, 0).norms;
        assert.equal(lab.cell.norms.length, 30);
        lab.cell.norms.forEach((norm, t) => {
          const ref = reference[t] as number;
          assert.ok(Math.abs(norm - ref) <= 1e-4 * ref, `t=${t + 1}: ${norm} vs ${ref}`);
        });
        assert.equal(lab.radii.length, cell === 'lstm' ? 4 : cell === 'gru' ? 3 : 1);
      } finally {
        model.dispose();
      }
    });
  }

  it('says why it cannot follow a deeper or bidirectional model', () => {
    const deep = SequenceModel.create(config('gru', { numLayers: 2 }), 1);
    const both = SequenceModel.create(config('gru', { bidirectional: true }), 1);
    try {
      const a = trainedModelLab(deep, { length: 10, clipNorm: 0, seed: 1 });
      const b = trainedModelLab(both, { length: 10, clipNorm: 0, seed: 1 });
      assert.ok(!a.ok && /2 layers deep/.test(a.reason));
      assert.ok(!b.ok && /bidirectional/.test(b.reason));
    } finally {
      deep.dispose();
      both.dispose();
    }
  });

  describe('the bundled names model', () => {
    let model: SequenceModel;
    before(() => {
      model = loadModel(path.join(ROOT, 'media', 'models', 'names-gru.json')).model;
    });
    after(() => model.dispose());

    it('shows its own radii and a finite, positive norm at every step', () => {
      const lab = trainedModelLab(model, { length: 50, clipNorm: 5, seed: 11 });
      assert.ok(lab.ok);
      assert.deepEqual(
        lab.radii.map((r) => r.block),
        ['W_hr', 'W_hz', 'W_hn'],
      );
      for (const r of lab.radii) assert.ok(r.radius > 0 && Number.isFinite(r.radius));
      for (const norm of lab.cell.norms) assert.ok(norm > 0 && Number.isFinite(norm));
      console.log(
        `bundled GRU: ${lab.radii.map((r) => `${r.block} ${r.radius.toFixed(3)}`).join(', ')}; ` +
          `||dL/dh_1|| ${lab.cell.norms[0]?.toExponential(2)}, ||dL/dh_50|| ${lab.cell.norms[49]?.toExponential(2)}: ${lab.cell.regime}`,
      );
    });
  });
});
