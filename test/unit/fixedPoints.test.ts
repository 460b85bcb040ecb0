import * as assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { Matrix, solve } from 'ml-matrix';
import {
  blockEigenvalues,
  eigenvalues,
  modulus,
  type Complex,
} from '../../src/core/explore/eigenvalues';
import {
  findFixedPoints,
  FIXED_TOLERANCE,
  SLOW_TOLERANCE,
  type FixedPointOptions,
} from '../../src/core/explore/fixedPoints';
import { randomOrthogonal } from '../../src/core/explore/orthogonal';
import {
  applyMap,
  mapJacobian,
  mapVectorJacobian,
  modelStepMap,
  stateSize,
  type StepMap,
} from '../../src/core/explore/stepMap';
import { recurrentRadii } from '../../src/core/explore/trainedLab';
import type { ModelConfig } from '../../src/core/model/config';
import { initialValues } from '../../src/core/model/params';
import { SequenceModel } from '../../src/core/model/sequenceModel';
import { Random } from '../../src/core/random';
import { maxAbsDiff, smallConfig, useTestBackend } from './helpers';

const OPTIONS: FixedPointOptions = { starts: 12, iterations: 300, noise: 0.1, seed: 3 };

const CASES: Array<{ label: string; config: ModelConfig }> = [
  { label: 'tanh RNN', config: smallConfig('rnn', { hiddenSize: 7 }) },
  { label: 'relu RNN', config: smallConfig('rnn', { hiddenSize: 7, nonlinearity: 'relu' }) },
  { label: 'GRU', config: smallConfig('gru', { hiddenSize: 7 }) },
  { label: 'LSTM', config: smallConfig('lstm', { hiddenSize: 7 }) },
];

/** A model with PyTorch's initialisation scaled by `gain`, so the nonlinearities are not flat. */
function model(config: ModelConfig, gain = 3, seed = 11): SequenceModel {
  const values = initialValues(config, seed);
  for (const [name, array] of values)
    if (name.startsWith('rnn.')) for (let i = 0; i < array.length; i++) array[i] = gain * array[i]!;
  return SequenceModel.fromValues(config, values);
}

function randomState(size: number, random: Random): Float64Array {
  return Float64Array.from({ length: size }, () => random.next() * 1.6 - 0.8);
}

/** The states the model visits reading `tokens` from zeros, as the map's states ([h; c] for LSTM). */
function visitedStates(net: SequenceModel, tokens: number[]): Float64Array[] {
  const H = net.config.hiddenSize;
  const T = tokens.length;
  const data = {
    steps: T,
    batch: 1,
    mask: new Float32Array(T).fill(1),
    tokens: Int32Array.from(tokens),
  };
  const run = net.trace(data)[0]!;
  return tokens.map((_, t) => {
    const h = run.hs.subarray(t * H, (t + 1) * H);
    if (!run.cs) return Float64Array.from(h);
    const s = new Float64Array(2 * H);
    s.set(h);
    s.set(run.cs.subarray(t * H, (t + 1) * H), H);
    return s;
  });
}

function residual(map: StepMap, state: ArrayLike<number>): number {
  const s = Float64Array.from(state);
  const next = applyMap(map, s).next;
  return Math.hypot(...next.map((x, i) => x - s[i]!));
}

const byModulus = (values: Complex[]) =>
  [...values].sort((a, b) => modulus(b) - modulus(a) || b.im - a.im);

