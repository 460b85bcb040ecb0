import { recurrenceKernel } from '../kernel/recurrenceKernel';

/**
 * A principal-component basis: fitted once on one set of states, then used to project any other
 * set (another epoch's states), so that a point's movement between pictures is the states'.
 */
export interface PcaBasis {
  /** Width of a state. */
  dimensions: number;
  /** The fitted states' mean, [dimensions]. */
  mean: Float64Array;
  /** k unit components, row-major [k * dimensions], in order of variance explained. */
  components: Float64Array;
  /** Each component's share of the total variance, 0..1. */
  explainedRatio: number[];
}

/**
 * Fits the top `k` components of `rows` states of `dimensions` values each (row-major).
 *
 * The covariance is built in float64 and decomposed by the kernel's symmetric eigensolver
 * (EISPACK's tred2 and tql2). ml-pca (mljs) was measured at 2.3 to 3.8 s to fit 3,579 states of
 * 128 and 1 s to project them, against a 300 ms budget for the whole picture, because it
 * decomposes the data matrix itself and projects onto every component before keeping k;
 * ml-matrix's own EigenvalueDecomposition of the 128 x 128 covariance took 48 ms, the kernel's
 * runs the same procedures on plain memory.
 *
 * Each component's sign is fixed so that its largest-|loading| entry is positive (the first such
 * entry on a tie): an eigenvector's sign is arbitrary, and without a rule the picture could
 * mirror between runs.
 */
export function fitPca(states: Float32Array | Float64Array, dimensions: number, k = 2): PcaBasis {
  const rows = states.length / dimensions;
  if (!Number.isInteger(rows) || rows < 2) {
    throw new Error(`PCA needs at least 2 states of ${dimensions} values`);
  }
  const mean = new Float64Array(dimensions);
  for (let r = 0; r < rows; r++) {
    for (let d = 0; d < dimensions; d++) {
      mean[d] = (mean[d] as number) + (states[r * dimensions + d] as number);
    }
  }
  for (let d = 0; d < dimensions; d++) mean[d] = (mean[d] as number) / rows;
  // The scatter is most of the fit's time (3,579 x 128 x 128 / 2 multiply-adds for the names):
  // the kernel builds it in float64 with two lanes at a time, 60 ms in JavaScript before.
  const cov = recurrenceKernel().upperScatter(states, dimensions, mean);
  const covariance = new Float64Array(dimensions * dimensions);
  for (let i = 0; i < dimensions; i++) {
    for (let j = i; j < dimensions; j++) {
      const value = (cov[i * dimensions + j] as number) / (rows - 1);
      covariance[i * dimensions + j] = value;
      covariance[j * dimensions + i] = value;
    }
  }
  const { values, vectors } = recurrenceKernel().symmetricEigen(covariance, dimensions);
  const order = values
    .map((_, i) => i)
    .sort((a, b) => (values[b] as number) - (values[a] as number));
  // Rounding can leave tiny negative eigenvalues for a rank-deficient covariance.
  const total = values.reduce((sum, v) => sum + Math.max(v, 0), 0);
  const kept = Math.min(k, dimensions);
  const components = new Float64Array(kept * dimensions);
  const explainedRatio: number[] = [];
  for (let c = 0; c < kept; c++) {
    const column = order[c] as number;
    const vector = vectors.subarray(column * dimensions, (column + 1) * dimensions);
    let largest = 0;
    for (let d = 0; d < dimensions; d++) {
      const v = vector[d] as number;
      if (Math.abs(v) > Math.abs(largest)) largest = v;
    }
    const sign = largest < 0 ? -1 : 1;
    for (let d = 0; d < dimensions; d++) {
      components[c * dimensions + d] = sign * (vector[d] as number);
    }
    explainedRatio.push(total > 0 ? Math.max(values[column] as number, 0) / total : 0);
  }
  return { dimensions, mean, components, explainedRatio };
}

/**
 * Coordinates of each state on the basis' components, row-major [rows * k], in float64.
 * Components are taken two at a time, each state read once per pair (the names' trajectories
 * are 26,000 states: 44 ms one component at a time, 24 ms in pairs); each coordinate still adds
 * its terms in order.
 */
export function projectPca(basis: PcaBasis, states: Float32Array | Float64Array): Float64Array {
  const { dimensions, mean, components } = basis;
  const k = components.length / dimensions;
  const rows = states.length / dimensions;
  if (!Number.isInteger(rows)) throw new Error(`States are not rows of ${dimensions} values`);
  const out = new Float64Array(rows * k);
  for (let c = 0; c < k; c += 2) {
    const first = components.subarray(c * dimensions, (c + 1) * dimensions);
    // An odd last component is paired with itself, its second sum left unused.
    const second = c + 1 < k ? components.subarray((c + 1) * dimensions) : first;
    for (let r = 0; r < rows; r++) {
      const at = r * dimensions;
      let a = 0;
      let b = 0;
      for (let d = 0; d < dimensions; d++) {
        const centred = (states[at + d] as number) - (mean[d] as number);
        a += centred * (first[d] as number);
        b += centred * (second[d] as number);
      }
      out[r * k + c] = a;
      if (c + 1 < k) out[r * k + c + 1] = b;
    }
  }
  return out;
}
