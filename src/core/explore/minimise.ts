import { CholeskyDecomposition, Matrix, solve } from 'ml-matrix';
import { applyMap, mapJacobian, mapVectorJacobian, type StepMap } from './stepMap';

/**
 * The two stages that drive a state toward F(s) = s: Adam on q(s) = ½‖F(s) − s‖², which makes
 * progress from far away, then Newton's method on F(s) − s = 0, which converges quadratically
 * near a fixed point where first-order steps only jitter.
 */
export interface Candidate {
  state: Float64Array;
  /** ‖F(s) − s‖. */
  residual: number;
}

const LEARNING_RATE = 1e-2;
/** Newton steps at most, and damping tries per step. */
const NEWTON_STEPS = 12;
const DAMPING_TRIES = 8;

function norm(v: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += (v[i] as number) ** 2;
  return Math.sqrt(sum);
}

export function residualOf(map: StepMap, s: Float64Array) {
  const { next, step } = applyMap(map, s);
  const r = next.map((x, i) => x - (s[i] as number));
  return { r, step, size: norm(r) };
}

/** Adam on q for `iterations` steps, or until the residual is below `handOver`; the best state. */
export function descend(
  map: StepMap,
  start: Float64Array,
  iterations: number,
  handOver: number,
): Candidate {
  const D = start.length;
  const s = start.slice();
  const m = new Float64Array(D);
  const v = new Float64Array(D);
  let best: Candidate = { state: s.slice(), residual: Infinity };
  for (let t = 1; t <= iterations; t++) {
    const { r, step, size } = residualOf(map, s);
    if (size < best.residual) best = { state: s.slice(), residual: size };
    if (size < handOver) break;
    // ∇q = (J − I)ᵀ r, as a product: forming J would cost D² per step.
    const jr = mapVectorJacobian(map, s, step, r);
    for (let k = 0; k < D; k++) {
      const grad = (jr[k] as number) - (r[k] as number);
      m[k] = 0.9 * (m[k] as number) + 0.1 * grad;
      v[k] = 0.999 * (v[k] as number) + 0.001 * grad * grad;
      const mHat = (m[k] as number) / (1 - 0.9 ** t);
      const vHat = (v[k] as number) / (1 - 0.999 ** t);
      s[k] = (s[k] as number) - (LEARNING_RATE * mHat) / (Math.sqrt(vHat) + 1e-12);
    }
  }
  if (best.residual === Infinity) best.residual = residualOf(map, s).size;
  return best;
}

/** AᵀA of the row-major D x D `a`, as rows: plain loops, several times faster than mmul here. */
function gram(a: Float64Array, D: number): number[][] {
  const out = Array.from({ length: D }, () => new Array<number>(D).fill(0));
  for (let k = 0; k < D; k++) {
    const row = a.subarray(k * D, (k + 1) * D);
    for (let i = 0; i < D; i++) {
      const aki = row[i] as number;
      if (aki === 0) continue;
      const target = out[i] as number[];
      for (let j = i; j < D; j++) target[j] = (target[j] as number) + aki * (row[j] as number);
    }
  }
  for (let i = 0; i < D; i++)
    for (let j = 0; j < i; j++) (out[i] as number[])[j] = (out[j] as number[])[i] as number;
  return out;
}

/** `from` moved by `delta`, if that lowers the residual. */
function tryStep(map: StepMap, from: Candidate, delta: number[]): Candidate | undefined {
  const state = from.state.map((x, i) => x + (delta[i] as number));
  const residual = residualOf(map, state).size;
  return residual < from.residual ? { state, residual } : undefined;
}

/**
 * Newton on F(s) − s = 0, damped as Levenberg and Marquardt do: δ solves (AᵀA + μI)δ = −Aᵀr
 * with A = J − I. With μ → 0 that is Newton's (J − I)δ = −r; a larger μ bends the step toward
 * −∇q where J − I is nearly singular, as it is along a trained model's slow directions, where
 * plain Newton steps overshoot. μ shrinks after a step that lowers the residual and grows
 * after one that does not; polishing stops at `target` or when no μ helps.
 */
export function polish(map: StepMap, from: Candidate, target: number): Candidate {
  let current = from;
  const D = from.state.length;
  let damping = -1;
  for (let k = 0; k < NEWTON_STEPS && current.residual >= target; k++) {
    const { r, step } = residualOf(map, current.state);
    const J = mapJacobian(map, current.state, step);
    for (let i = 0; i < D; i++) J[i * D + i] = (J[i * D + i] as number) - 1;
    const A = new Matrix(
      Array.from({ length: D }, (_, i) => Array.from(J.subarray(i * D, (i + 1) * D))),
    );
    const minusR = Matrix.columnVector(Array.from(r, (x) => -x));
    // Newton's own step first: where it lowers the residual, it converges fastest.
    const newton = tryStep(map, current, solve(A, minusR).getColumn(0));
    if (newton) {
      current = newton;
      continue;
    }
    const normal = new Matrix(gram(J, D));
    const gradient = A.transpose().mmul(minusR);
    if (damping < 0) damping = 1e-3 * Math.max(...normal.diag());
    let accepted = false;
    for (let tries = 0; tries < DAMPING_TRIES && !accepted; tries++) {
      const damped = normal.clone();
      for (let i = 0; i < D; i++) damped.set(i, i, damped.get(i, i) + damping);
      const lowered = tryStep(
        map,
        current,
        new CholeskyDecomposition(damped).solve(gradient).getColumn(0),
      );
      if (lowered) {
        current = lowered;
        damping /= 3;
        accepted = true;
      } else damping *= 4;
    }
    if (!accepted) break;
  }
  return current;
}
