import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { batchData, packBatch } from '../../src/core/data/batches';
import { exportPyTorch, importPyTorch } from '../../src/core/io/pytorchInterop';
import { readSafetensors, SafetensorsError, writeSafetensors } from '../../src/core/io/safetensors';
import { infer } from '../../src/core/model/inference';
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
