/**
 * npm run screenshots: every view of the extension in a real VS Code (code-server) at 1600 x 1000,
 * in the dark, light and high-contrast themes, into .e2e/screenshots/themes/. The README's
 * pictures are copied from there (`--readme` copies them into media/screenshots/).
 * Needs what the end-to-end tests need: `npm run package` and scripts/e2e/setup-code-server.sh.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import type { Frame } from 'playwright-core';
import { ROOT, SCREENSHOTS, VSCode, waitFor } from '../test/e2e/vscode';

const THEMES = {
  dark: 'Default Dark Modern',
  light: 'Default Light Modern',
  hc: 'Default High Contrast',
} as const;

/** The README's pictures, by the shot they are taken from. */
const README_SHOTS: Record<string, string> = {
  'dark-hover': 'hover.png',
  'dark-graph': 'explorer-graph.png',
  'dark-gradients': 'explorer-gradients.png',
  'dark-training': 'explorer-training.png',
  'dark-gradients-training': 'explorer-gradients-training.png',
  'dark-predictions': 'predict.png',
  'dark-sidebar': 'sidebar.png',
  'dark-runs-compared': 'runs-compared.png',
  'dark-memory-span': 'memory-span.png',
  'dark-cells-compared': 'cells-compared.png',
  'dark-playground': 'playground.png',
  'dark-state-space': 'state-space.png',
  'dark-state-space-fixed-points': 'fixed-points.png',
  'dark-editor-surprise': 'editor-surprise.png',
  'dark-editor-find-units': 'editor-find-units.png',
  'dark-explorer-units': 'explorer-units.png',
  'light-graph': 'theme-light-graph.png',
  'hc-gradients': 'theme-hc-gradients.png',
};

/**
 * Each section starts its own VS Code: `views` is every view but the race's, the editor's and
 * the State space's; `race` the race's; `editor` a text model colouring an open file, and its
 * unit search in the Explorer; `stateSpace` the State space view before and after a run;
 * `status` the status bar's tooltip, naming the backend and the kernel build.
 */
const SECTIONS = ['views', 'race', 'editor', 'stateSpace', 'status'] as const;

const { values } = parseArgs({
  options: {
    themes: { type: 'string', default: Object.keys(THEMES).join(',') },
    sections: { type: 'string', default: SECTIONS.join(',') },
    readme: { type: 'boolean', default: false },
  },
});
const out = path.join(SCREENSHOTS, 'themes');
fs.mkdirSync(out, { recursive: true });

async function shoot(vscode: VSCode, theme: string, view: string): Promise<void> {
  const file = path.join(out, `${theme}-${view}.png`);
  // Let transitions and the last redraw settle, as a person would look.
  await new Promise((resolve) => setTimeout(resolve, 800));
  await vscode.page.screenshot({ path: file });
  console.log(file);
}

async function promptTitled(vscode: VSCode, title: RegExp): Promise<void> {
  await waitFor(
    async () =>
      title.test(
        await vscode.page
          .locator('.quick-input-widget .quick-input-title')
          .innerText()
          .catch(() => ''),
      ),
    15_000,
    `the prompt ${title}`,
  );
}

/** Takes a prompt's default: its title shows, then Enter. */
async function enterOn(vscode: VSCode, title: RegExp): Promise<void> {
  await promptTitled(vscode, title);
  await vscode.page.keyboard.press('Enter');
}

async function tab(frame: Frame, id: string): Promise<void> {
  await frame.click(`#tab-${id}`);
}

function start(
  theme: keyof typeof THEMES,
  workspace = path.join(ROOT, 'media', 'examples'),
): Promise<VSCode> {
  return VSCode.start({
    vsix: path.join(ROOT, 'dist', 'rnn-explorer.vsix'),
    workspace,
    viewport: { width: 1600, height: 1000 },
    settings: {
      'workbench.colorTheme': THEMES[theme],
      'rnnExplorer.training.epochs': 3,
      'rnnExplorer.training.hiddenSize': 64,
    },
  });
}

