/**
 * Windows a univariate series for many-to-one forecasting: `window` past values in, the next
 * `horizon` values out. The split is by time and the scaler sees the training part only, so no
 * information from the test period leaks into training.
 */

export interface SeriesOptions {
  window: number;
  horizon: number;
  /** Share of the series, at its end, held out for testing, e.g. 0.2. */
  testFraction: number;
}

export interface SeriesWindow {
  /** Index in `values` of the first input value. */
  start: number;
  /** `window` normalized values: values[start .. start + window). */
  inputs: Float32Array;
  /** `horizon` normalized values: values[start + window .. start + window + horizon). */
  targets: Float32Array;
}

export interface PreparedSeries {
  /** The series in original units, as given (not copied). */
  values: Float64Array;
  /** values[0 .. trainEnd) is the training part. */
  trainEnd: number;
  mean: number;
  std: number;
  /** Every window whose targets all lie before trainEnd. */
  train: SeriesWindow[];
  /** Every window whose first target is at or after trainEnd; its inputs may precede it. */
  test: SeriesWindow[];
}

export function prepareSeries(values: Float64Array, options: SeriesOptions): PreparedSeries {
  const { window, horizon, testFraction } = options;
  if (!Number.isInteger(window) || window < 1)
    throw new RangeError(`The window must be a whole number of at least 1; got ${window}.`);
  if (!Number.isInteger(horizon) || horizon < 1)
    throw new RangeError(`The horizon must be a whole number of at least 1; got ${horizon}.`);
  if (!(testFraction > 0 && testFraction < 1))
    throw new RangeError(`The test fraction must be between 0 and 1; got ${testFraction}.`);
  const n = values.length;
  const needed = minimumLength(window, horizon, testFraction);
  if (n < needed)
    throw new RangeError(
      `A window of ${window} and a horizon of ${horizon} need at least ${needed} values ` +
        `(with ${formatPercent(testFraction)} held out for testing); the column has ${n}.`,
    );
  for (let i = 0; i < n; i++)
    if (!Number.isFinite(values[i] as number))
      throw new RangeError(`Value ${i + 1} of the series is ${values[i]}; expected a number.`);

  const trainEnd = splitIndex(n, testFraction);
  let sum = 0;
  for (let i = 0; i < trainEnd; i++) sum += values[i] as number;
  const mean = sum / trainEnd;
  let squares = 0;
  for (let i = 0; i < trainEnd; i++) squares += ((values[i] as number) - mean) ** 2;
  const std = Math.sqrt(squares / trainEnd);
  // Rounding can leave a constant series with a std of ~1e-17 times its mean instead of 0.
  if (!(std > 1e-12 * Math.max(1, Math.abs(mean))))
    throw new RangeError(
      `The first ${trainEnd} values (the training part) are all ${values[0]}: ` +
        'there is nothing for the model to learn.',
    );

  const windowAt = (start: number): SeriesWindow => {
    const inputs = new Float32Array(window);
    const targets = new Float32Array(horizon);
    for (let j = 0; j < window; j++) inputs[j] = ((values[start + j] as number) - mean) / std;
    for (let j = 0; j < horizon; j++)
      targets[j] = ((values[start + window + j] as number) - mean) / std;
    return { start, inputs, targets };
  };
  const train: SeriesWindow[] = [];
  for (let start = 0; start + window + horizon <= trainEnd; start++) train.push(windowAt(start));
  const test: SeriesWindow[] = [];
  for (let start = trainEnd - window; start + window + horizon <= n; start++)
    test.push(windowAt(start));
  return { values, trainEnd, mean, std, train, test };
}

export function denormalize(x: number, series: { mean: number; std: number }): number {
  return x * series.std + series.mean;
}

function splitIndex(n: number, testFraction: number): number {
  return Math.round(n * (1 - testFraction));
}

/**
 * The shortest series with one train window (trainEnd >= window + horizon) and one test window
 * (n - trainEnd >= horizon). Both sides only grow with n, so the first n that fits is the answer.
 */
function minimumLength(window: number, horizon: number, testFraction: number): number {
  // Start just below the real-valued bound so a tiny test fraction does not mean a long walk.
  const bound = Math.max(
    (window + horizon - 0.5) / (1 - testFraction),
    (horizon - 0.5) / testFraction,
  );
  for (let n = Math.max(window + 2 * horizon, Math.floor(bound) - 1); ; n++) {
    const trainEnd = splitIndex(n, testFraction);
    if (trainEnd >= window + horizon && n - trainEnd >= horizon) return n;
  }
}

function formatPercent(fraction: number): string {
  return `${Number((fraction * 100).toFixed(1))}%`;
}

/** Every step repeats the last observed value, values[originIndex - 1]. */
export function naiveForecast(
  values: Float64Array,
  originIndex: number,
  horizon: number,
): Float64Array {
  checkOrigin(values, originIndex, horizon, 1);
  return new Float64Array(horizon).fill(values[originIndex - 1] as number);
}

