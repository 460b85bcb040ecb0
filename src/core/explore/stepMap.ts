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

/** dF/ds at `s`, row-major D x D, from the step F took there (PyTorch's equations by hand). */
export function mapJacobian(map: StepMap, s: Float64Array, step: CellStep): Float64Array {
  const { cell, hidden: H, wHH } = map.weights;
  const D = stateSize(map.weights);
  const J = new Float64Array(D * D);
  const w = (gate: number, j: number, k: number): number => wHH[(gate * H + j) * H + k] as number;
  const g = step.gates;
  for (let j = 0; j < H; j++) {
    if (cell === 'rnn') {
      const a = (step.extra as Float64Array)[j] as number;
      const d = slope(map.weights.activation, a, step.h[j] as number);
      for (let k = 0; k < H; k++) J[j * D + k] = d * w(0, j, k);
    } else if (cell === 'gru') {
      const [r, z, n] = [g[j], g[H + j], g[2 * H + j]] as number[] as [number, number, number];
      const hn = (step.extra as Float64Array)[j] as number;
      const dn = (1 - z) * (1 - n * n);
      const viaR = dn * hn * r * (1 - r);
      const viaN = dn * r;
      const viaZ = ((s[j] as number) - n) * z * (1 - z);
      for (let k = 0; k < H; k++)
        J[j * D + k] = viaR * w(0, j, k) + viaZ * w(1, j, k) + viaN * w(2, j, k);
      J[j * D + j] = (J[j * D + j] as number) + z;
    } else {
      const [i, f, gg, o] = [g[j], g[H + j], g[2 * H + j], g[3 * H + j]] as number[] as [
        number,
        number,
        number,
        number,
      ];
      const tc = Math.tanh((step.c as Float64Array)[j] as number);
      const viaI = gg * i * (1 - i);
      const viaF = (s[H + j] as number) * f * (1 - f);
      const viaG = i * (1 - gg * gg);
      const throughC = o * (1 - tc * tc);
      const viaO = tc * o * (1 - o);
      for (let k = 0; k < H; k++) {
        // dc'/dh, then dh'/dh = (dh'/do) do/dh + (dh'/dc') dc'/dh.
        const dc = viaI * w(0, j, k) + viaF * w(1, j, k) + viaG * w(2, j, k);
        J[(H + j) * D + k] = dc;
        J[j * D + k] = viaO * w(3, j, k) + throughC * dc;
      }
      J[(H + j) * D + H + j] = f;
      J[j * D + H + j] = throughC * f;
    }
  }
  return J;
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
