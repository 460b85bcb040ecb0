/**
 * Drives a real VS Code (code-server, installed by scripts/e2e/setup-code-server.sh) in Debian's
 * Chromium through playwright-core, following ../shared/docs/real-vscode.md.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type Browser, type Frame, type Locator, type Page } from 'playwright-core';
import { CODE_SERVER_ENTRY, NODE24, ROOT, serveArgs } from '../../scripts/e2e/paths.mjs';

export { ROOT };
export const SCREENSHOTS = path.join(ROOT, '.e2e', 'screenshots');

export interface StartOptions {
  vsix: string;
  /** Copied into a fresh folder that VS Code opens. */
  workspace: string;
  settings?: Record<string, unknown>;
  trusted?: boolean;
  /** The browser window's size; the README's screenshots use 1600 x 1000. */
  viewport?: { width: number; height: number };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** The errors of a call on a frame whose page went away (was loaded again) meanwhile. */
const PAGE_GONE = /frame (was|has been|got) detached|execution context was destroyed/i;

/**
 * A webview's page went away during a call on it: VS Code loaded it again while nothing the test
 * did asked for that, which a person would see as the view resetting under their hands. It is
 * not retried, and waitFor does not wait it out: a reload the test causes is waited for with
 * webview(selector, { loadedAfter }) (Reload Webviews) or by looking the page up after the action
 * that replaces it (a hidden panel shown again).
 */
export class WebviewReloaded extends Error {
  override name = 'WebviewReloaded';
}

export async function waitFor<T>(
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  ms: number,
  what: string,
): Promise<T> {
  const deadline = Date.now() + ms;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      if (error instanceof WebviewReloaded) throw error;
      lastError = error;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(
    `Timed out after ${ms} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`,
  );
}

function findFiles(dir: string, name: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return findFiles(full, name);
    return entry.name === name ? [full] : [];
  });
}

/** What keeps the keyboard from the workbench while it is open: a modal editor, a dialog. */
const MODALS = '.monaco-modal-editor-block, .monaco-dialog-modal-block';

/**
 * A webview, found by what its page contains. VS Code shows a webview's page in an iframe two
 * deep and replaces that iframe whenever the page loads again ("Reload Webviews", a window
 * reload, the panel shown again after being hidden), so no Frame is kept here: each call looks
 * up the frame that has the selector now, and runs once on it. A page that goes away during the
 * call fails it with WebviewReloaded (see there): the test knows when it reloads a webview.
 */
export class Webview {
  constructor(
    private readonly page: Page,
    readonly selector: string,
    private readonly loadedAfter?: number,
  ) {}

  /** The frame that shows the webview now. */
  async frame(ms = 30_000): Promise<Frame> {
    const after = this.loadedAfter;
    return waitFor(
      async () => {
        for (const frame of this.page.frames()) {
          if (frame.isDetached() || !(await frame.$(this.selector).catch(() => null))) continue;
          if (after !== undefined && (await loadedAt(frame).catch(() => 0)) <= after) continue;
          return frame;
        }
        return undefined;
      },
      ms,
      `a webview with ${this.selector}${after === undefined ? '' : ' loaded after the reload'}`,
    );
  }

  /** Runs `use` once on the frame that shows the webview now (waiting up to `ms` for one). */
  async on<T>(use: (frame: Frame) => Promise<T>, ms = 30_000): Promise<T> {
    const frame = await this.frame(ms);
    try {
      return await use(frame);
    } catch (error) {
      if (frame.isDetached() || PAGE_GONE.test(String(error))) {
        throw new WebviewReloaded(
          `The webview with ${this.selector} was loaded again during a call on it, and the test ` +
            `did not ask for that (${String(error).split('\n')[0]})`,
        );
      }
      throw error;
    }
  }

  /** When the page shown now was loaded (its performance.timeOrigin); a later load is larger. */
  loadedAt(): Promise<number> {
    return this.on(loadedAt);
  }

  click(selector: string): Promise<void> {
    return this.on((frame) => frame.click(selector));
  }

