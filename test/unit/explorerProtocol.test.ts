import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseWebviewMessage } from '../../src/shared/explorerProtocol';

describe('messages from the Explorer webview are validated before use', () => {
  it('accepts every well-formed message', () => {
    const good: unknown[] = [
      { type: 'ready' },
      { type: 'view', view: 'gradients' },
      { type: 'input', text: 'Dostoevsky' },
      {
        type: 'lab',
        controls: { activation: 'relu', spectralRadius: 1.5, length: 120, clipNorm: 0 },
      },
      { type: 'trainingControl', action: 'resume' },
      { type: 'trainingDrawn', ms: 12.5 },
      { type: 'misclassified', actual: 3, predicted: 14 },
      { type: 'raceMemorySpan' },
      { type: 'fixedPoints', input: { kind: 'zero' } },
      { type: 'fixedPoints', input: { kind: 'symbol', symbol: '<Russian>' } },
      { type: 'view', view: 'states' },
      { type: 'states' },
      { type: 'states', epoch: 7 },
      { type: 'openInput', input: 'Abadi' },
      { type: 'view', view: 'units' },
      { type: 'findUnits', text: 'ROMEO: "hi"', start: 8, end: 10 },
    ];
    for (const message of good)
      assert.deepEqual(parseWebviewMessage(message), { message }, JSON.stringify(message));
  });

  it('drops extra fields rather than passing them on', () => {
    const parsed = parseWebviewMessage({
      type: 'input',
      text: 'Kim',
      command: 'workbench.action.terminal.new',
    });
    assert.deepEqual(parsed, { message: { type: 'input', text: 'Kim' } });
    assert.deepEqual(
      parseWebviewMessage({ type: 'raceMemorySpan', spans: [5000], epochs: 1e9 }),
      { message: { type: 'raceMemorySpan' } },
      'the race the page asks for is the one the user then chooses, never a size it names',
    );
  });

  const bad: Array<[string, unknown, RegExp]> = [
    ['an unknown type', { type: 'runCommand', command: 'x' }, /unknown message type/],
    ['no type', { view: 'graph' }, /no message type/],
    ['not an object', 'ready', /no message type/],
    ['null', null, /no message type/],
    ['an unknown view', { type: 'view', view: 'settings' }, /unknown view/],
    ['a number as input', { type: 'input', text: 42 }, /input must be a string/],
    ['a 10,000-character input', { type: 'input', text: 'a'.repeat(10_000) }, /at most 200/],
    [
      'a radius out of range',
      {
        type: 'lab',
        controls: { activation: 'tanh', spectralRadius: 50, length: 50, clipNorm: 5 },
      },
      /invalid gradient-lab/,
    ],
    [
      'a fractional length',
      {
        type: 'lab',
        controls: { activation: 'tanh', spectralRadius: 1, length: 50.5, clipNorm: 5 },
      },
      /invalid gradient-lab/,
    ],
    [
      'an unknown activation',
      { type: 'lab', controls: { activation: 'gelu', spectralRadius: 1, length: 50, clipNorm: 5 } },
      /invalid gradient-lab/,
    ],
    [
      'NaN',
      {
        type: 'lab',
        controls: { activation: 'tanh', spectralRadius: Number.NaN, length: 50, clipNorm: 5 },
      },
      /invalid gradient-lab/,
    ],
    [
      'an unknown training action',
      { type: 'trainingControl', action: 'delete' },
      /unknown training action/,
    ],
    ['a draw time that is not a number', { type: 'trainingDrawn', ms: '5' }, /invalid draw time/],
    ['a negative draw time', { type: 'trainingDrawn', ms: -1 }, /invalid draw time/],
    [
      'a negative confusion cell',
      { type: 'misclassified', actual: -1, predicted: 2 },
      /invalid confusion cell/,
    ],
    ['an epoch that is not a whole number', { type: 'states', epoch: 2.5 }, /invalid epoch/],
    ['epoch 0 (epochs count from 1)', { type: 'states', epoch: 0 }, /invalid epoch/],
    [
      'an input to open longer than the input box takes',
      { type: 'openInput', input: 'x'.repeat(201) },
      /at most 200 characters/,
    ],
    [
      'a unit search span that ends past its text',
      { type: 'findUnits', text: 'ROMEO', start: 2, end: 6 },
      /invalid unit search span/,
    ],
    [
      'an empty unit search span',
      { type: 'findUnits', text: 'ROMEO', start: 2, end: 2 },
      /invalid unit search span/,
    ],
    ['a huge payload', { type: 'ready', padding: 'x'.repeat(100_000) }, /too large/],
  ];
  for (const [label, raw, reason] of bad) {
    it(`drops ${label}`, () => {
      const parsed = parseWebviewMessage(raw);
      assert.ok('error' in parsed);
      assert.match(parsed.error, reason);
    });
  }

  it('asks for fixed points only under zero input or one symbol of at most 40 characters', () => {
    for (const input of [
      { kind: 'symbol', symbol: '' },
      { kind: 'symbol', symbol: 'x'.repeat(41) },
      { kind: 'symbol', symbol: 3 },
      { kind: 'vector', values: [1] },
      undefined,
    ]) {
      const parsed = parseWebviewMessage({ type: 'fixedPoints', input });
      assert.ok('error' in parsed, JSON.stringify(input));
    }
    assert.deepEqual(
      parseWebviewMessage({ type: 'fixedPoints', input: { kind: 'zero', symbol: 'a' } }),
      { message: { type: 'fixedPoints', input: { kind: 'zero' } } },
    );
  });
});
