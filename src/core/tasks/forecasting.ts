import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { numericColumn, parseCsv } from '../data/csv';
import {
  denormalize,
  forecastErrors,
  guessSeasonPeriod,
  naiveForecast,
  prepareSeries,
  seasonalNaiveForecast,
  type ForecastErrors,
  type PreparedSeries,
  type SeriesWindow,
} from '../data/timeSeries';
import type { ManifestInfo } from '../io/modelFile';
import type { CellType, ModelConfig } from '../model/config';
import type { SequenceData } from '../model/recurrentStack';
import { SequenceModel } from '../model/sequenceModel';
import { inBatches } from '../util';
import { meanSquaredError } from '../training/loss';
import { trainingRecord, withCheckpointInfo } from '../training/record';
import {
  trainModel,
  type TrainCallbacks,
  type TrainOutcome,
  type TrainSettings,
} from '../training/trainer';

export const FORECAST_TASK = 'forecast';
const TEST_FRACTION = 0.2;

/** The series bundled with the extension, with a window and horizon that suit each. */
export const BUNDLED_SERIES = [
  {
    id: 'airline',
    file: 'airline-passengers.csv',
    column: 'Passengers',
    unit: 'thousand passengers',
    window: 24,
    horizon: 12,
  },
  {
    id: 'temperatures',
    file: 'daily-min-temperatures.csv',
    column: 'Temp',
    unit: '°C',
    window: 30,
    horizon: 7,
  },
  {
    id: 'sunspots',
    file: 'monthly-sunspots.csv',
    column: 'Sunspots',
    unit: 'sunspots',
    window: 48,
    horizon: 12,
  },
  {
    id: 'bitcoin',
    file: 'btc-usd-daily.csv',
    column: 'Close',
    unit: 'USD',
    window: 30,
    horizon: 7,
  },
] as const;

type BundledSeries = (typeof BUNDLED_SERIES)[number];

/** Epochs for a series of `length` values: a short one needs more passes to learn its shape. */
export function forecastEpochs(length: number): number {
  return length < 500 ? 60 : 15;
}

/** The bundled series a forecaster was trained on, from its manifest's task options. */
export function bundledSource(
  taskOptions: Record<string, unknown> | undefined,
): BundledSeries | undefined {
  return BUNDLED_SERIES.find((b) => b.file === taskOptions?.source);
}

/** A bundled series from `directory` (media/data/timeseries), in its standard column. */
export function readBundledSeries(directory: string, bundled: BundledSeries): Series {
  const text = fs.readFileSync(path.join(directory, bundled.file), 'utf8');
  return seriesFromCsv(text, bundled.file, bundled.column);
}

export interface Series {
  name: string;
  column: string;
  values: Float64Array;
  /** The first column's text per row (dates), when it is not the forecast column. */
  times?: string[];
}

export function seriesFromCsv(text: string, fileName: string, column: string): Series {
  const table = parseCsv(text, fileName);
  const values = numericColumn(table, column, fileName);
  const timeColumn = table.columns.indexOf(column) === 0 ? undefined : 0;
  const times = timeColumn === undefined ? undefined : table.rows.map((row) => row[0] ?? '');
  return { name: fileName, column, values, times };
}

/**
 * The normalisation a forecaster's losses are in (the training part's standard deviation) and
 * the data's unit: the bundled series' own, or the column's name for a user's CSV.
 */
export function forecastScale(
  series: Pick<Series, 'name' | 'column' | 'values'>,
  options: Pick<ForecastOptions, 'window' | 'horizon'>,
): { std: number; unit: string } {
  const prepared = prepareSeries(series.values, { ...options, testFraction: TEST_FRACTION });
  const bundled = BUNDLED_SERIES.find((b) => b.file === series.name && b.column === series.column);
  return { std: prepared.std, unit: bundled?.unit ?? series.column };
}

export interface ForecastOptions {
  cell: CellType;
  hiddenSize: number;
  numLayers: number;
  window: number;
  horizon: number;
  /** Seasonal-naive period; guessed from the training part when absent. */
  seasonPeriod?: number;
}