/** The cells raced at the defaults, the cells compared, and the playground restarting a run. */
async function raceShots(theme: keyof typeof THEMES): Promise<void> {
  const vscode = await start(theme);
  try {
    await vscode.activated();
    await vscode.runCommand('RNN: Memory Span…');
    await enterOn(vscode, /Memory Span/);
    const race = await vscode.webviewFrame('.span-view', 180_000);
    await waitFor(
      async () => (await race.innerText('.span-finding')).trim() || undefined,
      5 * 60_000,
      'the memory-span sweep to finish',
    );
    console.log(/Memory span: finished after .*/.exec(vscode.readLog())?.[0] ?? 'no sweep line');
    await shoot(vscode, theme, 'memory-span');

    await vscode.runCommand('RNN: Compare Cells…');
    // Rows are clicked: the Results panel that had the focus may take keys meant for the pick.
    await promptTitled(vscode, /hidden size/);
    await vscode.quickPickSelect('32');
    await promptTitled(vscode, /epochs/);
    await vscode.quickPickSelect('3');
    const compared = await vscode.webviewFrame('.runs-view', 30_000);
    await waitFor(
      async () => {
        const rows = await compared.locator('table.runs-table tbody tr').allInnerTexts();
        return rows.length === 3 && rows.every((r) => /finished/.test(r)) ? true : undefined;
      },
      5 * 60_000,
      'three cells compared',
    );
    await shoot(vscode, theme, 'cells-compared');

    const frame = await (await vscode.openExplorer()).frame();
    await tab(frame, 'training');
    await frame.click('#playground-train');
    await waitFor(
      async () => /running/.test(await frame.innerText('.training-view .status')) || undefined,
      60_000,
      'the playground run',
    );
    await frame.selectOption('#playground-hiddenSize', '32');
    await waitFor(
      async () => /GRU 32/.test(await frame.innerText('.training-view .status')) || undefined,
      60_000,
      'the restarted run',
    );
    await new Promise((resolve) => setTimeout(resolve, 3000));
    await shoot(vscode, theme, 'playground');
  } finally {
    await vscode.stop();
  }
}

async function themeShots(theme: keyof typeof THEMES): Promise<void> {
  const vscode = await start(theme);
  try {
    await vscode.activated();
    await vscode.openFile('surnames.txt');
    await vscode.hoverWord('Nakamura');
    await shoot(vscode, theme, 'hover');
    await vscode.page.mouse.move(5, 500);

    await vscode.runCommand('RNN: Open Explorer');
    const frame = await vscode.webviewFrame('#name-input');
    await frame.fill('#name-input', 'Papadopoulos');
    await waitFor(
      async () => (await frame.$$('svg.unfolded g.step')).length === 12,
      20_000,
      '12 columns',
    );
    await shoot(vscode, theme, 'graph');
    await tab(frame, 'gradients');
    await shoot(vscode, theme, 'gradients');
    await tab(frame, 'predictions');
    await shoot(vscode, theme, 'predictions');

    await tab(frame, 'training');
    await vscode.runCommand('RNN: Train Name Classifier');
    await vscode.quickPickSelect('Train with defaults');
    await waitFor(
      async () => /finished/.test(await frame.innerText('.training-view .status')),
      5 * 60_000,
      'training to finish',
    );
    await shoot(vscode, theme, 'training');
    await tab(frame, 'gradients');
    await shoot(vscode, theme, 'gradients-training');

    await vscode.page.locator('.activitybar [aria-label^="RNN Explorer"]').first().click();
    await vscode.webviewFrame('body > .chart', 30_000);
    await shoot(vscode, theme, 'sidebar');

    // The lab on the trained model's own weights.
    await tab(frame, 'gradients');
    await frame.selectOption('#lab-weights', 'model');
    await waitFor(
      async () => /spectral radius/.test(await frame.innerText('.lab-trained')),
      20_000,
      "the lab on the model's weights",
    );
    await shoot(vscode, theme, 'gradients-model');
    await frame.selectOption('#lab-weights', '');

    // A second, smaller names run: the Runs view lists both and Compare Runs overlays them.
    await vscode.runCommand('RNN: Train Name Classifier');
    await vscode.quickPickSelect('Choose cell, size');
    // Rows are clicked, not Entered: the Explorer webview had the focus, and the palette hands
    // it back to the webview a moment later, so keys would go there (the picks stay open).
    for (const [title, row] of [
      [/Cell/, 'default'],
      [/Hidden size/, '32'],
      [/Layers/, 'default'],
      [/Epochs/, 'default'],
      [/Learning rate/, 'default'],
    ] as const) {
      await promptTitled(vscode, title);
      await vscode.quickPickSelect(row);
    }
    await waitFor(
      async () => vscode.readLog().match(/Training finished/g)?.length === 2 || undefined,
      5 * 60_000,
      'the second names training to finish',
    );
    await shoot(vscode, theme, 'runs');
    await vscode.runCommand('RNN: Compare Runs');
    await vscode.webviewFrame('.runs-view', 30_000);
    await shoot(vscode, theme, 'runs-compared');

    await vscode.runCommand('RNN: Compare Input Orders…');
    await vscode.quickInputType('Dostoevsky');
    await vscode.webviewFrame('.distance', 30_000);
    await shoot(vscode, theme, 'order');

    // The other tasks' dashboards: each shows its own measures.
    await vscode.runCommand('RNN: Forecast Time Series…');
    await vscode.quickPickSelect('airline-passengers.csv');
    await vscode.quickInputType('24');
    await vscode.quickInputType('12');
    await vscode.webviewFrame('.verdict', 5 * 60_000);
    await shoot(vscode, theme, 'forecast');
    const explorer = await (await vscode.openExplorer()).frame();
    await tab(explorer, 'training');
    await waitFor(
      async () => /finished/.test(await explorer.innerText('.training-view .status')),
      60_000,
      'the forecaster dashboard',
    );
    await shoot(vscode, theme, 'training-forecast');

    await vscode.runCommand('RNN: Train Text Model…');
    await vscode.quickPickSelect('The three sentences');
    for (const title of [/Cell/, /Inputs during training/]) await enterOn(vscode, title);
    await textModelTrained(vscode, 5 * 60_000);
    await vscode.closeQuickInput();
    const text = await (await vscode.openExplorer()).frame();
    await tab(text, 'training');
    await shoot(vscode, theme, 'training-text');
  } finally {
    await vscode.stop();
  }
}

