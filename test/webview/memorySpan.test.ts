/**
 * The memory-span race in the Results panel, read as a learner reads it: each cell's line passes
 * through its mean accuracy at each span, chance is drawn at 1 / symbols and says so, every value
 * fits the axis, the legend's colours are the lines', and the finding is written under the chart.
 */
import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { SpanReport } from '../../src/core/tasks/memorySpanReport';
import type { ResultsContent } from '../../src/shared/resultsProtocol';
import { openResultsPage, plottedLines, type ResultsPage } from './resultsPage';

const SPANS = [5, 20, 80];
/** Mean accuracy per cell at each span, and the seeds' spread around it. */
const MEANS: Record<'rnn' | 'lstm' | 'gru', number[]> = {
  rnn: [1, 0.31, 0.24],
  lstm: [1, 0.97, 0.55],
  gru: [0.98, 0.9, 0.7],
};
const REPORT: SpanReport = {
  cells: ['rnn', 'lstm', 'gru'],
  spans: SPANS,
  chance: 0.2,
  summary: (['rnn', 'lstm', 'gru'] as const).flatMap((cell) =>
    SPANS.map((span, i) => {
      const mean = MEANS[cell][i]!;
      return {
        cell,
        span,
        mean,
        lowest: Math.max(0, mean - 0.05),
        highest: Math.min(1, mean + 0.05),
        seeds: 2,
      };
    }),
  ),
  settings: '5 symbols, 4 distractors · hidden 16',
  trained: 18,
  trainings: 18,
  state: 'finished',
  finding: 'Measured: the vanilla RNN held up to T = 5. Because SGD steps with the gradient.',
};
const CONTENT: ResultsContent = { kind: 'memory-span', title: 'Memory span', report: REPORT };

const CHART = '.span-chart svg[class^="plot"]';

