/**
 * The saliency row under the unfolded graph says what it means: occlusion is preselected, every
 * bar's length and direction read back give its value, its colour is that value's colour on the
 * measure's scale, the legend names the measure, its target and its units, and bars, values and
 * legend keep 3:1 contrast in the dark, light and high-contrast themes.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { initBackend } from '../../src/core/backend';
import { traceSequence, type SequenceTrace } from '../../src/core/explore/trace';
import { loadModel } from '../../src/core/io/modelFile';
import { contrastRatio, parseColour } from '../../src/shared/contrast';
import { formatSigned } from '../../src/shared/format';
import {
  SALIENCY_MEASURES,
  saliencyColour,
  type SaliencyMeasure,
} from '../../src/webview/explorer/saliencyRow';
import { openExplorerPage, ROOT, type ExplorerPage } from './page';

interface Bar {
  step: number;
  zero: number;
  y: number;
  height: number;
  fill: string;
  stroke: string;
}

let trace: SequenceTrace;
/** Past MAX_OCCLUSION_STEPS: a trace without occlusion. */
let long: SequenceTrace;

/** Every saliency bar as drawn, with its column's zero line, and the scale the axis carries. */
async function bars(
  explorer: ExplorerPage,
): Promise<{ bars: Bar[]; longest: number; limit: number }> {
  return explorer.page.locator('svg.unfolded').evaluate((root) => {
    const axis = root.querySelector('g.saliency-axis');
    return {
      longest: Number(axis?.getAttribute('data-longest')),
      limit: Number(axis?.getAttribute('data-limit')),
      bars: [...root.querySelectorAll('rect.saliency-bar')].map((rect) => ({
        step: Number(rect.getAttribute('data-step')),
        zero: Number(rect.parentElement?.querySelector('line.saliency-zero')?.getAttribute('y1')),
        y: Number(rect.getAttribute('y')),
        height: Number(rect.getAttribute('height')),
        fill: rect.getAttribute('fill') ?? '',
        stroke: getComputedStyle(rect).stroke,
      })),
    };
  });
}

