import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  describeSweep,
  holdsThreshold,
  longestHeld,
  measuredFinding,
} from '../../src/core/tasks/memorySpanReport';
import type { SpanSummary } from '../../src/core/tasks/memorySpanSweep';
import { trainSettings } from '../../src/core/training/settings';

const SPANS = [5, 10, 20, 40];
/** Mean accuracy per span, chance 25 %: a cell holds a span from 62.5 % up. */
const row = (cell: SpanSummary['cell'], means: number[]): SpanSummary[] =>
  means.map((mean, i) => ({
    cell,
    span: SPANS[i] as number,
    mean,
    lowest: mean,
    highest: mean,
    seeds: 1,
  }));

const summary = [
  ...row('rnn', [1, 0.7, 0.3, 0.25]),
  // Held at 40 but not at 20: a fluke at the long end does not count as holding.
  ...row('lstm', [1, 0.98, 0.5, 0.9]),
  ...row('gru', [1, 1, 0.95, 0.625]),
];

describe('what the memory-span view says was measured', () => {
  it('a cell holds a span from halfway between chance and 100 %', () => {
    assert.equal(holdsThreshold(0.25), 0.625);
    assert.equal(holdsThreshold(0.1), 0.55);
  });

  it('the longest span held on average is the last of an unbroken run from the shortest', () => {
    assert.equal(longestHeld(summary, 'rnn', 0.25), 10);
    assert.equal(longestHeld(summary, 'lstm', 0.25), 10);
    assert.equal(longestHeld(summary, 'gru', 0.25), 40);
    assert.equal(longestHeld(row('rnn', [0.4, 0.3, 0.3, 0.3]), 'rnn', 0.25), 0);
  });

  it('on the best seed, it is the longest span any seed held', () => {
    const spread = row('lstm', [1, 0.5, 0.5, 0.3]).map((s, i) => ({
      ...s,
      highest: [1, 0.6, 1, 0.3][i] as number,
      seeds: 3,
    }));
    assert.equal(longestHeld(spread, 'lstm', 0.25, 'highest'), 20);
    assert.equal(longestHeld(spread, 'lstm', 0.25), 5);
  });

  it('puts each cell’s longest span into one sentence', () => {
    const finding = measuredFinding({
      cells: ['rnn', 'lstm', 'gru'],
      spans: SPANS,
      summary: [...row('rnn', [0.3, 0.3, 0.3, 0.3]), ...summary.slice(4)],
      chance: 0.25,
    });
    assert.equal(
      finding,
      'Measured over one seed (held = held-out accuracy at least 62.5 %, halfway from chance to 100 %): ' +
        'the vanilla RNN held no span; the LSTM held up to T = 10; the GRU held every span to T = 40.',
    );
    const seeds = summary.map((s) => ({
      ...s,
      seeds: 3,
      highest: s.cell === 'lstm' ? 1 : s.highest,
    }));
    assert.match(
      measuredFinding({ cells: ['rnn', 'lstm'], spans: SPANS, summary: seeds, chance: 0.25 }),
      /^Measured over 3 seeds .*: the vanilla RNN held up to T = 10 on average and up to T = 10 on its best seed; the LSTM held up to T = 10 on average and every span to T = 40 on its best seed\.$/,
    );
  });

  it('describes the settings every cell shared, the gate biases included', () => {
    const text = describeSweep({
      cells: ['rnn'],
      spans: [5],
      seeds: [1, 2],
      hiddenSize: 16,
      symbols: 4,
      distractors: 4,
      trainSize: 1000,
      settings: trainSettings({
        epochs: 30,
        optimizer: { name: 'sgd', learningRate: 0.1, momentum: 0.9 },
      }),
      init: { forgetGateBias: 1 },
    });
    assert.match(text, /30 epochs · SGD \(momentum 0\.9\) lr 0\.1/);
    assert.match(
      text,
      /LSTM forget-gate bias 1 · GRU update-gate bias PyTorch default · seeds 1, 2$/,
    );
  });
});
