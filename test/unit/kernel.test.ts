import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  KernelMemoryError,
  recurrenceKernel,
  type LayerInputs,
  type LayerShape,
} from '../../src/core/kernel/recurrenceKernel';
import { Random } from '../../src/core/random';

// The kernel on its own (no tfjs): what it keeps between a forward and a backward pass.
const random = new Random(7);
const values = (n: number): Float32Array => random.uniformArray(n, -0.5, 0.5);

function layer(
  cell: 'rnn' | 'gru' | 'lstm',
  steps: number,
  batch: number,
): [LayerShape, LayerInputs] {
  const [H, I] = [6, 5];
  const G = { rnn: 1, gru: 3, lstm: 4 }[cell] * H;
  const mask = new Float32Array(steps * batch).fill(1);
  mask[steps * batch - 1] = 0; // the last sequence is one step shorter
  return [
    { cell, nonlinearity: 'tanh', steps, batch, hidden: H, inputSize: I },
    {
      tokens: Int32Array.from({ length: steps * batch }, (_, p) => p % I),
      wIH: values(G * I),
      wHH: values(G * H),
      mask,
      h0: values(batch * H),
      c0: cell === 'lstm' ? values(batch * H) : undefined,
    },
  ];
}

describe('recurrence kernel', () => {
  for (const cell of ['rnn', 'gru', 'lstm'] as const) {
    it(`${cell}: a backward pass whose kept forward pass was dropped runs it again, same gradients`, () => {
      const kernel = recurrenceKernel();
      const [shape, inputs] = layer(cell, 4, 3);
      const G = shape.hidden * { rnn: 1, gru: 3, lstm: 4 }[cell];
      const biases = { bIH: values(G), bHH: values(G) };
      const dOut = values(4 * 3 * shape.hidden);
      const kept = kernel.forward(shape, inputs, biases, 'backward');
      const direct = kernel.backward(shape, inputs, biases, kept.handle, dOut, true);

      const again = kernel.forward(shape, inputs, biases, 'backward');
      assert.deepEqual(again.hs, kept.hs);
      // Forward passes whose backward never comes: past the kernel's limit every kept region
      // is dropped, including `again`'s.
      const [other, otherInputs] = layer('gru', 2, 2);
      for (let i = 0; i < 70; i++) {
        kernel.forward(other, otherInputs, { bIH: values(18), bHH: values(18) }, 'backward');
      }
      assert.ok(kernel.memory().keptRegions < 70, 'the kept regions were dropped');
      const recomputed = kernel.backward(shape, inputs, biases, again.handle, dOut, true);
      assert.deepEqual(recomputed, direct);
      assert.ok(direct.dWhh.some((v) => v !== 0));
    });
  }

  it('refuses a batch beyond its 4 GB with a message that says what to shrink, then works on', () => {
    const [small, inputs] = layer('lstm', 3, 2);
    const biases = { bIH: values(24), bHH: values(24) };
    const huge = { ...small, steps: 2000, batch: 512, hidden: 1024 };
    assert.throws(
      () => recurrenceKernel().forward(huge, inputs, biases, 'backward'),
      (error: unknown) =>
        error instanceof KernelMemoryError &&
        /smaller batch, chunk length or hidden size/.test(error.message),
    );
    const after = recurrenceKernel().forward(small, inputs, biases, 'backward');
    assert.equal(after.hs.length, 3 * 2 * 6);
  });

  it('keeps gate activations as arrays only when asked', () => {
    const [shape, inputs] = layer('lstm', 3, 2);
    const biases = { bIH: values(24), bHH: values(24) };
    const read = recurrenceKernel().forward(shape, inputs, biases, 'gates');
    assert.equal(read.saved?.length, 6);
    assert.equal(read.handle, undefined);
    const plain = recurrenceKernel().forward(shape, inputs, biases, 'none');
    assert.equal(plain.saved, undefined);
    assert.deepEqual(plain.hs, read.hs);
  });

  // A batch of one multiplies by W_hh packed in panels, and rows past the last block of four go
  // one by one; each still adds its terms in the order the blocks of four do, so a sequence's
  // states must not depend on where in a batch it is read, to the bit. Hidden 20 leaves gate
  // columns past the last whole panel (GRU: 60 = 32 + 28); 128 fills whole panels.
  for (const [cell, nonlinearity, H] of [
    ['rnn', 'tanh', 20],
    ['rnn', 'relu', 128],
    ['gru', 'tanh', 20],
    ['gru', 'tanh', 128],
    ['lstm', 'tanh', 20],
    ['lstm', 'tanh', 128],
  ] as const) {
    it(`${cell} ${nonlinearity} ${H}: a sequence read alone has the states it has in a batch of 5, bit for bit`, () => {
      const [T, B, I] = [7, 5, 9];
      const G = { rnn: 1, gru: 3, lstm: 4 }[cell] * H;
      const shape = (batch: number): LayerShape => ({
        cell,
        nonlinearity,
        steps: T,
        batch,
        hidden: H,
        inputSize: I,
      });
      const tokens = Int32Array.from({ length: T * B }, () => Math.floor(random.next() * I));
      const [h0, c0] = [values(B * H), values(B * H)];
      const weights = { wIH: values(G * I), wHH: values(G * H) };
      const biases = { bIH: values(G), bHH: values(G) };
      const kernel = recurrenceKernel();
      const batch = kernel.forward(
        shape(B),
        {
          ...weights,
          tokens,
          mask: new Float32Array(T * B).fill(1),
          h0,
          c0: cell === 'lstm' ? c0 : undefined,
        },
        biases,
        'none',
      );
      for (let b = 0; b < B; b++) {
        const alone = kernel.forward(
          shape(1),
          {
            ...weights,
            tokens: Int32Array.from({ length: T }, (_, t) => tokens[t * B + b] as number),
            mask: new Float32Array(T).fill(1),
            h0: h0.slice(b * H, (b + 1) * H),
            c0: cell === 'lstm' ? c0.slice(b * H, (b + 1) * H) : undefined,
          },
          biases,
          'none',
        );
        for (let t = 0; t < T; t++) {
          const inBatch = batch.hs.subarray((t * B + b) * H, (t * B + b + 1) * H);
          assert.deepEqual(alone.hs.subarray(t * H, (t + 1) * H), inBatch, `row ${b}, step ${t}`);
        }
      }
    });
  }

  it('reads rows of logits as a float64 log-softmax does: bits of the next id, and the top k in order', () => {
    const [N, C, k] = [40, 67, 5];
    const logits = random.uniformArray(N * C, -30, 30);
    // Ties: the lower id ranks first, as a stable sort puts it.
    logits.fill(12.5, 3 * C + 10, 3 * C + 13);
    const next = Int32Array.from({ length: N }, (_, row) => (row === N - 1 ? -1 : (row * 7) % C));
    const read = recurrenceKernel().readRows(logits, C, k, next);
    for (let row = 0; row < N; row++) {
      const values = Array.from(logits.subarray(row * C, (row + 1) * C));
      const max = Math.max(...values);
      const logSum = max + Math.log(values.reduce((sum, v) => sum + Math.exp(v - max), 0));
      const kernelLogSum = max + Math.log(read.sums[row] as number);
      assert.ok(Math.abs(kernelLogSum - logSum) < 1e-5, `row ${row}: ${kernelLogSum} vs ${logSum}`);
      if (row === N - 1) assert.ok(Number.isNaN(read.gaps[row]));
      else assert.equal(read.gaps[row], Math.fround((values[next[row] as number] as number) - max));
      const order = values
        .map((value, id) => ({ value, id }))
        .sort((a, b) => b.value - a.value || a.id - b.id)
        .slice(0, k);
      assert.deepEqual(
        Array.from(read.topIds.subarray(row * k, (row + 1) * k)),
        order.map((o) => o.id),
      );
      order.forEach(({ value }, rank) => {
        const p = Math.exp(value - logSum);
        const got = read.topProbabilities[row * k + rank] as number;
        assert.ok(
          Math.abs(got - p) <= 1e-6 * Math.max(p, 1e-30) + 1e-12,
          `row ${row} rank ${rank}`,
        );
      });
    }
  });

  it('builds the centred scatter matrix in float64, for an odd width and rows not a multiple of 4', () => {
    for (const [rows, D] of [
      [10, 7],
      [9, 8],
      [1, 3],
    ] as const) {
      const states = Float64Array.from({ length: rows * D }, () => random.next() * 4 - 2);
      const mean = Float64Array.from({ length: D }, () => random.next());
      const scatter = recurrenceKernel().upperScatter(states, D, mean);
      for (let i = 0; i < D; i++) {
        for (let j = i; j < D; j++) {
          let expected = 0;
          for (let r = 0; r < rows; r++) {
            expected +=
              ((states[r * D + i] as number) - (mean[i] as number)) *
              ((states[r * D + j] as number) - (mean[j] as number));
          }
          const got = scatter[i * D + j] as number;
          assert.ok(
            Math.abs(got - expected) < 1e-12,
            `${rows}x${D} (${i}, ${j}): ${got} vs ${expected}`,
          );
        }
      }
    }
  });

  it('decomposes symmetric matrices: A v = λ v and orthonormal vectors, repeated and zero eigenvalues too', () => {
    const n = 37;
    const randomSymmetric = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = i; j < n; j++) {
        const v = random.next() - 0.5;
        randomSymmetric[i * n + j] = v;
        randomSymmetric[j * n + i] = v;
      }
    }
    // Rank one (every eigenvalue but one is 0) and a diagonal with a repeated value.
    const u = Float64Array.from({ length: n }, () => random.next());
    const rankOne = Float64Array.from(
      { length: n * n },
      (_, k) => (u[Math.floor(k / n)] as number) * (u[k % n] as number),
    );
    const diagonal = new Float64Array(n * n);
    for (let i = 0; i < n; i++) diagonal[i * n + i] = i % 3 === 0 ? 2 : i;
    for (const [label, matrix, size] of [
      ['random', randomSymmetric, n],
      ['rank one', rankOne, n],
      ['repeated', diagonal, n],
      ['1 x 1', Float64Array.of(-3), 1],
    ] as const) {
      const { values, vectors } = recurrenceKernel().symmetricEigen(matrix, size);
      for (let k = 0; k < size; k++) {
        for (let i = 0; i < size; i++) {
          let product = 0;
          for (let j = 0; j < size; j++)
            product += (matrix[i * size + j] as number) * (vectors[k * size + j] as number);
          const expected = (values[k] as number) * (vectors[k * size + i] as number);
          assert.ok(
            Math.abs(product - expected) < 1e-12,
            `${label}: (A v - λ v)[${i}] for vector ${k}`,
          );
        }
        for (let l = 0; l < size; l++) {
          let dot = 0;
          for (let i = 0; i < size; i++)
            dot += (vectors[k * size + i] as number) * (vectors[l * size + i] as number);
          assert.ok(Math.abs(dot - (k === l ? 1 : 0)) < 1e-12, `${label}: v${k} . v${l}`);
        }
      }
      const trace = Array.from({ length: size }, (_, i) => matrix[i * size + i] as number).reduce(
        (a, b) => a + b,
        0,
      );
      assert.ok(
        Math.abs(values.reduce((a, b) => a + b, 0) - trace) < 1e-11,
        `${label}: the eigenvalues add up to the trace`,
      );
    }
  });
});