describe('the saliency row under the unfolded graph', { timeout: 120_000 }, () => {
  let explorer: ExplorerPage;

  before(async () => {
    await initBackend('wasm');
    const { manifest, model } = loadModel(path.join(ROOT, 'media', 'models', 'names-gru.json'));
    trace = traceSequence(model, manifest.vocabulary, manifest.labels, 'Dostoevsky')!;
    long = traceSequence(model, manifest.vocabulary, manifest.labels, 'abcdefghij'.repeat(5))!;
    model.dispose();
    explorer = await openExplorerPage();
    await explorer.send({ type: 'trace', trace });
  });
  after(async () => explorer?.close());

  it('preselects occlusion, and offers the three measures', async () => {
    const select = explorer.page.locator('#saliency-measure');
    assert.equal(await select.inputValue(), 'occlusion');
    assert.deepEqual(
      await select.locator('option').allTextContents(),
      Object.values(SALIENCY_MEASURES).map((m) => m.label),
    );
  });

  for (const measure of ['occlusion', 'gradientInput', 'connectivity'] as SaliencyMeasure[]) {
    it(`${measure}: each bar's length, direction and colour give its step's value`, async () => {
      await explorer.page.locator('#saliency-measure').selectOption(measure);
      const values = trace.saliency[measure]!;
      const { signed } = SALIENCY_MEASURES[measure];
      const drawn = await bars(explorer);
      assert.equal(drawn.bars.length, trace.steps.length, 'one bar per column');
      const largest = Math.max(...values.map(Math.abs));
      assert.equal(drawn.limit, largest);
      for (const bar of drawn.bars) {
        const value = values[bar.step]!;
        // Read back from the drawing alone: length over the longest bar, times the limit.
        const up = bar.y < bar.zero - 1e-6;
        const magnitude = (bar.height / drawn.longest) * drawn.limit;
        const readBack = up || bar.height === 0 ? magnitude : -magnitude;
        assert.ok(
          Math.abs(readBack - value) <= 1e-6 * largest,
          `step ${bar.step}: ${readBack} vs ${value}`,
        );
        assert.equal(bar.fill, saliencyColour(value, largest, signed), `step ${bar.step}`);
      }
      if (signed) {
        // Occlusion and gradient × input of a real name push both ways: both directions drawn.
        assert.ok(values.some((v) => v > 0) && values.some((v) => v < 0));
      } else {
        assert.ok(values.every((v) => v >= 0));
      }
      const key = explorer.page.locator('.saliency-legend .colour-bar');
      const label = await key.locator('.colour-bar-label').innerText();
      assert.ok(label.startsWith(`${SALIENCY_MEASURES[measure].label}:`), label);
      assert.match(label, new RegExp(`log P\\(${trace.saliency.label}\\)`));
      assert.match(label, measure === 'connectivity' ? /nats per unit of input/ : /in nats/);
      const kind = signed ? 'diverging' : 'sequential';
      assert.ok(await key.evaluate((bar, k) => bar.classList.contains(k), kind));
      // A screen reader hears each column's value with its step.
      const described = await explorer.page
        .locator('svg.unfolded g.step')
        .evaluateAll((columns) => columns.map((c) => c.getAttribute('aria-label') ?? ''));
      described.forEach((text, t) =>
        assert.ok(
          text.endsWith(`; ${SALIENCY_MEASURES[measure].label} ${formatSigned(values[t]!, 3)}`),
          text,
        ),
      );
      const row = await explorer.page.locator('svg.unfolded g.saliency-axis text').textContent();
      assert.equal(row, SALIENCY_MEASURES[measure].label);
    });
  }

  it('keeps the choice in the saved state', async () => {
    await explorer.page.locator('#saliency-measure').selectOption('connectivity');
    const state = await explorer.page.evaluate(
      () => (window as unknown as { __state: { graph: { saliency?: string } } }).__state,
    );
    assert.equal(state.graph.saliency, 'connectivity');
  });

  it('a long input without occlusion shows gradient × input, and says why', async () => {
    assert.equal(long.saliency.occlusion, undefined);
    await explorer.page.locator('#saliency-measure').selectOption('occlusion');
    await explorer.send({ type: 'trace', trace: long });
    const select = explorer.page.locator('#saliency-measure');
    assert.equal(await select.inputValue(), 'gradientInput');
    assert.equal(await select.locator('option[value="occlusion"]').isDisabled(), true);
    const label = await explorer.page.locator('.saliency-legend .colour-bar-label').innerText();
    assert.match(label, /^gradient × input: .*occlusion is left out of inputs this long/);
    const drawn = await bars(explorer);
    assert.equal(drawn.bars.length, 50);
    // Back on a short name, the choice it kept (occlusion) is drawn again.
    await explorer.send({ type: 'trace', trace });
    assert.equal(await select.inputValue(), 'occlusion');
    assert.equal(await select.locator('option[value="occlusion"]').isDisabled(), false);
  });

  for (const theme of ['vscode-dark', 'vscode-light', 'vscode-high-contrast'] as const) {
    it(`${theme}: bar outlines, values and the legend at 3:1 or more`, async () => {
      const themed = await openExplorerPage(theme);
      try {
        await themed.send({ type: 'trace', trace });
        const background = parseColour(
          await themed.page.evaluate(() => getComputedStyle(document.body).backgroundColor),
        )!;
        const ratio = (colour: string): number => contrastRatio(parseColour(colour)!, background);
        for (const bar of (await bars(themed)).bars) {
          assert.ok(ratio(bar.stroke) >= 3, `${theme} bar ${bar.step}: ${bar.stroke}`);
        }
        const texts = await themed.page
          .locator(
            'svg.unfolded .saliency-value, svg.unfolded .saliency-label, .saliency-legend .colour-bar-label',
          )
          .evaluateAll((nodes) =>
            nodes.map((n) => ({
              text: n.textContent ?? '',
              // SVG text is painted by its fill, HTML text by its colour.
              colour:
                n instanceof SVGElement ? getComputedStyle(n).fill : getComputedStyle(n).color,
            })),
          );
        assert.ok(texts.length > trace.steps.length);
        for (const { text, colour } of texts)
          assert.ok(ratio(colour) >= 3, `${theme} "${text}": ${colour}`);
      } finally {
        await themed.close();
      }
    });
  }
});
