/**
 * The training dashboard and the sidebar loss chart, read as a user reads them: the figures each
 * task shows, the epoch counter, the name and kind of every loss, the rendered size of every tick
 * label, the confusion matrix's row normalisation, the smoothed loss, and contrast in three themes.
 */
import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  colourAlpha,
  contrastRatio,
  blend,
  parseColour,
  type Rgb,
} from '../../src/shared/contrast';
import type { BatchPoint, EpochPoint, TrainingSnapshot } from '../../src/shared/explorerProtocol';
import { formatEpoch, progressLine, smoothEma } from '../../src/shared/trainingFigures';
import { openExplorerPage, type ExplorerPage } from './page';

const LANGUAGES = [
  'Arabic',
  'Chinese',
  'Czech',
  'Dutch',
  'English',
  'French',
  'German',
  'Greek',
  'Irish',
  'Italian',
  'Japanese',
  'Korean',
  'Polish',
  'Portuguese',
  'Russian',
  'Scottish',
  'Spanish',
  'Vietnamese',
];

/** A noisy, falling loss, so smoothing visibly changes it. */
function batches(count: number, epochs: number, scale = 1): BatchPoint[] {
  return Array.from({ length: count }, (_, i) => ({
    progress: ((i + 1) / count) * epochs,
    loss: scale * (2.5 * Math.exp(-i / 20) + 0.6 + 0.35 * Math.sin(i * 1.7)),
    learningRate: 0.003,
    sequencesPerSecond: 2000 + 10 * i,
    tokensPerSecond: 14000 + 70 * i,
  }));
}

function epochPoint(epoch: number, epochs: number, extra: Partial<EpochPoint>): EpochPoint {
  return {
    epoch,
    epochs,
    trainLoss: 1.27 / epoch,
    trainAccuracy: 0.64,
    heldOutLoss: 0.98 / epoch,
    heldOutAccuracy: 0.72,
    macroAccuracy: 0.5,
    headline: { name: 'held-out accuracy', value: 0.72, unit: '%' },
    sequencesPerSecond: 2000,
    tokensPerSecond: 14000,
    ...extra,
  };
}

function namesSnapshot(): TrainingSnapshot {
  return {
    state: 'running',
    title: 'GRU 128',
    task: 'names',
    epoch: 3,
    epochs: 10,
    batches: batches(60, 2.5),
    history: [epochPoint(1, 10, {}), epochPoint(2, 10, {})],
    confusion: LANGUAGES.map((_, a) =>
      LANGUAGES.map((__, p) => (a === p ? 20 + 3 * a : (a * 7 + p) % 5)),
    ),
    labels: LANGUAGES,
    gradients: [],
    clipNorm: 5,
  };
}

/** As the host sends it after a forecaster's run: the labels are the languages, confusion empty. */
function forecastSnapshot(): TrainingSnapshot {
  const point = (epoch: number, trainLoss: number, heldOutLoss: number): EpochPoint => ({
    ...epochPoint(epoch, 3, { trainLoss, heldOutLoss }),
    trainAccuracy: NaN,
    heldOutAccuracy: NaN,
    macroAccuracy: NaN,
    headline: {
      name: 'test RMSE',
      value: 100 * Math.sqrt(heldOutLoss),
      unit: 'thousand passengers',
    },
    sequencesPerSecond: 900,
    tokensPerSecond: 0,
    scale: { std: 100, unit: 'thousand passengers' },
  });
  return {
    state: 'finished',
    title: 'GRU 32 on airline-passengers.csv Passengers',
    task: 'forecast',
    epoch: 3,
    epochs: 3,
    batches: batches(30, 3, 0.1),
    history: [point(1, 0.2, 0.16), point(2, 0.1, 0.09), point(3, 0.05, 0.0625)],
    confusion: [],
    labels: LANGUAGES,
    gradients: [],
    clipNorm: 5,
  };
}

function textSnapshot(): TrainingSnapshot {
  const point = (epoch: number, loss: number): EpochPoint => ({
    ...epochPoint(epoch, 2, { trainLoss: loss + 0.1, heldOutLoss: loss }),
    macroAccuracy: NaN,
    headline: { name: 'held-out bits per character', value: loss / Math.LN2, unit: 'bits' },
  });
  return {
    state: 'finished',
    title: 'GRU 128 on tinyshakespeare.txt',
    task: 'text',
    epoch: 2,
    epochs: 2,
    batches: batches(40, 2),
    history: [point(1, 1.8), point(2, 1.5)],
    confusion: [],
    labels: LANGUAGES,
    gradients: [],
    clipNorm: 5,
  };
}