export interface ForecastScore {
  /** Mean squared error in normalised units, the training loss. */
  loss: number;
  rmse: number;
  mae: number;
}

/**
 * The model predicts each target's change from the window's last value: a level outside the
 * training range (a trend) then needs no extrapolation by the network itself.
 */
function windowBatch(windows: readonly SeriesWindow[], window: number, horizon: number) {
  const B = windows.length;
  const dense = new Float32Array(window * B);
  const targets = new Float32Array(B * horizon);
  windows.forEach((w, b) => {
    for (let t = 0; t < window; t++) dense[t * B + b] = w.inputs[t] as number;
    const last = w.inputs[window - 1] as number;
    for (let h = 0; h < horizon; h++) targets[b * horizon + h] = (w.targets[h] as number) - last;
  });
  const data: SequenceData = {
    steps: window,
    batch: B,
    mask: new Float32Array(window * B).fill(1),
    dense,
    features: 1,
  };
  return { data, targets };
}

/** Forecasts in original units, [windows][horizon]. */
export function predictWindows(
  model: SequenceModel,
  series: Pick<PreparedSeries, 'mean' | 'std'>,
  windows: readonly SeriesWindow[],
): Float64Array[] {
  const horizon = model.config.outputSize;
  const out: Float64Array[] = [];
  for (const part of inBatches(windows, 512)) {
    const window = (part[0] as SeriesWindow).inputs.length;
    const { data } = windowBatch(part, window, horizon);
    const runs = model.trace(data);
    const top = (runs[runs.length - 1] as { hs: Float32Array }).hs;
    const H = model.config.hiddenSize;
    const values = model.headValues(top.subarray((window - 1) * part.length * H));
    part.forEach((w, b) => {
      const last = w.inputs[window - 1] as number;
      out.push(
        Float64Array.from({ length: horizon }, (_, h) =>
          denormalize(last + (values[b * horizon + h] as number), series),
        ),
      );
    });
  }
  return out;
}

function flatActuals(
  prepared: PreparedSeries,
  windows: readonly SeriesWindow[],
  window: number,
  horizon: number,
): number[] {
  return windows.flatMap((w) =>
    Array.from(prepared.values.subarray(w.start + window, w.start + window + horizon)),
  );
}

function scoreForecasts(
  model: SequenceModel,
  prepared: PreparedSeries,
  window: number,
  horizon: number,
): ForecastScore {
  const predictions = predictWindows(model, prepared, prepared.test);
  const actual = flatActuals(prepared, prepared.test, window, horizon);
  const flat = predictions.flatMap((p) => Array.from(p));
  const errors = forecastErrors(actual, flat);
  return { loss: (errors.rmse / prepared.std) ** 2, ...errors };
}

export interface ForecastPath {
  /** Index of the first forecast step in the series. */
  origin: number;
  values: number[];
}

/** Everything the forecast plot and its error table show. */
export interface ForecastReport {
  name: string;
  column: string;
  times?: string[];
  values: number[];
  trainEnd: number;
  window: number;
  horizon: number;
  seasonPeriod?: number;
  /** The one-step-ahead forecast from every test window (the last horizon - 1 points have no full window). */
  oneStep: ForecastPath;
  /** Full-horizon forecasts from origins a horizon apart across the test part. */
  paths: ForecastPath[];
  /** The horizon after the last value. */
  future: ForecastPath;
  errors: { rnn: ForecastErrors; naive: ForecastErrors; seasonalNaive?: ForecastErrors };
}

