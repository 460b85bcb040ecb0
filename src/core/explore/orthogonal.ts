import { Random } from '../random';

/**
 * A random n x n orthogonal matrix (Gram-Schmidt on a uniform random matrix), row-major. Every
 * eigenvalue of r * Q has modulus r, so scaling it sets the spectral radius exactly.
 */
export function randomOrthogonal(n: number, random: Random): Float64Array {
  const q = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (;;) {
      for (let j = 0; j < n; j++) q[i * n + j] = random.next() * 2 - 1;
      for (let k = 0; k < i; k++) {
        let dot = 0;
        for (let j = 0; j < n; j++) dot += (q[i * n + j] as number) * (q[k * n + j] as number);
        for (let j = 0; j < n; j++)
          q[i * n + j] = (q[i * n + j] as number) - dot * (q[k * n + j] as number);
      }
      let norm = 0;
      for (let j = 0; j < n; j++) norm += (q[i * n + j] as number) ** 2;
      norm = Math.sqrt(norm);
      // A nearly dependent draw loses precision; draw that row again.
      if (norm < 1e-6) continue;
      for (let j = 0; j < n; j++) q[i * n + j] = (q[i * n + j] as number) / norm;
      break;
    }
  }
  return q;
}