/** A text model's training ends in the prompt for a priming string to generate from. */
async function textModelTrained(vscode: VSCode, timeoutMs: number): Promise<void> {
  await waitFor(
    async () =>
      /priming string/i.test(
        await vscode.page
          .locator('.quick-input-widget .quick-input-title')
          .innerText()
          .catch(() => ''),
      ),
    timeoutMs,
    'the text model to finish',
  );
}

/**
 * A GRU trained on 4,000 characters of Tiny Shakespeare (the active editor's text, the commands'
 * defaults) colours the next 1,500, which it has not seen: by surprise with the hover, then by
 * the unit Find Units ranks first for a selected word.
 */
async function editorShots(theme: keyof typeof THEMES): Promise<void> {
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'rnn-screenshots-editor-'));
  const shakespeare = fs.readFileSync(
    path.join(ROOT, 'media', 'data', 'text', 'tinyshakespeare.txt'),
    'utf8',
  );
  fs.writeFileSync(path.join(workspace, 'training.txt'), shakespeare.slice(0, 4000));
  const verse = shakespeare.slice(4000, 5500);
  fs.writeFileSync(path.join(workspace, 'verse.txt'), verse);
  const vscode = await start(theme, workspace);
  try {
    await vscode.activated();
    await vscode.openFile('training.txt');
    await vscode.runCommand('RNN: Train Text Model…');
    await vscode.quickPickSelect('The active editor');
    for (const title of [/Cell/, /Characters per chunk/, /How chunks connect/, /Inputs/])
      await enterOn(vscode, title);
    await textModelTrained(vscode, 10 * 60_000);
    await vscode.closeQuickInput();
    await vscode.openFile('verse.txt');
    await vscode.runCommand('RNN: Show Model Surprise');
    // A line of verse well down the file, with text to hover (blank lines part the speeches).
    const line = verse.split('\n').find((text, i) => i >= 2 && text.length >= 20) as string;
    const row = vscode.page
      .locator('.editor-instance .monaco-editor .view-line')
      .filter({ hasText: line.trim().slice(0, 12) })
      .first();
    const box = await row.locator('span').first().boundingBox();
    if (!box) throw new Error(`The line "${line}" is not on screen`);
    // The editor's font is monospace: the 8th character is 7.5 widths in.
    await vscode.page.mouse.move(box.x + (7.5 * box.width) / line.length, box.y + box.height / 2);
    await vscode.page
      .locator('.monaco-hover:not(.hidden)', { hasText: 'Model surprise' })
      .first()
      .waitFor({ timeout: 20_000 });
    await shoot(vscode, theme, 'editor-surprise');

    await vscode.page.mouse.move(5, 500);
    await row.dblclick();
    await vscode.runCommand('RNN: Find Units for Selection');
    await promptTitled(vscode, /Find Units for Selection/);
    await shoot(vscode, theme, 'editor-find-units');
    await vscode.page.keyboard.press('Enter');
    await vscode.page
      .locator('.statusbar-item', { hasText: /Unit \d+: / })
      .first()
      .waitFor({ timeout: 20_000 });
    await shoot(vscode, theme, 'editor-unit');
    // The editor's unit (its status bar legend clears it) and its message are not the Explorer's.
    await vscode.page
      .locator('.statusbar-item', { hasText: /Unit \d+: / })
      .first()
      .click();
    await waitFor(
      async () =>
        (await vscode.page.locator('.statusbar-item', { hasText: /Unit \d+: / }).count()) === 0,
      20_000,
      'the editor colouring cleared',
    );
    await vscode.runCommand('Notifications: Clear All Notifications');

    // The same search in the Explorer, on a speech's opening as its text: a drag over a word
    // ranks the units that fire on it more than on the rest ("belly," has one here that ends
    // words; the speaker's name has none at this little training, every score near 0).
    await vscode.runCommand('RNN: Open Explorer');
    const explorer = await vscode.webviewFrame('#subject');
    await explorer.selectOption('#subject', 'text');
    // The model chosen comes with its own default input, which would replace one typed before.
    await waitFor(
      async () => (await explorer.inputValue('#name-input')) === 'ROMEO:',
      20_000,
      "the text model's default input",
    );
    const speech = verse.slice(verse.indexOf('MENENIUS:'));
    const lines = speech.split('\n').slice(0, 3).join(' ');
    await explorer.fill('#name-input', lines);
    await tab(explorer, 'units');
    await waitFor(
      async () => (await explorer.innerText('#units-text')) === lines,
      20_000,
      'the speech as the unit search’s text',
    );
    const word = 'belly,';
    const at = lines.indexOf(word);
    const centre = async (i: number) => {
      const box = await explorer.locator(`#units-text .ch[data-index="${i}"]`).boundingBox();
      if (!box) throw new Error(`character ${i} is not on screen`);
      return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
    };
    const [first, last] = [await centre(at), await centre(at + word.length - 1)];
    await vscode.page.mouse.move(first.x, first.y);
    await vscode.page.mouse.down();
    await vscode.page.mouse.move(last.x, last.y, { steps: 8 });
    await vscode.page.mouse.up();
    await explorer.locator('.units-chart svg').waitFor({ timeout: 30_000 });
    await shoot(vscode, theme, 'explorer-units');
  } finally {
    await vscode.stop();
  }
}