async function openTraining(
  theme: 'vscode-dark' | 'vscode-light' | 'vscode-high-contrast' = 'vscode-dark',
): Promise<ExplorerPage> {
  const explorer = await openExplorerPage(theme, { viewport: { width: 1600, height: 1000 } });
  await explorer.page.locator('#tab-training').click();
  return explorer;
}

const dashboardText = (explorer: ExplorerPage): Promise<string> =>
  explorer.page.locator('.training-view').innerText();

describe('the training dashboard fits the task', { timeout: 60_000 }, () => {
  let explorer: ExplorerPage;
  before(async () => (explorer = await openTraining()));
  after(async () => explorer?.close());

  it("shows a forecaster's RMSE normalised and in the data's units, and nothing of names", async () => {
    await explorer.send({ type: 'training', snapshot: forecastSnapshot() });
    const text = await dashboardText(explorer);
    // Held-out MSE 0.0625 normalised: RMSE 0.25 normalised = 25.0 thousand passengers (σ 100).
    assert.match(text, /held-out RMSE, epoch 3: 0\.250 normalised = 25\.0 thousand passengers/);
    assert.match(text, /RMSE \(thousand passengers\)/);
    assert.doesNotMatch(text, /names per second|names\/s/i);
    assert.doesNotMatch(text, /accuracy/i);
    assert.equal(await explorer.page.locator('.training-view .confusion svg').count(), 0);
    assert.equal(await explorer.page.getByText('Confusion matrix').isVisible(), false);
  });

  it("shows a text model's bits per character and characters per second", async () => {
    await explorer.send({ type: 'training', snapshot: textSnapshot() });
    const text = await dashboardText(explorer);
    assert.match(
      text,
      new RegExp(`held-out bits per character, after epoch 2: ${(1.5 / Math.LN2).toFixed(3)}`),
    );
    assert.match(text, /characters per second: [\d,]+/);
    assert.doesNotMatch(text, /names per second|names\/s/i);
    assert.equal(await explorer.page.locator('.training-view .confusion svg').count(), 0);
  });

  it("shows a classifier's accuracy, names per second, and says what macro accuracy is", async () => {
    await explorer.send({ type: 'training', snapshot: namesSnapshot() });
    const text = await dashboardText(explorer);
    assert.match(text, /names per second/);
    assert.match(text, /Macro accuracy is the mean of the per-language accuracies/);
    assert.ok(await explorer.page.locator('.training-view .confusion svg').isVisible());
  });

  it('shows a constant learning rate as text, not as a chart', async () => {
    await explorer.send({ type: 'training', snapshot: namesSnapshot() });
    assert.match(await dashboardText(explorer), /learning rate: 0\.003 \(constant\)/);
    assert.equal(await explorer.page.locator('.training-view .rate-chart svg').count(), 0);
  });
});

describe('every epoch counter means the same', { timeout: 60_000 }, () => {
  it('labels the epoch as the progress notification does for the same batch', async () => {
    const explorer = await openTraining();
    const sidebar = await openExplorerPage('vscode-dark', { bundle: 'sidebar.js' });
    try {
      // The first batch report of the first epoch, as the worker posts it.
      const batch = {
        epoch: 1,
        epochs: 10,
        batch: 5,
        batches: 50,
        loss: 2.8,
        sequencesPerSecond: 2100,
      };
      const notification = progressLine('names', batch);
      const epoch = /epoch \d+\/\d+/.exec(notification)?.[0];
      assert.equal(epoch, formatEpoch(1, 10));
      // The host's snapshot after that batch: epoch 1 running, none completed yet.
      const snapshot: TrainingSnapshot = {
        ...namesSnapshot(),
        epoch: batch.epoch,
        epochs: batch.epochs,
        history: [],
        confusion: undefined,
        batches: [{ progress: 0.1, loss: 2.8, learningRate: 0.003, sequencesPerSecond: 2100 }],
      };
      await explorer.send({ type: 'training', snapshot });
      await sidebar.send({ type: 'training', snapshot });
      const status = await explorer.page.locator('.training-view .status').innerText();
      assert.match(status, new RegExp(`\\b${epoch}\\b`), status);
      const sideStatus = await sidebar.page.locator('body > .status').innerText();
      assert.match(sideStatus, new RegExp(`\\b${epoch}\\b`), sideStatus);
    } finally {
      await explorer.close();
      await sidebar.close();
    }
  });
});

