// CI's proof of the newcomer path: runs `npm start` on the untouched clone, waits until the served
// workbench answers and the extension is active in it, then stops everything it started.
// Imports only Node's own modules up front: node_modules exists only once npm start made it.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { ROOT } from './paths.mjs';
import { cleanEnvironment } from '../setup/dependencies.mjs';

// npm ci, packaging and the first code-server install take about 4 minutes here.
const START_LIMIT_MS = 20 * 60_000;
const ACTIVATION_LIMIT_MS = 3 * 60_000;

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function until(probe, limitMs, what, child) {
  const deadline = Date.now() + limitMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`npm start exited (${child.exitCode}) before ${what}`);
    const value = await probe().catch(() => undefined);
    if (value) return value;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  throw new Error(`Timed out after ${limitMs / 1000} s waiting for ${what}`);
}

const port = await freePort();
const started = Date.now();
const seconds = () => Math.round((Date.now() - started) / 1000);
console.log(`check-start: npm start -- --port ${port}`);
// Its own process group, so that stopping it ends code-server too.
const child = spawn('npm', ['start', '--', '--port', String(port)], {
  cwd: ROOT,
  stdio: 'inherit',
  detached: true,
  env: cleanEnvironment(),
});
let browser;
try {
  const base = `http://127.0.0.1:${port}`;
  await until(
    async () => (await fetch(`${base}/healthz`)).ok,
    START_LIMIT_MS,
    'the workbench',
    child,
  );
  console.log(`check-start: the workbench answers at ${base} after ${seconds()} s`);
  const { chromium } = await import('playwright-core');
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
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  // npm start opens the bundled examples; the page's own URL carries that folder.
  await page.goto(base);
  const status = await until(
    async () => {
      const text = await page
        .locator('.statusbar-item', { hasText: 'RNN' })
        .first()
        .innerText({ timeout: 1000 });
      return /wasm|cpu|tensorflow/.test(text) ? text : undefined;
    },
    ACTIVATION_LIMIT_MS,
    'the extension to activate (its status bar item naming a backend)',
    child,
  );
  console.log(`check-start: the extension is active ("${status.trim()}") after ${seconds()} s`);
} finally {
  await browser?.close();
  await stop(child);
}

async function stop(server) {
  if (server.exitCode !== null) return;
  const exited = new Promise((resolve) => server.once('exit', resolve));
  process.kill(-server.pid, 'SIGTERM');
  const timer = setTimeout(() => {
    try {
      process.kill(-server.pid, 'SIGKILL');
    } catch {
      // Gone between the two signals.
    }
  }, 10_000);
  await exited;
  clearTimeout(timer);
}
