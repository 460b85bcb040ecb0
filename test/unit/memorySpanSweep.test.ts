import * as assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { SpanResult } from '../../src/core/tasks/memorySpan';
import {
  runSpanSweep,
  summariseSweep,
  type SpanSweep,
  type SweepProgress,
} from '../../src/core/tasks/memorySpanSweep';
import { trainSettings } from '../../src/core/training/settings';
import { useTestBackend } from './helpers';

const result = (cell: SpanResult['cell'], span: number, accuracy: number): SpanResult => ({
  cell,
  span,
  accuracy,
  chance: 0.25,
  trainSeconds: 1,
});

const tiny: SpanSweep = {
  cells: ['rnn', 'gru'],
  spans: [2, 3],
  seeds: [1],
  hiddenSize: 4,
  symbols: 4,
  distractors: 4,
  trainSize: 64,
  settings: trainSettings({ epochs: 1, batchSize: 32 }),
  init: {},
};

describe('the memory-span sweep', () => {
  before(useTestBackend);

  it('summarises each cell at each span over the seeds: mean, lowest and highest', () => {
    const summary = summariseSweep([
      result('rnn', 5, 1),
      result('lstm', 5, 0.5),
      result('rnn', 5, 0.5),
      result('rnn', 10, 0.25),
      result('rnn', 5, 0.75),
    ]);
    assert.deepEqual(summary, [
      { cell: 'rnn', span: 5, mean: 0.75, lowest: 0.5, highest: 1, seeds: 3 },
      { cell: 'lstm', span: 5, mean: 0.5, lowest: 0.5, highest: 0.5, seeds: 1 },
      { cell: 'rnn', span: 10, mean: 0.25, lowest: 0.25, highest: 0.25, seeds: 1 },
    ]);
  });

  it('trains every cell at every span, reporting progress from 0 to 1', async () => {
    const progress: SweepProgress[] = [];
    const { results, completed } = await runSpanSweep(tiny, {
      onProgress: (p) => progress.push(p),
    });
    assert.equal(completed, true);
    assert.deepEqual(
      results.map((r) => `${r.cell} ${r.span} ${r.seed}`),
      ['rnn 2 1', 'gru 2 1', 'rnn 3 1', 'gru 3 1'],
    );
    for (const r of results) assert.ok(r.accuracy >= 0 && r.accuracy <= 1 && r.chance === 0.25);
    const fractions = progress.map((p) => p.fraction);
    assert.deepEqual(
      fractions,
      [...fractions].sort((a, b) => a - b),
      'progress only grows',
    );
    assert.equal(fractions.at(-1), 1);
  });

  it('stops when asked and says the sweep did not complete', async () => {
    let legs = 0;
    const { results, completed } = await runSpanSweep(tiny, {
      onResult: () => (legs += 1),
      shouldStop: () => legs >= 1,
    });
    assert.equal(completed, false);
    assert.equal(results.length, 1);
  });
});