describe('every loss says which it is', { timeout: 60_000 }, () => {
  it('calls a loss scored on the training lines so, never held-out', async () => {
    const explorer = await openTraining();
    const sidebar = await openExplorerPage('vscode-dark', { bundle: 'sidebar.js' });
    const text = textSnapshot();
    const snapshot: TrainingSnapshot = {
      ...text,
      title: 'RNN 32 on the three sentences',
      history: text.history.map((h) => ({
        ...h,
        scoredOnTraining: true,
        headline: { ...h.headline, name: 'bits per character on the training lines' },
      })),
    };
    try {
      await explorer.send({ type: 'training', snapshot });
      const dashboard = await dashboardText(explorer);
      assert.doesNotMatch(dashboard, /held-out/, 'nothing is called held-out');
      assert.match(
        dashboard,
        /training-lines loss \(cross-entropy, nats per character\), after epoch 2: 1\.500/,
      );
      assert.match(dashboard, /training-lines bits per character, after epoch 2/);
      const legends = await explorer.page.locator('.training-view .legend span').allInnerTexts();
      assert.ok(legends.includes('training-lines loss, after epoch'), legends.join(' | '));
      await sidebar.send({ type: 'training', snapshot });
      const side = await sidebar.page.locator('body > .status').innerText();
      assert.match(side, /training-lines cross-entropy 1\.500/, side);
      assert.doesNotMatch(side, /held-out/, side);
    } finally {
      await explorer.close();
      await sidebar.close();
    }
  });

  it('names the loss and its kind in the dashboard, its chart and the sidebar', async () => {
    const explorer = await openTraining();
    const sidebar = await openExplorerPage('vscode-dark', { bundle: 'sidebar.js' });
    try {
      for (const [snapshot, name] of [
        [namesSnapshot(), 'cross-entropy'],
        [forecastSnapshot(), 'MSE'],
        [textSnapshot(), 'cross-entropy'],
      ] as const) {
        await explorer.send({ type: 'training', snapshot });
        const figures = await explorer.page.locator('.training-view .figures li').allInnerTexts();
        const losses = figures.filter((f) => /loss/.test(f));
        assert.ok(losses.length >= 3, figures.join(' | '));
        for (const f of losses) {
          assert.match(f, /last batch|mean of epoch|held-out|training-lines/, f);
          assert.ok(f.includes(name), `${f} names the ${name}`);
        }
        assert.ok(
          figures.some((f) => /nats|normalised/.test(f)),
          'the unit of the loss',
        );
        const legend = await explorer.page
          .locator('.training-view .loss-chart .legend span')
          .allInnerTexts();
        for (const entry of legend.filter((e) => e.length > 0))
          assert.match(entry, /last batch|mean of epoch|held-out/, entry);
        const axis = await explorer.page.locator('.training-view .loss-chart svg').innerHTML();
        assert.ok(axis.includes(name), `the loss axis names the ${name}`);
        await sidebar.send({ type: 'training', snapshot });
        const side = await sidebar.page.locator('body > .status').innerText();
        assert.match(side, /last batch/, side);
        assert.ok(side.includes(name), side);
      }
    } finally {
      await explorer.close();
      await sidebar.close();
    }
  });
});

/** Each text's rendered size: computed font size times the svg's scale (its width / viewBox). */
const RENDERED_SIZES = `(() => {
  const out = [];
  for (const svg of document.querySelectorAll('svg')) {
    const box = svg.getBoundingClientRect();
    if (box.width === 0) continue;
    const vb = svg.viewBox && svg.viewBox.baseVal;
    const scale = vb && vb.width ? box.width / vb.width : 1;
    for (const t of svg.querySelectorAll('text')) {
      if (!t.textContent.trim() || t.getBoundingClientRect().width === 0) continue;
      out.push({ text: t.textContent, px: parseFloat(getComputedStyle(t).fontSize) * scale });
    }
  }
  return out;
})()`;

