/**
 * The unfolded graph read as a learner reads it (issue 11): one colour scale, the same in the
 * graph and the Results panel's order view, with a legend; gate rows named after the cell's
 * gates with their own equations; gradient bars as tall as ||dL/dh_t||; and no label cut.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as esbuild from 'esbuild';
import { chromium } from 'playwright-core';
import { initBackend } from '../../src/core/backend';
import { traceSequence, type SequenceTrace } from '../../src/core/explore/trace';
import { loadModel } from '../../src/core/io/modelFile';
import { SequenceModel } from '../../src/core/model/sequenceModel';
import type { ResultsContent } from '../../src/shared/resultsProtocol';
import { divergingColour } from '../../src/webview/common/colourScale';
import { openExplorerPage, ROOT, type ExplorerPage } from './page';
import { openResultsPage } from './resultsPage';

/** [r, g, b] of a CSS rgb() colour. */
function rgb(colour: string): [number, number, number] {
  const m = /rgba?\((\d+),\s*(\d+),\s*(\d+)/.exec(colour);
  assert.ok(m, `an rgb colour: ${colour}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}
const isBlue = (colour: string): boolean => rgb(colour)[2] > rgb(colour)[0] + 40;
const isRed = (colour: string): boolean => rgb(colour)[0] > rgb(colour)[2] + 40;

/** Each unit of a strip with the fill and value of its square, and where the square is. */
interface Square {
  unit: number;
  fill: string;
  value: number;
  x: number;
  y: number;
}

let dostoevsky: SequenceTrace;
let lstm: SequenceTrace;

describe('the unfolded graph is legible and true', { timeout: 120_000 }, () => {
  let explorer: ExplorerPage;

  before(async () => {
    await initBackend('wasm');
    const { manifest, model } = loadModel(path.join(ROOT, 'media', 'models', 'names-gru.json'));
    // Its top 3 along the way include Vietnamese and Portuguese, the labels cut before.
    dostoevsky = traceSequence(model, manifest.vocabulary, manifest.labels, 'Dostoevsky')!;
    model.dispose();
    const small = SequenceModel.create(
      {
        cell: 'lstm',
        nonlinearity: 'tanh',
        inputKind: 'tokens',
        inputSize: manifest.vocabulary.length,
        hiddenSize: 16,
        numLayers: 1,
        outputSize: manifest.labels.length,
        head: 'last',
      },
      5,
    );
    lstm = traceSequence(small, manifest.vocabulary, manifest.labels, 'Nguyen')!;
    small.dispose();
    explorer = await openExplorerPage();
    await explorer.send({ type: 'trace', trace: dostoevsky });
  });
  after(async () => explorer?.close());

  function squares(step: number, strip: string): Promise<Square[]> {
    return explorer.page
      .locator(`svg.unfolded g.step[data-step="${step}"] g[data-strip="${strip}"] path`)
      .evaluateAll((paths) =>
        paths.flatMap((p) => {
          const units = (p.getAttribute('data-units') ?? '').split(' ').map(Number);
          const corners = [...(p.getAttribute('d') ?? '').matchAll(/M([\d.]+) ([\d.]+)/g)];
          return units.map((unit, k) => ({
            unit,
            fill: p.getAttribute('fill') ?? '',
            value: Number(p.getAttribute('data-value')),
            x: Number(corners[k]?.[1]),
            y: Number(corners[k]?.[2]),
          }));
        }),
      );
  }

  it('colours every unit with the shared scale: positive blue, negative red', async () => {
    const last = dostoevsky.steps.length - 1;
    const h = dostoevsky.steps[last]!.layers[0]!.h;
    const cells = await squares(last, 'h0');
    assert.equal(cells.length, 128, 'one square per unit');
    for (const cell of cells) {
      const value = h[cell.unit]!;
      // The square's colour is the shared scale's colour of its value, to a step of 0.05.
      assert.ok(Math.abs(cell.value - value) <= 0.025 + 1e-9, `unit ${cell.unit}`);
      assert.equal(cell.fill, divergingColour(cell.value, 1), `unit ${cell.unit}`);
      if (value > 0.3) assert.ok(isBlue(cell.fill), `unit ${cell.unit} = ${value} is blue`);
      if (value < -0.3) assert.ok(isRed(cell.fill), `unit ${cell.unit} = ${value} is red`);
    }
    assert.ok(h.some((v) => v > 0.3) && h.some((v) => v < -0.3));
  });

  it('has a colour legend saying what colour means, with ticks of at least 11 px', async () => {
    const { page } = explorer;
    const bar = page.locator('.graph-view .graph-legend .colour-bar');
    assert.equal(await bar.count(), 1);
    assert.match(await bar.innerText(), /unit value: −1 red · 0 white · \+1 blue/);
    const ticks = bar.locator('text.tick');
    assert.deepEqual(await ticks.allTextContents(), ['−1', '0', '+1']);
    for (const size of await ticks.evaluateAll((ts) =>
      ts.map((t) => parseFloat(getComputedStyle(t).fontSize)),
    ))
      assert.ok(size >= 11, `tick label ${size} px`);
    // The ramp runs red at −1 to blue at +1.
    const fills = await bar
      .locator('rect[data-value]')
      .evaluateAll((rs) => rs.map((r) => r.getAttribute('fill') ?? ''));
    assert.ok(isRed(fills[0]!) && isBlue(fills[fills.length - 1]!));
  });

  it('sorts units by final value by default, by index on request; hovering a unit names it', async () => {
    const { page } = explorer;
    const last = dostoevsky.steps.length - 1;
    const final = dostoevsky.steps[last]!.layers[0]!.h;
    const byPosition = (cells: Square[]) =>
      [...cells].sort((a, b) => a.y - b.y || a.x - b.x).map((c) => c.unit);
    const sorted = byPosition(await squares(last, 'h0'));
    for (let k = 1; k < sorted.length; k++)
      assert.ok(final[sorted[k - 1]!]! <= final[sorted[k]!]!, 'red to blue along the grid');
    // The same order in every column, so a unit keeps its square over time.
    assert.deepEqual(byPosition(await squares(2, 'h0')), sorted);
    // Hover a square of step 3: the tooltip gives that step, that unit and its value.
    const target = (await squares(2, 'h0')).find((c) => c.unit === sorted[100])!;
    const box = (await page.locator('svg.unfolded').boundingBox())!;
    await page.mouse.move(box.x + target.x + 1.5, box.y + target.y + 1.5);
    const tip = await page.locator('.tooltip').innerText();
    const value = dostoevsky.steps[2]!.layers[0]!.h[target.unit]!;
    assert.match(tip, new RegExp(`^Step 3 “s”, unit ${target.unit} of 128, layer 1 of 1`));
    assert.ok(tip.includes(`h = ${value.toFixed(3)}`), tip);
    await page.mouse.move(0, 0);

    await page.locator('#sort-units').selectOption('index');
    assert.deepEqual(
      byPosition(await squares(last, 'h0')),
      Array.from({ length: 128 }, (_, j) => j),
    );
    await page.locator('#sort-units').selectOption('final');
  });

  it("labels the gate rows with the cell's gates, each with its own equation", async () => {
    const { page } = explorer;
    await page.locator('#show-gates').check();
    const labels = () => page.locator('svg.unfolded text.row-label').allTextContents();
    assert.deepEqual(await labels(), ['h', 'r', 'z', 'n']);
    const title = (row: string) =>
      page.locator(`svg.unfolded g.row[data-row="${row}"] > title`).textContent();
    assert.match(
      (await title('n')) ?? '',
      /n_t = tanh\(W_in x_t \+ b_in \+ r_t ⊙ \(W_hn h_\{t−1\} \+ b_hn\)\)/,
    );
    assert.match((await title('r')) ?? '', /r_t = σ\(W_ir x_t \+ b_ir \+ W_hr h_\{t−1\} \+ b_hr\)/);
    // Hovering a square of the n row: n's equation and n's numbers at that step, not h's.
    const [cell] = await squares(4, 'n0');
    const box = (await page.locator('svg.unfolded').boundingBox())!;
    await page.mouse.move(box.x + cell!.x + 1.5, box.y + cell!.y + 1.5);
    const tip = await page.locator('.tooltip').innerText();
    const layer = dostoevsky.steps[4]!.layers[0]!;
    assert.match(tip, new RegExp(`Step 5 “o”, unit ${cell!.unit} of 128`));
    assert.match(tip, /n_t = tanh\(W_in x_t \+ b_in \+ r_t ⊙ \(W_hn h_\{t−1\} \+ b_hn\)\) = /);
    assert.ok(tip.includes(`= ${layer.gates.n![cell!.unit]!.toFixed(3)}`), tip);
    assert.ok(tip.includes(`${layer.gates.r![cell!.unit]!.toFixed(3)}·`), 'r_t put in');
    assert.doesNotMatch(tip, /h = |h_t = /);
    await page.mouse.move(0, 0);

    await explorer.send({ type: 'trace', trace: lstm });
    assert.deepEqual(await labels(), ['h', 'i', 'f', 'g', 'o', 'c']);
    assert.match((await title('f')) ?? '', /f_t = σ\(W_if x_t \+ b_if \+ W_hf h_\{t−1\} \+ b_hf\)/);
    assert.match((await title('c')) ?? '', /c_t = f_t ⊙ c_\{t−1\} \+ i_t ⊙ g_t/);
    await page.locator('svg.unfolded g.row[data-row="f"] text.row-label').hover();
    const rowTip = await page.locator('.tooltip').innerText();
    assert.match(rowTip, /f — forget gate: f_t = σ\(W_if x_t/);
    assert.doesNotMatch(rowTip, /h = |h_t = /);
    // A square of the f row at step 2: f's equation with that unit's f.
    const f = await squares(1, 'f0');
    const unit = f.find((c) => c.unit === 3)!;
    await page.mouse.move(box.x + unit.x + 2, box.y + unit.y + 2);
    const fTip = await page.locator('.tooltip').innerText();
    assert.match(fTip, /Step 2 “g”, unit 3 of 16/);
    assert.match(fTip, /f_t = σ\(W_if x_t \+ b_if \+ W_hf h_\{t−1\} \+ b_hf\) = /);
    assert.ok(fTip.includes(`= ${lstm.steps[1]!.layers[0]!.gates.f![3]!.toFixed(3)}`), fTip);
    assert.doesNotMatch(fTip, /h = |h_t = /);
    await page.mouse.move(0, 0);
    await page.locator('#show-gates').uncheck();
    await explorer.send({ type: 'trace', trace: dostoevsky });
  });

  it('draws ||dL/dh_t|| as bars of proportional height, absent with the overlay off', async () => {
    const { page } = explorer;
    const bars = page.locator('svg.unfolded rect.grad-bar');
    assert.equal(await bars.count(), dostoevsky.steps.length);
    const heights = await bars.evaluateAll((rs) => rs.map((r) => r.getBoundingClientRect().height));
    const norms = dostoevsky.steps.map((s) => s.gradNorms[0]!);
    const max = Math.max(...norms);
    const tallest = Math.max(...heights);
    assert.ok(tallest >= 30, `the tallest bar is ${tallest} px`);
    heights.forEach((height, t) =>
      assert.ok(
        Math.abs(height - (tallest * norms[t]!) / max) <= 1,
        `step ${t + 1}: ${height} px for ${norms[t]}`,
      ),
    );
    // The scale is stated: linear, with the tallest bar's value on the axis and in the legend.
    assert.ok(
      (await page.locator('svg.unfolded .axis-label').allTextContents()).includes(
        max.toExponential(2),
      ),
    );
    assert.match(
      await page.locator('.graph-legend').innerText(),
      new RegExp(`linear scale, tallest = ${max.toExponential(2).replace('+', '\\+')}`),
    );
    // Its value on hover.
    await bars.nth(3).hover();
    assert.match(
      await page.locator('.tooltip').innerText(),
      new RegExp(`\\|\\|dL/dh_4\\|\\| = ${norms[3]!.toExponential(2).replace('+', '\\+')}`),
    );
    await page.mouse.move(0, 0);
    await page.locator('#show-gradients').uncheck();
    assert.equal(await bars.count(), 0);
    assert.equal(await page.locator('svg.unfolded line.gradient').count(), 0);
    assert.doesNotMatch(await page.locator('.graph-legend').innerText(), /dL\/dh/);
    await page.locator('#show-gradients').check();
  });

  for (const zoom of ['1', 'out'] as const) {
    it(`cuts no label (zoom ${zoom}): language names whole, every text inside its room`, async () => {
      const { page } = explorer;
      if (zoom === 'out')
        for (let k = 0; k < 8; k++) await page.getByRole('button', { name: 'Zoom out' }).click();
      await page.locator('#show-gates').check();
      const shown = await page
        .locator('svg.unfolded g.step')
        .evaluateAll((steps) =>
          steps.map((s) => [...s.querySelectorAll('text.output')].map((t) => t.textContent)),
        );
      assert.deepEqual(
        shown,
        dostoevsky.steps.map((s) => s.top.slice(0, 3).map((e) => e.display ?? e.label)),
      );
      assert.ok(shown.flat().includes('Vietnamese') && shown.flat().includes('Portuguese'));
      const boxes = await page.locator('svg.unfolded').evaluate((root) => {
        const svgRoot = root as SVGSVGElement;
        const width = svgRoot.width.baseVal.value;
        const height = svgRoot.height.baseVal.value;
        return {
          width,
          height,
          texts: [...svgRoot.querySelectorAll('text')].map((t) => {
            const b = (t as SVGTextElement).getBBox();
            return {
              text: t.textContent,
              className: t.getAttribute('class') ?? '',
              step: Number(t.closest('g.step')?.getAttribute('data-step') ?? -1),
              x0: b.x,
              x1: b.x + b.width,
              y0: b.y,
              y1: b.y + b.height,
            };
          }),
        };
      });
      for (const t of boxes.texts) {
        assert.ok(t.x0 >= 0 && t.x1 <= boxes.width, `“${t.text}” inside the graph's width`);
        assert.ok(t.y0 >= 0 && t.y1 <= boxes.height, `“${t.text}” inside the graph's height`);
      }
      // Labels of neighbouring columns never overlap (so none is drawn over another).
      const outputs = boxes.texts.filter((t) => t.className.startsWith('output'));
      for (const a of outputs)
        for (const b of outputs)
          if (b.step === a.step + 1 && Math.abs(a.y0 - b.y0) < 1)
            assert.ok(a.x1 <= b.x0, `“${a.text}” (step ${a.step}) clear of “${b.text}”`);
      // Row and axis labels stay in the left margin, clear of the first column's squares.
      const firstColumn = await page
        .locator('svg.unfolded g.step[data-step="0"] rect.strip-frame')
        .first()
        .evaluate((r) => (r as SVGRectElement).getBBox().x);
      for (const t of boxes.texts.filter((t) => /row-label|axis-label/.test(t.className)))
        assert.ok(t.x1 <= firstColumn, `“${t.text}” left of the first column`);
      // The HTML texts around the graph wrap rather than overflow.
      const overflowing = await page
        .locator('.graph-view .graph-legend *, .graph-view .status, .graph-view .toolbar *')
        .evaluateAll((els) =>
          els
            .filter((e) => e instanceof HTMLElement && e.scrollWidth > e.clientWidth + 1)
            .map((e) => e.textContent),
        );
      assert.deepEqual(overflowing, []);
      await page.locator('#show-gates').uncheck();
      if (zoom === 'out')
        for (let k = 0; k < 8; k++) await page.getByRole('button', { name: 'Zoom in' }).click();
    });
  }
});

