/**
 * Loads the Results panel's real bundle and stylesheets into headless Chromium, under the same
 * strict Content Security Policy the extension host uses, with a stand-in for VS Code's webview
 * API that records what the page posts, keeps its setState across reloads (as VS Code does) and
 * lets the test send messages.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { ResultsHostMessage, ResultsWebviewMessage } from '../../src/shared/resultsProtocol';
import { ROOT } from './page';

export type Theme = 'vscode-dark' | 'vscode-light' | 'vscode-high-contrast';

export interface ResultsPage {
  page: Page;
  send(message: ResultsHostMessage): Promise<void>;
  posted(): Promise<ResultsWebviewMessage[]>;
  state(): Promise<unknown>;
  /** Console errors, CSP violations and uncaught exceptions since the page opened. */
  problems: string[];
  close(): Promise<void>;
}

const NONCE = 'cmVzdWx0cy10ZXN0';

export async function openResultsPage(theme: Theme = 'vscode-dark'): Promise<ResultsPage> {
  const script = path.join(ROOT, 'dist', 'webview', 'results.js');
  if (!fs.existsSync(script))
    throw new Error('dist/webview/results.js is missing: run npm run build');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rnn-results-'));
  const html = path.join(dir, 'index.html');
  // As in the host: nothing inline, styles and images from the extension only, one nonce'd script.
  const csp = [
    "default-src 'none'",
    'style-src file:',
    'img-src file:',
    'font-src file:',
    `script-src 'nonce-${NONCE}'`,
  ].join('; ');
  fs.writeFileSync(
    html,
    `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<link rel="stylesheet" href="file://${path.join(ROOT, 'test', 'webview', 'theme.css')}">
<link rel="stylesheet" href="file://${path.join(ROOT, 'media', 'explorer.css')}">
<link rel="stylesheet" href="file://${path.join(ROOT, 'media', 'results.css')}"></head>
<body class="${theme}"><script nonce="${NONCE}" src="file://${script}"></script></body></html>`,
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
  const page = await browser.newPage({ viewport: { width: 1300, height: 900 }, locale: 'en-US' });
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || /Content.Security.Policy/i.test(message.text()))
      problems.push(`console ${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  // A string, not a function: tsx would add helpers to a serialised function that the page lacks.
  // The state goes through sessionStorage as JSON, so it survives a reload, as in VS Code.
  await page.addInitScript(`
    window.__posted = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));
    window.acquireVsCodeApi = () => ({
      postMessage: (message) => window.__posted.push(message),
      getState: () => JSON.parse(sessionStorage.getItem('vscode-state') || 'null') ?? undefined,
      setState: (state) => sessionStorage.setItem('vscode-state', JSON.stringify(state)),
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
      page.evaluate(() => (window as unknown as { __posted: ResultsWebviewMessage[] }).__posted),
    state: () =>
      page.evaluate(() => JSON.parse(sessionStorage.getItem('vscode-state') ?? 'null') as unknown),
    problems,
    close: async () => {
      await browser.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Each line of the Plot chart in `chart`, named by its aria-description, with its points in data
 * units: read back from the drawn path through the chart's own scales.
 */
export function plottedLines(
  results: ResultsPage,
  chart: string,
): Promise<Array<{ name: string; points: number[][] }>> {
  return results.page.locator(`${chart} svg[class^="plot"]`).evaluate((svg) => {
    type Scale = { invert(v: number): number };
    const plot = svg as unknown as { scale(name: string): Scale };
    const [x, y] = [plot.scale('x'), plot.scale('y')];
    return [...svg.querySelectorAll('g[aria-label="line"]')].map((g) => {
      const d = g.querySelector('path')?.getAttribute('d') ?? '';
      const numbers = [...d.matchAll(/-?\d+(?:\.\d+)?/g)].map((m) => Number(m[0]));
      const points: number[][] = [];
      for (let i = 0; i + 1 < numbers.length; i += 2)
        points.push([x.invert(numbers[i]!), y.invert(numbers[i + 1]!)]);
      return { name: g.getAttribute('aria-description') ?? '', points };
    });
  });
}
