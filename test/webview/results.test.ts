import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ForecastReport } from '../../src/core/tasks/forecasting';
import type { ResultsContent } from '../../src/shared/resultsProtocol';
import { ROOT } from './page';
import { openResultsPage, type ResultsPage, type Theme } from './resultsPage';

/** An airline-passengers-like monthly series: trend, yearly season and a little wobble. */
function airline(): { values: number[]; times: string[] } {
  const values = Array.from({ length: 144 }, (_, i) =>
    Math.round(
      (110 + 2.6 * i) * (1 + 0.17 * Math.sin((2 * Math.PI * (i - 3)) / 12)) + 4 * Math.sin(i * 1.7),
    ),
  );
  const times = values.map((_, i) => {
    const year = 1949 + Math.floor(i / 12);
    return `${year}-${String((i % 12) + 1).padStart(2, '0')}`;
  });
  return { values, times };
}

/** The shape forecastReport() gives for airline passengers with window 24 and horizon 12. */
function forecastReport(): ForecastReport {
  const { values, times } = airline();
  const trainEnd = 115;
  const horizon = 12;
  const near = (i: number, k: number) => Math.round(values[i]! * (1 + 0.03 * Math.sin(3 * i + k)));
  const oneStep = Array.from({ length: 144 - horizon - trainEnd + 1 }, (_, k) =>
    near(trainEnd + k, 0),
  );
  const path = (origin: number) =>
    Array.from({ length: horizon }, (_, h) => near(origin + h, 1) * (1 + 0.004 * h));
  return {
    name: 'airline-passengers.csv',
    column: 'Passengers',
    times,
    values,
    trainEnd,
    window: 24,
    horizon,
    seasonPeriod: 12,
    oneStep: { origin: trainEnd, values: oneStep },
    paths: [
      { origin: 115, values: path(115) },
      { origin: 127, values: path(127) },
    ],
    future: {
      origin: 144,
      values: Array.from({ length: horizon }, (_, h) => Math.round(values[132 + h]! * 1.08)),
    },
    errors: {
      rnn: { rmse: 18.2, mae: 14.13 },
      naive: { rmse: 52.31, mae: 44.02 },
      seasonalNaive: { rmse: 19.45, mae: 16.2 },
    },
  };
}

const FORECAST: ResultsContent = {
  kind: 'forecast',
  title: 'GRU 32 forecast of airline passengers',
  report: forecastReport(),
};

function comparison(): ResultsContent {
  const decay = (from: number, to: number, epochs: number) =>
    Array.from({ length: epochs }, (_, e) => from * (to / from) ** (e / (epochs - 1)));
  return {
    kind: 'comparison',
    title: 'Teacher forcing against free running',
    lossLabel: 'held-out loss (nats/char)',
    note: 'Both runs train the same GRU on tiny Shakespeare; only the inputs during training differ.',
    runs: [
      {
        label: 'teacher forcing',
        trainLoss: decay(4.2, 0.003, 20),
        heldOutLoss: decay(3.1, 1.45, 20),
        samples: [
          { prompt: 'ROMEO:', output: 'ROMEO: I will', expected: 'ROMEO: I will' },
          { prompt: 'To be', output: 'To be, or not', expected: 'To be, or not' },
          { prompt: 'abc', output: 'abcabd', expected: 'abcabc' },
        ],
      },
      {
        label: 'free running',
        trainLoss: decay(4.2, 0.9, 20),
        heldOutLoss: decay(3.2, 1.9, 20),
        samples: [
          { prompt: 'ROMEO:', output: 'ROMEO: the the', expected: 'ROMEO: I will' },
          { prompt: 'To be', output: 'To be, or not', expected: 'To be, or not' },
          { prompt: 'abc', output: 'abcaaa', expected: 'abcabc' },
        ],
      },
    ],
  };
}

function order(): ResultsContent {
  const state = (seed: number) =>
    Array.from({ length: 64 }, (_, u) =>
      u === 0 ? 0.5 : Math.tanh(Math.sin(seed * 7.3 + u * 1.9) * 1.6),
    );
  return {
    kind: 'order',
    title: 'Does the order matter?',
    note: 'The same three letters in two orders give different final states.',
    inputs: [
      {
        input: 'abc',
        finalState: state(1),
        top: [
          { label: 'English', probability: 0.61 },
          { label: 'Scottish', probability: 0.22 },
          { label: 'Irish', probability: 0.08 },
        ],
      },
      {
        input: 'cba',
        finalState: state(2),
        top: [
          { label: 'Czech', probability: 0.47 },
          { label: 'Polish', probability: 0.3 },
          { label: 'Russian', probability: 0.1 },
        ],
      },
    ],
    distance: 4.5678,
  };
}

const scratch = path.join(ROOT, '.e2e', 'screenshots');

/** The x domain of the forecast chart, as numbers (dates as milliseconds). */
function xDomain(results: ResultsPage): Promise<number[]> {
  return results.page
    .locator('svg.forecast')
    .evaluate((svg) =>
      (svg as unknown as { scale(name: string): { domain: Array<number | Date> } })
        .scale('x')
        .domain.map(Number),
    );
}

