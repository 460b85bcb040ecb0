import { cellStep, slope, type CellStep, type RecurrentWeights } from './cellStep';

/**
 * The gradient lab's own forward and backward pass in float64, for one layer and batch 1.
 * The lab's settings drive gradients far past float32 (3^120 ~ 1e57), where the model's
 * float32 pass overflows to Infinity or squares past 3e38; here every step's gradient is
 * carried as a unit-scale vector plus a natural-log scale, so norms stay exact in float64 and
 * beyond (exp of the log scale is Infinity only past ~1e308).
 */
export interface LabWeights extends RecurrentWeights {
  vocabulary: number;
  /** PyTorch layouts: [G*H, V], [G*H], [C, H], [C]; gates i,f,g,o / r,z,n. */
  wIH: Float64Array;
  bIH: Float64Array;
  fcW: Float64Array;
  fcB: Float64Array;
}

export interface LabNorms {
  /** ||dL/dh_t|| for t = 1..T. */
  hNorms: number[];
  /** ||dL/dc_t|| for t = 1..T, LSTM only. */
  cNorms?: number[];
}

function maxAbs(...vectors: Float64Array[]): number {
  let m = 0;
  for (const v of vectors) for (const x of v) m = Math.max(m, Math.abs(x));
  return m;
}

/** ||v|| * e^logScale without squaring anything large: v is scaled to max |v_i| = 1 first. */
function scaledNorm(v: Float64Array, logScale: number): number {
  const m = maxAbs(v);
  if (m === 0) return 0;
  let squares = 0;
  for (const x of v) squares += (x / m) ** 2;
  return Math.exp(logScale + Math.log(m) + 0.5 * Math.log(squares));
}

/** Divides every vector by their common max |x| and returns log of it (0 for all-zero). */
function renormalise(...vectors: Float64Array[]): number {
  const m = maxAbs(...vectors);
  if (m === 0 || !Number.isFinite(m)) return 0;
  for (const v of vectors) for (let i = 0; i < v.length; i++) v[i] = (v[i] as number) / m;
  return Math.log(m);
}

/** out += W^T v for W [rows, H] starting at row `from`. */
function addTransposed(w: Float64Array, from: number, v: Float64Array, out: Float64Array): void {
  const H = out.length;
  for (let j = 0; j < v.length; j++) {
    const vj = v[j] as number;
    if (vj === 0) continue;
    const row = (from + j) * H;
    for (let k = 0; k < H; k++) out[k] = (out[k] as number) + (w[row + k] as number) * vj;
  }
}

/** W_ih x + b_ih for the one-hot x of `token`: a column of W_ih. */
function tokenDrive(weights: LabWeights, token: number): Float64Array {
  return weights.bIH.map((b, g) => (weights.wIH[g * weights.vocabulary + token] as number) + b);
}

/** dL/dh_T for cross-entropy against `label` of the head's logits at the last state. */
function lastStateGradient(weights: LabWeights, h: Float64Array, label: number): Float64Array {
  const C = weights.fcB.length;
  const H = weights.hidden;
  const logits = Array.from({ length: C }, (_, c) => {
    let sum = weights.fcB[c] as number;
    for (let k = 0; k < H; k++) sum += (weights.fcW[c * H + k] as number) * (h[k] as number);
    return sum;
  });
  const max = Math.max(...logits);
  const exps = logits.map((z) => Math.exp(z - max));
  const total = exps.reduce((a, b) => a + b, 0);
  const dLogits = Float64Array.from(exps, (e, c) => e / total - (c === label ? 1 : 0));
  const dh = new Float64Array(H);
  addTransposed(weights.fcW, 0, dLogits, dh);
  return dh;
}

function forward(weights: LabWeights, tokens: ArrayLike<number>): CellStep[] {
  const steps: CellStep[] = [];
  let h: Float64Array = new Float64Array(weights.hidden);
  let c: Float64Array | undefined;
  for (let t = 0; t < tokens.length; t++) {
    const step = cellStep(weights, tokenDrive(weights, tokens[t] as number), h, c);
    steps.push(step);
    ({ h, c } = step);
  }
  return steps;
}

/** ||dL/dh_t|| (and ||dL/dc_t|| for the LSTM) of cross-entropy at the last step. */
export function labBackward(
  weights: LabWeights,
  tokens: ArrayLike<number>,
  label: number,
): LabNorms {
  const H = weights.hidden;
  const T = tokens.length;
  const steps = forward(weights, tokens);
  const zero = new Float64Array(H);
  const hNorms = new Array<number>(T);
  const cNorms = weights.cell === 'lstm' ? new Array<number>(T) : undefined;
  let dh = lastStateGradient(weights, (steps[T - 1] as CellStep).h, label);
  let dc = new Float64Array(H);
  let logScale = renormalise(dh);
  for (let t = T - 1; t >= 0; t--) {
    const step = steps[t] as CellStep;
    const previous = t > 0 ? (steps[t - 1] as CellStep) : undefined;
    hNorms[t] = scaledNorm(dh, logScale);
    const dPre = new Float64Array(step.gates.length);
    const dhPrev = new Float64Array(H);
    if (weights.cell === 'rnn') {
      const a = step.extra as Float64Array;
      for (let j = 0; j < H; j++)
        dPre[j] =
          (dh[j] as number) * slope(weights.activation, a[j] as number, step.h[j] as number);
    } else if (weights.cell === 'lstm') {
      const cPrev = previous?.c ?? zero;
      const c = step.c as Float64Array;
      const g = step.gates;
      for (let j = 0; j < H; j++) {
        const [i, f, gg, o] = [g[j], g[H + j], g[2 * H + j], g[3 * H + j]] as number[];
        const tc = Math.tanh(c[j] as number);
        const dcj = (dc[j] as number) + (dh[j] as number) * (o as number) * (1 - tc * tc);
        dc[j] = dcj;
        dPre[j] = dcj * (gg as number) * (i as number) * (1 - (i as number));
        dPre[H + j] = dcj * (cPrev[j] as number) * (f as number) * (1 - (f as number));
        dPre[2 * H + j] = dcj * (i as number) * (1 - (gg as number) ** 2);
        dPre[3 * H + j] = (dh[j] as number) * tc * (o as number) * (1 - (o as number));
      }
      (cNorms as number[])[t] = scaledNorm(dc, logScale);
      dc = dc.map((x, j) => x * (g[H + j] as number));
    } else {
      const hPrev = previous?.h ?? zero;
      const g = step.gates;
      const hn = step.extra as Float64Array;
      for (let j = 0; j < H; j++) {
        const [r, z, n] = [g[j], g[H + j], g[2 * H + j]] as number[];
        const d = dh[j] as number;
        const dn = d * (1 - (z as number)) * (1 - (n as number) ** 2);
        dhPrev[j] = d * (z as number);
        dPre[H + j] =
          d * ((hPrev[j] as number) - (n as number)) * (z as number) * (1 - (z as number));
        dPre[j] = dn * (hn[j] as number) * (r as number) * (1 - (r as number));
        // The state's n-gate gradient passes through r: d(r * (W_hn h + b_hn)) / d(W_hn h).
        dPre[2 * H + j] = dn * (r as number);
      }
    }
    addTransposed(weights.wHH, 0, dPre, dhPrev);
    dh = dhPrev;
    logScale += renormalise(dh, dc);
  }
  return cNorms ? { hNorms, cNorms } : { hNorms };
}
