import type { CellType, Nonlinearity } from '../model/config';

/**
 * One step of a recurrent cell in float64 plain arrays, with PyTorch's equations and fused gate
 * layouts (LSTM i,f,g,o; GRU r,z,n). The gradient lab's backward pass and the fixed-point finder
 * both read a step's gates, so both run this one forward step.
 */
/**
 * Gate activations by name, in PyTorch's order, as saved by the forward pass. Here, with the
 * equations and not beside the tfjs trace, so the analysis worker can name W_hh's blocks
 * without loading tfjs.
 */
export const GATE_NAMES: Record<CellType, string[]> = {
  rnn: [],
  gru: ['r', 'z', 'n'],
  lstm: ['i', 'f', 'g', 'o'],
};

export interface RecurrentWeights {
  cell: CellType;
  /** Vanilla RNN only; the gated cells use their fixed sigmoid/tanh. */
  activation: Nonlinearity;
  hidden: number;
  /** [G*H, H] and [G*H]. */
  wHH: Float64Array;
  bHH: Float64Array;
}

export interface CellStep {
  h: Float64Array;
  /** LSTM only. */
  c?: Float64Array;
  /** Gate activations [G*H]: LSTM i,f,g,o; GRU r,z,n; the vanilla RNN's output. */
  gates: Float64Array;
  /** GRU: W_hn h + b_hn; vanilla RNN: the pre-activation. */
  extra?: Float64Array;
}

export const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

export function activate(kind: Nonlinearity, a: number): number {
  if (kind === 'relu') return a > 0 ? a : 0;
  if (kind === 'sigmoid') return sigmoid(a);
  return Math.tanh(a);
}

/** d act / d a, from the pre-activation a and the output y. */
export function slope(kind: Nonlinearity, a: number, y: number): number {
  if (kind === 'relu') return a > 0 ? 1 : 0;
  if (kind === 'sigmoid') return y * (1 - y);
  return 1 - y * y;
}

/** W_hh h + b_hh for every gate, [G*H]. */
function fromState(weights: RecurrentWeights, h: Float64Array): Float64Array {
  const H = weights.hidden;
  const G = weights.bHH.length;
  const out = new Float64Array(G);
  for (let g = 0; g < G; g++) {
    let sum = weights.bHH[g] as number;
    for (let k = 0; k < H; k++) sum += (weights.wHH[g * H + k] as number) * (h[k] as number);
    out[g] = sum;
  }
  return out;
}

/**
 * The next state from `h` (and the LSTM's `c`, zeros if absent) under `drive`, the input's part
 * of every gate's pre-activation: W_ih x + b_ih, [G*H]. The GRU keeps the two apart because
 * its n gate scales only the state's part by r.
 */
export function cellStep(
  weights: RecurrentWeights,
  drive: Float64Array,
  h: Float64Array,
  c?: Float64Array,
): CellStep {
  const H = weights.hidden;
  const state = fromState(weights, h);
  const next = new Float64Array(H);
  if (weights.cell === 'rnn') {
    const a = drive.map((x, j) => x + (state[j] as number));
    for (let j = 0; j < H; j++) next[j] = activate(weights.activation, a[j] as number);
    return { h: next, gates: next, extra: a };
  }
  if (weights.cell === 'lstm') {
    const gates = drive.map((x, j) => x + (state[j] as number));
    const nextC = new Float64Array(H);
    for (let j = 0; j < H; j++) {
      const i = sigmoid(gates[j] as number);
      const f = sigmoid(gates[H + j] as number);
      const g = Math.tanh(gates[2 * H + j] as number);
      const o = sigmoid(gates[3 * H + j] as number);
      [gates[j], gates[H + j], gates[2 * H + j], gates[3 * H + j]] = [i, f, g, o];
      nextC[j] = f * ((c?.[j] ?? 0) as number) + i * g;
      next[j] = o * Math.tanh(nextC[j] as number);
    }
    return { h: next, c: nextC, gates };
  }
  const gates = new Float64Array(3 * H);
  const hn = state.slice(2 * H);
  for (let j = 0; j < H; j++) {
    const r = sigmoid((drive[j] as number) + (state[j] as number));
    const z = sigmoid((drive[H + j] as number) + (state[H + j] as number));
    const n = Math.tanh((drive[2 * H + j] as number) + r * (hn[j] as number));
    [gates[j], gates[H + j], gates[2 * H + j]] = [r, z, n];
    next[j] = (1 - z) * n + z * (h[j] as number);
  }
  return { h: next, gates, extra: hn };
}
