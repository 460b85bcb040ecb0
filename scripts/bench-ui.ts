/**
 * npm run bench:ui: how much the Explorer's live dashboard slows VS Code's own UI while a names
 * model trains, in a real VS Code (code-server). The two sides alternate in one run: the
 * Explorer open on the Training tab, and every editor closed. Each round times
 *   - palette: F1, typing "Notifications: Clear All Notifications", its row shown and clicked;
 *   - refusal: "RNN: Train Name Classifier" from the palette until its "already training"
 *     notification is on screen (with --pick, older builds' "Train with defaults" pick included).
 * `--load N` runs N busy loops beside it, to see a loaded machine. Needs what the end-to-end tests
 * need: `npm run package` and scripts/e2e/setup-code-server.sh.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT, VSCode, waitFor } from '../test/e2e/vscode';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '6' },
    load: { type: 'string', default: '0' },
    vsix: { type: 'string', default: path.join(ROOT, 'dist', 'rnn-explorer.vsix') },
    pick: { type: 'boolean', default: false },
  },
});
const rounds = Number(values.rounds);
type Side = 'dashboard open' | 'editors closed';
const SIDES: Side[] = ['dashboard open', 'editors closed'];

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

async function timed(run: () => Promise<unknown>): Promise<number> {
  const started = Date.now();
  await run();
  return Date.now() - started;
}

async function main(): Promise<void> {
  const busy: ChildProcess[] = Array.from({ length: Number(values.load) }, () =>
    spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' }),
  );
  const vscode = await VSCode.start({
    vsix: values.vsix,
    workspace: path.join(ROOT, 'media', 'examples'),
    settings: { 'rnnExplorer.training.epochs': 200, 'rnnExplorer.training.hiddenSize': 128 },
  });
  const times: Record<Side, { palette: number[]; refusal: number[] }> = {
    'dashboard open': { palette: [], refusal: [] },
    'editors closed': { palette: [], refusal: [] },
  };
  try {
    await vscode.activated();
    await vscode.runCommand('RNN: Train Name Classifier');
    await vscode.quickPickSelect('Train with defaults');
    await waitFor(
      async () => /Epoch 2\/200/.test(vscode.readLog()) || undefined,
      300_000,
      'epoch 2',
    );
    for (let round = 0; round < rounds; round++) {
      for (const side of round % 2 ? [...SIDES].reverse() : SIDES) {
        if (side === 'dashboard open') {
          await vscode.runCommand('RNN: Open Explorer');
          await vscode.webview('#tab-training').on((f) => f.click('#tab-training'), 120_000);
        } else {
          await vscode.runCommand('View: Close All Editors');
        }
        await vscode.runCommand('Notifications: Clear All Notifications');
        // Let the side settle: a few live updates reach the dashboard.
        await new Promise((resolve) => setTimeout(resolve, 3000));
        times[side].palette.push(
          await timed(() => vscode.runCommand('Notifications: Clear All Notifications')),
        );
        times[side].refusal.push(
          await timed(async () => {
            await vscode.runCommand('RNN: Train Name Classifier');
            if (values.pick) await vscode.quickPickSelect('Train with defaults');
            await waitFor(
              async () =>
                (await vscode.notifications()).find((t) => t.includes('already training')),
              120_000,
              'the "already training" notification',
            );
          }),
        );
        console.log(
          `round ${round + 1}, ${side}: palette ${times[side].palette.at(-1)} ms, refusal ${times[side].refusal.at(-1)} ms`,
        );
      }
    }
    await vscode.runCommand('RNN: Cancel Training');
    const delay = await waitFor(
      async () => vscode.readLog().match(/event-loop delay during training: .*/)?.[0],
      120_000,
      'the event-loop delay line',
    );
    console.log(`extension host ${delay}`);
  } finally {
    await vscode.stop();
    busy.forEach((child) => child.kill());
  }
  const open = times['dashboard open'];
  const closed = times['editors closed'];
  console.log(
    `\nmedians over ${rounds} rounds, ${values.load} busy loops, ${path.basename(values.vsix)}:`,
  );
  for (const what of ['palette', 'refusal'] as const) {
    const [o, c] = [median(open[what]), median(closed[what])];
    console.log(
      `${what}: dashboard open ${o} ms, editors closed ${c} ms, ratio ${(o / c).toFixed(2)}`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