/**
 * The State space view: the bundled model's held-out names (no kept epochs, so no slider), then
 * a run's model with its slider at the first epoch, on the basis of the run's last.
 */
async function stateSpaceShots(theme: keyof typeof THEMES): Promise<void> {
  const vscode = await start(theme);
  const dots = '.states-view g[aria-label="dot"] circle';
  try {
    await vscode.activated();
    const explorer = await (await vscode.openExplorer()).frame();
    await tab(explorer, 'states');
    await waitFor(
      async () => (await explorer.locator(dots).count()) > 0,
      60_000,
      'the held-out names',
    );
    await shoot(vscode, theme, 'state-space');
    // The fixed points of the bundled GRU under zero input, on the projection and their planes.
    await explorer.locator('#fp-find').click();
    await waitFor(
      async () => (await explorer.locator('.fp-point-plane svg').count()) > 0,
      3 * 60_000,
      'the fixed points',
    );
    await explorer.locator('.fixed-points').scrollIntoViewIfNeeded();
    await shoot(vscode, theme, 'state-space-fixed-points');

    await vscode.runCommand('RNN: Train Name Classifier');
    await vscode.quickPickSelect('Train with defaults');
    await vscode.useTrainedModelForHover(5 * 60_000);
    await waitFor(
      async () => /model in use/.test(await explorer.innerText('#states-epoch-label')),
      60_000,
      'the trained run’s slider',
    );
    await explorer.$eval('#states-epoch', (input: HTMLInputElement) => {
      input.value = '0';
      input.dispatchEvent(new Event('input'));
    });
    await waitFor(
      async () => /^Epoch 1 of/.test(await explorer.innerText('#states-epoch-label')),
      60_000,
      'epoch 1',
    );
    await shoot(vscode, theme, 'state-space-epoch-1');
  } finally {
    await vscode.stop();
  }
}

/** The status bar item's tooltip: the tfjs backend and the build of the recurrence kernel. */
async function statusShots(theme: keyof typeof THEMES): Promise<void> {
  const vscode = await start(theme);
  try {
    await vscode.activated();
    await vscode.statusTooltip();
    await shoot(vscode, theme, 'status-backend');
  } finally {
    await vscode.stop();
  }
}

async function main(): Promise<void> {
  for (const theme of values.themes.split(',') as Array<keyof typeof THEMES>) {
    if (!(theme in THEMES))
      throw new Error(`Unknown theme ${theme}: one of ${Object.keys(THEMES)}`);
    const sections = values.sections.split(',');
    if (sections.includes('views')) await themeShots(theme);
    if (sections.includes('race')) await raceShots(theme);
    if (sections.includes('editor')) await editorShots(theme);
    if (sections.includes('stateSpace')) await stateSpaceShots(theme);
    if (sections.includes('status')) await statusShots(theme);
  }
  if (values.readme) {
    for (const [shot, name] of Object.entries(README_SHOTS)) {
      const from = path.join(out, `${shot}.png`);
      if (fs.existsSync(from)) fs.copyFileSync(from, path.join(ROOT, 'media', 'screenshots', name));
    }
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