/** Each step repeats the value one season earlier, from the last observed season. */
export function seasonalNaiveForecast(
  values: Float64Array,
  originIndex: number,
  horizon: number,
  period: number,
): Float64Array {
  if (!Number.isInteger(period) || period < 1)
    throw new RangeError(`The season period must be a whole number of at least 1; got ${period}.`);
  checkOrigin(values, originIndex, horizon, period);
  const out = new Float64Array(horizon);
  for (let h = 0; h < horizon; h++)
    out[h] = values[originIndex + h - period * Math.ceil((h + 1) / period)] as number;
  return out;
}

function checkOrigin(values: Float64Array, origin: number, horizon: number, history: number) {
  if (!Number.isInteger(horizon) || horizon < 1)
    throw new RangeError(`The horizon must be a whole number of at least 1; got ${horizon}.`);
  if (!Number.isInteger(origin) || origin < history || origin > values.length)
    throw new RangeError(
      `A forecast from index ${origin} needs ${history} earlier value${history === 1 ? '' : 's'} ` +
        `within the series of ${values.length}.`,
    );
}

/** Lags longer than this add little to the estimate and make the O(n * maxLag) scan slow. */
const MAX_ACF_VALUES = 20_000;
/** The autocorrelation a season must reach to be trusted. */
const MIN_SEASON_ACF = 0.3;
/**
 * How far the autocorrelation must have fallen, somewhere before the peak, below the peak:
 * noise makes small wiggles on the slow decay of a smooth series (daily temperatures peak at
 * lag 13 this way), while a true season swings the autocorrelation down and back up.
 */
const MIN_SEASON_DIP = 0.2;

/**
 * The season length, or undefined if there is no clear one: the lag (2..maxLag) of the highest
 * autocorrelation peak above 0.3, on the linearly detrended series, since a trend would
 * otherwise make lag 2 look best.
 */
export function guessSeasonPeriod(values: Float64Array, maxLag?: number): number | undefined {
  const lagLimit = Math.floor(maxLag ?? Math.min(400, values.length / 2));
  const x = detrend(values.subarray(Math.max(0, values.length - MAX_ACF_VALUES)));
  const n = x.length;
  const top = Math.min(lagLimit, n - 2);
  if (top < 2) return undefined;
  let variance = 0;
  for (let t = 0; t < n; t++) variance += (x[t] as number) ** 2;
  if (!(variance > 0)) return undefined;
  // One lag past the limit, so a peak at maxLag itself can be recognised as one.
  const r = new Float64Array(top + 2);
  for (let k = 1; k <= top + 1; k++) {
    let s = 0;
    for (let t = 0; t + k < n; t++) s += (x[t] as number) * (x[t + k] as number);
    r[k] = s / variance;
  }
  let best: number | undefined;
  let bestR = MIN_SEASON_ACF;
  let lowest = r[1] as number;
  for (let k = 2; k <= top; k++) {
    const rk = r[k] as number;
    const isPeak = rk > (r[k - 1] as number) && rk >= (r[k + 1] as number);
    if (isPeak && rk > bestR && rk - lowest >= MIN_SEASON_DIP) {
      best = k;
      bestR = rk;
    }
    lowest = Math.min(lowest, rk);
  }
  return best;
}

/** Least-squares line removed; the result also has mean 0. */
function detrend(values: Float64Array): Float64Array {
  const n = values.length;
  const tMean = (n - 1) / 2;
  let yMean = 0;
  for (let t = 0; t < n; t++) yMean += values[t] as number;
  yMean /= n;
  let sty = 0;
  let stt = 0;
  for (let t = 0; t < n; t++) {
    sty += (t - tMean) * ((values[t] as number) - yMean);
    stt += (t - tMean) ** 2;
  }
  const slope = stt > 0 ? sty / stt : 0;
  const out = new Float64Array(n);
  for (let t = 0; t < n; t++) out[t] = (values[t] as number) - yMean - slope * (t - tMean);
  return out;
}

export interface ForecastErrors {
  rmse: number;
  mae: number;
}

export function forecastErrors(
  actual: ArrayLike<number>,
  predicted: ArrayLike<number>,
): ForecastErrors {
  if (actual.length !== predicted.length)
    throw new RangeError(
      `Cannot compare ${actual.length} actual values with ${predicted.length} predictions.`,
    );
  if (actual.length === 0) throw new RangeError('Cannot compute errors on an empty forecast.');
  let squares = 0;
  let absolutes = 0;
  for (let i = 0; i < actual.length; i++) {
    const e = (actual[i] as number) - (predicted[i] as number);
    squares += e * e;
    absolutes += Math.abs(e);
  }
  return { rmse: Math.sqrt(squares / actual.length), mae: absolutes / actual.length };
}
