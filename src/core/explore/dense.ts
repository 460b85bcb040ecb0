/**
 * The few dense solves Newton's method needs, on row-major D x D Float64Arrays with plain loops:
 * at D = 128 (256 for the LSTM) ml-matrix's arrays of rows and per-element calls cost several
 * times the arithmetic, and the polish solves a system at every step of every start.
 */

/** AᵀA of the row-major D x D `a`. */
export function gram(a: Float64Array, D: number): Float64Array {
  const out = new Float64Array(D * D);
  for (let k = 0; k < D; k++) {
    const row = a.subarray(k * D, (k + 1) * D);
    for (let i = 0; i < D; i++) {
      const aki = row[i] as number;
      if (aki === 0) continue;
      for (let j = i; j < D; j++)
        out[i * D + j] = (out[i * D + j] as number) + aki * (row[j] as number);
    }
  }
  for (let i = 0; i < D; i++) for (let j = 0; j < i; j++) out[i * D + j] = out[j * D + i] as number;
  return out;
}

/** Aᵀb. */
export function transposeTimes(a: Float64Array, D: number, b: ArrayLike<number>): Float64Array {
  const out = new Float64Array(D);
  for (let k = 0; k < D; k++) {
    const bk = b[k] as number;
    for (let i = 0; i < D; i++) out[i] = (out[i] as number) + (a[k * D + i] as number) * bk;
  }
  return out;
}

/** x with Ax = b by Gaussian elimination with partial pivoting; undefined if A is singular. */
export function luSolve(
  a: Float64Array,
  D: number,
  b: ArrayLike<number>,
): Float64Array | undefined {
  const m = a.slice();
  const x = Float64Array.from(b);
  for (let col = 0; col < D; col++) {
    let pivot = col;
    for (let i = col + 1; i < D; i++)
      if (Math.abs(m[i * D + col] as number) > Math.abs(m[pivot * D + col] as number)) pivot = i;
    const p = m[pivot * D + col] as number;
    if (p === 0 || !Number.isFinite(p)) return undefined;
    if (pivot !== col) {
      for (let j = 0; j < D; j++) {
        const t = m[col * D + j] as number;
        m[col * D + j] = m[pivot * D + j] as number;
        m[pivot * D + j] = t;
      }
      [x[col], x[pivot]] = [x[pivot] as number, x[col] as number];
    }
    for (let i = col + 1; i < D; i++) {
      const factor = (m[i * D + col] as number) / p;
      if (factor === 0) continue;
      for (let j = col; j < D; j++)
        m[i * D + j] = (m[i * D + j] as number) - factor * (m[col * D + j] as number);
      x[i] = (x[i] as number) - factor * (x[col] as number);
    }
  }
  for (let i = D - 1; i >= 0; i--) {
    let sum = x[i] as number;
    for (let j = i + 1; j < D; j++) sum -= (m[i * D + j] as number) * (x[j] as number);
    x[i] = sum / (m[i * D + i] as number);
  }
  return x;
}

/**
 * x with (S + μI)x = b for symmetric positive semi-definite S, by Cholesky; undefined if S + μI
 * is not numerically positive definite.
 */
export function dampedCholeskySolve(
  s: Float64Array,
  D: number,
  mu: number,
  b: ArrayLike<number>,
): Float64Array | undefined {
  // The lower factor L, row-major, with LLᵀ = S + μI.
  const l = new Float64Array(D * D);
  for (let i = 0; i < D; i++)
    for (let j = 0; j <= i; j++) {
      let sum = (s[i * D + j] as number) + (i === j ? mu : 0);
      for (let k = 0; k < j; k++) sum -= (l[i * D + k] as number) * (l[j * D + k] as number);
      if (i === j) {
        if (!(sum > 0)) return undefined;
        l[i * D + i] = Math.sqrt(sum);
      } else l[i * D + j] = sum / (l[j * D + j] as number);
    }
  const y = new Float64Array(D);
  for (let i = 0; i < D; i++) {
    let sum = b[i] as number;
    for (let k = 0; k < i; k++) sum -= (l[i * D + k] as number) * (y[k] as number);
    y[i] = sum / (l[i * D + i] as number);
  }
  for (let i = D - 1; i >= 0; i--) {
    let sum = y[i] as number;
    for (let k = i + 1; k < D; k++) sum -= (l[k * D + i] as number) * (y[k] as number);
    y[i] = sum / (l[i * D + i] as number);
  }
  return y;
}