describe('fixed points of a trained cell', () => {
  before(async () => {
    await useTestBackend();
  });

  for (const { label, config } of CASES) {
    it(`${label}: F is the model's own step (float32 tfjs pass, from a random state)`, () => {
      const net = model(config);
      try {
        const H = config.hiddenSize;
        const map = modelStepMap(net, 0, { kind: 'token', token: 2 });
        const s = randomState(stateSize(map.weights), new Random(5));
        const initial = [
          {
            h: Float32Array.from(s.subarray(0, H)),
            c: config.cell === 'lstm' ? Float32Array.from(s.subarray(H)) : undefined,
          },
        ];
        const run = net.trace(
          { steps: 1, batch: 1, mask: Float32Array.of(1), tokens: Int32Array.of(2) },
          initial,
        )[0]!;
        const next = applyMap(map, s).next;
        assert.ok(maxAbsDiff(next.subarray(0, H), run.hs) < 1e-5);
        if (run.cs) assert.ok(maxAbsDiff(next.subarray(H), run.cs) < 1e-5);
      } finally {
        net.dispose();
      }
    });

    it(`${label}: the Jacobian equals central finite differences`, () => {
      const net = model(config);
      try {
        const map = modelStepMap(net, 0, { kind: 'token', token: 1 });
        const D = stateSize(map.weights);
        const s = randomState(D, new Random(9));
        const J = mapJacobian(map, s, applyMap(map, s).step);
        const eps = 1e-6;
        let worst = 0;
        for (let k = 0; k < D; k++) {
          const up = s.slice();
          const down = s.slice();
          up[k] = up[k]! + eps;
          down[k] = down[k]! - eps;
          const [fUp, fDown] = [applyMap(map, up).next, applyMap(map, down).next];
          for (let j = 0; j < D; j++)
            worst = Math.max(worst, Math.abs((fUp[j]! - fDown[j]!) / (2 * eps) - J[j * D + k]!));
        }
        assert.ok(worst < 1e-7, `largest difference ${worst}`);
      } finally {
        net.dispose();
      }
    });

    it(`${label}: Jᵀv without forming J equals mapJacobian transposed times v within 1e-12`, () => {
      const net = model(config);
      try {
        const map = modelStepMap(net, 0, { kind: 'token', token: 1 });
        const D = stateSize(map.weights);
        const random = new Random(13);
        const s = randomState(D, random);
        const v = randomState(D, random);
        const { step } = applyMap(map, s);
        const J = mapJacobian(map, s, step);
        const expected = Float64Array.from({ length: D }, (_, k) => {
          let sum = 0;
          for (let j = 0; j < D; j++) sum += J[j * D + k]! * v[j]!;
          return sum;
        });
        const product = mapVectorJacobian(map, s, step, v);
        assert.equal(product.length, D);
        assert.ok(
          maxAbsDiff(product, expected) < 1e-12,
          `largest difference ${maxAbsDiff(product, expected)}`,
        );
      } finally {
        net.dispose();
      }
    });

    it(`${label}: every reported fixed point has ‖F(s*) − s*‖ < 1e-6, every slow one < ${SLOW_TOLERANCE}`, () => {
      const net = model(config);
      try {
        const map = modelStepMap(net, 0, { kind: 'token', token: 0 });
        const search = findFixedPoints(map, visitedStates(net, [0, 1, 2, 3, 0, 0]), OPTIONS);
        assert.equal(search.dimension, stateSize(map.weights));
        assert.ok(
          search.points.some((p) => p.kind === 'fixed'),
          'no fixed point found',
        );
        for (const point of search.points) {
          const recomputed = residual(map, point.state);
          assert.ok(Math.abs(recomputed - point.residual) < 1e-12);
          if (point.kind === 'fixed')
            assert.ok(recomputed < FIXED_TOLERANCE, `residual ${recomputed}`);
          else assert.ok(recomputed >= FIXED_TOLERANCE && recomputed < SLOW_TOLERANCE);
          assert.equal(point.eigenvalues.length, search.dimension);
          assert.equal(point.unstable, point.eigenvalues.filter((z) => modulus(z) > 1).length);
        }
      } finally {
        net.dispose();
      }
    });
  }

  it('a relu RNN in its linear region: the fixed point is (I − W_hh)⁻¹(W_ih x + b_ih + b_hh) within 1e-9', () => {
    const config = smallConfig('rnn', { hiddenSize: 6, nonlinearity: 'relu' });
    const H = 6;
    const random = new Random(4);
    const values = initialValues(config, 2);
    // Non-negative W_hh with row sums under 1/2 and positive drive keep every unit above 0:
    // (I − W)⁻¹ = I + W + W² + … is non-negative, so the map is linear at its fixed point.
    values.set('rnn.weight_hh_l0', random.uniformArray(H * H, 0, 1 / (2 * H)));
    values.set('rnn.bias_ih_l0', random.uniformArray(H, 0.2, 1));
    values.set('rnn.bias_hh_l0', random.uniformArray(H, 0, 0.1));
    values.set('rnn.weight_ih_l0', random.uniformArray(H * 4, 0, 1));
    const net = SequenceModel.fromValues(config, values);
    try {
      const token = 3;
      const w = Array.from(values.get('rnn.weight_hh_l0')!);
      const drive = Array.from(
        { length: H },
        (_, j) =>
          values.get('rnn.weight_ih_l0')![j * 4 + token]! +
          values.get('rnn.bias_ih_l0')![j]! +
          values.get('rnn.bias_hh_l0')![j]!,
      );
      const iMinusW = new Matrix(
        Array.from({ length: H }, (_, i) =>
          Array.from({ length: H }, (_, j) => (i === j ? 1 : 0) - w[i * H + j]!),
        ),
      );
      const expected = solve(iMinusW, Matrix.columnVector(drive)).getColumn(0);
      const map = modelStepMap(net, 0, { kind: 'token', token });
      const search = findFixedPoints(map, [new Float64Array(H)], OPTIONS);
      const fixed = search.points.filter((p) => p.kind === 'fixed');
      assert.equal(fixed.length, 1);
      assert.ok(expected.every((x) => x > 0));
      assert.ok(maxAbsDiff(fixed[0]!.state, expected) < 1e-9);
    } finally {
      net.dispose();
    }
  });

  it('a contractive tanh RNN with no input and no bias: one fixed point at 0, its eigenvalues those of W_hh', () => {
    const H = 8;
    const config = smallConfig('rnn', { hiddenSize: H });
    const values = initialValues(config, 6);
    const q = randomOrthogonal(H, new Random(8));
    const wHH = Float32Array.from(q, (x) => 0.8 * x);
    values.set('rnn.weight_hh_l0', wHH);
    values.set('rnn.bias_ih_l0', new Float32Array(H));
    values.set('rnn.bias_hh_l0', new Float32Array(H));
    const net = SequenceModel.fromValues(config, values);
    try {
      const map = modelStepMap(net, 0, { kind: 'zero' });
      const search = findFixedPoints(map, [Float64Array.from({ length: H }, () => 0.5)], OPTIONS);
      assert.equal(search.points.length, 1);
      const [point] = search.points;
      assert.equal(point!.kind, 'fixed');
      assert.ok(Math.max(...point!.state.map(Math.abs)) < 1e-6);
      // tanh'(0) = 1, so at 0 the Jacobian is W_hh itself, as closely as the point is 0. All
      // eigenvalues of 0.8 Q have modulus 0.8, so each is matched to its nearest, not by order.
      const found = point!.eigenvalues;
      assert.equal(found.length, H);
      for (const z of eigenvalues(wHH, H)) {
        assert.ok(Math.abs(modulus(z) - 0.8) < 1e-6);
        const nearest = Math.min(...found.map((y) => Math.hypot(y.re - z.re, y.im - z.im)));
        assert.ok(nearest < 1e-5, `no eigenvalue near ${z.re} + ${z.im}i`);
      }
      assert.equal(point!.unstable, 0);
      const [block] = blockEigenvalues('rnn', H, map.weights.wHH);
      assert.equal(block!.block, 'W_hh');
      // At 0 the point's eigenvalues and W_hh's are one set: the two panels show the same marks.
      for (const z of block!.eigenvalues)
        assert.ok(Math.min(...found.map((y) => Math.hypot(y.re - z.re, y.im - z.im))) < 1e-5);
    } finally {
      net.dispose();
    }
  });

  it('eigenvalues of known matrices', () => {
    // A rotation by 90 degrees scaled by 2: ±2i.
    assert.deepEqual(
      byModulus(eigenvalues([0, -2, 2, 0], 2)).map((z) => [z.re, Math.round(z.im * 1e12) / 1e12]),
      [
        [0, 2],
        [0, -2],
      ],
    );
    // The companion matrix of (λ − 1)(λ − 2)(λ − 3) = λ³ − 6λ² + 11λ − 6: its roots.
    const roots = eigenvalues([6, -11, 6, 1, 0, 0, 0, 1, 0], 3);
    assert.ok(
      maxAbsDiff(
        roots.map((z) => z.re),
        [3, 2, 1],
      ) < 1e-9,
    );
    assert.ok(roots.every((z) => z.im === 0));
  });

  it("the W_hh blocks' eigenvalues give the gradient lab's radii, block by block", () => {
    const net = model(smallConfig('gru', { hiddenSize: 7 }), 1);
    try {
      const map = modelStepMap(net, 0, { kind: 'zero' });
      const blocks = blockEigenvalues('gru', 7, map.weights.wHH);
      const radii = recurrentRadii(net.config, net.weightValues().get('rnn.weight_hh_l0')!);
      assert.deepEqual(
        blocks.map((b) => [b.block, modulus(b.eigenvalues[0]!)]),
        radii.map((r) => [r.block, r.radius]),
      );
    } finally {
      net.dispose();
    }
  });

  it('is deterministic under a seed', () => {
    const net = model(smallConfig('lstm', { hiddenSize: 5 }));
    try {
      const map = modelStepMap(net, 0, { kind: 'token', token: 1 });
      const visited = visitedStates(net, [1, 1, 2, 3]);
      const strip = (seed: number) => {
        const { elapsedMs, ...rest } = findFixedPoints(map, visited, { ...OPTIONS, seed });
        assert.ok(elapsedMs >= 0);
        return rest;
      };
      assert.deepEqual(strip(3), strip(3));
    } finally {
      net.dispose();
    }
  });
});
