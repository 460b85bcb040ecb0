import type { SequenceModel } from '../model/sequenceModel';
import { valuesOf } from '../model/tensorValues';
import { cellStep, slope, type CellStep, type RecurrentWeights } from './cellStep';

/**
 * The one-step map F(s) = cell(s, x) of one recurrent layer under a constant input x, and its
 * Jacobian, in float64. For the vanilla RNN and the GRU the state s is h (H values). For the LSTM
 * it is the joint state s = [h; c] (2H values): the next step reads both, so only on the joint
 * state is F a map of the state to itself, and a fixed point of it is one where h and c both
 * stay (h* = o tanh(c*), c* = f c* + i g).
 */
export interface StepMap {
  weights: RecurrentWeights;
  /** The constant input's part of every gate's pre-activation: W_ih x + b_ih, [G*H]. */
  drive: Float64Array;
}

/** A constant input: nothing (x = 0), a symbol (x one-hot), or any vector of the layer's width. */
export type ConstantInput =
  | { kind: 'zero' }
  | { kind: 'token'; token: number }
  | { kind: 'vector'; values: ArrayLike<number> };

export function stateSize(weights: RecurrentWeights): number {
  return weights.cell === 'lstm' ? 2 * weights.hidden : weights.hidden;
}

/** `layer`'s map under `input` (for layers above the first, x is the layer below's state). */
export function modelStepMap(model: SequenceModel, layer: number, input: ConstantInput): StepMap {
  const { config } = model;
  const tensors = model.layerWeights()[layer];
  if (!tensors) throw new RangeError(`The model has no layer ${layer}`);
  const width = layer === 0 ? config.inputSize : config.hiddenSize;
  const wIH = valuesOf(tensors.wIH);
  const drive = Float64Array.from(valuesOf(tensors.bIH));
  const rows = drive.length;
  if (input.kind === 'token') {
    if (layer !== 0 || config.inputKind !== 'tokens' || !(input.token < width && input.token >= 0))
      throw new RangeError(`Symbol ${input.token} is not an input of layer ${layer}`);
    for (let g = 0; g < rows; g++)
      drive[g] = (drive[g] as number) + (wIH[g * width + input.token] as number);
  } else if (input.kind === 'vector') {
    if (input.values.length !== width)
      throw new RangeError(`Layer ${layer} reads ${width} values, not ${input.values.length}`);
    for (let g = 0; g < rows; g++)
      for (let k = 0; k < width; k++)
        drive[g] =
          (drive[g] as number) + (wIH[g * width + k] as number) * (input.values[k] as number);
  }
  return {
    weights: {
      cell: config.cell,
      activation: config.nonlinearity,
      hidden: config.hiddenSize,
      wHH: Float64Array.from(valuesOf(tensors.wHH)),
      bHH: Float64Array.from(valuesOf(tensors.bHH)),
    },
    drive,
  };
}

/** F(s) in the state's layout, and the step's gates for the Jacobian. */
export function applyMap(map: StepMap, s: Float64Array): { next: Float64Array; step: CellStep } {
  const H = map.weights.hidden;
  const lstm = map.weights.cell === 'lstm';
  const step = cellStep(map.weights, map.drive, s.subarray(0, H), lstm ? s.subarray(H) : undefined);
  if (!lstm) return { next: step.h, step };
  const next = new Float64Array(2 * H);
  next.set(step.h);
  next.set(step.c as Float64Array, H);
  return { next, step };
}

/**
 * dF/ds at `s` in factored form, from the step F took there (PyTorch's equations by hand):
 * dF_i/ds_k = Σ_g viaGate[i*G + g] W_hh[g*H + i mod H, k] (k < H), plus `direct[i]` at column
 * `directColumn(i)`, the one path that bypasses W_hh (the GRU's z h, the LSTM's f c). The full
 * Jacobian and its transpose's product with a vector are both read off these coefficients, so
 * the equations are written once.
 */
interface LocalSlopes {
  /** [D * G]: how output i moves with gate g's pre-activation at unit i mod H. */
  viaGate: Float64Array;
  /** [D]. */
  direct: Float64Array;
  gates: number;
}

function directColumn(map: StepMap, i: number): number {
  const H = map.weights.hidden;
  return map.weights.cell === 'lstm' ? H + (i % H) : i;
}