export function forecastReport(
  model: SequenceModel,
  series: Series,
  options: Pick<ForecastOptions, 'window' | 'horizon' | 'seasonPeriod'>,
  scaler?: { mean: number; std: number },
): ForecastReport {
  const { window, horizon } = options;
  const prepared = prepareSeries(series.values, { window, horizon, testFraction: TEST_FRACTION });
  const scale = scaler ?? prepared;
  const values = series.values;
  const period = options.seasonPeriod ?? guessSeasonPeriod(values.subarray(0, prepared.trainEnd));
  const predictions = predictWindows(model, scale, prepared.test);
  const actual = flatActuals(prepared, prepared.test, window, horizon);
  const naive = prepared.test.flatMap((w) =>
    Array.from(naiveForecast(values, w.start + window, horizon)),
  );
  const seasonal = period
    ? prepared.test.flatMap((w) =>
        Array.from(seasonalNaiveForecast(values, w.start + window, horizon, period)),
      )
    : undefined;
  const last = values.length;
  const futureWindow: SeriesWindow = {
    start: last - window,
    inputs: Float32Array.from(values.subarray(last - window), (v) => (v - scale.mean) / scale.std),
    targets: new Float32Array(horizon),
  };
  const future = predictWindows(model, scale, [futureWindow])[0] as Float64Array;
  return {
    name: series.name,
    column: series.column,
    times: series.times,
    values: Array.from(values),
    trainEnd: prepared.trainEnd,
    window,
    horizon,
    seasonPeriod: period,
    oneStep: {
      origin: prepared.trainEnd,
      values: predictions.map((p) => p[0] as number),
    },
    paths: predictions
      .map((p, i) => ({
        origin: (prepared.test[i] as SeriesWindow).start + window,
        values: Array.from(p),
      }))
      .filter((_, i) => i % horizon === 0),
    future: { origin: last, values: Array.from(future) },
    errors: {
      rnn: forecastErrors(
        actual,
        predictions.flatMap((p) => Array.from(p)),
      ),
      naive: forecastErrors(actual, naive),
      ...(seasonal ? { seasonalNaive: forecastErrors(actual, seasonal) } : {}),
    },
  };
}

export interface ForecastTraining {
  outcome: TrainOutcome<ForecastScore>;
  info: ManifestInfo;
  report: ForecastReport;
}

export async function trainForecaster(
  series: Series,
  options: ForecastOptions,
  settings: TrainSettings,
  backend: string,
  callbacks: TrainCallbacks<ForecastScore> = {},
): Promise<ForecastTraining> {
  const { window, horizon } = options;
  const prepared = prepareSeries(series.values, { window, horizon, testFraction: TEST_FRACTION });
  const config: ModelConfig = {
    cell: options.cell,
    nonlinearity: 'tanh',
    inputKind: 'dense',
    inputSize: 1,
    hiddenSize: options.hiddenSize,
    numLayers: options.numLayers,
    outputSize: horizon,
    head: 'last',
  };
  const model = SequenceModel.create(config, settings.seed);
  const info: ManifestInfo = {
    task: FORECAST_TASK,
    createdAt: new Date().toISOString(),
    vocabulary: [series.column],
    labels: Array.from({ length: horizon }, (_, h) => `t+${h + 1}`),
    taskOptions: {
      source: series.name,
      column: series.column,
      window,
      horizon,
      mean: prepared.mean,
      std: prepared.std,
    },
  };
  const outcome = await trainModel(
    model,
    {
      batches: (random) =>
        inBatches(random.shuffle([...prepared.train]), settings.batchSize).map((part) => {
          const { data, targets } = windowBatch(part, window, horizon);
          return {
            data,
            size: part.length,
            loss: (predictions: tf.Tensor) =>
              meanSquaredError(predictions, tf.tensor2d(targets, [part.length, horizon])),
          };
        }),
      evaluate: (m) => scoreForecasts(m, prepared, window, horizon),
    },
    settings,
    withCheckpointInfo(callbacks, info),
  );
  const report = forecastReport(outcome.model, series, options);
  info.training = trainingRecord(settings, outcome, backend);
  if (report.seasonPeriod && info.taskOptions) info.taskOptions.seasonPeriod = report.seasonPeriod;
  info.metrics = {
    rmse: report.errors.rnn.rmse,
    mae: report.errors.rnn.mae,
    naiveRmse: report.errors.naive.rmse,
    ...(report.errors.seasonalNaive ? { seasonalNaiveRmse: report.errors.seasonalNaive.rmse } : {}),
  };
  return { outcome, info, report };
}
