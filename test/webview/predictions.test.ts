import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openExplorerPage, type ExplorerPage } from './page';

/** Each bar's pixel extent and the x axis's, read from the rendered SVG. */
async function measure(explorer: ExplorerPage): Promise<{
  bars: Array<{ label: string; x: number; width: number }>;
  axis: { zero: number; hundred: number; right: number };
}> {
  // A string, not a function: tsx would add helpers to a serialised function that the page lacks.
  return explorer.page.evaluate(`(() => {
    const svg = document.querySelector('.predictions-view svg[class^="plot"]');
    const ticks = [...svg.querySelectorAll('g[aria-label="x-axis tick label"] text')];
    function tickAt(label) {
      const tick = ticks.find((t) => t.textContent === label);
      if (!tick) throw new Error('no tick ' + label + ' among ' + ticks.map((t) => t.textContent));
      const box = tick.getBoundingClientRect();
      return box.x + box.width / 2;
    }
    const labels = [...document.querySelectorAll('.predictions-view ol li')].map((li) => li.textContent);
    const bars = [...svg.querySelectorAll('g[aria-label="bar"] rect')].map((rect, i) => {
      const box = rect.getBoundingClientRect();
      return { label: labels[i], x: box.x, width: box.width };
    });
    return { bars, axis: { zero: tickAt('0'), hundred: tickAt('100'), right: svg.getBoundingClientRect().right } };
  })()`);
}

describe('the Predictions view draws bars to scale', () => {
  let explorer: ExplorerPage;
  before(async () => {
    explorer = await openExplorerPage();
    await explorer.page.locator('#tab-predictions').click();
  });
  after(async () => explorer?.close());

  for (const [kind, top] of [
    [
      'a classifier',
      [
        { label: 'German', probability: 0.726 },
        { label: 'Dutch', probability: 0.21 },
        { label: 'English', probability: 0.064 },
      ],
    ],
    [
      "a text model's next characters",
      [
        { label: 'e', probability: 0.981 },
        { label: 'a', probability: 0.012 },
        { label: '␣', probability: 0.007 },
      ],
    ],
  ] as const) {
    it(`makes every bar's length its probability, for ${kind}`, async () => {
      await explorer.send({ type: 'prediction', input: 'Berger', top: [...top] });
      const { bars, axis } = await measure(explorer);
      const full = axis.hundred - axis.zero;
      assert.ok(full > 300, `the axis spans ${full} px`);
      assert.equal(bars.length, top.length);
      for (const [i, bar] of bars.entries()) {
        const probability = top[i]!.probability;
        assert.ok(
          Math.abs(bar.width - probability * full) <= 1,
          `${bar.label}: ${bar.width.toFixed(1)} px for ${probability} of ${full.toFixed(1)} px`,
        );
        assert.ok(Math.abs(bar.x - axis.zero) <= 1, `${bar.label} starts at 0`);
        assert.ok(bar.x + bar.width <= axis.hundred + 0.5, `${bar.label} stays on the axis`);
      }
      const text = await explorer.page.locator('.predictions-view ol').innerText();
      assert.match(
        text,
        new RegExp(`${top[0]!.label}: ${(top[0]!.probability * 100).toFixed(1)}%`),
      );
    });
  }
});
