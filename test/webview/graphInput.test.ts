import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { initBackend } from '../../src/core/backend';
import { traceSequence, type SequenceTrace } from '../../src/core/explore/trace';
import { loadModel } from '../../src/core/io/modelFile';
import { openExplorerPage, ROOT, type ExplorerPage } from './page';

describe('the unfolded graph always shows the whole current input', { timeout: 60_000 }, () => {
  let explorer: ExplorerPage;
  const traces: Record<string, SequenceTrace> = {};

  before(async () => {
    await initBackend('wasm');
    const { manifest, model } = loadModel(path.join(ROOT, 'media', 'models', 'names-gru.json'));
    for (const name of ['Nakamura', 'Pap', 'Papadopoulos'])
      traces[name] = traceSequence(model, manifest.vocabulary, manifest.labels, name)!;
    model.dispose();
    explorer = await openExplorerPage();
  });
  after(async () => explorer?.close());

  async function columnsShown(): Promise<string> {
    return (
      await explorer.page
        .locator('svg.unfolded g.step:not(.future)')
        .evaluateAll((steps) => steps.map((step) => step.getAttribute('aria-label') ?? ''))
    )
      .map((label) => /symbol (.)/.exec(label)?.[1] ?? '?')
      .join('');
  }

  it('after Play, a name typed letter by letter is shown whole, with its own answer', async () => {
    const { page } = explorer;
    await explorer.send({ type: 'trace', trace: traces.Nakamura! });
    await page.getByRole('button', { name: 'Play the forward pass' }).click();
    // Typed while the animation runs: the first letters arrive, then the whole name.
    await explorer.send({ type: 'trace', trace: traces.Pap! });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await explorer.send({ type: 'trace', trace: traces.Papadopoulos! });
    assert.equal(await columnsShown(), 'Papadopoulos');
    const answer = traces.Papadopoulos!.prediction[0]!.label;
    assert.match(
      await page.locator('.graph-view .status').innerText(),
      new RegExp(`^After "Papadopoulos": ${answer}`),
    );
  });

  it('after Play has ended on one name, the next name is shown whole', async () => {
    const { page } = explorer;
    await explorer.send({ type: 'trace', trace: traces.Pap! });
    await page.getByRole('button', { name: 'Play the forward pass' }).click();
    await page.getByRole('button', { name: 'Play the forward pass' }).waitFor();
    await page.waitForFunction(
      () =>
        document.querySelector('button[aria-label="Play the forward pass"]')?.textContent ===
        'Play',
      undefined,
      { timeout: 10_000 },
    );
    await explorer.send({ type: 'trace', trace: traces.Papadopoulos! });
    assert.equal(await columnsShown(), 'Papadopoulos');
  });

  it('keeps the step position while the same input is traced again', async () => {
    const { page } = explorer;
    await page.getByRole('button', { name: 'Step back one time step' }).click();
    await explorer.send({ type: 'trace', trace: traces.Papadopoulos! });
    assert.equal(await columnsShown(), 'Papadopoulo');
  });
});
