import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { initBackend } from '../../src/core/backend';
import { gradientLab, REGIME_RULE } from '../../src/core/explore/gradientLab';
import { traceSequence, type SequenceTrace } from '../../src/core/explore/trace';
import { loadModel } from '../../src/core/io/modelFile';
import { SequenceModel } from '../../src/core/model/sequenceModel';
import type { HostMessage, LabControls, TrainingSnapshot } from '../../src/shared/explorerProtocol';
import { openExplorerPage, ROOT, type ExplorerPage } from './page';

let dostoevsky: SequenceTrace;
let long: SequenceTrace;
let labels: string[];

/** A dashboard snapshot recorded from a 2-epoch run's shape: batches, epochs and a confusion matrix. */
function recordedTraining(): TrainingSnapshot {
  const batches = Array.from({ length: 60 }, (_, i) => ({
    progress: (i + 1) / 30,
    loss: 2.5 * Math.exp(-i / 20) + 0.6,
    learningRate: 0.003,
    sequencesPerSecond: 2000 + 10 * i,
  }));
  const confusion = labels.map((_, a) =>
    labels.map((__, p) => (a === p ? 50 + a : (a * 7 + p) % 5)),
  );
  return {
    state: 'running',
    title: 'GRU 128',
    epochs: 2,
    batches,
    history: [
      {
        epoch: 1,
        epochs: 2,
        trainLoss: 1.27,
        trainAccuracy: 0.64,
        heldOutLoss: 0.98,
        heldOutAccuracy: 0.72,
        headline: { name: 'held-out accuracy', value: 0.72, unit: '%' },
        macroAccuracy: 0.2,
        sequencesPerSecond: 2000,
      },
      {
        epoch: 2,
        epochs: 2,
        trainLoss: 0.85,
        trainAccuracy: 0.74,
        heldOutLoss: 0.8,
        heldOutAccuracy: 0.76,
        headline: { name: 'held-out accuracy', value: 0.76, unit: '%' },
        macroAccuracy: 0.28,
        sequencesPerSecond: 2300,
      },
    ],
    confusion,
    labels,
    clipNorm: 5,
    gradients: batches.map((b, i) => ({
      progress: b.progress,
      stepNorms: Array.from({ length: 6 + (i % 5) }, (_, t) => 0.5 * 0.7 ** (8 - t)),
      paramNorms: {
        'rnn.weight_ih_l0': 0.3 + i / 100,
        'rnn.weight_hh_l0': 2 + Math.sin(i),
        'fc.weight': 6 - i / 20,
      },
    })),
  };
}

/** The lab's answer for these controls, as the host computes and sends it. */
function labMessage(controls: LabControls): HostMessage {
  return {
    type: 'gradients',
    controls,
    cells: gradientLab({ ...controls, hiddenSize: 64, seed: 7 }),
    rule: REGIME_RULE,
    millis: 9,
  };
}

