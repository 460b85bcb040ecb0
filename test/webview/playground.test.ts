/**
 * The playground in the Training view, read and used as a learner would: its menus show the
 * settings of the run on screen, a change posts exactly the new settings (which the host's
 * parser accepts), and the labels name the run shown, never the one it replaced.
 */
import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { PlaygroundSettings } from '../../src/core/tasks/playground';
import { parseWebviewMessage, type TrainingSnapshot } from '../../src/shared/explorerProtocol';
import { openExplorerPage, type ExplorerPage } from './page';

const RUN: PlaygroundSettings = {
  task: 'names',
  cell: 'lstm',
  hiddenSize: 32,
  numLayers: 2,
  learningRate: 0.01,
  clipNorm: 1,
  batchSize: 16,
};

function snapshot(
  settings: PlaygroundSettings,
  title: string,
  state: TrainingSnapshot['state'] = 'running',
): TrainingSnapshot {
  return {
    state,
    title: state === 'idle' ? undefined : title,
    task: state === 'idle' ? undefined : settings.task,
    epoch: 1,
    epochs: 10,
    batches:
      state === 'idle'
        ? []
        : [
            {
              progress: 0.1,
              loss: 2.5,
              learningRate: settings.learningRate,
              sequencesPerSecond: 900,
            },
          ],
    history: [],
    labels: [],
    gradients: [],
    clipNorm: settings.clipNorm,
    settings,
  };
}

/** What each menu shows, as the settings it stands for. */
async function shown(explorer: ExplorerPage): Promise<PlaygroundSettings> {
  const value = (id: string) => explorer.page.locator(`#playground-${id}`).inputValue();
  return {
    task: (await value('task')) as PlaygroundSettings['task'],
    cell: (await value('cell')) as PlaygroundSettings['cell'],
    hiddenSize: Number(await value('hiddenSize')),
    numLayers: Number(await value('numLayers')),
    learningRate: Number(await value('learningRate')),
    clipNorm: Number(await value('clipNorm')),
    batchSize: Number(await value('batchSize')),
  };
}

async function lastPlayground(explorer: ExplorerPage): Promise<unknown> {
  const posted = (await explorer.posted()).filter((m) => m.type === 'playground');
  return posted[posted.length - 1];
}

const caption = (explorer: ExplorerPage): Promise<string> =>
  explorer.page.locator('.playground-caption').innerText();

describe('the playground', { timeout: 60_000 }, () => {
  let explorer: ExplorerPage;
  before(async () => {
    explorer = await openExplorerPage('vscode-dark', { viewport: { width: 1600, height: 1000 } });
    await explorer.page.locator('#tab-training').click();
  });
  after(async () => explorer?.close());

  it('presets every menu to the settings of the run shown, and names it', async () => {
    await explorer.send({ type: 'training', snapshot: snapshot(RUN, 'LSTM 32 x2') });
    assert.deepEqual(await shown(explorer), RUN);
    assert.equal(
      await caption(explorer),
      'Run shown: LSTM 32 x2 (LSTM, hidden 32, 2 layers), running',
    );
    assert.equal(await explorer.page.locator('#playground-train').innerText(), 'Restart');
  });

  it('posts exactly the new settings when one menu changes, and the host accepts them', async () => {
    await explorer.page.locator('#playground-hiddenSize').selectOption('16');
    const message = await lastPlayground(explorer);
    assert.deepEqual(message, { type: 'playground', settings: { ...RUN, hiddenSize: 16 } });
    assert.deepEqual(parseWebviewMessage(message), { message });
    await explorer.page.locator('#playground-cell').selectOption('gru');
    assert.deepEqual(await lastPlayground(explorer), {
      type: 'playground',
      settings: { ...RUN, hiddenSize: 16, cell: 'gru' },
    });
  });

  it("keeps the user's change while the old run's last snapshots arrive", async () => {
    await explorer.send({ type: 'training', snapshot: snapshot(RUN, 'LSTM 32 x2') });
    assert.deepEqual(await shown(explorer), { ...RUN, hiddenSize: 16, cell: 'gru' });
  });

  it('names the new run once it is shown, never the stopped one', async () => {
    const next = { ...RUN, hiddenSize: 16, cell: 'gru' as const };
    await explorer.send({ type: 'training', snapshot: snapshot(next, 'GRU 16 x2') });
    assert.deepEqual(await shown(explorer), next);
    const text = await caption(explorer);
    assert.equal(text, 'Run shown: GRU 16 x2 (GRU, hidden 16, 2 layers), running');
    assert.doesNotMatch(text, /LSTM|32/);
    assert.match(
      await explorer.page.locator('.training-view > .toolbar > .status').innerText(),
      /GRU 16 x2/,
    );
  });

  it("selects a run's own value that the menu does not list", async () => {
    const odd = { ...RUN, hiddenSize: 100, batchSize: 50 };
    await explorer.send({ type: 'training', snapshot: snapshot(odd, 'LSTM 100 x2', 'finished') });
    assert.deepEqual(await shown(explorer), odd);
  });

  it("before any run, shows the extension's defaults and Train starts exactly them", async () => {
    const defaults: PlaygroundSettings = {
      task: 'names',
      cell: 'gru',
      hiddenSize: 128,
      numLayers: 1,
      learningRate: 0.003,
      clipNorm: 5,
      batchSize: 64,
    };
    await explorer.send({ type: 'training', snapshot: snapshot(defaults, '', 'idle') });
    assert.deepEqual(await shown(explorer), defaults);
    assert.match(await caption(explorer), /^The extension's defaults: GRU, hidden 128, 1 layer$/);
    await explorer.page.locator('#playground-train').click();
    assert.deepEqual(await lastPlayground(explorer), { type: 'playground', settings: defaults });
  });
});