  fill(selector: string, value: string): Promise<void> {
    return this.on((frame) => frame.fill(selector, value));
  }

  focus(selector: string): Promise<void> {
    return this.on((frame) => frame.focus(selector));
  }

  async selectOption(selector: string, value: string): Promise<void> {
    await this.on((frame) => frame.selectOption(selector, value));
  }

  innerText(selector: string): Promise<string> {
    return this.on((frame) => frame.innerText(selector));
  }

  inputValue(selector: string): Promise<string> {
    return this.on((frame) => frame.inputValue(selector));
  }

  /** How many elements match `selector` now. */
  count(selector: string): Promise<number> {
    return this.on((frame) => frame.locator(selector).count());
  }
}

function loadedAt(frame: Frame): Promise<number> {
  return frame.evaluate(() => performance.timeOrigin);
}

let staleChecked = false;

/**
 * Says so (once) when a source file is newer than the vsix: the tests then run an older build
 * than the code they are read against (a prompt test once failed that way).
 */
function warnIfStale(vsix: string): void {
  if (staleChecked) return;
  staleChecked = true;
  const built = fs.statSync(vsix).mtimeMs;
  const newest = (dir: string): { file: string; mtime: number } =>
    fs
      .readdirSync(dir, { withFileTypes: true })
      .map((entry) => {
        const full = path.join(dir, entry.name);
        return entry.isDirectory()
          ? newest(full)
          : { file: full, mtime: fs.statSync(full).mtimeMs };
      })
      .reduce((a, b) => (b.mtime > a.mtime ? b : a), { file: '', mtime: 0 });
  const latest = newest(path.join(ROOT, 'src'));
  if (latest.mtime > built) {
    console.warn(
      `warning: ${path.relative(ROOT, vsix)} is older than ${path.relative(ROOT, latest.file)}: ` +
        'these tests run the build from before that change (npm run package rebuilds it)',
    );
  }
}

export class VSCode {
  private constructor(
    readonly page: Page,
    private readonly browser: Browser,
    private readonly server: ChildProcess,
    readonly dataDir: string,
    readonly workspace: string,
  ) {}

