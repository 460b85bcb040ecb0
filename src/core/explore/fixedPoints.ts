import { Random } from '../random';
import { eigenvalues, modulus, type Complex } from './eigenvalues';
import { descend, polish, type Candidate } from './minimise';
import { applyMap, mapJacobian, stateSize, type StepMap } from './stepMap';

/**
 * Fixed and slow points of a layer's one-step map F under a constant input, as Sussillo and
 * Barak (2013) find them: minimise q(s) = ½‖F(s) − s‖² from many starts near the states the
 * model visits, then polish with Newton's method on F(s) − s = 0. Everything is float64.
 */
export interface FixedPointOptions {
  /** How many starts; each is a visited state plus Gaussian noise. */
  starts: number;
  /** Adam steps per start at most, before Newton; a start hands over early once slow. */
  iterations: number;
  /** The noise's standard deviation, per coordinate. */
  noise: number;
  seed: number;
}

export const DEFAULT_FIXED_POINT_OPTIONS: FixedPointOptions = {
  starts: 64,
  iterations: 100,
  noise: 0.05,
  seed: 1,
};

/** ‖F(s*) − s*‖ below this is a fixed point: float64 Newton reaches it, float32 runs would not. */
export const FIXED_TOLERANCE = 1e-6;
/**
 * ‖F(s) − s‖ below this (and not fixed) is a slow point: the state moves less than 0.01 per step
 * (Euclidean; tanh units lie in −1…1), so over a name's ten or so letters it stays within 0.1.
 */
export const SLOW_TOLERANCE = 1e-2;
/** Two points closer than this (Euclidean) are one point; the one with the smaller residual stays. */
export const MIN_SEPARATION = 1e-3;
/**
 * The most points reported, fixed first then by residual: each costs an eigendecomposition of
 * its D x D Jacobian (about 0.1 s at D = 128), and a list longer than this is not read.
 */
export const MAX_REPORTED = 16;

export interface FoundPoint {
  kind: 'fixed' | 'slow';
  /** The state: h, or the LSTM's [h; c]. */
  state: number[];
  /** ‖F(s) − s‖. */
  residual: number;
  /** Of the Jacobian dF/ds at the point, largest |λ| first. */
  eigenvalues: Complex[];
  /** How many eigenvalues have |λ| > 1: directions along which a small push grows. */
  unstable: number;
}

export interface FixedPointSearch {
  /** Fixed points first, then slow points, each by residual. */
  points: FoundPoint[];
  /** The state's size: H, or 2H for the LSTM. */
  dimension: number;
  starts: number;
  elapsedMs: number;
}

/** A standard normal draw (Box-Muller). */
function gaussian(random: Random): number {
  return Math.sqrt(-2 * Math.log(1 - random.next())) * Math.cos(2 * Math.PI * random.next());
}

function distance(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += ((a[i] as number) - (b[i] as number)) ** 2;
  return Math.sqrt(sum);
}

/** Fixed points, then slow ones, each by residual, with near-identical points merged. */
function distinct(candidates: Candidate[]): Candidate[] {
  const kept: Candidate[] = [];
  for (const c of [...candidates].sort((a, b) => a.residual - b.residual))
    if (kept.every((k) => distance(k.state, c.state) >= MIN_SEPARATION)) kept.push(c);
  return kept;
}

function describe(map: StepMap, c: Candidate): FoundPoint {
  const D = c.state.length;
  const { step } = applyMap(map, c.state);
  const values = eigenvalues(mapJacobian(map, c.state, step), D);
  return {
    kind: c.residual < FIXED_TOLERANCE ? 'fixed' : 'slow',
    state: Array.from(c.state),
    residual: c.residual,
    eigenvalues: values,
    unstable: values.filter((z) => modulus(z) > 1).length,
  };
}

/**
 * Fixed and slow points of `map`, searched from `options.starts` starts drawn (seeded) from
 * `visited` states (each of the map's state size) plus noise. Starts that end above
 * SLOW_TOLERANCE are dropped. Seconds of CPU for a GRU 128: the Explorer runs it in a worker.
 */
export function findFixedPoints(
  map: StepMap,
  visited: readonly Float64Array[],
  options: FixedPointOptions = DEFAULT_FIXED_POINT_OPTIONS,
): FixedPointSearch {
  const began = performance.now();
  const D = stateSize(map.weights);
  if (visited.length === 0 || visited.some((s) => s.length !== D))
    throw new RangeError(`Starts need visited states of ${D} values`);
  const random = new Random(options.seed);
  const candidates: Candidate[] = [];
  for (let n = 0; n < options.starts; n++) {
    const base = visited[Math.floor(random.next() * visited.length)] as Float64Array;
    const start = base.map((x) => x + options.noise * gaussian(random));
    const found = polish(
      map,
      descend(map, start, options.iterations, SLOW_TOLERANCE),
      FIXED_TOLERANCE / 10,
    );
    if (found.residual < SLOW_TOLERANCE) candidates.push(found);
  }
  const points = distinct(candidates)
    .slice(0, MAX_REPORTED)
    .map((candidate) => describe(map, candidate));
  return {
    points,
    dimension: D,
    starts: options.starts,
    elapsedMs: performance.now() - began,
  };
}