describe('chart text is legible at the default zoom', { timeout: 60_000 }, () => {
  it('renders every tick label at 11 px or more, at 1600 px wide', async () => {
    const explorer = await openTraining();
    const sidebar = await openExplorerPage('vscode-dark', {
      bundle: 'sidebar.js',
      viewport: { width: 300, height: 600 },
    });
    try {
      for (const snapshot of [namesSnapshot(), forecastSnapshot(), textSnapshot()]) {
        await explorer.send({ type: 'training', snapshot });
        const sizes = (await explorer.page.evaluate(RENDERED_SIZES)) as Array<{
          text: string;
          px: number;
        }>;
        assert.ok(sizes.length > 20, `${sizes.length} texts`);
        const small = sizes.filter((s) => s.px < 11 - 1e-6);
        assert.deepEqual(small, [], `texts under 11 px for ${snapshot.task}`);
      }
      await sidebar.send({ type: 'training', snapshot: namesSnapshot() });
      const sizes = (await sidebar.page.evaluate(RENDERED_SIZES)) as Array<{
        text: string;
        px: number;
      }>;
      assert.ok(sizes.length > 3);
      assert.deepEqual(
        sizes.filter((s) => s.px < 11 - 1e-6),
        [],
        'sidebar texts under 11 px',
      );
    } finally {
      await explorer.close();
      await sidebar.close();
    }
  });

  it('keeps the confusion matrix’s text at 11 px in a narrow panel, and scrolls it instead', async () => {
    const explorer = await openExplorerPage('vscode-dark', {
      viewport: { width: 480, height: 900 },
    });
    try {
      await explorer.page.locator('#tab-training').click();
      await explorer.send({ type: 'training', snapshot: namesSnapshot() });
      const sizes = (await explorer.page.evaluate(RENDERED_SIZES)) as Array<{
        text: string;
        px: number;
      }>;
      assert.ok(sizes.length > 20, `${sizes.length} texts`);
      assert.deepEqual(
        sizes.filter((s) => s.px < 11 - 1e-6),
        [],
        'texts under 11 px in a 480 px panel',
      );
      const scrolls = await explorer.page
        .locator('.training-view .confusion')
        .evaluate((e) => e.scrollWidth > e.clientWidth);
      assert.ok(scrolls, 'the matrix scrolls sideways rather than shrinking');
    } finally {
      await explorer.close();
    }
  });
});

describe('the confusion matrix', { timeout: 60_000 }, () => {
  let explorer: ExplorerPage;
  before(async () => {
    explorer = await openTraining();
    await explorer.send({ type: 'training', snapshot: namesSnapshot() });
  });
  after(async () => explorer?.close());

  it('is row-normalised by default, each row summing to 100 %, with a colour bar', async () => {
    assert.ok(await explorer.page.locator('#confusion-normalised').isChecked());
    const cells = await explorer.page
      .locator('.confusion g[aria-label="cell"] rect')
      .evaluateAll((rects) =>
        rects.map((r) => ({
          actual: r.getAttribute('data-actual'),
          percent: Number(r.getAttribute('data-percent')),
        })),
      );
    assert.equal(cells.length, LANGUAGES.length ** 2);
    for (const language of LANGUAGES) {
      const sum = cells.filter((c) => c.actual === language).reduce((s, c) => s + c.percent, 0);
      assert.ok(Math.abs(sum - 100) < 1e-9, `${language}: ${sum}`);
    }
    const counts = await explorer.page
      .locator('.confusion g[aria-label="text"] text')
      .allTextContents();
    assert.ok(
      counts.every((c) => Number(c) <= 100),
      'cells show percentages',
    );
    const bar = explorer.page.locator('.confusion-section .colour-bar');
    assert.match((await bar.getAttribute('aria-label')) ?? '', /% of the language/);
  });

  it('lists per-class accuracy equal to the row-normalised diagonal', async () => {
    const snapshot = namesSnapshot();
    for (const [a, language] of LANGUAGES.entries()) {
      const diagonal = await explorer.page
        .locator(`.confusion rect[data-actual="${language}"][data-predicted="${language}"]`)
        .getAttribute('data-percent');
      const row = explorer.page.locator(
        `table.per-class tr[data-label="${language}"] td[data-accuracy]`,
      );
      const accuracy = Number(await row.getAttribute('data-accuracy'));
      assert.ok(Math.abs(100 * accuracy - Number(diagonal)) < 1e-9, `${language}`);
      const total = snapshot.confusion![a]!.reduce((s, v) => s + v, 0);
      assert.equal(
        await row.innerText(),
        `${((100 * snapshot.confusion![a]![a]!) / total).toFixed(1)}%`,
      );
    }
  });

  it('shows counts when row normalisation is off', async () => {
    await explorer.page.locator('#confusion-normalised').uncheck();
    const texts = await explorer.page
      .locator('.confusion g[aria-label="text"] text')
      .allTextContents();
    assert.ok(texts.includes(String(20 + 3 * 17)), texts.join(','));
    await explorer.page.locator('#confusion-normalised').check();
  });
});

