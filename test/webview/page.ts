/**
 * Loads the Explorer's real bundle and stylesheet into headless Chromium with a stand-in for
 * VS Code's webview API that records what the page posts and lets the test send messages.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { HostMessage, WebviewMessage } from '../../src/shared/explorerProtocol';

export const ROOT = path.resolve(__dirname, '..', '..');

export interface ExplorerPage {
  page: Page;
  send(message: HostMessage): Promise<void>;
  posted(): Promise<WebviewMessage[]>;
  close(): Promise<void>;
}

export async function openExplorerPage(
  theme: 'vscode-dark' | 'vscode-light' | 'vscode-high-contrast' = 'vscode-dark',
  /** Another webview bundle that shares the Explorer's stylesheet, e.g. 'sidebar.js'. */
  options: { bundle?: string; viewport?: { width: number; height: number } } = {},
): Promise<ExplorerPage> {
  const bundle = options.bundle ?? 'explorer.js';
  const script = path.join(ROOT, 'dist', 'webview', bundle);
  if (!fs.existsSync(script))
    throw new Error(`dist/webview/${bundle} is missing: run npm run build`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rnn-webview-'));
  const html = path.join(dir, 'index.html');
  fs.writeFileSync(
    html,
    `<!DOCTYPE html><html><head><meta charset="utf-8">
<link rel="stylesheet" href="file://${path.join(ROOT, 'test', 'webview', 'theme.css')}">
<link rel="stylesheet" href="file://${path.join(ROOT, 'media', 'explorer.css')}"></head>
<body class="${theme}"><script src="file://${script}"></script></body></html>`,
  );
  const browser: Browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--allow-file-access-from-files',
    ],
  });
  const page = await browser.newPage({
    viewport: options.viewport ?? { width: 1300, height: 900 },
  });
  // A string, not a function: tsx would add helpers to a serialised function that the page lacks.
  // The state also goes through sessionStorage as JSON, so it survives a reload, as in VS Code.
  await page.addInitScript(`
    window.__posted = [];
    window.__state = JSON.parse(sessionStorage.getItem('vscode-state') || 'null') ?? undefined;
    window.acquireVsCodeApi = () => ({
      postMessage: (message) => window.__posted.push(message),
      getState: () => window.__state,
      setState: (state) => {
        window.__state = state;
        sessionStorage.setItem('vscode-state', JSON.stringify(state));
      },
    });
  `);
  await page.goto(`file://${html}`);
  return {
    page,
    // Dispatched synchronously, so the page has handled it when the call returns.
    send: (message) =>
      page.evaluate(
        (m) => void window.dispatchEvent(new MessageEvent('message', { data: m })),
        message,
      ),
    posted: () =>
      page.evaluate(() => (window as unknown as { __posted: WebviewMessage[] }).__posted),
    close: async () => {
      await browser.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