function scaleType(results: ResultsPage, selector: string, name: string): Promise<string> {
  return results.page
    .locator(selector)
    .evaluate(
      (svg, n) => (svg as unknown as { scale(name: string): { type: string } }).scale(n).type,
      name,
    );
}

describe('Results webview in headless Chromium', { timeout: 120_000 }, () => {
  let results: ResultsPage;

  before(async () => {
    results = await openResultsPage();
  });
  after(async () => results?.close());

  it('posts ready first, and waits for content', async () => {
    assert.deepEqual(await results.posted(), [{ type: 'ready' }]);
    assert.match(await results.page.locator('main').innerText(), /Waiting for results/);
  });

  it('forecast: lines, the test boundary, a legend, the errors and a verdict', async () => {
    const { page } = results;
    await results.send({ type: 'show', content: FORECAST });
    assert.equal(await page.locator('h1').innerText(), FORECAST.title);
    assert.match(
      await page.locator('.split').innerText(),
      /first 115 values \(1949-01 to 1958-07\) and is tested on the last 29 \(1958-08 to 1960-12/,
    );
    const chart = page.locator('svg.forecast');
    assert.equal(await chart.count(), 1);
    // actual, one step ahead, the two dashed paths, the bridge and the future.
    assert.ok((await chart.locator('g[aria-label="line"] path').count()) >= 6);
    assert.equal(
      await chart.locator('g[aria-label="line"][stroke-dasharray="5 3"] path').count(),
      2,
      'one dashed line per multi-step path',
    );
    assert.equal(await chart.locator('g[aria-label="rect"] rect').count(), 1, 'shaded test part');
    assert.equal(await chart.locator('g[aria-label="rule"] line').count(), 1, 'boundary rule');
    assert.match((await chart.textContent()) ?? '', /test →/);
    const legend = await page.locator('.forecast-chart .legend').innerText();
    for (const label of ['actual', 'one step ahead', '12-step forecasts', 'next 12 steps'])
      assert.ok(legend.includes(label), `legend has ${label}`);

    const rows = page.locator('table.errors tbody tr');
    assert.equal(await rows.count(), 3);
    assert.deepEqual(
      (await rows.allInnerTexts()).map((r) => r.replace(/\s+/g, ' ').trim()),
      [
        'RNN ★ best 18.2 14.13',
        'Naive (last value) 52.31 44.02',
        'Seasonal naive (period 12) 19.45 16.2',
      ],
    );
    assert.equal(await page.locator('table.errors tr.best').getAttribute('data-model'), 'rnn');
    assert.equal(
      await page.locator('.verdict').innerText(),
      'The RNN beats the best baseline (seasonal naive) by 6.4% RMSE.',
    );
  });

  it('forecast: shows every line at the pointer in a tooltip', async () => {
    const { page } = results;
    const box = (await page.locator('svg.forecast').boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.85, box.y + box.height / 2);
    await page.mouse.move(box.x + box.width * 0.86, box.y + box.height / 2);
    const tip = page.locator('svg.forecast g[aria-label="tip"]');
    await tip.locator('text').first().waitFor();
    assert.match((await tip.textContent()) ?? '', /19\d\d-\d\d.*(actual|forecast)/);
    await page.mouse.move(0, 0);
  });

  it('forecast: "Show test period only" zooms the x domain, from the keyboard too', async () => {
    const { page } = results;
    const whole = await xDomain(results);
    assert.equal(whole[0], Date.UTC(1949, 0, 1));
    assert.equal(whole[1], Date.UTC(1961, 11, 1), 'to the end of the future forecast');
    await page.locator('#test-only').focus();
    await page.keyboard.press('Space');
    assert.equal(await page.locator('#test-only').isChecked(), true);
    const zoomed = await xDomain(results);
    assert.equal(zoomed[0], Date.UTC(1958, 7, 1), 'starts at the first test value');
    assert.equal(zoomed[1], whole[1]);
    assert.equal(((await results.state()) as { testOnly: boolean }).testOnly, true);
    await page.keyboard.press('Space');
    assert.deepEqual(await xDomain(results), whole);
  });

  it('forecast: says so when the RNN loses, on an index axis without dates', async () => {
    const report = forecastReport();
    delete report.times;
    delete report.seasonPeriod;
    report.errors = { rnn: { rmse: 3011.2, mae: 2400 }, naive: { rmse: 2851.4, mae: 2000.5 } };
    await results.send({ type: 'show', content: { kind: 'forecast', title: 'Bitcoin', report } });
    const { page } = results;
    assert.equal(
      await page.locator('.verdict').innerText(),
      'The RNN does not beat the naive forecast (RMSE 3,011 vs 2,851).',
    );
    assert.equal(await page.locator('table.errors tbody tr').count(), 2);
    assert.equal(await page.locator('table.errors tr.best').getAttribute('data-model'), 'naive');
    assert.deepEqual(await xDomain(results), [0, 155]);
  });

  it('comparison: a loss line per run, log scale when needed, and ✓/✗ samples', async () => {
    const { page } = results;
    const content = comparison();
    await results.send({ type: 'show', content });
    assert.equal(await page.locator('h1').innerText(), 'Teacher forcing against free running');
    assert.match(await page.locator('.note').innerText(), /tiny Shakespeare/);
    for (const chart of ['.train-loss', '.held-out-loss']) {
      assert.equal(
        await page.locator(`${chart} svg g[aria-label="line"] path`).count(),
        2,
        `${chart}: two runs`,
      );
      assert.match(
        await page.locator(`${chart} .legend`).innerText(),
        /teacher forcing\s+free running/,
      );
    }
    assert.equal(await scaleType(results, '.train-loss svg', 'y'), 'log', '4.2 → 0.003');
    assert.equal(await scaleType(results, '.held-out-loss svg', 'y'), 'linear');
    assert.match(
      (await page.locator('.held-out-loss svg').textContent()) ?? '',
      /held-out loss \(nats\/char\)/,
    );
    const headers = await page.locator('table.samples thead th').allInnerTexts();
    assert.deepEqual(
      headers.map((h) => h.trim()),
      ['Prompt', 'Expected', 'teacher forcing', 'free running'],
    );
    assert.equal(await page.locator('table.samples tbody tr').count(), 3);
    assert.equal(await page.locator('table.samples .mark.ok').count(), 3);
    assert.equal(await page.locator('table.samples .mark.wrong').count(), 3);
    const firstRow = await page.locator('table.samples tbody tr').first().innerText();
    assert.match(firstRow, /✓\s*ROMEO: I will[\s\S]*✗\s*ROMEO: the the/);
    assert.deepEqual(await page.locator('table.samples tfoot td').allInnerTexts(), [
      '2 of 3',
      '1 of 3',
    ]);
    assert.equal(
      await page
        .locator('code.sample')
        .first()
        .evaluate((e) => getComputedStyle(e).fontFamily),
      'monospace',
    );
  });

  it('order: one strip per input with a cell per unit on one scale, and the distance', async () => {
    const { page } = results;
    await results.send({ type: 'show', content: order() });
    assert.deepEqual(await page.locator('.order-string').allInnerTexts(), ['abc', 'cba']);
    const strips = page.locator('.state-strip');
    assert.equal(await strips.count(), 2);
    const fills: string[][] = [];
    for (let i = 0; i < 2; i++) {
      const cells = strips.nth(i).locator('g[aria-label="cell"] rect');
      assert.equal(await cells.count(), 64, 'one cell per unit');
      fills.push(await cells.evaluateAll((rects) => rects.map((r) => r.getAttribute('fill')!)));
    }
    assert.equal(fills[0]![0], fills[1]![0], 'unit 0 is 0.5 in both: the same colour');
    assert.match(
      await page.locator('.order-input').first().locator('.top-predictions').innerText(),
      /English\s+61\.0%/,
    );
    assert.match(
      await page.locator('.distance').innerText(),
      /^Distance between the final states of “abc” and “cba”: 4\.57 \(Euclidean/,
    );
    await page.screenshot({ path: path.join(scratch, 'results-order.png'), fullPage: true });
  });

  it('restores the last content from setState after a reload, without a new message', async () => {
    const { page } = results;
    await results.send({ type: 'show', content: FORECAST });
    await page.locator('#test-only').check();
    await page.reload();
    assert.deepEqual(await results.posted(), [{ type: 'ready' }]);
    assert.equal(await page.locator('h1').innerText(), FORECAST.title);
    assert.equal(await page.locator('#test-only').isChecked(), true);
    assert.equal((await xDomain(results))[0], Date.UTC(1958, 7, 1));
    assert.match(await page.locator('.verdict').innerText(), /seasonal naive/);
  });

  it('logs no CSP violation, console error or page error', () => {
    assert.deepEqual(results.problems, []);
  });
});

describe('Results screenshots', { timeout: 120_000 }, () => {
  before(() => {
    fs.mkdirSync(scratch, { recursive: true });
  });

  it('dark: forecast and comparison', async () => {
    const results = await openResultsPage('vscode-dark');
    try {
      await results.send({ type: 'show', content: FORECAST });
      await results.page.screenshot({
        path: path.join(scratch, 'results-forecast.png'),
        fullPage: true,
      });
      await results.send({ type: 'show', content: comparison() });
      await results.page.screenshot({
        path: path.join(scratch, 'results-comparison.png'),
        fullPage: true,
      });
      assert.deepEqual(results.problems, []);
    } finally {
      await results.close();
    }
  });

  for (const theme of ['vscode-light', 'vscode-high-contrast'] as Theme[]) {
    it(theme, async () => {
      const results = await openResultsPage(theme);
      try {
        for (const content of [FORECAST, comparison(), order()]) {
          await results.send({ type: 'show', content });
          await results.page.screenshot({
            path: path.join(scratch, `results-${theme}-${content.kind}.png`),
            fullPage: true,
          });
        }
        assert.deepEqual(results.problems, []);
      } finally {
        await results.close();
      }
    });
  }
});
