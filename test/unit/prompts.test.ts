import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { markDefault, numberChoices } from '../../src/extension/commands/promptItems';

describe('multi-step prompts highlight the default, so Enter takes it', () => {
  it('highlights 128 for "Hidden size (default: 128)", not the first row', () => {
    const { items, active } = numberChoices([32, 64, 128, 256], 128);
    assert.equal(active.value, 128);
    assert.deepEqual(
      items.map((item) => [item.label, item.description]),
      [
        ['32', undefined],
        ['64', undefined],
        ['128', 'default'],
        ['256', undefined],
      ],
    );
  });

  it('keeps a default from settings that is not one of the offered values', () => {
    const { items, active } = numberChoices([1, 3, 5, 10, 20], 2);
    assert.equal(active.value, 2);
    assert.deepEqual(
      items.map((item) => item.value),
      [1, 2, 3, 5, 10, 20],
    );
  });

  it('formats learning rates and still highlights the default', () => {
    const { active } = numberChoices([0.0003, 0.001, 0.003, 0.01], 0.003, (x) => x.toString());
    assert.equal(active.label, '0.003');
  });

  it("highlights the text model's default cell, RNN for the lessons' sentences", () => {
    const cells = [
      { label: 'GRU', value: 'gru' },
      { label: 'LSTM', value: 'lstm' },
      { label: 'RNN', description: 'vanilla', value: 'rnn' },
    ];
    const { items, active } = markDefault(cells, 'rnn');
    assert.equal(active.label, 'RNN');
    assert.equal(active.description, 'vanilla (default)');
    assert.equal(items[2], active);
  });

  it('refuses a default that no row offers', () => {
    assert.throws(() => markDefault([{ label: 'GRU', value: 'gru' }], 'lstm'), /No choice/);
  });
});
