import type { CellType, Nonlinearity } from './config';

/**
 * One time step of each cell, on plain Float32Arrays, with PyTorch's equations and gate order.
 * Only the recurrent matmul leaves JavaScript (it goes to tfjs): every tfjs op costs tens of
 * microseconds of dispatch, so the element-wise gate math is cheaper here than as a dozen ops.
 *
 * Layout: row-major [B, H] for states, [B, G*H] for gates. `mask[b]` is 1 for a real step and
 * 0 for padding; a padded row carries its state through unchanged, bit for bit.
 */
export interface StepDims {
  batch: number;
  hidden: number;
}

/** Saved activations per step, each [T*B*H]; which ones depends on the cell. */
export type Saved = Float32Array[];

export interface CellMath {
  /** How many [T*B*H] arrays `forward` fills for the backward pass. */
  savedCount: number;
  /**
   * h' (and c') from gx_t = W_ih x_t + b_ih and gh_t = W_hh h + b_hh, both [B, G*H] at offsets.
   * Writes the step's states into hOut/cOut at `out` (offset of [B*H] block).
   */
  forward(
    d: StepDims,
    gx: Float32Array,
    gxAt: number,
    gh: Float32Array,
    hPrev: Float32Array,
    cPrev: Float32Array | undefined,
    mask: Float32Array,
    maskAt: number,
    hOut: Float32Array,
    cOut: Float32Array | undefined,
    out: number,
    saved: Saved | undefined,
    nonlinearity: Nonlinearity,
  ): void;
  /**
   * Given g = dL/dh_t (and the carried dL/dc_t), writes the gate gradients dGx_t and dGh_t
   * ([B, G*H] at gateAt), the part of dL/dh_{t-1} that does not go through W_hh into `direct`,
   * and dL/dc_{t-1} into `dc` in place.
   */
  backward(
    d: StepDims,
    g: Float32Array,
    dc: Float32Array | undefined,
    saved: Saved,
    at: number,
    hPrev: Float32Array,
    hPrevAt: number,
    mask: Float32Array,
    maskAt: number,
    dGx: Float32Array,
    dGh: Float32Array,
    gateAt: number,
    direct: Float32Array,
    nonlinearity: Nonlinearity,
  ): void;
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

function activate(x: number, nonlinearity: Nonlinearity): number {
  if (nonlinearity === 'relu') return x > 0 ? x : 0;
  if (nonlinearity === 'sigmoid') return sigmoid(x);
  return Math.tanh(x);
}

/** The derivative, written in terms of the activation's output. */
function slope(y: number, nonlinearity: Nonlinearity): number {
  if (nonlinearity === 'relu') return y > 0 ? 1 : 0;
  if (nonlinearity === 'sigmoid') return y * (1 - y);
  return 1 - y * y;
}

function carryRow(
  from: Float32Array,
  fromAt: number,
  to: Float32Array,
  toAt: number,
  n: number,
): void {
  to.set(from.subarray(fromAt, fromAt + n), toAt);
}

const vanilla: CellMath = {
  savedCount: 1,
  forward(d, gx, gxAt, gh, hPrev, _c, mask, maskAt, hOut, _cOut, out, saved, nl) {
    const { batch: B, hidden: H } = d;
    for (let b = 0; b < B; b++) {
      const row = b * H;
      if (mask[maskAt + b] === 0) {
        carryRow(hPrev, row, hOut, out + row, H);
        continue;
      }
      for (let j = 0; j < H; j++) {
        const y = activate((gx[gxAt + row + j] as number) + (gh[row + j] as number), nl);
        hOut[out + row + j] = y;
        if (saved) (saved[0] as Float32Array)[out + row + j] = y;
      }
    }
  },
  backward(d, g, _dc, saved, at, _hp, _hpAt, mask, maskAt, dGx, dGh, gateAt, direct, nl) {
    const { batch: B, hidden: H } = d;
    const y = saved[0] as Float32Array;
    for (let b = 0; b < B; b++) {
      const row = b * H;
      const valid = mask[maskAt + b] !== 0;
      for (let j = 0; j < H; j++) {
        const gj = g[row + j] as number;
        const dPre = valid ? gj * slope(y[at + row + j] as number, nl) : 0;
        dGx[gateAt + row + j] = dPre;
        dGh[gateAt + row + j] = dPre;
        direct[row + j] = valid ? 0 : gj;
      }
    }
  },
};

const gru: CellMath = {
  savedCount: 4,
  forward(d, gx, gxAt, gh, hPrev, _c, mask, maskAt, hOut, _cOut, out, saved, _nl) {
    const { batch: B, hidden: H } = d;
    const G = 3 * H;
    for (let b = 0; b < B; b++) {
      const row = b * H;
      if (mask[maskAt + b] === 0) {
        carryRow(hPrev, row, hOut, out + row, H);
        continue;
      }
      const x = gxAt + b * G;
      const hgate = b * G;
      for (let j = 0; j < H; j++) {
        const r = sigmoid((gx[x + j] as number) + (gh[hgate + j] as number));
        const z = sigmoid((gx[x + H + j] as number) + (gh[hgate + H + j] as number));
        const ghn = gh[hgate + 2 * H + j] as number;
        const n = Math.tanh((gx[x + 2 * H + j] as number) + r * ghn);
        const hp = hPrev[row + j] as number;
        // ATen's order of operations: h' = n + z * (h - n).
        hOut[out + row + j] = n + z * (hp - n);
        if (saved) {
          const k = out + row + j;
          (saved[0] as Float32Array)[k] = r;
          (saved[1] as Float32Array)[k] = z;
          (saved[2] as Float32Array)[k] = n;
          (saved[3] as Float32Array)[k] = ghn;
        }
      }
    }
  },
  backward(d, g, _dc, saved, at, hPrev, hPrevAt, mask, maskAt, dGx, dGh, gateAt, direct, _nl) {
    const { batch: B, hidden: H } = d;
    const G = 3 * H;
    const [rs, zs, ns, ghns] = saved as [Float32Array, Float32Array, Float32Array, Float32Array];
    for (let b = 0; b < B; b++) {
      const row = b * H;
      const gate = gateAt + b * G;
      if (mask[maskAt + b] === 0) {
        for (let j = 0; j < H; j++) {
          direct[row + j] = g[row + j] as number;
          dGx[gate + j] = dGx[gate + H + j] = dGx[gate + 2 * H + j] = 0;
          dGh[gate + j] = dGh[gate + H + j] = dGh[gate + 2 * H + j] = 0;
        }
        continue;
      }
      for (let j = 0; j < H; j++) {
        const k = at + row + j;
        const gj = g[row + j] as number;
        const r = rs[k] as number;
        const z = zs[k] as number;
        const n = ns[k] as number;
        const dnPre = gj * (1 - z) * (1 - n * n);
        const dzPre = gj * ((hPrev[hPrevAt + row + j] as number) - n) * z * (1 - z);
        const drPre = dnPre * (ghns[k] as number) * r * (1 - r);
        dGx[gate + j] = drPre;
        dGx[gate + H + j] = dzPre;
        dGx[gate + 2 * H + j] = dnPre;
        dGh[gate + j] = drPre;
        dGh[gate + H + j] = dzPre;
        dGh[gate + 2 * H + j] = dnPre * r;
        direct[row + j] = gj * z;
      }
    }
  },
};

const lstm: CellMath = {
  savedCount: 6,
  forward(d, gx, gxAt, gh, hPrev, cPrev, mask, maskAt, hOut, cOut, out, saved, _nl) {
    const { batch: B, hidden: H } = d;
    const G = 4 * H;
    const cp = cPrev as Float32Array;
    const co = cOut as Float32Array;
    for (let b = 0; b < B; b++) {
      const row = b * H;
      if (mask[maskAt + b] === 0) {
        carryRow(hPrev, row, hOut, out + row, H);
        carryRow(cp, row, co, out + row, H);
        continue;
      }
      const x = gxAt + b * G;
      const hg = b * G;
      for (let j = 0; j < H; j++) {
        const i = sigmoid((gx[x + j] as number) + (gh[hg + j] as number));
        const f = sigmoid((gx[x + H + j] as number) + (gh[hg + H + j] as number));
        const gg = Math.tanh((gx[x + 2 * H + j] as number) + (gh[hg + 2 * H + j] as number));
        const o = sigmoid((gx[x + 3 * H + j] as number) + (gh[hg + 3 * H + j] as number));
        const c0 = cp[row + j] as number;
        const c = f * c0 + i * gg;
        const tc = Math.tanh(c);
        co[out + row + j] = c;
        hOut[out + row + j] = o * tc;
        if (saved) {
          const k = out + row + j;
          (saved[0] as Float32Array)[k] = i;
          (saved[1] as Float32Array)[k] = f;
          (saved[2] as Float32Array)[k] = gg;
          (saved[3] as Float32Array)[k] = o;
          (saved[4] as Float32Array)[k] = tc;
          (saved[5] as Float32Array)[k] = c0;
        }
      }
    }
  },
  backward(d, g, dc, saved, at, _hp, _hpAt, mask, maskAt, dGx, dGh, gateAt, direct, _nl) {
    const { batch: B, hidden: H } = d;
    const G = 4 * H;
    const [is, fs, gs, os, tcs, cps] = saved as Float32Array[] as [
      Float32Array,
      Float32Array,
      Float32Array,
      Float32Array,
      Float32Array,
      Float32Array,
    ];
    const dcs = dc as Float32Array;
    for (let b = 0; b < B; b++) {
      const row = b * H;
      const gate = gateAt + b * G;
      const valid = mask[maskAt + b] !== 0;
      for (let j = 0; j < H; j++) {
        const gj = g[row + j] as number;
        if (!valid) {
          direct[row + j] = gj;
          for (let q = 0; q < 4; q++) dGx[gate + q * H + j] = dGh[gate + q * H + j] = 0;
          continue;
        }
        const k = at + row + j;
        const i = is[k] as number;
        const f = fs[k] as number;
        const gg = gs[k] as number;
        const o = os[k] as number;
        const tc = tcs[k] as number;
        const dct = (dcs[row + j] as number) + gj * o * (1 - tc * tc);
        const di = dct * gg * i * (1 - i);
        const df = dct * (cps[k] as number) * f * (1 - f);
        const dg = dct * i * (1 - gg * gg);
        const dO = gj * tc * o * (1 - o);
        dGx[gate + j] = dGh[gate + j] = di;
        dGx[gate + H + j] = dGh[gate + H + j] = df;
        dGx[gate + 2 * H + j] = dGh[gate + 2 * H + j] = dg;
        dGx[gate + 3 * H + j] = dGh[gate + 3 * H + j] = dO;
        dcs[row + j] = dct * f;
        direct[row + j] = 0;
      }
    }
  },
};

export const CELL_MATH: Record<CellType, CellMath> = { rnn: vanilla, gru, lstm };