  static async start(options: StartOptions): Promise<VSCode> {
    if (!fs.existsSync(CODE_SERVER_ENTRY) || !fs.existsSync(NODE24)) {
      throw new Error(
        'code-server is not installed: run scripts/e2e/setup-code-server.sh (.ci/run does)',
      );
    }
    if (!fs.existsSync(options.vsix))
      throw new Error(`No packaged extension at ${options.vsix}: run npm run package`);
    warnIfStale(options.vsix);
    // Outside the repository, so VS Code's git support has nothing to offer.
    const run = fs.mkdtempSync(path.join(os.tmpdir(), 'rnn-e2e-'));
    const dataDir = path.join(run, 'data');
    const extensionsDir = path.join(run, 'extensions');
    const workspace = path.join(run, 'workspace');
    fs.mkdirSync(path.join(dataDir, 'User'), { recursive: true });
    fs.cpSync(options.workspace, workspace, { recursive: true });
    const settings = {
      'workbench.startupEditor': 'none',
      'workbench.tips.enabled': false,
      'workbench.enableExperiments': false,
      'telemetry.telemetryLevel': 'off',
      'update.mode': 'none',
      'extensions.autoUpdate': false,
      'editor.hover.delay': 150,
      'workbench.colorTheme': 'Default Dark Modern',
      'workbench.secondarySideBar.defaultVisibility': 'hidden',
      'chat.disableAIFeatures': true,
      'git.enabled': false,
      'security.workspace.trust.enabled': !(options.trusted ?? true),
      ...options.settings,
    };
    fs.writeFileSync(
      path.join(dataDir, 'User', 'settings.json'),
      JSON.stringify(settings, null, 2),
    );
    const common = ['--user-data-dir', dataDir, '--extensions-dir', extensionsDir];
    const install = spawnSync(
      NODE24,
      [CODE_SERVER_ENTRY, ...common, '--install-extension', options.vsix],
      {
        encoding: 'utf8',
      },
    );
    if (install.status !== 0)
      throw new Error(`Installing the vsix failed: ${install.stderr || install.stdout}`);

    const port = await freePort();
    const log = fs.openSync(path.join(run, 'code-server.log'), 'a');
    const server = spawn(
      NODE24,
      serveArgs(port, common, workspace),
      // Its own process group, so stop() ends code-server and every child it started.
      { detached: true, stdio: ['ignore', log, log] },
    );
    let browser: Browser | undefined;
    try {
      await waitFor(
        async () => (await fetch(`http://127.0.0.1:${port}/healthz`)).ok,
        60_000,
        'code-server to listen',
      );
      browser = await chromium.launch({
        executablePath: '/usr/bin/chromium',
        args: [
          '--no-sandbox',
          '--disable-gpu',
          '--disable-quic',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
        ],
      });
      const page = await browser.newPage({
        viewport: options.viewport ?? { width: 1400, height: 900 },
      });
      await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`);
      await page.waitForSelector('.monaco-workbench', { timeout: 90_000 });
      fs.mkdirSync(SCREENSHOTS, { recursive: true });
      return new VSCode(page, browser, server, dataDir, workspace);
    } catch (error) {
      await browser?.close();
      if (server.pid) process.kill(-server.pid, 'SIGKILL');
      throw error;
    }
  }

  /** Hovers the RNN status bar item: the text of its tooltip. */
  async statusTooltip(): Promise<string> {
    await this.page.locator('.statusbar-item', { hasText: 'RNN' }).first().hover();
    return waitFor(
      async () => {
        const text = await this.page
          .locator('.workbench-hover, .monaco-hover')
          .first()
          .innerText()
          .catch(() => '');
        return /tfjs backend/.test(text) ? text : undefined;
      },
      15_000,
      'the status bar tooltip',
    );
  }

  /** Resolves once the extension has activated and shows its backend in the status bar. */
  async activated(): Promise<string> {
    return waitFor(
      async () => {
        const text = await this.page
          .locator('.statusbar-item', { hasText: 'RNN' })
          .first()
          .innerText();
        return /wasm|cpu|tensorflow/.test(text) ? text : undefined;
      },
      90_000,
      'the RNN status bar item with a backend',
    );
  }

  /**
   * F1, once the workbench takes the keyboard, and the palette's input. A modal (the Workspace
   * Trust editor opens as one; so do dialogs) keeps the keyboard to itself: F1 pressed while it
   * has focus opens nothing. And F1 pressed while a quick input is still closing lands in that
   * one. So both must be gone first; a modal that stays is the test's to close, and fails here.
   */
  async openPalette(): Promise<Locator> {
    await waitFor(
      async () => (await this.page.locator(MODALS).filter({ visible: true }).count()) === 0,
      15_000,
      'no modal on screen (the test must close it before using the palette)',
    ).catch(async (error: Error) => {
      throw new Error(`${error.message}; focus: ${await this.focused()}`);
    });
    await this.page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 15_000 });
    await this.page.keyboard.press('F1');
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: 15_000 }).catch(async (error: Error) => {
      throw new Error(`F1 opened no palette (focus: ${await this.focused()}): ${error.message}`);
    });
    return input;
  }

  /** Where the keyboard focus is, for error messages. */
  async focused(): Promise<string> {
    return this.page
      .evaluate(() => {
        const active = document.activeElement;
        if (!active) return 'nothing';
        const modal = active.closest('[aria-modal="true"]') ? ' inside a modal' : '';
        return `${active.tagName.toLowerCase()}.${String(active.className).trim().replace(/\s+/g, '.')}${modal}`;
      })
      .catch((error: unknown) => `unknown (${String(error)})`);
  }

  /** F1, the command's title, Enter. */
  async runCommand(title: string): Promise<void> {
    const input = await this.openPalette();
    await input.fill(`>${title}`);
    // Click the row whose label is exactly the title: Enter would run the top row, and fuzzy
    // matching can rank another command first ("Open Example Names" for "Open Explorer").
    const exact = new RegExp(`^${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
    const row = this.page
      .locator('.quick-input-list .monaco-list-row')
      .filter({ has: this.page.locator('.label-name', { hasText: exact }) })
      .first();
    await row.waitFor({ timeout: 15_000 });
    await this.clickRow(row, `the palette row "${title}"`);
  }

  /** Labels of the rows in the open quick pick. */
  async quickPickRows(): Promise<string[]> {
    await this.page
      .locator('.quick-input-list .monaco-list-row')
      .first()
      .waitFor({ timeout: 15_000 });
    return this.page.locator('.quick-input-list .monaco-list-row').allInnerTexts();
  }

  async quickPickSelect(text: string): Promise<void> {
    const row = this.page.locator('.quick-input-list .monaco-list-row', { hasText: text }).first();
    await row.waitFor({ timeout: 15_000 });
    await this.clickRow(row, `the quick pick row "${text}"`);
  }

  /**
   * Clicks a row of the open quick input. If that fails, says whether the quick input closed
   * meanwhile and where the focus went: a quick input without ignoreFocusOut closes when
   * something takes the focus (a webview completing a focus it was handed, for one).
   */
  private async clickRow(row: Locator, what: string): Promise<void> {
    try {
      await row.click();
    } catch (error) {
      const open = await this.page
        .locator('.quick-input-widget')
        .isVisible()
        .catch(() => false);
      throw new Error(
        `Clicking ${what} failed; the quick input is ${open ? 'still open' : 'closed'}, focus: ` +
          `${await this.focused()}: ${String(error)}`,
      );
    }
  }

  async quickInputType(text: string): Promise<void> {
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: 15_000 });
    await input.fill(text);
    await this.page.keyboard.press('Enter');
  }

