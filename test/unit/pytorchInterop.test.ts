import * as tf from '@tensorflow/tfjs-core';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { batchData, packBatch } from '../../src/core/data/batches';
import { exportPyTorch, importPyTorch } from '../../src/core/io/pytorchInterop';
import { readSafetensors, SafetensorsError, writeSafetensors } from '../../src/core/io/safetensors';
import { infer } from '../../src/core/model/inference';
import { SequenceModel } from '../../src/core/model/sequenceModel';
import { assertNoLeak, maxAbsDiff, useTestBackend } from './helpers';

const FIXTURES = path.resolve(__dirname, '..', 'fixtures');

describe('PyTorch interop through safetensors', () => {
  before(useTestBackend);

  it("imports a PyTorch GRU + Linear and matches PyTorch's logits within 1e-5", async () => {
    const bytes = fs.readFileSync(path.join(FIXTURES, 'pytorch_gru.safetensors'));
    const golden = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'pytorch_gru.json'), 'utf8'));
    const { model, config } = importPyTorch(bytes);
    try {
      assert.deepEqual(
        [config.cell, config.numLayers, config.hiddenSize, config.inputSize, config.outputSize],
        ['gru', 2, 8, 7, 5],
      );
      const sequences = golden.lengths.map((length: number, b: number) => ({
        ids: Array.from({ length }, (_, t) => golden.tokens[t][b] as number),
        label: 0,
      }));
      // Our logits come from the last valid state; softmax is compared through the logits' ranks.
      const logits = await assertNoLeak('import + infer', () => {
        const data = batchData(packBatch(sequences));
        const layers = model.trace(data);
        const top = layers[layers.length - 1]!.hs;
        const H = config.hiddenSize;
        const last = top.slice((data.steps - 1) * data.batch * H);
        const fcW = model.weightValues().get('fc.weight')!;
        const fcB = model.weightValues().get('fc.bias')!;
        return Array.from({ length: data.batch * config.outputSize }, (_, i) => {
          const b = Math.floor(i / config.outputSize);
          const c = i % config.outputSize;
          let sum = fcB[c]!;
          for (let j = 0; j < H; j++) sum += fcW[c * H + j]! * last[b * H + j]!;
          return sum;
        });
      });
      assert.ok(
        maxAbsDiff(logits, golden.logits) < 1e-5,
        `max difference ${maxAbsDiff(logits, golden.logits)}`,
      );
      assert.equal(infer(model, batchData(packBatch(sequences))).probabilities.length, 15);
    } finally {
      model.dispose();
    }
  });

  it('exports state_dict names that import back to the same weights', () => {
    const { model } = importPyTorch(
      fs.readFileSync(path.join(FIXTURES, 'pytorch_gru.safetensors')),
    );
    const exported = exportPyTorch(model, { labels: JSON.stringify(['a', 'b', 'c', 'd', 'e']) });
    const file = readSafetensors(exported);
    assert.deepEqual([...file.tensors.keys()].sort(), [
      'fc.bias',
      'fc.weight',
      'rnn.bias_hh_l0',
      'rnn.bias_hh_l1',
      'rnn.bias_ih_l0',
      'rnn.bias_ih_l1',
      'rnn.weight_hh_l0',
      'rnn.weight_hh_l1',
      'rnn.weight_ih_l0',
      'rnn.weight_ih_l1',
    ]);
    assert.equal(file.metadata.cell, 'gru');
    const again = importPyTorch(exported);
    for (const [name, values] of model.weightValues())
      assert.equal(maxAbsDiff(values, again.model.weightValues().get(name)!), 0, name);
    model.dispose();
    again.model.dispose();
  });

  it("imports a bidirectional PyTorch GRU + Linear(2H, C) and matches PyTorch's logits within 1e-5", async () => {
    const bytes = fs.readFileSync(path.join(FIXTURES, 'pytorch_bigru.safetensors'));
    const golden = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'pytorch_bigru.json'), 'utf8'));
    const { model, config } = importPyTorch(bytes);
    try {
      assert.deepEqual(
        [
          config.cell,
          config.numLayers,
          config.hiddenSize,
          config.inputSize,
          config.outputSize,
          config.bidirectional,
          config.head,
        ],
        ['gru', 1, 5, 6, 4, true, 'last'],
      );
      assert.deepEqual(readSafetensors(bytes).tensors.get('classifier.weight')?.shape, [4, 10]);
      // Padded positions hold garbage ids in the fixture: the mask alone must keep them out.
      const data = {
        ...batchData(packBatch(goldenSequences(golden))),
        tokens: Int32Array.from((golden.tokens as number[][]).flat()),
      };
      const logits = await assertNoLeak('bidirectional import + logits', () =>
        tf.tidy(() => model.logits(data).dataSync()),
      );
      assert.ok(
        maxAbsDiff(logits, golden.logits) < 1e-5,
        `max difference ${maxAbsDiff(logits, golden.logits)}`,
      );
      const C = config.outputSize;
      const expected = (golden.logits as number[]).map((_, i) => {
        const row = (golden.logits as number[]).slice(i - (i % C), i - (i % C) + C);
        const top = Math.max(...row);
        const sum = row.reduce((total, v) => total + Math.exp(v - top), 0);
        return Math.exp((golden.logits[i] as number) - top) / sum;
      });
      const { probabilities } = await assertNoLeak('bidirectional infer', () => infer(model, data));
      assert.ok(maxAbsDiff(probabilities, expected) < 1e-5);
    } finally {
      model.dispose();
    }
  });

  it('exports a bidirectional model that imports back with every tensor unchanged', () => {
    const { model } = importPyTorch(
      fs.readFileSync(path.join(FIXTURES, 'pytorch_bigru.safetensors')),
    );
    const exported = exportPyTorch(model);
    const file = readSafetensors(exported);
    const names = [
      'fc.bias',
      'fc.weight',
      ...['bias_hh', 'bias_ih', 'weight_hh', 'weight_ih'].flatMap((n) => [
        `rnn.${n}_l0`,
        `rnn.${n}_l0_reverse`,
      ]),
    ];
    assert.deepEqual([...file.tensors.keys()].sort(), names);
    assert.deepEqual(file.tensors.get('fc.weight')?.shape, [4, 10]);
    assert.deepEqual(file.tensors.get('rnn.weight_ih_l0_reverse')?.shape, [15, 6]);
    assert.equal(file.metadata.bidirectional, 'true');
    const again = importPyTorch(exported);
    try {
      assert.deepEqual(again.config, model.config);
      const before = model.weightValues();
      const after = again.model.weightValues();
      assert.deepEqual([...after.keys()].sort(), names);
      for (const [name, values] of before) {
        assert.deepEqual(file.tensors.get(name)?.data, values, `${name} as exported`);
        assert.deepEqual(after.get(name), values, `${name} imported back`);
      }
    } finally {
      model.dispose();
      again.model.dispose();
    }
  });

  for (const cell of ['rnn', 'lstm', 'gru'] as const) {
    it(`round-trips a bidirectional ${cell} made here through export and import`, () => {
      const model = SequenceModel.create(
        {
          cell,
          nonlinearity: cell === 'rnn' ? 'relu' : 'tanh',
          inputKind: 'tokens',
          inputSize: 9,
          hiddenSize: 3,
          numLayers: 1,
          outputSize: 2,
          head: 'last',
          bidirectional: true,
        },
        8,
      );
      const again = importPyTorch(exportPyTorch(model));
      try {
        assert.deepEqual(again.config, model.config);
        const after = again.model.weightValues();
        assert.equal(after.size, 10);
        for (const [name, values] of model.weightValues())
          assert.deepEqual(after.get(name), values, name);
      } finally {
        model.dispose();
        again.model.dispose();
      }
    });
  }

  it('refuses a bidirectional layer with more than one layer, naming the limit', () => {
    // The 2-layer fixture with a backward direction added to both layers.
    const { tensors } = readSafetensors(
      fs.readFileSync(path.join(FIXTURES, 'pytorch_gru.safetensors')),
    );
    for (const [name, tensor] of [...tensors]) {
      if (name.startsWith('encoder.')) tensors.set(`${name}_reverse`, tensor);
    }
    assert.throws(
      () => importPyTorch(writeSafetensors(tensors)),
      (e: unknown) =>
        e instanceof SafetensorsError &&
        /bidirectional .* one layer only .* has 2/.test((e as Error).message),
    );
  });

  it('refuses a bidirectional layer with an `all` head', () => {
    assert.throws(
      () =>
        importPyTorch(fs.readFileSync(path.join(FIXTURES, 'pytorch_bigru.safetensors')), {
          head: 'all',
        }),
      (e: unknown) => e instanceof SafetensorsError && /`last` head/.test((e as Error).message),
    );
  });

  const bad: Array<[string, () => Uint8Array, RegExp]> = [
    ['an empty file', () => new Uint8Array(0), /shorter than/],
    [
      'a header length past the end',
      () => {
        const b = new Uint8Array(16);
        new DataView(b.buffer).setBigUint64(0, 1000n, true);
        return b;
      },
      /does not fit/,
    ],
    [
      'a header that is not JSON',
      () => {
        const b = new Uint8Array(12);
        new DataView(b.buffer).setBigUint64(0, 4n, true);
        b.set([123, 123, 123, 123], 8);
        return b;
      },
      /not valid JSON/,
    ],
    [
      'bytes that do not match the shape',
      () => corrupt((h) => (h['head.bias'].shape = [6])),
      /do not hold/,
    ],
    [
      'offsets outside the data',
      () => corrupt((h) => (h['head.bias'].data_offsets = [0, 1 << 30])),
      /outside the data/,
    ],
    ['an integer dtype', () => corrupt((h) => (h['head.bias'].dtype = 'I64')), /not a float type/],
    [
      'no recurrent layer',
      () => writeSafetensors(new Map([['x.weight', { shape: [2, 2], data: new Float32Array(4) }]])),
      /no recurrent layer/,
    ],
  ];
  for (const [label, make, reason] of bad) {
    it(`rejects ${label} with a clear error`, () => {
      assert.throws(
        () => importPyTorch(make()),
        (e: unknown) => e instanceof SafetensorsError && reason.test((e as Error).message),
      );
    });
  }
});

/** The fixture's batch: token ids are time-major [T][B], each sequence cut to its length. */
function goldenSequences(golden: { tokens: number[][]; lengths: number[] }) {
  return golden.lengths.map((length, b) => ({
    ids: Array.from({ length }, (_, t) => golden.tokens[t]![b]!),
    label: 0,
  }));
}

/** The fixture with its JSON header edited. */
function corrupt(edit: (header: Record<string, any>) => void): Uint8Array {
  const bytes = fs.readFileSync(path.join(FIXTURES, 'pytorch_gru.safetensors'));
  const length = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  const header = JSON.parse(bytes.subarray(8, 8 + length).toString('utf8'));
  edit(header);
  const json = Buffer.from(JSON.stringify(header));
  const out = Buffer.alloc(8 + json.length + bytes.length - 8 - length);
  out.writeBigUInt64LE(BigInt(json.length), 0);
  json.copy(out, 8);
  bytes.subarray(8 + length).copy(out, 8 + json.length);
  return out;
}
