/**
 * Runs compared in the Results panel, read as a user reads them: every plotted point is where its
 * value says, the axes name what is shown, and the table sorts and chooses runs.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { RunRecord } from '../../src/core/runs/runRecord';
import { RunRecorder } from '../../src/core/runs/runRecorder';
import type { TaskJob } from '../../src/core/tasks/jobs';
import { trainSettings } from '../../src/core/training/settings';
import { parseResultsMessage, type ResultsContent } from '../../src/shared/resultsProtocol';
import { ROOT } from './page';
import { openResultsPage, plottedLines, type ResultsPage } from './resultsPage';

const START = Date.UTC(2026, 11, 3, 9, 0);

/** A names run: accuracy per epoch, `secondsPerEpoch` apart. */
function namesRun(
  id: string,
  hiddenSize: number,
  accuracies: number[],
  secondsPerEpoch: number,
): RunRecord {
  const job: TaskJob = {
    task: 'names',
    dataDirectory: '/data/names',
    model: { cell: 'gru', hiddenSize, numLayers: 1, dropout: 0, bidirectional: false },
  };
  const recorder = new RunRecorder(
    id,
    `GRU ${hiddenSize}`,
    job,
    trainSettings({ epochs: 5 }),
    new Date(START),
  );
  accuracies.forEach((accuracy, i) =>
    recorder.epoch(
      {
        epoch: i + 1,
        epochs: 5,
        trainLoss: 2 - accuracy,
        trainAccuracy: accuracy,
        heldOutLoss: i === 1 && id === 'nan' ? Number.NaN : 2.2 - accuracy,
        heldOutAccuracy: accuracy,
        macroAccuracy: accuracy,
        headline: { name: 'held-out accuracy', value: accuracy, unit: '%' },
        sequencesPerSecond: 3000,
        confusion: [],
        predictions: [],
      },
      START + (i + 1) * secondsPerEpoch * 1000,
    ),
  );
  recorder.end(accuracies.length === 5 ? 'finished' : 'stopped', new Date(START + 60_000));
  return recorder.run;
}

const RUNS = [
  namesRun('small', 32, [0.41, 0.52, 0.58, 0.61, 0.63], 4),
  namesRun('large', 128, [0.55, 0.66, 0.71, 0.74, 0.76], 11),
  namesRun('nan', 64, [0.5, 0.6], 6),
];
const CONTENT: ResultsContent = {
  kind: 'runs',
  title: 'Runs compared: name classifier',
  runs: RUNS,
  note: 'Every run chosen is shown.',
};

function domain(results: ResultsPage, name: 'x' | 'y'): Promise<number[]> {
  return results.page
    .locator('.runs-chart svg[class^="plot"]')
    .evaluate(
      (svg, n) =>
        (svg as unknown as { scale(s: string): { domain: number[] } }).scale(n).domain.map(Number),
      name,
    );
}

