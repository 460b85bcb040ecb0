/**
 * The unfolded graph says what it means: one diverging colour scale (negative red, positive
 * blue) shared with the Results panel, gate rows named as PyTorch names them with each gate's own
 * equation on hover, gradient bars proportional to ||dL/dh_t||, whole labels and readable units.
 * Synthetic traces, so every value (and so every expected colour) is known exactly.
 */
import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { SequenceTrace, StepTrace } from '../../src/core/explore/trace';
import { divergingColour } from '../../src/webview/common/colourScale';
import { openExplorerPage, type ExplorerPage } from './page';
import { openResultsPage, type ResultsPage } from './resultsPage';

const SYMBOLS = [...'Nguyen'];
/** Final hidden state: its order by value (1, 3, 0, 2) differs from the index order. */
const FINAL_H = [0.5, -0.8, 0.8, -0.5];
const NORMS = [0.05, 0.1, 0.2, 0.4, 0.6, 0.8];
/** Each letter's contribution to log P(Vietnamese), in nats: both signs, and one step at 0. */
const SALIENCY: SequenceTrace['saliency'] = {
  target: 'class',
  label: 'Vietnamese',
  value: -0.51083,
  gradientInput: [0.8, -0.4, 0.1, 0, 0.25, -0.6],
  connectivity: [0.9, 0.5, 0.2, 0.05, 0.3, 1.2],
  occlusion: [1.5, -0.3, 0.2, 0, 0.1, -0.75],
};
const TOP = [
  { label: 'Vietnamese', probability: 0.6 },
  { label: 'Portuguese', probability: 0.3 },
  { label: 'Chinese', probability: 0.1 },
];

/** Values on a 0.05 grid of −1..1, so a colour quantised to 41 levels is still exact. */
const grid = (t: number, j: number, lo: number, hi: number): number => {
  const levels = Math.round((hi - lo) / 0.05);
  return Math.round((lo + 0.05 * ((t * 7 + j * 3) % (levels + 1))) * 100) / 100;
};

function syntheticTrace(cell: 'gru' | 'lstm', hiddenSize = 4): SequenceTrace {
  const gateNames = cell === 'gru' ? ['r', 'z', 'n'] : ['i', 'f', 'g', 'o'];
  const steps: StepTrace[] = SYMBOLS.map((symbol, t) => {
    const last = t === SYMBOLS.length - 1;
    const h = Array.from({ length: hiddenSize }, (_, j) =>
      last && hiddenSize === FINAL_H.length ? FINAL_H[j]! : grid(t, j, -0.9, 0.9),
    );
    const gates: Record<string, number[]> = {};
    for (const name of gateNames) {
      const tanh = name === 'n' || name === 'g';
      gates[name] = Array.from({ length: hiddenSize }, (_, j) =>
        tanh
          ? grid(t + name.charCodeAt(0), j, -0.9, 0.9)
          : grid(t + name.charCodeAt(0), j, 0.1, 0.9),
      );
    }
    return {
      symbol,
      layers: [
        {
          h,
          gates,
          ...(cell === 'lstm'
            ? { c: h.map((v) => Math.round(v * 150) / 100) }
            : { hn: h.map((v) => Math.round(v * 40) / 100) }),
        },
      ],
      top: TOP,
      gradNorms: [NORMS[t]!],
    };
  });
  return {
    input: `${cell}:${SYMBOLS.join('')}:${hiddenSize}`,
    folded: SYMBOLS.join(''),
    separator: '',
    cell,
    hiddenSize,
    numLayers: 1,
    steps,
    prediction: TOP,
    saliency: SALIENCY,
  };
}

/** "rgb(r, g, b)" or "#rrggbb" to [r, g, b]. */
function rgb(colour: string): number[] {
  const hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(colour.trim());
  if (hex) return hex.slice(1).map((h) => parseInt(h, 16));
  const parts = /rgba?\(([^)]*)\)/
    .exec(colour)?.[1]
    ?.split(',')
    .map((p) => Number(p.trim()));
  assert.ok(parts && parts.length >= 3, `a colour: ${colour}`);
  return parts.slice(0, 3);
}

