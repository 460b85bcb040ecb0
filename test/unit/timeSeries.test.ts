import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { numericColumn, parseCsv } from '../../src/core/data/csv';
import {
  denormalize,
  forecastErrors,
  guessSeasonPeriod,
  naiveForecast,
  prepareSeries,
  seasonalNaiveForecast,
} from '../../src/core/data/timeSeries';

const ROOT = path.resolve(__dirname, '..', '..');

function bundled(file: string, column: string): Float64Array {
  const text = fs.readFileSync(path.join(ROOT, 'media', 'data', 'timeseries', file), 'utf8');
  return numericColumn(parseCsv(text, file), column, file);
}

function close(actual: ArrayLike<number>, expected: number[], tolerance = 1e-6): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++)
    assert.ok(
      Math.abs((actual[i] as number) - (expected[i] as number)) <= tolerance,
      `[${i}] ${actual[i]} != ${expected[i]}`,
    );
}

describe('prepareSeries', () => {
  const oneToTen = Float64Array.from({ length: 10 }, (_, i) => i + 1);

  it('splits by time and fits the scaler on the training part only', () => {
    const series = prepareSeries(oneToTen, { window: 2, horizon: 1, testFraction: 0.2 });
    assert.equal(series.trainEnd, 8);
    // Values 1..8: mean 4.5, population variance (8^2 - 1) / 12 = 5.25.
    assert.equal(series.mean, 4.5);
    assert.ok(Math.abs(series.std - Math.sqrt(5.25)) < 1e-12);
    const z = (v: number) => (v - 4.5) / Math.sqrt(5.25);
    close(series.train[0]?.inputs ?? [], [z(1), z(2)]);
    close(series.train[0]?.targets ?? [], [z(3)]);
    assert.ok(Math.abs(denormalize(series.test[1]?.targets[0] as number, series) - 10) < 1e-5);
  });

  it('makes every window that fits on each side, and none that straddles the split', () => {
    const values = Float64Array.from({ length: 100 }, (_, i) => Math.sin(i / 3) + i / 50);
    for (const [window, horizon] of [
      [1, 1],
      [5, 3],
      [12, 6],
    ] as const) {
      const s = prepareSeries(values, { window, horizon, testFraction: 0.25 });
      assert.equal(s.trainEnd, 75);
      assert.equal(s.train.length, 75 - window - horizon + 1);
      assert.equal(s.test.length, 100 - 75 - horizon + 1);
      for (const w of s.train) {
        assert.ok(w.start + window + horizon - 1 < s.trainEnd, 'train targets before trainEnd');
        assert.equal(w.inputs.length, window);
        assert.equal(w.targets.length, horizon);
      }
      for (const w of s.test) {
        assert.ok(w.start + window >= s.trainEnd, 'test targets from trainEnd on');
        assert.ok(w.start + window + horizon <= 100);
      }
      assert.equal(s.test[0]?.start, 75 - window, 'the first test window reaches back');
      assert.deepEqual(
        s.train.map((w) => w.start),
        Array.from({ length: s.train.length }, (_, i) => i),
      );
    }
  });

  it('says how many values a too-short series needs', () => {
    const fifty = Float64Array.from({ length: 50 }, (_, i) => i);
    assert.throws(() => prepareSeries(fifty, { window: 24, horizon: 12, testFraction: 0.2 }), {
      name: 'RangeError',
      message:
        'A window of 24 and a horizon of 12 need at least 58 values ' +
        '(with 20% held out for testing); the column has 50.',
    });
    const enough = Float64Array.from({ length: 58 }, (_, i) => i);
    const s = prepareSeries(enough, { window: 24, horizon: 12, testFraction: 0.2 });
    // The test side is the binding one here: 58 - round(46.4) = 12 values, one horizon.
    assert.equal(s.test.length, 1);
    assert.equal(s.train.length, 46 - 36 + 1);
  });

  it('rejects bad options', () => {
    const bad: [object, RegExp][] = [
      [{ window: 0, horizon: 1, testFraction: 0.2 }, /window must be a whole number/],
      [{ window: 2.5, horizon: 1, testFraction: 0.2 }, /window must be a whole number/],
      [{ window: 2, horizon: 0, testFraction: 0.2 }, /horizon must be a whole number/],
      [{ window: 2, horizon: 1, testFraction: 0 }, /test fraction must be between 0 and 1/],
      [{ window: 2, horizon: 1, testFraction: 1 }, /test fraction must be between 0 and 1/],
      [{ window: 2, horizon: 1, testFraction: NaN }, /test fraction must be between 0 and 1/],
    ];
    for (const [options, message] of bad)
      assert.throws(() => prepareSeries(oneToTen, options as never), {
        name: 'RangeError',
        message,
      });
  });

  it('refuses a training part with no variation', () => {
    const flat = Float64Array.from([5, 5, 5, 5, 5, 5, 5, 5, 9, 10]);
    assert.throws(() => prepareSeries(flat, { window: 2, horizon: 1, testFraction: 0.2 }), {
      name: 'RangeError',
      message:
        'The first 8 values (the training part) are all 5: there is nothing for the model to learn.',
    });
  });
});

