import * as tf from '@tensorflow/tfjs-core';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import type { CellType, HeadKind, Nonlinearity } from '../../src/core/model/config';
import type { SequenceData } from '../../src/core/model/recurrentStack';
import { SequenceModel } from '../../src/core/model/sequenceModel';
import { crossEntropy } from '../../src/core/training/loss';
import { useTestBackend } from './helpers';

/** Written by scripts/fixtures/make_golden.py from PyTorch (float64); read here without PyTorch. */
const FIXTURE = path.resolve(__dirname, '..', 'fixtures', 'golden.json');
const TOLERANCE = 1e-5;

interface Named {
  shape: number[];
  data: number[];
}

interface GoldenCase {
  name: string;
  cell: 'rnn_tanh' | 'rnn_relu' | 'lstm' | 'gru';
  numLayers: number;
  hiddenSize: number;
  inputKind: 'tokens' | 'dense';
  inputSize: number;
  head: HeadKind;
  numClasses: number;
  lengths: number[];
  inputs: number[][] | number[][][];
  targets: number[] | number[][];
  params: Record<string, Named>;
  outputs: { output: Named; h_n: Named; c_n?: Named; logits: Named; loss: number };
  grads: Record<string, Named>;
}

const CELLS: Record<GoldenCase['cell'], [CellType, Nonlinearity]> = {
  rnn_tanh: ['rnn', 'tanh'],
  rnn_relu: ['rnn', 'relu'],
  lstm: ['lstm', 'tanh'],
  gru: ['gru', 'tanh'],
};

/** Relative to the reference's scale, so large and small values are held to the same bar. */
function assertClose(actual: ArrayLike<number>, expected: number[], label: string): void {
  assert.equal(actual.length, expected.length, `${label}: length`);
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i] as number;
    const a = actual[i] as number;
    assert.ok(
      Math.abs(a - e) <= TOLERANCE * Math.max(1, Math.abs(e)),
      `${label}[${i}]: ours ${a}, PyTorch ${e}`,
    );
  }
}

function sequenceData(c: GoldenCase): SequenceData {
  const steps = c.inputs.length;
  const batch = c.lengths.length;
  const mask = new Float32Array(steps * batch);
  c.lengths.forEach((length, b) => {
    for (let t = 0; t < length; t++) mask[t * batch + b] = 1;
  });
  if (c.inputKind === 'tokens') {
    return { steps, batch, mask, tokens: Int32Array.from((c.inputs as number[][]).flat()) };
  }
  return {
    steps,
    batch,
    mask,
    dense: Float32Array.from((c.inputs as number[][][]).flat(2)),
    features: c.inputSize,
  };
}

const cases: GoldenCase[] = fs.existsSync(FIXTURE)
  ? JSON.parse(fs.readFileSync(FIXTURE, 'utf8')).cases
  : [];

describe('agreement with PyTorch (golden fixtures)', () => {
  before(useTestBackend);

  it('has fixtures for every cell, 1 and 2 layers', () => {
    assert.ok(cases.length >= 32, `expected the committed fixture file at ${FIXTURE}`);
    for (const cell of Object.keys(CELLS)) {
      for (const layers of [1, 2])
        assert.ok(
          cases.some((c) => c.cell === cell && c.numLayers === layers),
          `${cell} x${layers}`,
        );
    }
  });

  for (const c of cases) {
    it(`${c.name}: outputs, loss and every parameter's gradient within ${TOLERANCE}`, () => {
      const [cell, nonlinearity] = CELLS[c.cell];
      const values = new Map(
        Object.entries(c.params).map(([name, p]) => [name, Float32Array.from(p.data)]),
      );
      const config = {
        cell,
        nonlinearity,
        inputKind: c.inputKind,
        inputSize: c.inputSize,
        hiddenSize: c.hiddenSize,
        numLayers: c.numLayers,
        outputSize: c.numClasses,
        head: c.head,
      };
      const model = SequenceModel.fromValues(config, values);
      try {
        const data = sequenceData(c);
        const { steps, batch } = data;
        const H = c.hiddenSize;
        // Forward states: PyTorch's padded output has zeros where ours repeats the last state.
        const layers = model.trace(data);
        const top = layers[layers.length - 1]!.hs;
        const output = Array.from(top, (v, i) => (data.mask[Math.floor(i / H)] ? v : 0));
        assertClose(output, c.outputs.output.data, 'output');
        const lastStep = (run: Float32Array): number[] =>
          Array.from(run.subarray((steps - 1) * batch * H));
        assertClose(
          layers.flatMap((l) => lastStep(l.hs)),
          c.outputs.h_n.data,
          'h_n',
        );
        if (c.outputs.c_n)
          assertClose(
            layers.flatMap((l) => lastStep(l.cs!)),
            c.outputs.c_n.data,
            'c_n',
          );

        const labels = Int32Array.from((c.targets as number[] | number[][]).flat(), (v) =>
          Math.max(v, 0),
        );
        let logitsData: Float32Array = new Float32Array();
        const { value, grads } = tf.variableGrads(() => {
          const logits = model.logits(data);
          logitsData = logits.dataSync() as Float32Array;
          return c.head === 'last'
            ? crossEntropy(logits, labels)
            : crossEntropy(logits, labels, data.mask);
        }, model.trainableVariables);
        const logits =
          c.head === 'all'
            ? logitsData.map((v, i) => (data.mask[Math.floor(i / c.numClasses)] ? v : 0))
            : logitsData;
        assertClose(logits, c.outputs.logits.data, 'logits');
        assertClose(value.dataSync(), [c.outputs.loss], 'loss');
        value.dispose();
        for (const [name, expected] of Object.entries(c.grads)) {
          const variable = model.params.get(name);
          assert.ok(variable, `no parameter ${name}`);
          assert.deepEqual(variable.shape, expected.shape, `${name} shape`);
          assertClose((grads[variable.name] as tf.Tensor).dataSync(), expected.data, `d${name}`);
        }
        Object.values(grads).forEach((g) => g.dispose());
      } finally {
        model.dispose();
      }
    });
  }
});