describe('the Results order view reads colour as the graph does', { timeout: 60_000 }, () => {
  it('a positive unit is blue and a negative one red, on the shared scale, with the colour bar', async () => {
    const results = await openResultsPage();
    try {
      const state = (sign: number) =>
        Array.from({ length: 32 }, (_, u) => sign * Math.tanh(Math.sin(u * 1.3) * 1.5));
      const content: ResultsContent = {
        kind: 'order',
        title: 'Does the order matter?',
        note: 'The same letters in two orders.',
        inputs: [
          { input: 'abc', finalState: state(1), top: [{ label: 'English', probability: 0.6 }] },
          { input: 'cba', finalState: state(-1), top: [{ label: 'Czech', probability: 0.5 }] },
        ],
        distance: 3.2,
      };
      await results.send({ type: 'show', content });
      const { page } = results;
      const fills = await page
        .locator('.state-strip')
        .first()
        .locator('g[aria-label="cell"] rect')
        .evaluateAll((rs) => rs.map((r) => r.getAttribute('fill') ?? ''));
      const values = content.kind === 'order' ? content.inputs[0]!.finalState : [];
      assert.equal(fills.length, values.length);
      values.forEach((value, unit) => {
        assert.equal(
          rgb(fills[unit]!).join(),
          rgb(divergingColour(value, 1)).join(),
          `unit ${unit}`,
        );
        if (value > 0.3) assert.ok(isBlue(fills[unit]!), `unit ${unit} = ${value} is blue`);
        if (value < -0.3) assert.ok(isRed(fills[unit]!), `unit ${unit} = ${value} is red`);
      });
      const bar = page.locator('.state-scale .colour-bar');
      assert.deepEqual(await bar.locator('text.tick').allTextContents(), ['−1', '0', '+1']);
      for (const size of await bar
        .locator('text.tick')
        .evaluateAll((ts) => ts.map((t) => parseFloat(getComputedStyle(t).fontSize))))
        assert.ok(size >= 11);
      assert.match(await bar.innerText(), /negative red, 0 white, positive blue/);
      assert.deepEqual(results.problems, []);
    } finally {
      await results.close();
    }
  });
});