describe('the loss can be smoothed and drawn on a log scale', { timeout: 60_000 }, () => {
  let explorer: ExplorerPage;
  before(async () => (explorer = await openTraining()));
  after(async () => explorer?.close());

  /** The smoothed line's points in data units, read back through the y axis's ticks. */
  async function smoothedValues(): Promise<number[]> {
    const { ticks, points } = (await explorer.page.evaluate(`(() => {
      const svg = document.querySelector('.loss-chart svg');
      const ticks = [...svg.querySelectorAll('g[aria-label="y-axis tick label"] text')].map((t) => {
        const m = /translate\\(([-\\d.]+),([-\\d.]+)\\)/.exec(t.getAttribute('transform'));
        return { value: Number(t.textContent.replace('−', '-')), y: Number(m[2]) };
      });
      const d = svg.querySelector('g.line-smoothed-training-loss path').getAttribute('d');
      const points = [...d.matchAll(/[ML]([-\\d.]+),([-\\d.]+)/g)].map((m) => Number(m[2]));
      return { ticks, points };
    })()`)) as { ticks: Array<{ value: number; y: number }>; points: number[] };
    const [a, b] = [ticks[0]!, ticks[ticks.length - 1]!];
    return points.map((y) => a.value + ((y - a.y) * (b.value - a.value)) / (b.y - a.y));
  }

  it('draws the smoothed loss as the EMA of the batches, the raw loss faint beneath', async () => {
    const snapshot = namesSnapshot();
    await explorer.send({ type: 'training', snapshot });
    const weight = Number(await explorer.page.locator('#loss-smoothing').inputValue());
    assert.ok(weight > 0);
    const expected = smoothEma(
      snapshot.batches.map((b) => b.loss),
      weight,
    );
    const drawn = await smoothedValues();
    assert.equal(drawn.length, expected.length);
    const tolerance = 0.02;
    drawn.forEach((v, i) =>
      assert.ok(Math.abs(v - expected[i]!) < tolerance, `${i}: ${v} vs ${expected[i]}`),
    );
    assert.equal(
      await explorer.page.locator('.loss-chart g.line-raw-training-loss path').count(),
      1,
    );
    await explorer.page.locator('#loss-smoothing').fill('0.9');
    const heavier = smoothEma(
      snapshot.batches.map((b) => b.loss),
      0.9,
    );
    (await smoothedValues()).forEach((v, i) =>
      assert.ok(Math.abs(v - heavier[i]!) < tolerance, `${i}`),
    );
  });

  it('switches the loss axis to a log scale', async () => {
    await explorer.page.locator('#loss-log').check();
    // Labelled ticks: position against value is linear in log(value), not in value.
    const ticks = (
      await explorer.page
        .locator('.loss-chart g[aria-label="y-axis tick label"] text')
        .evaluateAll((ts) =>
          ts.map((t) => ({
            value: Number(t.textContent),
            y: Number(/,([-\d.]+)\)/.exec(t.getAttribute('transform') ?? '')?.[1]),
          })),
        )
    ).filter((t) => t.value > 0);
    assert.ok(ticks.length >= 3, JSON.stringify(ticks));
    const [a, b, c] = [ticks[0]!, ticks[1]!, ticks[ticks.length - 1]!];
    const logRatio = Math.log(b.value / a.value) / Math.log(c.value / a.value);
    const pxRatio = (b.y - a.y) / (c.y - a.y);
    assert.ok(Math.abs(logRatio - pxRatio) < 0.01, `log spacing ${logRatio} vs ${pxRatio}`);
    await explorer.page.locator('#loss-log').uncheck();
  });
});

