import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pytorchEquivalent } from '../../src/core/model/pytorchModules';
import { pytorchLine } from '../../src/extension/pytorchLine';
import { smallConfig } from './helpers';

/**
 * Parameter counts from PyTorch itself (Debian's python3-torch, 2026-12-03):
 * sum(p.numel() for p in m.parameters()) for the modules named in each case.
 */
describe("a model's PyTorch modules", () => {
  it('the names GRU: nn.GRU(57, 128) and nn.Linear(128, 18), 74,130 parameters', () => {
    const gru = pytorchEquivalent(
      smallConfig('gru', { inputSize: 57, hiddenSize: 128, outputSize: 18, dropout: 0.3 }),
    );
    assert.deepEqual(gru.modules, [
      'nn.GRU(57, 128, batch_first=True)',
      'nn.Dropout(p=0.3)',
      'nn.Linear(128, 18)',
    ]);
    assert.equal(gru.parameters, 74_130);
    assert.deepEqual(gru.docs, [
      'https://pytorch.org/docs/stable/generated/torch.nn.GRU.html',
      'https://pytorch.org/docs/stable/generated/torch.nn.Dropout.html',
      'https://pytorch.org/docs/stable/generated/torch.nn.Linear.html',
    ]);
  });

  it('is one line in the Models and Runs views’ tooltips: modules, count, and links to each page', () => {
    const line = pytorchLine(
      smallConfig('gru', { inputSize: 57, hiddenSize: 128, outputSize: 18, dropout: 0.3 }),
    );
    assert.equal(
      line,
      'In PyTorch: `nn.GRU(57, 128, batch_first=True)` → `nn.Dropout(p=0.3)` → `nn.Linear(128, 18)`, ' +
        '74,130 parameters ([GRU](https://pytorch.org/docs/stable/generated/torch.nn.GRU.html), ' +
        '[Dropout](https://pytorch.org/docs/stable/generated/torch.nn.Dropout.html), ' +
        '[Linear](https://pytorch.org/docs/stable/generated/torch.nn.Linear.html))',
    );
  });

  it('a two-layer LSTM: 65,938 parameters', () => {
    const lstm = pytorchEquivalent(
      smallConfig('lstm', { inputSize: 57, hiddenSize: 64, numLayers: 2, outputSize: 18 }),
    );
    assert.equal(lstm.modules[0], 'nn.LSTM(57, 64, num_layers=2, batch_first=True)');
    assert.equal(lstm.parameters, 65_938);
  });

  it('a bidirectional relu RNN reads both final states: nn.Linear(32, 4), 964 parameters', () => {
    const rnn = pytorchEquivalent(
      smallConfig('rnn', {
        nonlinearity: 'relu',
        inputSize: 8,
        hiddenSize: 16,
        outputSize: 4,
        bidirectional: true,
      }),
    );
    assert.deepEqual(rnn.modules, [
      "nn.RNN(8, 16, nonlinearity='relu', bidirectional=True, batch_first=True)",
      'nn.Linear(32, 4)',
    ]);
    assert.equal(rnn.parameters, 964);
  });
});
