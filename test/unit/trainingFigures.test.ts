import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  blend,
  contrastRatio,
  faintOpacity,
  parseColour,
  relativeLuminance,
  withContrast,
} from '../../src/shared/contrast';
import { forecastScale } from '../../src/core/tasks/forecasting';
import {
  bitsPerCharacter,
  formatEpoch,
  isConstant,
  lossKind,
  macroAccuracy,
  perClassAccuracy,
  progressLine,
  rmseFromMse,
  rowPercentages,
  smoothEma,
  throughputUnit,
  trainingRowDescription,
} from '../../src/shared/trainingFigures';

describe('smoothEma', () => {
  it("matches TensorBoard's debiased exponential moving average", () => {
    const values = [3, 1, 4, 1, 5, 9, 2, 6];
    const weight = 0.6;
    // TensorBoard's reference (vz_line_chart2 resetSmoothing), written out independently.
    let last = 0;
    const reference = values.map((v, i) => {
      last = last * weight + (1 - weight) * v;
      return last / (1 - weight ** (i + 1));
    });
    smoothEma(values, weight).forEach((v, i) => assert.ok(Math.abs(v - reference[i]!) < 1e-12));
  });

  it('starts at the first value, leaves values alone at weight 0 and skips NaN', () => {
    assert.equal(smoothEma([7, 1], 0.9)[0], 7);
    assert.deepEqual(smoothEma([1, 2, 3], 0), [1, 2, 3]);
    const out = smoothEma([2, NaN, 2], 0.5);
    assert.ok(Number.isNaN(out[1]));
    assert.ok(Math.abs(out[2]! - 2) < 1e-12);
  });

  it('smooths: a constant series stays constant, an alternating one flattens', () => {
    smoothEma([5, 5, 5, 5], 0.8).forEach((v) => assert.ok(Math.abs(v - 5) < 1e-12));
    const zigzag = smoothEma([0, 2, 0, 2, 0, 2, 0, 2, 0, 2], 0.9);
    assert.ok(Math.abs(zigzag[9]! - 1) < 0.3);
  });
});

describe('confusion matrix figures', () => {
  const matrix = [
    [8, 2, 0],
    [1, 1, 2],
    [0, 0, 0],
  ];
  it('row-normalises to 100 % per row, leaving an empty row at 0', () => {
    const rows = rowPercentages(matrix);
    assert.deepEqual(rows[0], [80, 20, 0]);
    assert.deepEqual(rows[1], [25, 25, 50]);
    assert.deepEqual(rows[2], [0, 0, 0]);
  });
  it('per-class accuracy is the row-normalised diagonal; macro accuracy their mean', () => {
    const accuracy = perClassAccuracy(matrix);
    assert.deepEqual(accuracy.slice(0, 2), [0.8, 0.25]);
    assert.ok(Number.isNaN(accuracy[2]));
    assert.equal(macroAccuracy(matrix), (0.8 + 0.25) / 2);
  });
});

describe('loss figures', () => {
  it('gives RMSE normalised and in units from an MSE in normalised units', () => {
    const r = rmseFromMse(0.0625, 119.5);
    assert.equal(r.normalised, 0.25);
    assert.ok(Math.abs(r.inUnits - 29.875) < 1e-12);
  });
  it('gives bits per character from nats', () => {
    assert.ok(Math.abs(bitsPerCharacter(Math.LN2 * 2.5) - 2.5) < 1e-12);
  });
  it('names each task’s loss and throughput', () => {
    assert.equal(lossKind('forecast').name, 'MSE');
    assert.equal(lossKind('names').name, 'cross-entropy');
    assert.match(lossKind('text').unit, /nats per character/);
    assert.equal(throughputUnit('names').short, 'names/s');
    assert.equal(throughputUnit('text').short, 'chars/s');
    assert.equal(throughputUnit('forecast').short, 'windows/s');
  });
  it('finds the series scale the forecaster normalises by, and the unit of a bundled series', () => {
    const values = Float64Array.from({ length: 100 }, (_, i) => 100 + 10 * Math.sin(i));
    const scale = forecastScale(
      { name: 'airline-passengers.csv', column: 'Passengers', values },
      { window: 12, horizon: 3 },
    );
    assert.equal(scale.unit, 'thousand passengers');
    const train = Array.from(values.subarray(0, 80));
    const mean = train.reduce((s, v) => s + v, 0) / train.length;
    const std = Math.sqrt(train.reduce((s, v) => s + (v - mean) ** 2, 0) / train.length);
    assert.ok(Math.abs(scale.std - std) < 1e-9, `${scale.std} vs ${std}`);
    assert.equal(
      forecastScale({ name: 'mine.csv', column: 'Load', values }, { window: 12, horizon: 3 }).unit,
      'Load',
    );
  });
  it('detects a constant learning rate', () => {
    assert.ok(isConstant([0.003, 0.003, 0.003]));
    assert.ok(!isConstant([0.003, 0.0029]));
  });
});

