import * as assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { CellType } from '../../src/core/model/config';
import {
  exactGradients,
  gradientLab,
  labProblem,
  modelGradients,
  type GradientLabSettings,
} from '../../src/core/explore/gradientLab';
import { useTestBackend } from './helpers';

const base: GradientLabSettings = {
  activation: 'relu',
  spectralRadius: 3,
  length: 120,
  clipNorm: 0,
  hiddenSize: 32,
  seed: 7,
};

/**
 * A deliberately plain float64 vanilla-RNN BPTT, no rescaling: at these sizes (~3^120) plain
 * doubles still hold every value, so it is an independent check of the lab's pass.
 */
function referenceRnnNorms(settings: GradientLabSettings): number[] {
  const { weights: w, tokens, label } = labProblem('rnn', settings);
  const H = w.hidden;
  const V = w.vocabulary;
  const relu = settings.activation === 'relu';
  const pre: number[][] = [];
  const hs: number[][] = [];
  let h: number[] = new Array<number>(H).fill(0);
  for (const token of tokens) {
    const a: number[] = [];
    for (let j = 0; j < H; j++) {
      let sum = Number(w.wIH[j * V + token]) + Number(w.bIH[j]) + Number(w.bHH[j]);
      for (let k = 0; k < H; k++) sum += Number(w.wHH[j * H + k]) * (h[k] as number);
      a.push(sum);
    }
    h = a.map((x) => (relu ? Math.max(0, x) : Math.tanh(x)));
    pre.push(a);
    hs.push(h);
  }
  const C = w.fcB.length;
  const logits: number[] = [];
  for (let c = 0; c < C; c++) {
    let sum = Number(w.fcB[c]);
    for (let k = 0; k < H; k++) sum += Number(w.fcW[c * H + k]) * (h[k] as number);
    logits.push(sum);
  }
  const max = Math.max(...logits);
  const total = logits.reduce((s, z) => s + Math.exp(z - max), 0);
  const dz = logits.map((z, c) => Math.exp(z - max) / total - (c === label ? 1 : 0));
  let dh: number[] = [];
  for (let k = 0; k < H; k++) {
    let sum = 0;
    for (let c = 0; c < C; c++) sum += Number(w.fcW[c * H + k]) * (dz[c] as number);
    dh.push(sum);
  }
  const norms: number[] = new Array<number>(tokens.length);
  for (let t = tokens.length - 1; t >= 0; t--) {
    norms[t] = Math.sqrt(dh.reduce((s, x) => s + x * x, 0));
    const a = pre[t] as number[];
    const y = hs[t] as number[];
    const da = dh.map((d, j) =>
      relu ? ((a[j] as number) > 0 ? d : 0) : d * (1 - (y[j] as number) ** 2),
    );
    dh = [];
    for (let k = 0; k < H; k++) {
      let sum = 0;
      for (let j = 0; j < H; j++) sum += Number(w.wHH[j * H + k]) * (da[j] as number);
      dh.push(sum);
    }
  }
  return norms;
}

const relative = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);

describe('gradient lab, exact norms', () => {
  before(async () => {
    await useTestBackend();
  });

  it('stays finite and exact far past float32 (relu, radius 3, length 120)', () => {
    const [rnn] = gradientLab(base);
    const norms = rnn?.norms ?? [];
    const reference = referenceRnnNorms(base);
    assert.equal(norms.length, 120);
    norms.forEach((n, t) => {
      assert.ok(Number.isFinite(n) && n > 0, `step ${t + 1}: ${n}`);
      assert.ok(
        relative(n, reference[t] as number) < 1e-9,
        `step ${t + 1}: ${n} vs ${reference[t]}`,
      );
    });
    assert.ok((norms[0] as number) > 1e30, `||dL/dh_1|| = ${norms[0]}`);
    assert.equal(rnn?.regime, 'exploding');
  });

  for (const cell of ['rnn', 'lstm', 'gru'] as CellType[]) {
    it(`agrees with the model's float32 gradients at moderate settings (${cell})`, () => {
      const settings = { ...base, activation: 'tanh' as const, spectralRadius: 1, length: 20 };
      const exact = exactGradients(cell, settings).hNorms;
      const model = modelGradients(cell, settings).norms;
      assert.equal(exact.length, model.length);
      exact.forEach((n, t) =>
        assert.ok(relative(n, model[t] as number) < 1e-4, `step ${t + 1}: ${n} vs ${model[t]}`),
      );
    });
  }

  it('gives the LSTM its cell-state path', () => {
    const cNorms = exactGradients('lstm', { ...base, activation: 'tanh', length: 20 }).cNorms;
    assert.equal(cNorms?.length, 20);
    assert.ok(cNorms?.every((n) => Number.isFinite(n) && n > 0));
  });

  it('a forget bias of 3 keeps the LSTM cell state gradient, an update bias of 3 the GRU state', () => {
    const settings = { ...base, activation: 'tanh' as const, spectralRadius: 1, length: 50 };
    const first = (norms: number[] | undefined): number => norms?.[0] ?? 0;
    const lstm = exactGradients('lstm', settings).cNorms;
    const held = exactGradients('lstm', { ...settings, forgetBias: 3 }).cNorms;
    assert.ok(first(held) > 1e3 * first(lstm), `${first(held)} vs ${first(lstm)}`);
    const gru = exactGradients('gru', settings).hNorms;
    const kept = exactGradients('gru', { ...settings, updateBias: 3 }).hNorms;
    assert.ok(first(kept) > 1e3 * first(gru), `${first(kept)} vs ${first(gru)}`);
    for (const cell of ['lstm', 'gru'] as CellType[]) {
      const biased = { ...settings, length: 20, forgetBias: 3, updateBias: 3 };
      const exact = exactGradients(cell, biased).hNorms;
      const model = modelGradients(cell, biased).norms;
      exact.forEach((n, t) => assert.ok(relative(n, model[t] as number) < 1e-4, `${cell} ${t}`));
    }
  });
});