describe('Runs compared in the Results panel', { timeout: 120_000 }, () => {
  let results: ResultsPage;
  before(async () => {
    results = await openResultsPage();
    await results.send({ type: 'show', content: CONTENT });
  });
  after(async () => results?.close());

  it('plots each run’s accuracy per epoch where its values are, with a legend of the runs', async () => {
    const { page } = results;
    assert.equal(await page.locator('h1').innerText(), 'Runs compared: name classifier');
    assert.ok(await page.locator('#runs-y-headline').isChecked(), 'the figure is the default');
    assert.ok(await page.locator('#runs-x-epoch').isChecked(), 'per epoch is the default');
    assert.match(
      await page.locator('.runs-chart .legend').innerText(),
      /GRU 32\s+GRU 128\s+GRU 64/,
    );
    const lines = await plottedLines(results, '.runs-chart');
    assert.deepEqual(
      lines.map((l) => l.name),
      ['GRU 32', 'GRU 128', 'GRU 64'],
    );
    for (const [r, line] of lines.entries()) {
      const expected = RUNS[r]!.epochs.map((e) => [e.epoch, 100 * e.headline.value]);
      assert.equal(line.points.length, expected.length, line.name);
      line.points.forEach(([x, y], i) => {
        assert.ok(Math.abs(x! - expected[i]![0]!) < 0.02, `${line.name} epoch ${i + 1}: x ${x}`);
        assert.ok(Math.abs(y! - expected[i]![1]!) < 0.1, `${line.name} epoch ${i + 1}: y ${y}`);
      });
    }
    const [lo, hi] = await domain(results, 'y');
    assert.ok(lo! <= 41 && hi! >= 76, `y domain [${lo}, ${hi}] holds 41 % to 76 %`);
    assert.match(
      (await page.locator('.runs-chart svg').textContent()) ?? '',
      /held-out accuracy \(%\)/,
    );
    const ticks = await page
      .locator('.runs-chart svg g[aria-label="x-axis tick label"] text')
      .evaluateAll((texts) => texts.map((t) => t.textContent));
    assert.deepEqual(ticks, ['1', '2', '3', '4', '5'], 'whole epochs, each once');
  });

  it('against wall-clock seconds, and the held-out loss, with NaN left out', async () => {
    const { page } = results;
    await page.locator('label[for="runs-x-seconds"]').click();
    const [, xHi] = await domain(results, 'x');
    assert.ok(xHi! >= 55, `x domain reaches the slowest run's 55 s (${xHi})`);
    assert.match(
      (await page.locator('.runs-chart svg').textContent()) ?? '',
      /wall-clock seconds since the start/,
    );
    await page.locator('label[for="runs-y-heldOutLoss"]').click();
    assert.match(
      (await page.locator('.runs-chart svg').textContent()) ?? '',
      /held-out cross-entropy \(nats\/name\)/,
    );
    const lines = await plottedLines(results, '.runs-chart');
    const nan = lines.find((l) => l.name === 'GRU 64');
    assert.equal(nan?.points.length, 1, 'the NaN epoch is not drawn');
    assert.ok(Math.abs(nan!.points[0]![1]! - 1.7) < 0.01);
    assert.deepEqual(
      ((await results.state()) as { runs: unknown }).runs,
      { x: 'seconds', y: 'heldOutLoss' },
      'the choice is kept with setState',
    );
    await page.locator('label[for="runs-x-epoch"]').click();
    await page.locator('label[for="runs-y-headline"]').click();
  });

  it('tables the runs with their settings, sorts by a column, and marks what differs', async () => {
    const { page } = results;
    const names = () => page.locator('table.runs-table tbody th').allInnerTexts();
    assert.deepEqual(await names(), ['GRU 32', 'GRU 128', 'GRU 64']);
    const header = page.locator('table.runs-table thead th', { hasText: 'held-out accuracy' });
    await header.locator('button').click();
    assert.equal(await header.getAttribute('aria-sort'), 'descending');
    assert.deepEqual(await names(), ['GRU 128', 'GRU 32', 'GRU 64']);
    await header.locator('button').click();
    assert.equal(await header.getAttribute('aria-sort'), 'ascending');
    assert.deepEqual(await names(), ['GRU 64', 'GRU 32', 'GRU 128']);
    const row = await page.locator('table.runs-table tbody tr', { hasText: 'GRU 128' }).innerText();
    assert.match(row, /finished\s+5\s+55\s+76\.0%\s+1\.44\s+128\s+none$/);
    assert.match(
      await page.locator('.same-settings').innerText(),
      /^Same in every run: batchSize 64 · bidirectional false · cell gru · clipNorm 5 · .*seed 42 · weightAveraging 0\.$/,
      'the settings all runs share, once',
    );
    const differs = await page.locator('table.runs-table thead th.differs').allInnerTexts();
    assert.deepEqual(
      differs.map((d) => d.replace(/[▲▼]/g, '').trim()),
      ['hiddenSize'],
    );
    assert.match(
      await page.locator('table.runs-table tbody tr', { hasText: 'GRU 64' }).innerText(),
      /stopped\s+2\s+12\s+60\.0%\s+—/,
      "a NaN loss is a dash, and a stopped run's epochs are what it ran",
    );
  });

  it('choosing a row draws that run thicker, from the keyboard too', async () => {
    const { page } = results;
    const row = page.locator('table.runs-table tbody tr', { hasText: 'GRU 32' });
    await row.focus();
    await page.keyboard.press('Enter');
    assert.equal(await row.getAttribute('aria-selected'), 'true');
    const widths = await page
      .locator('.runs-chart g[aria-label="line"]')
      .evaluateAll((gs) => gs.map((g) => g.getAttribute('stroke-width')));
    assert.deepEqual(widths, ['4', '2', '2']);
    await results.page.screenshot({
      path: path.join(ROOT, '.e2e', 'screenshots', 'webview-runs-compared.png'),
    });
  });

  it('opens a run’s model in the Explorer from its row, without choosing the row', async () => {
    const { page } = results;
    const withModel = { ...RUNS[1]!, modelFile: '/models/names-gru-h128.json' };
    await results.send({
      type: 'show',
      content: { ...CONTENT, runs: [RUNS[0]!, withModel, RUNS[2]!] },
    });
    const row = page.locator('table.runs-table tbody tr', { hasText: 'GRU 128' });
    const selected = await row.getAttribute('aria-selected');
    await row.getByRole('button', { name: "Open GRU 128's model in the Explorer" }).click();
    const posted = await results.posted();
    assert.deepEqual(posted.at(-1), { type: 'openRun', id: 'large' });
    assert.deepEqual(parseResultsMessage(posted.at(-1)), { type: 'openRun', id: 'large' });
    assert.equal(await row.getAttribute('aria-selected'), selected, 'the row is not chosen');
    // Runs that made no model (these two) offer nothing to open.
    assert.equal(await page.locator('table.runs-table button.open-run').count(), 1);
    assert.equal(parseResultsMessage({ type: 'openRun', id: '../../etc' }), undefined);
    assert.equal(parseResultsMessage({ type: 'openRun' }), undefined);
    await results.send({ type: 'show', content: CONTENT });
  });

  it('logs no CSP violation, console error or page error', () => {
    assert.deepEqual(results.problems, []);
  });
});
