import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CellGradients } from '../../src/core/explore/gradientLab';
import type { LabControls } from '../../src/shared/explorerProtocol';
import { openExplorerPage, type ExplorerPage } from './page';

const controls: LabControls = { activation: 'relu', spectralRadius: 3, length: 12, clipNorm: 0 };

/** Norms across 100 decades, plus one that really is infinite and one that really is 0. */
const norms = [1e60, 3.2e45, 1e30, 1e15, 1, 1e-10, 1e-25, 1e-40, Infinity, 0, 2e5, 5e-33];

const cell = (name: CellGradients['cell']): CellGradients => ({
  cell: name,
  norms,
  regime: 'exploding',
  totalNorm: 1,
  clipFactor: 1,
});

describe('gradient lab plot in headless Chromium', { timeout: 120_000 }, () => {
  let explorer: ExplorerPage;
  before(async () => {
    explorer = await openExplorerPage();
    await explorer.page.locator('#tab-gradients').click();
    await explorer.send({
      type: 'gradients',
      controls,
      cells: [cell('rnn'), { ...cell('lstm'), cellNorms: norms }, cell('gru')],
      rule: 'test rule',
      millis: 1,
    });
  });
  after(async () => explorer?.close());

  it('plots every finite value inside the plot area, in order of value', async () => {
    const { page } = explorer;
    const dots = await page.evaluate(() => {
      const svg = document.querySelector('.gradients-view svg[class^="plot"]') as SVGSVGElement;
      return Array.from(svg.querySelectorAll('.lab-points circle')).map((c) => ({
        y: Number(c.getAttribute('cy')),
        value: Number(c.querySelector('title')?.textContent),
        top: svg.getBoundingClientRect().top,
        dotTop: c.getBoundingClientRect().top,
      }));
    });
    const finite = norms.filter((n) => n > 0 && Number.isFinite(n));
    assert.equal(dots.length, finite.length * 4, 'three cells and the LSTM cell path');
    const height = Number(
      await page.locator('.gradients-view svg[class^="plot"]').first().getAttribute('height'),
    );
    for (const dot of dots) {
      const y = dot.dotTop - dot.top;
      assert.ok(y >= 0 && y <= height, `y ${y} outside 0..${height} for ${dot.value}`);
    }
    const firstCell = dots.slice(0, finite.length).sort((a, b) => b.value - a.value);
    for (let i = 1; i < firstCell.length; i++)
      assert.ok(
        (firstCell[i] as { y: number }).y > (firstCell[i - 1] as { y: number }).y,
        'larger values sit higher',
      );
  });

  it('marks 0 and ∞ with labels, and the table prints them as such', async () => {
    const { page } = explorer;
    const texts = async (selector: string): Promise<string[]> =>
      page.locator(selector).allTextContents();
    assert.ok((await texts('.gradients-view .lab-infinite text')).includes('∞'));
    assert.ok((await texts('.gradients-view .lab-zero text')).includes('0'));
    const table = (await page.locator('.gradients-view table').textContent()) ?? '';
    assert.match(table, /1\.00e\+60/);
    assert.doesNotMatch(table, /e\+0\b/);
    assert.match((await page.locator('.gradients-view .lab-legend').textContent()) ?? '', /dashed/);
    const edges = [Infinity, 1, 0];
    await explorer.send({
      type: 'gradients',
      controls,
      cells: [{ ...cell('rnn'), norms: edges }],
      rule: 'test rule',
      millis: 1,
    });
    const cells = await page.locator('.gradients-view table tr:nth-child(2) td').allTextContents();
    assert.deepEqual(cells.slice(1, 3), ['∞', '0']);
  });

  it('posts the hidden size chosen in the toolbar', async () => {
    const { page } = explorer;
    await page.locator('#lab-hidden').selectOption('128');
    await page.waitForTimeout(200); // the page throttles control changes
    const posted = await explorer.posted();
    const last = posted.filter((m) => m.type === 'lab').pop();
    assert.deepEqual(last, { type: 'lab', controls: { ...controls, hiddenSize: 128 } });
  });

  it('posts gate biases and says why the curves look as they do', async () => {
    const { page } = explorer;
    await page.locator('#lab-forget-bias').selectOption('3');
    await page.waitForTimeout(200); // the page throttles control changes
    const posted = await explorer.posted();
    const last = posted.filter((m) => m.type === 'lab').pop();
    assert.deepEqual(last, {
      type: 'lab',
      controls: { ...controls, hiddenSize: 128, forgetBias: 3 },
    });
    await explorer.send({
      type: 'gradients',
      controls: { ...controls, forgetBias: 3 },
      cells: [cell('rnn')],
      rule: 'test rule',
      millis: 1,
    });
    assert.match((await page.locator('.lab-why').textContent()) ?? '', /forget bias 3: f ≈ 0\.95/);
  });

  it('follows the names model in use: its own radii, one cell, random-only controls off', async () => {
    const { page } = explorer;
    await page.locator('#lab-weights').selectOption('model');
    await page.waitForTimeout(200); // the page throttles control changes
    const last = (await explorer.posted()).filter((m) => m.type === 'lab').pop();
    assert.equal(last?.type === 'lab' && last.controls.weights, 'model');
    for (const id of ['lab-radius', 'lab-activation', 'lab-hidden', 'lab-forget-bias'])
      assert.equal(await page.locator(`#${id}`).isDisabled(), true, `${id} is off`);
    assert.equal(await page.locator('#lab-length').isDisabled(), false);
    // Not left on screen greyed out: "radius 1.00" beside the model's own radii would mislead.
    assert.equal(await page.locator('#lab-radius').isVisible(), false);
    await explorer.send({
      type: 'gradients',
      controls: { ...controls, weights: 'model' },
      cells: [{ ...cell('gru'), norms: [2.17, 2.5, 3.04], regime: 'stable' }],
      rule: 'test rule',
      millis: 1,
      trained: {
        title: 'GRU 128 (default)',
        radii: [
          { block: 'W_hr', radius: 2.527 },
          { block: 'W_hz', radius: 3.18 },
          { block: 'W_hn', radius: 3.406 },
        ],
      },
    });
    const trained = (await page.locator('.lab-trained').textContent()) ?? '';
    assert.match(trained, /GRU 128 \(default\)/);
    assert.match(trained, /ρ\(W_hr\) = 2\.53, ρ\(W_hz\) = 3\.18, ρ\(W_hn\) = 3\.41/);
    // One facet, the model's own cell, not three.
    const facets = await page
      .locator('.gradients-view svg[class^="plot"] [aria-label="fx-axis tick label"] text')
      .allTextContents();
    assert.deepEqual(facets, ['GRU']);
    assert.match((await page.locator('.lab-why').textContent()) ?? '', /GRU: .*stable/);
    await page.locator('#lab-weights').selectOption('');
    assert.equal(await page.locator('#lab-radius').isDisabled(), false);
    assert.equal(await page.locator('#lab-radius').isVisible(), true);
  });

  it('says clipping overflows when the float32 total norm is not finite, never "not triggered"', async () => {
    const { page } = explorer;
    await explorer.send({
      type: 'gradients',
      controls: { ...controls, clipNorm: 5 },
      cells: [
        { ...cell('rnn'), totalNorm: Number.NaN, clipFactor: Number.NaN },
        { ...cell('lstm'), totalNorm: 12.9, clipFactor: 5 / 12.9 },
        { ...cell('gru'), totalNorm: 4.4, clipFactor: 1 },
      ],
      rule: 'test rule',
      millis: 1,
    });
    const rows = await page.locator('.gradients-view table tr').allTextContents();
    assert.match(rows[1] ?? '', /overflows/);
    assert.match(rows[2] ?? '', /scales gradients by 0\.388/);
    assert.match(rows[3] ?? '', /not triggered/);
    assert.match((await page.locator('.regime[data-cell="rnn"]').textContent()) ?? '', /overflows/);
  });
});