describe('Explorer webview in headless Chromium', { timeout: 120_000 }, () => {
  let explorer: ExplorerPage;

  before(async () => {
    await initBackend('wasm');
    const { manifest, model } = loadModel(path.join(ROOT, 'media', 'models', 'names-gru.json'));
    labels = manifest.labels;
    dostoevsky = traceSequence(model, manifest.vocabulary, labels, 'Dostoevsky')!;
    model.dispose();
    const wide = SequenceModel.create(
      {
        cell: 'lstm',
        nonlinearity: 'tanh',
        inputKind: 'tokens',
        inputSize: manifest.vocabulary.length,
        hiddenSize: 128,
        numLayers: 1,
        outputSize: labels.length,
        head: 'last',
      },
      3,
    );
    long = traceSequence(wide, manifest.vocabulary, labels, 'abcdefghij'.repeat(10))!;
    wide.dispose();
    explorer = await openExplorerPage();
  });
  after(async () => explorer?.close());

  it('posts ready before anything else', async () => {
    const posted = await explorer.posted();
    assert.deepEqual(posted[0], { type: 'ready' });
  });

  it('draws one column per letter, with a hidden-state strip of every unit', async () => {
    await explorer.send({ type: 'trace', trace: dostoevsky });
    const { page } = explorer;
    assert.equal(await page.locator('svg.unfolded g.step').count(), 10);
    const strip = page.locator('svg.unfolded g.step[data-step="0"] g[data-strip="h0"]');
    assert.equal(await strip.getAttribute('data-units'), '128');
    // A square per unit: a rect each, or a subpath each of a path per colour.
    const squares = await strip.evaluate(
      (g) =>
        g.querySelectorAll('rect.unit').length +
        [...g.querySelectorAll('path')].reduce(
          (n, p) => n + (p.getAttribute('d')?.match(/M/g)?.length ?? 0),
          0,
        ),
    );
    assert.equal(squares, 128, 'one square per unit');
    assert.match(
      await page.locator('.graph-view .status').innerText(),
      /After "Dostoevsky": Russian/,
    );
    assert.match(
      (await page.locator('svg.unfolded g.step[data-step="9"]').getAttribute('aria-label')) ?? '',
      /Step 10, symbol y: Russian \d+\.\d%/,
    );
  });

  it('steps back and forth with the buttons and the keyboard', async () => {
    const { page } = explorer;
    await page.getByRole('button', { name: 'Step back one time step' }).click();
    assert.equal(await page.locator('svg.unfolded g.step.future').count(), 1);
    await page.locator('.graph-canvas').focus();
    await page.keyboard.press('ArrowLeft');
    assert.equal(await page.locator('svg.unfolded g.step.future').count(), 2);
    await page.keyboard.press('ArrowRight');
    assert.equal(await page.locator('svg.unfolded g.step.future').count(), 1);
    await page.getByRole('button', { name: 'Show every step' }).click();
    assert.equal(await page.locator('svg.unfolded g.step.future').count(), 0);
  });

  it('shows the cell equation with the numbers put in, and the gates on request', async () => {
    const { page } = explorer;
    await page.locator('svg.unfolded g.step[data-step="3"]').focus();
    const tip = await page.locator('.tooltip').innerText();
    assert.match(tip, /Step 4 “t”, unit 0 of 128/);
    assert.match(
      tip,
      /h = \(1 − z\)·n \+ z·h₋₁ = \(1 − -?\d\.\d{3}\)·-?\d\.\d{3} \+ -?\d\.\d{3}·-?\d\.\d{3} = -?\d\.\d{3}/,
    );
    await page.locator('#show-gates').check();
    for (const gate of ['r0', 'z0', 'n0']) {
      const strip = page.locator(`g.step[data-step="0"] g[data-strip="${gate}"]`);
      assert.equal(await strip.getAttribute('data-units'), '128');
    }
    await page.locator('#show-gates').uncheck();
  });

  it('draws the gradient flowing back, with arrow weight following ||dL/dh_t||', async () => {
    const widths = await explorer.page
      .locator('svg.unfolded line.gradient')
      .evaluateAll((lines) => lines.map((l) => Number(l.getAttribute('stroke-width'))));
    assert.equal(widths.length, 9);
    const norms = dostoevsky.steps.slice(1).map((s) => s.gradNorms[0]!);
    const order = (xs: number[]) => xs.map((_, i) => i).sort((a, b) => xs[a]! - xs[b]!);
    assert.deepEqual(order(widths), order(norms));
  });

  it('draws all 100 steps of a long input, and scrolls to them', async () => {
    // How long that takes is measured by npm run bench:graph, not here.
    const { page } = explorer;
    await explorer.send({ type: 'trace', trace: long });
    assert.equal(await page.locator('svg.unfolded g.step').count(), 100);
    const scrollable = await page
      .locator('.graph-canvas')
      .evaluate((e) => e.scrollWidth > e.clientWidth);
    assert.ok(scrollable);
  });

  it('gradient lab: names the regime, plots three cells and posts control changes', async () => {
    const { page } = explorer;
    await page.locator('#tab-gradients').click();
    const controls: LabControls = {
      activation: 'tanh',
      spectralRadius: 0.5,
      length: 50,
      clipNorm: 5,
    };
    await explorer.send(labMessage(controls));
    assert.match(await page.locator('.regime[data-cell="rnn"]').innerText(), /vanishing/);
    assert.equal(
      (await page.locator('.gradients-view svg[class^="plot"] path[stroke]').count()) >= 3,
      true,
    );
    await page.locator('#lab-radius').fill('3');
    await page.waitForTimeout(100);
    const posted = await explorer.posted();
    const last = posted.filter((m) => m.type === 'lab').pop();
    assert.deepEqual(last, { type: 'lab', controls: { ...controls, spectralRadius: 3 } });
    await explorer.send(labMessage({ ...controls, spectralRadius: 3 }));
    assert.match(await page.locator('.regime[data-cell="rnn"]').innerText(), /exploding/);
    assert.match((await page.locator('.gradients-view table').textContent()) ?? '', /Vanilla RNN/);
  });

  it('training dashboard: three live charts (the constant learning rate as text), an 18x18 confusion matrix, and controls', async () => {
    const { page } = explorer;
    await page.locator('#tab-training').click();
    await explorer.send({ type: 'training', snapshot: recordedTraining() });
    assert.equal(await page.locator('.training-view .grid svg[class^="plot"]').count(), 3);
    assert.match(
      await page.locator('.training-view .figures').innerText(),
      /learning rate: 0\.003 \(constant\)/,
    );
    assert.equal(await page.locator('.confusion g[aria-label="cell"] rect').count(), 18 * 18);
    // After the next frame: style, layout and paint count in the draw time.
    await page.waitForFunction(() =>
      (window as unknown as { __posted: Array<{ type: string }> }).__posted.some(
        (m) => m.type === 'trainingDrawn',
      ),
    );
    const drawn = (await explorer.posted()).filter((m) => m.type === 'trainingDrawn').pop();
    assert.ok(drawn && drawn.ms > 0, 'the page says how long the draw took, so the host can pace');
    const duringTraining = page.locator('.gradients-view .during-training svg[class^="plot"]');
    assert.equal(await duringTraining.count(), 0, 'a hidden view is not drawn live');
    await page.locator('#tab-gradients').click();
    assert.equal(await duringTraining.count(), 2, 'heatmap and parameter norms, drawn when shown');
    await page.locator('#tab-training').click();
    await page.locator('.confusion g[aria-label="cell"] rect').nth(1).click();
    await page.getByRole('button', { name: 'Pause' }).click();
    const posted = await explorer.posted();
    assert.ok(
      posted.some((m) => m.type === 'misclassified' && m.actual === 0 && m.predicted === 1),
    );
    assert.ok(posted.some((m) => m.type === 'trainingControl' && m.action === 'pause'));
    await explorer.send({
      type: 'misclassified',
      actual: 'Arabic',
      predicted: 'Chinese',
      names: ['Haddad'],
    });
    assert.match(
      await page.locator('.misclassified').innerText(),
      /1 Arabic names predicted as Chinese\s+Haddad/,
    );
  });

  it('predictions: a bar per language, with the numbers as text', async () => {
    const { page } = explorer;
    await page.locator('#tab-predictions').click();
    const top = labels.map((label, i) => ({ label, probability: i === 0 ? 0.82 : 0.01 }));
    await explorer.send({ type: 'prediction', input: 'Haddad', top });
    assert.equal(
      await page.locator('.predictions-view svg[class^="plot"] g[aria-label="bar"] rect').count(),
      18,
    );
    assert.match(await page.locator('.predictions-view ol').innerText(), /Arabic: 82\.0%/);
    await page.locator('#name-input').fill('Hadd');
    const posted = await explorer.posted();
    assert.deepEqual(posted[posted.length - 1], { type: 'input', text: 'Hadd' });
  });

  it('redraws its charts in the new colours when the theme changes', async () => {
    const { page } = explorer;
    const barColor = () =>
      page.locator('.predictions-view g[aria-label="bar"]').getAttribute('fill');
    const dark = await barColor();
    await page.evaluate(() => (document.body.className = 'vscode-light'));
    await page.waitForTimeout(50);
    const light = await barColor();
    assert.notEqual(light, dark);
    await page.evaluate(() => (document.body.className = 'vscode-dark'));
  });

  it('keeps its state with setState: view, input and lab controls', async () => {
    const state = await explorer.page.evaluate(
      () =>
        (window as unknown as { __state: { view: string; input: string; lab: LabControls } })
          .__state,
    );
    assert.equal(state.view, 'predictions');
    assert.equal(state.input, 'Hadd');
    assert.equal(state.lab.spectralRadius, 3);
  });
});