interface Probe {
  x: number;
  y: number;
  fill: string;
  tip: string;
}

/** Hovers the centre of each of `count` cells along the middle line of a strip. */
async function probeStrip(
  explorer: ExplorerPage,
  step: number,
  strip: string,
  count: number,
): Promise<Probe[]> {
  const { page } = explorer;
  const box = await page
    .locator(`svg.unfolded g.step[data-step="${step}"] g[data-strip="${strip}"]`)
    .evaluate((g) => {
      g.scrollIntoView({ block: 'center', inline: 'center' });
      const r = g.getBoundingClientRect();
      return { x: r.x, y: r.y, width: r.width, height: r.height };
    });
  const probes: Probe[] = [];
  for (let k = 0; k < count; k++) {
    const x = box.x + ((k + 0.5) * box.width) / count;
    const y = box.y + box.height / 2;
    await page.mouse.move(x, y);
    const fill = await page.evaluate(
      ([px, py]) => {
        const hit = document.elementFromPoint(px!, py!);
        return hit ? getComputedStyle(hit).fill : '';
      },
      [x, y],
    );
    probes.push({ x, y, fill, tip: await page.locator('.tooltip').innerText() });
  }
  return probes;
}

const unitOf = (tip: string): number => {
  const match = /unit (\d+)/.exec(tip);
  assert.ok(match, `the hover names the unit: ${tip}`);
  return Number(match[1]);
};

