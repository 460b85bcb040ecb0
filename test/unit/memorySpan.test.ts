import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  MEMORY_SPAN_DEFAULTS,
  memorySpanConfig,
  memorySpanData,
} from '../../src/core/tasks/memorySpan';

describe('the long-memory task', () => {
  const options = { ...MEMORY_SPAN_DEFAULTS, span: 40, trainSize: 2000, testSize: 500 };

  it('starts each sequence with the symbol to name, then T distractors only', () => {
    const data = memorySpanData(options);
    assert.equal(data.train.length, 2000);
    assert.equal(data.test.length, 500);
    assert.deepEqual(data.labels, ['A', 'B', 'C', 'D']);
    assert.deepEqual(data.vocabulary, ['A', 'B', 'C', 'D', 'a', 'b', 'c', 'd']);
    for (const { ids, label } of [...data.train, ...data.test]) {
      assert.equal(ids.length, 41);
      assert.equal(ids[0], label, 'the answer is the first symbol');
      for (const id of ids.slice(1)) assert.ok(id >= 4 && id < 8, `distractor ${id}`);
    }
  });

  it('draws the answers and the distractors evenly, so chance is 1 / symbols', () => {
    const { train } = memorySpanData(options);
    const counts = [0, 0, 0, 0];
    for (const { label } of train) counts[label]! += 1;
    for (const c of counts) assert.ok(c > 400 && c < 600, `class share ${c / 2000}`);
    const distractors = new Map<number, number>();
    for (const { ids } of train)
      for (const id of ids.slice(1)) distractors.set(id, (distractors.get(id) ?? 0) + 1);
    for (const c of distractors.values()) assert.ok(Math.abs(c / (2000 * 40) - 0.25) < 0.01);
  });

  it('is the same data for the same seed, and other data for another', () => {
    assert.deepEqual(memorySpanData(options), memorySpanData(options));
    assert.notDeepEqual(
      memorySpanData(options).train,
      memorySpanData({ ...options, seed: 2 }).train,
    );
  });

  it('has a model that reads all the symbols and names one of the symbols to remember', () => {
    const config = memorySpanConfig('lstm', 16, options);
    assert.equal(config.inputSize, 8);
    assert.equal(config.outputSize, 4);
    assert.equal(config.head, 'last');
  });
});
