import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseWebviewMessage } from '../../src/shared/explorerProtocol';

const controls = { activation: 'tanh', spectralRadius: 1, length: 50, clipNorm: 5 };

describe('gradient lab controls: hidden size', () => {
  it('passes a listed hidden size through, and leaves it out when absent', () => {
    for (const hiddenSize of [16, 32, 64, 128, 256])
      assert.deepEqual(
        parseWebviewMessage({ type: 'lab', controls: { ...controls, hiddenSize } }),
        {
          message: { type: 'lab', controls: { ...controls, hiddenSize } },
        },
      );
    assert.deepEqual(parseWebviewMessage({ type: 'lab', controls }), {
      message: { type: 'lab', controls },
    });
  });

  it('rejects any other hidden size', () => {
    for (const hiddenSize of [0, 17, 512, 64.5, '64', Number.NaN])
      assert.ok(
        'error' in parseWebviewMessage({ type: 'lab', controls: { ...controls, hiddenSize } }),
      );
  });

  it('passes gate biases of 1 and 3 through and rejects others', () => {
    for (const bias of [1, 3])
      assert.deepEqual(
        parseWebviewMessage({
          type: 'lab',
          controls: { ...controls, forgetBias: bias, updateBias: bias },
        }),
        { message: { type: 'lab', controls: { ...controls, forgetBias: bias, updateBias: bias } } },
      );
    for (const bias of [0, 2, -1, '1'])
      assert.ok(
        'error' in
          parseWebviewMessage({ type: 'lab', controls: { ...controls, forgetBias: bias } }),
      );
  });

  it("passes the trained model's weights through and rejects any other source", () => {
    assert.deepEqual(
      parseWebviewMessage({ type: 'lab', controls: { ...controls, weights: 'model' } }),
      { message: { type: 'lab', controls: { ...controls, weights: 'model' } } },
    );
    for (const weights of ['random', 'file', 1, null])
      assert.ok(
        'error' in parseWebviewMessage({ type: 'lab', controls: { ...controls, weights } }),
      );
  });
});