  /** Waits until the open quick input is the one whose title contains `text`. */
  async quickInputTitled(text: string): Promise<void> {
    await waitFor(
      async () =>
        (await this.page
          .locator('.quick-input-widget .quick-input-title')
          .innerText({ timeout: 1000 })
          .catch(() => '')
          .then((title) => title.includes(text))) || undefined,
      60_000,
      `the quick input "${text}"`,
    );
  }

  /**
   * Runs `item` from `target`'s context menu by the keyboard: the entry is hovered until the menu
   * marks it focused, then Enter. A click on an entry of a menu still settling was once taken by
   * the menu and ran nothing, leaving the menu open.
   */
  async contextMenu(target: Locator, item: string): Promise<void> {
    await target.click({ button: 'right' });
    const entry = this.page.locator('.context-view .action-item', { hasText: item }).first();
    await waitFor(
      async () => {
        await entry.hover({ timeout: 1000 }).catch(() => undefined);
        return (
          (await entry.getAttribute('class').catch(() => ''))?.includes('focused') || undefined
        );
      },
      15_000,
      `the context menu's "${item}" focused`,
    );
    await this.page.keyboard.press('Enter');
    await this.page
      .locator('.context-view .monaco-menu')
      .waitFor({ state: 'detached', timeout: 15_000 });
  }

  async closeQuickInput(): Promise<void> {
    await this.page.keyboard.press('Escape');
  }

  /** Quick Open (the palette without its ">"). */
  async openFile(relativePath: string): Promise<void> {
    const input = await this.openPalette();
    await input.fill(relativePath);
    await this.page
      .locator('.quick-input-list .monaco-list-row', { hasText: relativePath })
      .first()
      .waitFor({ timeout: 15_000 });
    await this.page.keyboard.press('Enter');
    await this.page.locator('.monaco-editor .view-lines').first().waitFor({ timeout: 15_000 });
  }

  /** Moves the mouse over the word in the visible editor and returns the hover's text. */
  async hoverWord(word: string): Promise<string> {
    const span = this.page
      .locator('.monaco-editor .view-lines span span', { hasText: new RegExp(`^${word}$`) })
      .first();
    await span.waitFor({ timeout: 15_000 });
    const box = await span.boundingBox();
    if (!box) throw new Error(`"${word}" is not visible`);
    await this.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    const hover = this.page.locator('.monaco-hover:not(.hidden)').first();
    await hover.waitFor({ state: 'visible', timeout: 15_000 });
    return waitFor(
      async () => {
        const text = await hover.innerText();
        return text.includes('%') ? text : undefined;
      },
      20_000,
      `a hover with a probability for ${word}`,
    );
  }