/** Every data line's colour (blended at its opacity) and every chart text's, with the background. */
const RENDERED_COLOURS = `(() => {
  const background = getComputedStyle(document.body).backgroundColor;
  const lines = [...document.querySelectorAll('svg[class^="plot"] g[aria-label="line"] path')]
    .filter((p) => p.getBoundingClientRect().width > 0)
    .map((p) => {
      const style = getComputedStyle(p);
      let opacity = Number(style.strokeOpacity);
      for (let e = p; e && e instanceof SVGElement; e = e.parentElement) opacity *= Number(getComputedStyle(e).opacity);
      return { label: p.parentElement.getAttribute('aria-label'), colour: style.stroke, opacity };
    })
    .filter((l) => l.colour !== 'none');
  const texts = [...document.querySelectorAll('svg[class^="plot"] g[aria-label$="tick label"] text, svg[class^="plot"] g[aria-label$="axis label"] text, .legend > span, .training-view .status, body > .status, button[aria-selected="true"]')]
    .filter((t) => t.getBoundingClientRect().width > 0)
    .map((t) => {
      const style = getComputedStyle(t);
      const isSvg = t instanceof SVGElement;
      let back = background;
      if (!isSvg) {
        for (let e = t; e; e = e.parentElement) {
          const b = getComputedStyle(e).backgroundColor;
          if (b && b !== 'rgba(0, 0, 0, 0)') { back = b; break; }
        }
      }
      let opacity = Number(isSvg ? style.fillOpacity : 1);
      for (let e = t; e && e !== document.body; e = e.parentElement) opacity *= Number(getComputedStyle(e).opacity);
      return { text: t.textContent.slice(0, 30), colour: isSvg ? style.fill : style.color, opacity, background: back };
    });
  return { background, lines, texts };
})()`;

interface Rendered {
  background: string;
  lines: Array<{ label: string; colour: string; opacity: number }>;
  texts: Array<{ text: string; colour: string; opacity: number; background: string }>;
}

function seen(colour: string, opacity: number, background: string): number {
  const c = parseColour(colour);
  const bg = parseColour(background);
  assert.ok(c && bg, `colours ${colour} on ${background}`);
  const drawn: Rgb = blend(c, bg, opacity * colourAlpha(colour));
  return contrastRatio(drawn, bg);
}

describe(
  'contrast of at least 3:1 in dark, light and high-contrast themes',
  { timeout: 120_000 },
  () => {
    for (const theme of ['vscode-dark', 'vscode-light', 'vscode-high-contrast'] as const) {
      it(theme, async () => {
        const explorer = await openTraining(theme);
        const sidebar = await openExplorerPage(theme, {
          bundle: 'sidebar.js',
          viewport: { width: 300, height: 600 },
        });
        try {
          for (const snapshot of [namesSnapshot(), forecastSnapshot(), textSnapshot()]) {
            await explorer.send({ type: 'training', snapshot });
            const r = (await explorer.page.evaluate(RENDERED_COLOURS)) as Rendered;
            assert.ok(r.lines.length >= 4, `${r.lines.length} lines`);
            for (const l of r.lines) {
              const ratio = seen(l.colour, l.opacity, r.background);
              assert.ok(
                ratio >= 3,
                `${theme} ${snapshot.task} line ${l.label} ${l.colour}×${l.opacity}: ${ratio.toFixed(2)}:1`,
              );
            }
            assert.ok(r.texts.length > 10);
            for (const t of r.texts) {
              const ratio = seen(t.colour, t.opacity, t.background);
              assert.ok(
                ratio >= 3,
                `${theme} text "${t.text}" ${t.colour} on ${t.background}: ${ratio.toFixed(2)}:1`,
              );
            }
          }
          // The selected tab, hovered: it keeps its own colours.
          await explorer.page.locator('#tab-training').hover();
          const r = (await explorer.page.evaluate(RENDERED_COLOURS)) as Rendered;
          const tab = r.texts.find((t) => t.text === 'Training');
          assert.ok(tab, 'the selected tab');
          assert.ok(
            seen(tab.colour, 1, tab.background) >= 3,
            `${theme} hovered tab ${tab.colour} on ${tab.background}`,
          );
          await sidebar.send({ type: 'training', snapshot: namesSnapshot() });
          const s = (await sidebar.page.evaluate(RENDERED_COLOURS)) as Rendered;
          assert.ok(s.lines.length >= 1 && s.texts.length >= 3, 'the sidebar chart and its ticks');
          for (const l of s.lines) {
            const ratio = seen(l.colour, l.opacity, s.background);
            assert.ok(ratio >= 3, `${theme} sidebar line ${l.colour}: ${ratio.toFixed(2)}:1`);
          }
          for (const t of s.texts) {
            const ratio = seen(t.colour, t.opacity, t.background);
            assert.ok(ratio >= 3, `${theme} sidebar text "${t.text}": ${ratio.toFixed(2)}:1`);
          }
        } finally {
          await explorer.close();
          await sidebar.close();
        }
      });
    }
  },
);