describe('baselines', () => {
  it('naive repeats the last observed value', () => {
    const values = Float64Array.from([10, 20, 30, 40, 50]);
    assert.deepEqual(Array.from(naiveForecast(values, 3, 3)), [30, 30, 30]);
    assert.deepEqual(Array.from(naiveForecast(values, 5, 2)), [50, 50]);
    assert.throws(() => naiveForecast(values, 0, 1), RangeError);
  });

  it('seasonal naive repeats the last observed season', () => {
    const values = Float64Array.from([1, 2, 3, 4, 5, 6]);
    assert.deepEqual(Array.from(seasonalNaiveForecast(values, 4, 3, 2)), [3, 4, 3]);
    assert.deepEqual(Array.from(seasonalNaiveForecast(values, 3, 5, 3)), [1, 2, 3, 1, 2]);
    assert.deepEqual(Array.from(seasonalNaiveForecast(values, 6, 2, 1)), [6, 6]);
    assert.throws(() => seasonalNaiveForecast(values, 2, 1, 3), RangeError);
  });

  it('forecastErrors', () => {
    const errors = forecastErrors([1, 2, 3, 4], Float64Array.from([2, 2, 1, 4]));
    assert.equal(errors.mae, 0.75);
    assert.equal(errors.rmse, Math.sqrt(5 / 4));
    assert.throws(() => forecastErrors([1], [1, 2]), RangeError);
    assert.throws(() => forecastErrors([], []), RangeError);
  });
});

describe('guessSeasonPeriod', () => {
  it('finds 12 on the monthly airline data', () => {
    assert.equal(guessSeasonPeriod(bundled('airline-passengers.csv', 'Passengers')), 12);
  });

  it('finds about a year on daily Melbourne temperatures', () => {
    const period = guessSeasonPeriod(bundled('daily-min-temperatures.csv', 'Temp'));
    assert.ok(period !== undefined && Math.abs(period - 365) <= 5, `got ${period}`);
  });

  it('finds a noisy weekly cycle on a trend', () => {
    let state = 1;
    const noise = () => ((state = (state * 48271) % 2147483647) / 2147483647 - 0.5) * 0.6;
    const values = Float64Array.from(
      { length: 300 },
      (_, i) => 0.05 * i + Math.sin((2 * Math.PI * i) / 7) + noise(),
    );
    assert.equal(guessSeasonPeriod(values), 7);
    assert.equal(guessSeasonPeriod(values, 5), undefined, 'the season is beyond maxLag');
  });

  it('finds nothing in a trend, a random walk or a short series', () => {
    assert.equal(guessSeasonPeriod(Float64Array.from({ length: 200 }, (_, i) => i * i)), undefined);
    assert.equal(guessSeasonPeriod(bundled('btc-usd-daily.csv', 'Close')), undefined);
    assert.equal(guessSeasonPeriod(Float64Array.from([1, 2, 3])), undefined);
  });
});
