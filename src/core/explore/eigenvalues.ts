import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { gateCount, type CellType } from '../model/config';
import { GATE_NAMES } from './cellStep';

export interface Complex {
  re: number;
  im: number;
}

/** One H x H block of W_hh and its eigenvalues. */
export interface BlockEigenvalues {
  /** PyTorch's name of the block, e.g. W_hh for the vanilla RNN, W_hz for the GRU's z gate. */
  block: string;
  eigenvalues: Complex[];
}

export const modulus = (z: Complex): number => Math.hypot(z.re, z.im);

/** The spectral radius of eigenvalues sorted largest |λ| first (0 for none). */
export const radiusOf = (sorted: readonly Complex[]): number =>
  sorted[0] ? modulus(sorted[0]) : 0;

/** The eigenvalues of the n x n row-major matrix, largest |λ| first; ml-matrix's real Schur solver. */
export function eigenvalues(values: ArrayLike<number>, n: number): Complex[] {
  const rows = Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) => values[i * n + j] as number),
  );
  const eig = new EigenvalueDecomposition(new Matrix(rows), { assumeSymmetric: false });
  return eig.realEigenvalues
    .map((re, k) => ({ re, im: eig.imaginaryEigenvalues[k] as number }))
    .sort((a, b) => modulus(b) - modulus(a));
}

/**
 * Every gate's block of a layer's W_hh ([G*H, H]) with its eigenvalues, named as the gradient
 * lab names its radii, so the fixed points' view and the lab's radii tell one story.
 */
export function blockEigenvalues(
  cell: CellType,
  hidden: number,
  wHH: Float32Array | Float64Array,
): BlockEigenvalues[] {
  const names = cell === 'rnn' ? ['h'] : GATE_NAMES[cell];
  const size = hidden * hidden;
  return Array.from({ length: gateCount(cell) }, (_, gate) => ({
    block: `W_h${names[gate] as string}`,
    eigenvalues: eigenvalues(wHH.subarray(gate * size, (gate + 1) * size), hidden),
  }));
}