describe('colourBar, the shared legend', { timeout: 60_000 }, () => {
  it('draws a sequential or diverging bar with min / 0 / max ticks of at least 11 px', async () => {
    // The module alone, bundled as the webviews bundle it, in a blank page.
    const bundle = await esbuild.build({
      entryPoints: [path.join(ROOT, 'src', 'webview', 'common', 'colourScale.ts')],
      bundle: true,
      format: 'iife',
      globalName: 'colourScale',
      platform: 'browser',
      write: false,
      logLevel: 'silent',
    });
    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu'],
    });
    try {
      const page = await browser.newPage();
      await page.setContent('<!DOCTYPE html><html><body></body></html>');
      await page.addScriptTag({ content: bundle.outputFiles[0]!.text });
      // A string, not a function: tsx would add helpers to a serialised function.
      const read: Array<{
        label: string;
        aria: string;
        ticks: Array<{ text: string; size: number; inside: boolean }>;
        first: string;
        last: string;
        styles: number;
      }> = await page.evaluate(`(() => {
        const kit = window.colourScale;
        const bars = [
          kit.colourBar({ kind: 'sequential', domain: [0, 5], label: 'loss' }),
          kit.colourBar({ kind: 'diverging', domain: [-2, 2], label: 'weight', ticks: 5 }),
          kit.colourBar({
            kind: 'sequential',
            domain: [0, 1],
            label: 'attention',
            interpolate: (t) => 'rgb(' + Math.round(255 * t) + ', 0, 0)',
          }),
        ];
        document.body.append(...bars);
        return bars.map((bar) => ({
          label: bar.querySelector('.colour-bar-label').textContent,
          aria: bar.getAttribute('aria-label'),
          ticks: [...bar.querySelectorAll('text.tick')].map((t) => {
            const b = t.getBBox();
            const s = t.ownerSVGElement.viewBox.baseVal;
            return {
              text: t.textContent,
              size: parseFloat(getComputedStyle(t).fontSize),
              inside: b.x >= s.x && b.x + b.width <= s.x + s.width,
            };
          }),
          first: bar.querySelector('rect[data-value]').getAttribute('fill'),
          last: [...bar.querySelectorAll('rect[data-value]')].pop().getAttribute('fill'),
          styles: bar.querySelectorAll('style').length,
        }));
      })()`);
      assert.deepEqual(
        read.map((b) => b.ticks.map((t) => t.text)),
        [
          ['0', '2.5', '5'],
          ['−2', '−1', '0', '+1', '+2'],
          ['0', '0.5', '1'],
        ],
      );
      for (const bar of read) {
        assert.equal(bar.styles, 0, 'no <style>');
        for (const tick of bar.ticks) {
          assert.ok(tick.size >= 11, `${tick.text}: ${tick.size} px`);
          assert.ok(tick.inside, `${tick.text} inside the bar's box`);
        }
      }
      assert.deepEqual(
        read.map((b) => b.label),
        ['loss', 'weight', 'attention'],
      );
      assert.match(read[0]!.aria ?? '', /^loss: colour scale from 0 to 5$/);
      assert.ok(isRed(read[1]!.first) && isBlue(read[1]!.last), 'diverging: red to blue');
      assert.match(read[2]!.last, /^rgb\(25\d, 0, 0\)$/, 'its own interpolator');
    } finally {
      await browser.close();
    }
  });

  it('divergingColour: negative red, 0 neutral, positive blue, clamped at ±limit', () => {
    assert.ok(isRed(divergingColour(-0.8, 1)));
    assert.ok(isBlue(divergingColour(0.8, 1)));
    const [r, g, b] = rgb(divergingColour(0, 1));
    assert.ok(Math.max(r, g, b) - Math.min(r, g, b) < 12 && r > 230, 'neutral near white');
    assert.equal(divergingColour(5, 1), divergingColour(1, 1));
    assert.equal(divergingColour(-5, 2), divergingColour(-2, 2));
    assert.equal(divergingColour(1, 2), divergingColour(0.5, 1));
  });
});