describe('epoch counters', () => {
  it('say the epoch running, from 1, in the notification as everywhere', () => {
    assert.equal(formatEpoch(1, 10), 'epoch 1/10');
    assert.equal(formatEpoch(0, 10), 'epoch 1/10');
    assert.match(
      progressLine('names', { epoch: 3, epochs: 10, loss: 0.1666, sequencesPerSecond: 2140.4 }),
      /^epoch 3\/10 · training loss, last batch 0\.167 · 2140 names\/s$/,
    );
    assert.match(
      progressLine('text', {
        epoch: 1,
        epochs: 2,
        loss: 1,
        sequencesPerSecond: 10,
        tokensPerSecond: 1000,
      }),
      /1000 chars\/s$/,
    );
  });
});

describe('WCAG contrast', () => {
  it('matches the WCAG reference values', () => {
    assert.equal(relativeLuminance([255, 255, 255]), 1);
    assert.equal(relativeLuminance([0, 0, 0]), 0);
    assert.equal(contrastRatio([255, 255, 255], [0, 0, 0]), 21);
    // #767676 on white is the classic 4.54:1.
    assert.ok(Math.abs(contrastRatio(parseColour('#767676')!, [255, 255, 255]) - 4.54) < 0.01);
  });
  it('parses hex and rgb() colours', () => {
    assert.deepEqual(parseColour('#fff'), [255, 255, 255]);
    assert.deepEqual(parseColour('#1a85ffcc'), [26, 133, 255]);
    assert.deepEqual(parseColour('rgb(31, 31, 31)'), [31, 31, 31]);
    assert.deepEqual(parseColour('rgba(1, 2, 3, 0.5)'), [1, 2, 3]);
    assert.equal(parseColour('var(--x)'), undefined);
  });
  it("nudges Light+'s charts.orange to 3:1 on white and leaves good colours alone", () => {
    const white = [255, 255, 255] as [number, number, number];
    assert.ok(contrastRatio(parseColour('#d18616')!, white) < 3);
    const fixed = withContrast('#d18616', '#ffffff');
    assert.ok(contrastRatio(parseColour(fixed)!, white) >= 3, fixed);
    assert.equal(withContrast('#3794ff', '#1f1f1f'), '#3794ff');
  });
  it("draws Dark Modern's translucent charts.orange opaque, at 3:1 on the editor", () => {
    // code-server's Dark Modern gives a webview rgba(234, 92, 0, 0.33): drawn as it is, it
    // renders rgb(97, 50, 20) on #1f1f1f, 1.6:1 (the "dark brown LSTM line").
    const rendered = blend([234, 92, 0], [31, 31, 31], 0.33);
    assert.ok(contrastRatio(rendered, [31, 31, 31]) < 2);
    const fixed = withContrast('rgba(234, 92, 0, 0.33)', '#1f1f1f');
    assert.match(fixed, /^#[0-9a-f]{6}$/, 'opaque');
    assert.ok(contrastRatio(parseColour(fixed)!, [31, 31, 31]) >= 3, fixed);
  });
  it('finds the faintest opacity that still reads at 3:1', () => {
    const bg = parseColour('#1f1f1f')!;
    const c = parseColour('#89d185')!;
    const alpha = faintOpacity('#89d185', '#1f1f1f');
    assert.ok(alpha < 1);
    assert.ok(contrastRatio(blend(c, bg, alpha), bg) >= 3);
    assert.ok(contrastRatio(blend(c, bg, alpha - 0.05), bg) < 3);
  });
});

describe("the sidebar's training row", () => {
  it('names the loss, and gives the task its own figure and unit', () => {
    assert.equal(
      trainingRowDescription({
        task: 'names',
        fraction: 0.4,
        loss: 0.1666,
        sequencesPerSecond: 2140.4,
        history: [{ headline: { name: 'held-out accuracy', value: 0.7243, unit: '%' } }],
      }),
      '40% · training loss, last batch 0.167 · held-out accuracy 72.4% · 2140 names/s',
    );
    // A forecaster has no accuracy: its RMSE, and windows per second.
    assert.equal(
      trainingRowDescription({
        task: 'forecast',
        fraction: 0.5,
        loss: 0.02,
        sequencesPerSecond: 900,
        history: [{ headline: { name: 'held-out RMSE', value: 0.31, unit: 'normalised' } }],
      }),
      '50% · training loss, last batch 0.020 · held-out RMSE 0.31 normalised · 900 windows/s',
    );
    // A text model counts characters, not sequences.
    assert.match(
      trainingRowDescription({
        task: 'text',
        fraction: 0.1,
        sequencesPerSecond: 30,
        tokensPerSecond: 3000,
        history: [],
      }),
      /^10% · 3000 chars\/s$/,
    );
  });
});