  /**
   * The webview whose page contains `selector`, looked up afresh by every call on it (see
   * Webview). With `loadedAfter`, only a page loaded after that time (Webview.loadedAt) counts:
   * right after "Reload Webviews" the old page is still there for a moment.
   */
  webview(selector: string, options: { loadedAfter?: number } = {}): Webview {
    return new Webview(this.page, selector, options.loadedAfter);
  }

  /**
   * The frame (two iframes deep) of the webview that contains `selector`, as it is now. Do not
   * keep it across anything that may load the page again; use webview() for that.
   */
  async webviewFrame(selector: string, ms = 30_000): Promise<Frame> {
    return this.webview(selector).frame(ms);
  }

  /**
   * RNN: Open Explorer, once its page has started. The host answers the page's `ready` with init
   * and then the command's view (the graph); a tab clicked before that arrives is switched back
   * (seen in CI). The graph's first reading is answered after both, so a tab clicked now stays.
   */
  async openExplorer(): Promise<Webview> {
    await this.runCommand('RNN: Open Explorer');
    const explorer = this.webview('#name-input');
    await waitFor(
      async () => (await explorer.innerText('.graph-view .status')).startsWith('After "'),
      60_000,
      'the Explorer started',
    );
    return explorer;
  }

  /**
   * A finished names training offers its model in a notification ("… held-out …"); this waits
   * for it, with `mentions` in its text when given, and presses its Use for Hover.
   */
  async useTrainedModelForHover(timeoutMs: number, mentions?: string): Promise<void> {
    const toasts = this.page.locator('.notifications-toasts .notification-toast', {
      hasText: 'held-out',
    });
    const offer = (mentions ? toasts.filter({ hasText: mentions }) : toasts).first();
    await offer.waitFor({ state: 'visible', timeout: timeoutMs });
    await offer.getByRole('button', { name: 'Use for Hover' }).click();
  }

  /** The extension's global storage, or a path inside it. */
  storagePath(...parts: string[]): string {
    return path.join(this.dataDir, 'User', 'globalStorage', 'rnn-explorer.rnn-explorer', ...parts);
  }

  /** The one model file of `task` the extension has trained, from its global storage. */
  onlyTrainedModel(task: string): string {
    const directory = this.storagePath('models');
    const files = fs
      .readdirSync(directory)
      .filter((f) => f.endsWith('.json'))
      .map((f) => path.join(directory, f))
      .filter((f) => JSON.parse(fs.readFileSync(f, 'utf8')).task === task);
    if (files.length !== 1) throw new Error(`${files.length} models of ${task} trained, not one`);
    return files[0] as string;
  }

  /**
   * RNN: Train Text Model… on the lessons' three sentences, a vanilla RNN with teacher forcing.
   * The end of a text model's training goes on to Generate Text's prompt; this closes it.
   */
  async trainSentencesTextModel(): Promise<void> {
    await this.runCommand('RNN: Train Text Model…');
    await this.quickPickSelect('The three sentences');
    await this.quickPickSelect('RNN');
    await this.quickPickSelect('Teacher forcing');
    await this.quickInputTitled('priming string');
    await this.closeQuickInput();
  }

  async notifications(): Promise<string[]> {
    return this.page.locator('.notifications-toasts .notification-toast').allInnerTexts();
  }

  async screenshot(name: string): Promise<string> {
    const file = path.join(SCREENSHOTS, `${name}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }

  /** The extension's LogOutputChannel, as VS Code writes it to disk. */
  readLog(): string {
    return findFiles(path.join(this.dataDir, 'logs'), 'RNN Explorer.log')
      .map((file) => fs.readFileSync(file, 'utf8'))
      .join('\n');
  }

  async stop(): Promise<void> {
    await this.browser.close().catch(() => undefined);
    if (this.server.pid) {
      try {
        process.kill(-this.server.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  }
}