describe('the unfolded graph means what it shows', { timeout: 90_000 }, () => {
  let explorer: ExplorerPage;
  const gru = syntheticTrace('gru');
  const lstm = syntheticTrace('lstm');

  before(async () => {
    explorer = await openExplorerPage();
  });
  after(async () => explorer?.close());

  it('colours a positive value blue and a negative one red, as divergingColour does', async () => {
    await explorer.send({ type: 'trace', trace: gru });
    const last = SYMBOLS.length - 1;
    const probes = await probeStrip(explorer, last, 'h0', FINAL_H.length);
    const seen = new Set<number>();
    for (const probe of probes) {
      const unit = unitOf(probe.tip);
      seen.add(unit);
      const value = FINAL_H[unit]!;
      assert.deepEqual(rgb(probe.fill), rgb(divergingColour(value, 1)), `unit ${unit} = ${value}`);
      const [r, , b] = rgb(probe.fill);
      if (value > 0) assert.ok(b! > r!, `positive ${value} is blue: ${probe.fill}`);
      else assert.ok(r! > b!, `negative ${value} is red: ${probe.fill}`);
    }
    assert.equal(seen.size, FINAL_H.length, 'every unit hovered once');
  });

  it('hovering a unit shows its step, its index and its value', async () => {
    const [probe] = await probeStrip(explorer, 2, 'h0', 4);
    const unit = unitOf(probe!.tip);
    assert.match(probe!.tip, /Step 3\b/);
    assert.ok(
      probe!.tip.includes(gru.steps[2]!.layers[0]!.h[unit]!.toFixed(3)),
      `the value of unit ${unit}: ${probe!.tip}`,
    );
  });

  it('shows the unit colour bar, −1 … 0 … +1, with tick labels of at least 11 px', async () => {
    const bar = explorer.page.locator('.graph-view .colour-bar').first();
    assert.ok((await bar.count()) > 0, 'a colour bar in the graph view');
    assert.match(await bar.innerText(), /unit value/);
    const ticks = await bar.locator('text').evaluateAll((texts) =>
      texts.map((t) => ({
        text: t.textContent ?? '',
        px: parseFloat(getComputedStyle(t).fontSize),
      })),
    );
    const labels = ticks.map((t) => t.text);
    for (const tick of ['−1', '0', '+1']) assert.ok(labels.includes(tick), `${tick} in ${labels}`);
    for (const tick of ticks) assert.ok(tick.px >= 11, `"${tick.text}" is ${tick.px} px`);
  });

  it('sorts the units by index or by their final value', async () => {
    const { page } = explorer;
    const select = page.locator('#sort-units');
    const options = await select.locator('option').allInnerTexts();
    assert.ok(
      options.some((o) => /index/i.test(o)),
      `an index order among ${options}`,
    );
    const final = options.find((o) => /final/i.test(o));
    assert.ok(final, `a final-value order among ${options}`);
    const last = SYMBOLS.length - 1;
    await select.selectOption({ label: options.find((o) => /index/i.test(o))! });
    const byIndex = (await probeStrip(explorer, last, 'h0', 4)).map((p) => unitOf(p.tip));
    assert.deepEqual(byIndex, [0, 1, 2, 3]);
    await select.selectOption({ label: final });
    const byValue = (await probeStrip(explorer, last, 'h0', 4)).map((p) => FINAL_H[unitOf(p.tip)]!);
    const ascending = [...byValue].sort((a, b) => a - b);
    assert.ok(
      JSON.stringify(byValue) === JSON.stringify(ascending) ||
        JSON.stringify(byValue) === JSON.stringify([...ascending].reverse()),
      `sorted by final value: ${byValue}`,
    );
  });

  it('labels the GRU gate rows r, z, n and the LSTM ones i, f, g, o', async () => {
    const { page } = explorer;
    await page.locator('#show-gates').check();
    for (const [trace, gates] of [
      [gru, ['r', 'z', 'n']],
      [lstm, ['i', 'f', 'g', 'o']],
    ] as const) {
      await explorer.send({ type: 'trace', trace });
      const labels = await page.locator('svg.unfolded text').evaluateAll((texts) =>
        texts
          .filter((t) => !t.closest('g.step'))
          // The text's own words, not those of a <title> inside it.
          .map((t) =>
            [...t.childNodes]
              .filter((n) => n.nodeType === Node.TEXT_NODE)
              .map((n) => n.textContent)
              .join('')
              .trim(),
          ),
      );
      const named = labels.filter((l) => (gates as readonly string[]).includes(l));
      assert.deepEqual(named, gates, `row labels ${labels}`);
    }
  });

  it("shows a gate's own equation and numbers on hover, not h's", async () => {
    const { page } = explorer;
    for (const [trace, gate, equation] of [
      [lstm, 'f', 'f_t = σ(W_if x_t + b_if + W_hf h_{t−1} + b_hf)'],
      [gru, 'r', 'r_t = σ(W_ir x_t + b_ir + W_hr h_{t−1} + b_hr)'],
      [gru, 'n', 'n_t = tanh(W_in x_t + b_in + r_t ⊙ (W_hn h_{t−1} + b_hn))'],
    ] as const) {
      await explorer.send({ type: 'trace', trace });
      await page.locator('#show-gates').check();
      const [probe] = await probeStrip(explorer, 3, `${gate}0`, 4);
      const tip = probe!.tip;
      assert.ok(tip.includes(equation), `${gate}'s equation in: ${tip}`);
      assert.doesNotMatch(tip, /\bh(_t)? = /, `not h's equation: ${tip}`);
      const value = trace.steps[3]!.layers[0]!.gates[gate]![unitOf(tip)]!;
      assert.ok(tip.includes(value.toFixed(3)), `${gate} = ${value} at step 4 in: ${tip}`);
      assert.match(tip, /Step 4\b/);
    }
    await page.locator('#show-gates').uncheck();
  });

  /** Rects in the columns titled with the gradient norm: the overlay's bars. */
  const gradientBars = (): Promise<Array<{ height: number; bottom: number; title: string }>> =>
    explorer.page.locator('svg.unfolded g.step rect').evaluateAll((rects) =>
      rects
        .filter((r) => /dL\/dh/.test(r.querySelector('title')?.textContent ?? ''))
        .map((r) => {
          const box = r.getBoundingClientRect();
          return {
            height: box.height,
            bottom: box.bottom,
            title: r.querySelector('title')!.textContent!,
          };
        }),
    );

  it('draws the backward overlay as bars proportional to ||dL/dh_t||, the max labelled', async () => {
    const { page } = explorer;
    await explorer.send({ type: 'trace', trace: gru });
    await page.locator('#show-gradients').check();
    const bars = await gradientBars();
    assert.equal(bars.length, NORMS.length, 'one bar per step');
    const max = Math.max(...NORMS);
    const tallest = Math.max(...bars.map((b) => b.height));
    assert.ok(tallest >= 20, `the tallest bar is ${tallest} px`);
    bars.forEach((bar, t) => {
      assert.ok(
        Math.abs(bar.height - (tallest * NORMS[t]!) / max) <= 1,
        `step ${t + 1}: ${bar.height} px for ${NORMS[t]} (tallest ${tallest} px for ${max})`,
      );
      assert.ok(
        bar.title.includes(NORMS[t]!.toExponential(2)) || bar.title.includes(String(NORMS[t])),
        `its value in its title: ${bar.title}`,
      );
    });
    const stripBottom = await page
      .locator('svg.unfolded g.step[data-step="0"] g[data-strip="h0"]')
      .evaluate((g) => g.getBoundingClientRect().bottom);
    assert.ok(
      bars.every((b) => b.bottom > stripBottom),
      'under the columns',
    );
    const numbers = (
      await page.locator('.graph-view').evaluate((view) => {
        const texts = [...view.querySelectorAll('svg.unfolded text, .graph-legend')];
        return texts.map((t) => t.textContent ?? '').join(' ');
      })
    )
      .match(/\d+(\.\d+)?(e[-−+]?\d+)?/g)!
      .map((n) => Number(n.replace('−', '-')));
    assert.ok(
      numbers.some((n) => Math.abs(n - max) <= 0.01 * max),
      `the max ${max} is labelled`,
    );
    await page.locator('#show-gradients').uncheck();
    assert.deepEqual(await gradientBars(), [], 'no bars with the overlay off');
    await page.locator('#show-gradients').check();
  });

  it('shows every text whole and inside its box: language names are not cut', async () => {
    const { page } = explorer;
    for (const trace of [gru, lstm]) {
      await explorer.send({ type: 'trace', trace });
      await page.locator('#show-gates').check();
      const report = await page.locator('svg.unfolded').evaluate((root) => {
        const svgBox = root.getBoundingClientRect();
        const strips = [...root.querySelectorAll('g.step g[data-strip="h0"]')].map((g) =>
          g.getBoundingClientRect(),
        );
        const centres = strips.map((s) => s.x + s.width / 2);
        const pitch = centres.length > 1 ? centres[1]! - centres[0]! : svgBox.width;
        const problems: string[] = [];
        const texts: string[] = [];
        for (const text of root.querySelectorAll('text')) {
          const box = text.getBoundingClientRect();
          const content = [...text.childNodes]
            .filter((n) => n.nodeType === Node.TEXT_NODE)
            .map((n) => n.textContent)
            .join('');
          texts.push(content);
          if (box.left < svgBox.left - 0.5 || box.right > svgBox.right + 0.5)
            problems.push(`"${content}" leaves the graph`);
          const column = text.closest('g.step');
          if (column) {
            const t = Number(column.getAttribute('data-step'));
            const left = centres[t]! - pitch / 2;
            const right = centres[t]! + pitch / 2;
            if (box.left < left - 0.5 || box.right > right + 0.5)
              problems.push(`"${content}" (${box.width.toFixed(1)} px) overflows column ${t}`);
          } else if (box.right > strips[0]!.left + 0.5)
            problems.push(`"${content}" runs into the first column`);
        }
        return { problems, texts };
      });
      assert.deepEqual(report.problems, []);
      for (const name of ['Vietnamese', 'Portuguese', 'Chinese'])
        assert.equal(
          report.texts.filter((t) => t === name).length,
          SYMBOLS.length,
          `"${name}" whole under every column`,
        );
    }
    await page.locator('#show-gates').uncheck();
  });

  it('gives every unit of a 128-unit state at least 2 px of width, and 2 px of height', async () => {
    const { page } = explorer;
    const wide = syntheticTrace('gru', 128);
    await explorer.send({ type: 'trace', trace: wide });
    const box = await page
      .locator('svg.unfolded g.step[data-step="1"] g[data-strip="h0"]')
      .evaluate((g) => {
        g.scrollIntoView({ block: 'center', inline: 'center' });
        const r = g.getBoundingClientRect();
        return { x: r.x, y: r.y, width: r.width, height: r.height };
      });
    assert.ok((box.width * box.height) / 128 >= 4, `${box.width}×${box.height} px for 128 units`);
    // Moving 1 px at a time along the strip, each unit is hovered at least twice.
    const runs: number[] = [];
    let previous = -1;
    for (let x = Math.ceil(box.x) + 0.5; x < box.x + box.width - 0.5; x += 1) {
      await page.mouse.move(x, box.y + 1.5);
      const unit = unitOf(await page.locator('.tooltip').innerText());
      if (unit === previous) runs[runs.length - 1]!++;
      else runs.push(1);
      previous = unit;
    }
    const inner = runs.slice(1, -1);
    assert.ok(inner.length > 0 && inner.every((n) => n >= 2), `px per unit: ${runs.join(' ')}`);
  });
});