describe(
  'Explorer screenshots in light, dark and high-contrast themes',
  { timeout: 120_000 },
  () => {
    for (const theme of ['vscode-light', 'vscode-dark', 'vscode-high-contrast'] as const) {
      it(theme, async () => {
        const explorer = await openExplorerPage(theme);
        try {
          const { page } = explorer;
          await explorer.send({ type: 'trace', trace: dostoevsky });
          await page.locator('#show-gates').check();
          await page.locator('svg.unfolded g.step[data-step="4"]').focus();
          const dir = path.join(ROOT, '.e2e', 'screenshots');
          await page.screenshot({ path: path.join(dir, `theme-${theme}-graph.png`) });
          await page.locator('#tab-gradients').click();
          const controls: LabControls = {
            activation: 'tanh',
            spectralRadius: 3,
            length: 60,
            clipNorm: 5,
          };
          await explorer.send(labMessage(controls));
          await page.screenshot({ path: path.join(dir, `theme-${theme}-gradients.png`) });
          await page.locator('#tab-training').click();
          await explorer.send({ type: 'training', snapshot: recordedTraining() });
          await page.screenshot({
            path: path.join(dir, `theme-${theme}-training.png`),
            fullPage: true,
          });
          const foreground = await page
            .locator('svg.unfolded text.symbol')
            .first()
            .evaluate((e) => getComputedStyle(e).fill);
          assert.ok(foreground.length > 0);
        } finally {
          await explorer.close();
        }
      });
    }
  },
);
