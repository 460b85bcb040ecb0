import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import type { CellType, ModelConfig } from '../../src/core/model/config';
import { applyInitOptions, initialValues, type InitOptions } from '../../src/core/model/params';
import { SequenceModel } from '../../src/core/model/sequenceModel';
import { maxAbsDiff, useTestBackend } from './helpers';

/** Written by scripts/fixtures/make_gate_bias.py from PyTorch; read here without PyTorch. */
const FIXTURE = path.resolve(__dirname, '..', 'fixtures', 'pytorch_gate_bias.json');

interface GateBiasCase {
  cell: CellType;
  input: number;
  hidden: number;
  layers: number;
  bias: number;
  before: Record<string, number[]>;
  after: Record<string, number[]>;
  kept_share: number[];
}

const cases = (JSON.parse(fs.readFileSync(FIXTURE, 'utf8')) as { cases: GateBiasCase[] }).cases;

const configOf = (c: GateBiasCase): ModelConfig => ({
  cell: c.cell,
  nonlinearity: 'tanh',
  inputKind: 'dense',
  inputSize: c.input,
  hiddenSize: c.hidden,
  numLayers: c.layers,
  outputSize: 2,
  head: 'last',
});

const optionFor = (c: GateBiasCase): InitOptions =>
  c.cell === 'lstm' ? { forgetGateBias: c.bias } : { updateGateBias: c.bias };

const ours = (record: Record<string, number[]>): Map<string, Float32Array> =>
  new Map(Object.entries(record).map(([name, data]) => [`rnn.${name}`, Float32Array.from(data)]));

describe('the gate-bias init option, against PyTorch', () => {
  before(useTestBackend);

  for (const c of cases) {
    it(`${c.cell}: sets the same biases as the PyTorch recipe, in every layer`, () => {
      const values = ours(c.before);
      applyInitOptions(configOf(c), values, optionFor(c));
      for (const [name, data] of ours(c.after))
        if (name.includes('bias')) assert.deepEqual(values.get(name), data, name);
    });

    it(`${c.cell}: makes the first step keep sigmoid(b) of the state, as PyTorch's forward pass does`, () => {
      const config = configOf(c);
      const values = ours(c.after);
      // As in the fixture: W_hh zeroed, so the gates read only the (zero) input and the biases.
      for (let k = 0; k < c.layers; k++) values.get(`rnn.weight_hh_l${k}`)?.fill(0);
      values.set('fc.weight', new Float32Array(2 * c.hidden));
      values.set('fc.bias', new Float32Array(2));
      const model = SequenceModel.fromValues(config, values);
      const data = {
        steps: 1,
        batch: 1,
        mask: Float32Array.of(1),
        dense: new Float32Array(c.input),
        features: c.input,
      };
      const firstState = (start: number): Float32Array => {
        const state = new Float32Array(c.hidden).fill(start);
        const initial = Array.from({ length: c.layers }, () =>
          c.cell === 'lstm'
            ? { h: new Float32Array(c.hidden), c: state.slice() }
            : { h: state.slice() },
        );
        const [layer0] = model.trace(data, initial);
        return (c.cell === 'lstm' ? layer0?.cs : layer0?.hs) as Float32Array;
      };
      const kept = firstState(1).map((v, i) => v - (firstState(0)[i] as number));
      model.dispose();
      assert.ok(maxAbsDiff(kept, c.kept_share) < 1e-6, `${kept} vs PyTorch ${c.kept_share}`);
      const sigmoid = 1 / (1 + Math.exp(-c.bias));
      for (const share of kept) assert.ok(Math.abs(share - sigmoid) < 1e-6, `${share}`);
    });
  }

  it('changes nothing else: the same draws as PyTorch-default init, and no bias for the other cell', () => {
    const lstm: ModelConfig = { ...configOf(cases[0] as GateBiasCase), hiddenSize: 4 };
    const plain = initialValues(lstm, 7);
    const biased = initialValues(lstm, 7, { forgetGateBias: 2, updateGateBias: 5 });
    for (const [name, data] of plain) {
      const other = biased.get(name) as Float32Array;
      data.forEach((v, i) => {
        const forgetRow = name.startsWith('rnn.bias_') && i >= 4 && i < 8;
        if (!forgetRow) assert.equal(other[i], v, `${name}[${i}]`);
        else assert.equal(other[i], name.startsWith('rnn.bias_ih_') ? 2 : 0, `${name}[${i}]`);
      });
    }
    const rnn: ModelConfig = { ...lstm, cell: 'rnn' };
    assert.deepEqual(
      initialValues(rnn, 7, { forgetGateBias: 2, updateGateBias: 5 }),
      initialValues(rnn, 7),
    );
  });
});