describe('the Results panel colours unit values on the same scale', { timeout: 60_000 }, () => {
  let results: ResultsPage;
  before(async () => {
    results = await openResultsPage();
  });
  after(async () => results?.close());

  it('fills each unit with divergingColour of its value: positive blue, negative red', async () => {
    const states = [
      [0.8, -0.8, 0.5, -0.5, 0.25, -0.25, 0, 0.95],
      [-0.6, 0.6, 0.1, -0.1, 0.3, -0.3, 0.7, -0.7],
    ];
    await results.send({
      type: 'show',
      content: {
        kind: 'order',
        title: 'Does the order matter?',
        note: 'Synthetic states.',
        distance: 1,
        inputs: states.map((finalState, i) => ({
          input: i === 0 ? 'abc' : 'cba',
          finalState,
          top: TOP,
        })),
      },
    });
    const strips = results.page.locator('.state-strip');
    for (let i = 0; i < states.length; i++) {
      const fills = await strips
        .nth(i)
        .locator('g[aria-label="cell"] rect')
        .evaluateAll((rects) => rects.map((r) => getComputedStyle(r).fill));
      assert.equal(fills.length, states[i]!.length);
      fills.forEach((fill, unit) => {
        const value = states[i]![unit]!;
        assert.deepEqual(rgb(fill), rgb(divergingColour(value, 1)), `unit ${unit} = ${value}`);
        const [r, , b] = rgb(fill);
        if (value > 0) assert.ok(b! > r!, `positive ${value} is blue`);
        if (value < 0) assert.ok(r! > b!, `negative ${value} is red`);
      });
    }
    const ticks = await results.page.locator('.order-view .colour-bar text').evaluateAll((texts) =>
      texts.map((t) => ({
        text: t.textContent ?? '',
        px: parseFloat(getComputedStyle(t).fontSize),
      })),
    );
    assert.ok(ticks.length >= 3, 'a colour bar with min, 0 and max');
    for (const tick of ticks) assert.ok(tick.px >= 11, `"${tick.text}" is ${tick.px} px`);
  });
});