describe('The memory-span race in the Results panel', { timeout: 120_000 }, () => {
  let results: ResultsPage;
  before(async () => {
    results = await openResultsPage();
    await results.send({ type: 'show', content: CONTENT });
  });
  after(async () => results?.close());

  it('draws each cell’s mean accuracy at each span where its value is', async () => {
    const lines = await plottedLines(results, '.span-chart');
    assert.deepEqual(
      lines.map((l) => l.name),
      ['Vanilla RNN', 'LSTM', 'GRU'],
    );
    for (const [i, cell] of (['rnn', 'lstm', 'gru'] as const).entries()) {
      const line = lines[i]!;
      assert.equal(line.points.length, SPANS.length, line.name);
      line.points.forEach(([x, y], k) => {
        assert.ok(
          Math.abs(x! - SPANS[k]!) / SPANS[k]! < 0.01,
          `${line.name} T ${SPANS[k]}: x ${x}`,
        );
        const expected = 100 * MEANS[cell][k]!;
        assert.ok(
          Math.abs(y! - expected) < 0.2,
          `${line.name} T ${SPANS[k]}: y ${y} vs ${expected}`,
        );
      });
    }
  });

  it('draws chance at 1 / symbols and labels it, on an axis that holds 0 to 100 %', async () => {
    const { page } = results;
    const chance = await page.locator(CHART).evaluate((svg) => {
      const y = (svg as unknown as { scale(n: string): { invert(v: number): number } }).scale('y');
      const line = svg.querySelector('g.span-chance line');
      return [
        y.invert(Number(line?.getAttribute('y1'))),
        y.invert(Number(line?.getAttribute('y2'))),
      ];
    });
    for (const y of chance) assert.ok(Math.abs(y - 20) < 0.2, `chance drawn at ${y} %, not 20 %`);
    assert.match(
      (await page.locator(`${CHART} g.span-chance-label`).textContent()) ?? '',
      /^chance 20%$/,
    );
    const domain = await page
      .locator(CHART)
      .evaluate((svg) =>
        (svg as unknown as { scale(s: string): { domain: number[] } })
          .scale('y')
          .domain.map(Number),
      );
    assert.deepEqual(domain, [0, 100]);
    assert.match((await page.locator(CHART).textContent()) ?? '', /held-out accuracy \(%\)/);
    assert.deepEqual(
      await page.locator(`${CHART} g[aria-label="x-axis tick label"] text`).allTextContents(),
      ['5', '20', '80'],
      'every span raced is named on the axis',
    );
    const label = await page.locator(`${CHART} g.span-chance-label text`).boundingBox();
    const svgBox = await page.locator(CHART).boundingBox();
    assert.ok(
      label && svgBox && label.x + label.width <= svgBox.x + svgBox.width,
      'the chance label is not cut at the right edge',
    );
  });

  it('names every cell in the legend in the colour of its line', async () => {
    const { page } = results;
    const legend = await page.locator('.span-chart .legend > span').evaluateAll((items) =>
      items.map((item) => ({
        text: item.textContent,
        color: getComputedStyle(item.querySelector('.swatch') as Element).backgroundColor,
      })),
    );
    const strokes = await page
      .locator(`${CHART} g[aria-label="line"] path`)
      .evaluateAll((paths) => paths.map((p) => getComputedStyle(p).stroke));
    assert.deepEqual(
      legend.map((l) => l.text),
      ['Vanilla RNN', 'LSTM', 'GRU'],
    );
    assert.deepEqual(
      legend.map((l) => l.color),
      strokes,
    );
    assert.equal(new Set(strokes).size, 3, 'three cells, three colours');
    const bars = await page.locator(`${CHART} g.span-range line`).evaluateAll((lines) =>
      lines.map((l) => ({
        stroke: getComputedStyle(l).stroke,
        opacity: Number(getComputedStyle(l).strokeOpacity) * Number(getComputedStyle(l).opacity),
      })),
    );
    assert.equal(bars.length, 9, 'a seed-range bar per cell and span');
    for (const bar of bars) {
      assert.ok(strokes.includes(bar.stroke), `bar ${bar.stroke} in a cell's colour`);
      assert.equal(bar.opacity, 1, 'drawn at full strength, so it keeps the colour’s 3:1 contrast');
    }
  });

  it('says what was measured under the chart, and tables the same numbers', async () => {
    const { page } = results;
    const order = await page.evaluate(() => {
      const chart = document.querySelector('.span-chart');
      const finding = document.querySelector('.span-finding');
      return chart && finding
        ? chart.compareDocumentPosition(finding) & Node.DOCUMENT_POSITION_FOLLOWING
        : 0;
    });
    assert.ok(order, 'the finding follows the chart');
    assert.equal(await page.locator('.span-finding').innerText(), REPORT.finding);
    const rows = await page.locator('table.span-table tbody tr').allInnerTexts();
    assert.deepEqual(
      rows.map((r) => r.split('\t').map((c) => c.trim())),
      [
        ['5', '100% [95%, 100%]', '100% [95%, 100%]', '98% [93%, 100%]'],
        ['20', '31% [26%, 36%]', '97% [92%, 100%]', '90% [85%, 95%]'],
        ['80', '24% [19%, 29%]', '55% [50%, 60%]', '70% [65%, 75%]'],
      ],
    );
    assert.deepEqual(results.problems, []);
  });

  it('while running, says how many trainings are done and shows no finding yet', async () => {
    const running: SpanReport = {
      ...REPORT,
      summary: REPORT.summary.filter((s) => s.span === 5),
      trained: 6,
      state: 'running',
      finding: '',
    };
    await results.send({ type: 'show', content: { ...CONTENT, report: running } });
    const { page } = results;
    assert.match(await page.locator('.span-status').innerText(), /6 of 18 trainings done/);
    assert.equal(await page.locator('.span-finding').innerText(), '');
    assert.equal(await page.locator(`${CHART} g[aria-label="line"]`).count(), 3);
    assert.deepEqual(results.problems, []);
  });
});