function localSlopes(map: StepMap, s: Float64Array, step: CellStep): LocalSlopes {
  const { cell, hidden: H } = map.weights;
  const D = stateSize(map.weights);
  const G = map.weights.bHH.length / H;
  const viaGate = new Float64Array(D * G);
  const direct = new Float64Array(D);
  const g = step.gates;
  for (let j = 0; j < H; j++) {
    if (cell === 'rnn') {
      const a = (step.extra as Float64Array)[j] as number;
      viaGate[j] = slope(map.weights.activation, a, step.h[j] as number);
    } else if (cell === 'gru') {
      const [r, z, n] = [g[j], g[H + j], g[2 * H + j]] as number[] as [number, number, number];
      const hn = (step.extra as Float64Array)[j] as number;
      const dn = (1 - z) * (1 - n * n);
      viaGate[j * 3] = dn * hn * r * (1 - r);
      viaGate[j * 3 + 1] = ((s[j] as number) - n) * z * (1 - z);
      viaGate[j * 3 + 2] = dn * r;
      direct[j] = z;
    } else {
      const [i, f, gg, o] = [g[j], g[H + j], g[2 * H + j], g[3 * H + j]] as number[] as [
        number,
        number,
        number,
        number,
      ];
      const tc = Math.tanh((step.c as Float64Array)[j] as number);
      // dc'/d(i, f, g), then dh'/d· = (dh'/do) do/d· + (dh'/dc') dc'/d·.
      const viaC = [gg * i * (1 - i), (s[H + j] as number) * f * (1 - f), i * (1 - gg * gg)];
      const throughC = o * (1 - tc * tc);
      for (let k = 0; k < 3; k++) {
        viaGate[(H + j) * 4 + k] = viaC[k] as number;
        viaGate[j * 4 + k] = throughC * (viaC[k] as number);
      }
      viaGate[j * 4 + 3] = tc * o * (1 - o);
      direct[H + j] = f;
      direct[j] = throughC * f;
    }
  }
  return { viaGate, direct, gates: G };
}

/** dF/ds at `s`, row-major D x D, from the step F took there. */
export function mapJacobian(map: StepMap, s: Float64Array, step: CellStep): Float64Array {
  const { hidden: H, wHH } = map.weights;
  const D = stateSize(map.weights);
  const { viaGate, direct, gates: G } = localSlopes(map, s, step);
  const J = new Float64Array(D * D);
  for (let i = 0; i < D; i++) {
    const row = J.subarray(i * D, i * D + H);
    for (let g = 0; g < G; g++) {
      const a = viaGate[i * G + g] as number;
      if (a === 0) continue;
      const w = (g * H + (i % H)) * H;
      for (let k = 0; k < H; k++) row[k] = (row[k] as number) + a * (wHH[w + k] as number);
    }
    const at = i * D + directColumn(map, i);
    J[at] = (J[at] as number) + (direct[i] as number);
  }
  return J;
}

/**
 * Jᵀv for J = dF/ds at `s`, without forming J: O(G H²) like the step itself, where J costs
 * D² to fill. Gradient descent on ½‖F(s) − s‖² needs only this product at every step.
 */
export function mapVectorJacobian(
  map: StepMap,
  s: Float64Array,
  step: CellStep,
  v: Float64Array,
): Float64Array {
  const { hidden: H, wHH } = map.weights;
  const D = stateSize(map.weights);
  const { viaGate, direct, gates: G } = localSlopes(map, s, step);
  // How much each gate row of W_hh is weighted: Σ over the outputs that read it.
  const weight = new Float64Array(G * H);
  for (let i = 0; i < D; i++)
    for (let g = 0; g < G; g++) {
      const row = g * H + (i % H);
      weight[row] = (weight[row] as number) + (v[i] as number) * (viaGate[i * G + g] as number);
    }
  const out = new Float64Array(D);
  for (let row = 0; row < G * H; row++) {
    const a = weight[row] as number;
    if (a === 0) continue;
    for (let k = 0; k < H; k++) out[k] = (out[k] as number) + a * (wHH[row * H + k] as number);
  }
  for (let i = 0; i < D; i++) {
    const k = directColumn(map, i);
    out[k] = (out[k] as number) + (direct[i] as number) * (v[i] as number);
  }
  return out;
}

/** The states F visits from zeros in `steps` steps: where the constant input carries the layer. */
export function mapTrajectory(map: StepMap, steps: number): Float64Array[] {
  const states: Float64Array[] = [];
  let s: Float64Array = new Float64Array(stateSize(map.weights));
  for (let t = 0; t < steps; t++) {
    s = applyMap(map, s).next;
    states.push(s);
  }
  return states;
}
