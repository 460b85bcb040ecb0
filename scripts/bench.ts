/**
 * `npm run bench`: our engine against PyTorch on the names task at the standard configuration
 * of ../shared/docs/benchmarks.md (hidden 128, batch 64, Adam 0.003, clip 5, name-disjoint
 * split), interleaved in one run (ours, peer, ours, peer) so both see the same machine.
 *
 *   npm run bench -- [--cells rnn,lstm,gru] [--epochs 5] [--rounds 2] [--backends wasm,cpu] [--json]
 *   npm run bench -- --scaling [--cells gru]   (names/s against hidden size, chars/s against k)
 *   npm run bench -- --recipe --epochs 15 --cells rnn,gru   (both sides with dropout and weight
 *     averaging, the recipe the extension ships, for time to the target accuracies)
 *
 * Each run is a separate process, so peak memory is that run's own.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { NAMES_RECIPE } from '../src/core/tasks/names';

const ROOT = path.resolve(__dirname, '..');
const PYTHON = '/usr/bin/python3';
const TARGETS: Record<string, number> = { rnn: 0.78, gru: 0.8 };

interface Run {
  namesPerSecond: number;
  heldOutAccuracy: number;
  peakMB: number;
  history: Array<{ accuracy: number; seconds: number }>;
}

const { values } = parseArgs({
  options: {
    cells: { type: 'string', default: 'rnn,lstm,gru' },
    epochs: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '2' },
    backends: { type: 'string', default: 'wasm' },
    'record-gradients': { type: 'boolean', default: false },
    scaling: { type: 'boolean', default: false },
    recipe: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
});
const epochs = Number(values.epochs);
const rounds = Number(values.rounds);
// Dropout and weight averaging on both sides, or plain Adam on both.
const recipe = values.recipe
  ? { dropout: NAMES_RECIPE.dropout, average: NAMES_RECIPE.weightAveraging }
  : { dropout: 0, average: 0 };
const log = (line: string): void => {
  process.stderr.write(line + '\n');
};

function lastJson(output: string): Run {
  const line = output
    .trim()
    .split('\n')
    .reverse()
    .find((l) => l.startsWith('{'));
  if (!line) throw new Error(`no JSON result in:\n${output.slice(-2000)}`);
  return JSON.parse(line) as Run;
}

function trainOurs(
  cell: string,
  backend: string,
  recordGradients: boolean,
  hidden: number,
  runEpochs: number,
): Run {
  const args = ['--import', 'tsx', 'src/cli/main.ts', 'train', '--task', 'names', '--cell', cell];
  args.push('--hidden', String(hidden), '--batch', '64', '--lr', '0.003', '--clip', '5');
  args.push('--epochs', String(runEpochs));
  args.push('--dropout', String(recipe.dropout), '--average', String(recipe.average));
  args.push('--schedule', 'constant');
  args.push('--backend', backend, '--out', path.join('/tmp', `bench-${cell}.json`), '--json');
  if (recordGradients) args.push('--record-gradients');
  const result = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`ours failed: ${result.stderr.slice(-2000)}`);
  return lastJson(result.stdout);
}

function peerAvailable(): boolean {
  return spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;
}

function peer(cell: string): Run {
  const result = spawnSync(
    PYTHON,
    [
      'scripts/peer/pytorch_names.py',
      ...['--cell', cell, '--epochs', String(epochs), '--threads', '1'],
      ...['--dropout', String(recipe.dropout), '--average', String(recipe.average)],
    ],
    { cwd: ROOT, encoding: 'utf8', env: { ...process.env, OPENBLAS_NUM_THREADS: '1' } },
  );
  if (result.status !== 0) throw new Error(`PyTorch failed: ${result.stderr.slice(-2000)}`);
  return lastJson(result.stdout);
}

/** Training seconds until held-out accuracy first reaches the target, if it does. */
function timeTo(run: Run, target: number | undefined): number | null {
  if (target === undefined) return null;
  return run.history.find((h) => h.accuracy >= target)?.seconds ?? null;
}

const median = (xs: number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

/**
 * How cost grows: names/s against hidden size, characters/s on tiny Shakespeare against the
 * chunk length; beside each, what the FLOP count alone would predict.
 */
function scaling(): void {
  const backend = values.backends.split(',')[0] as string;
  const cells = values.cells.split(',');
  const hiddenSizes = [32, 64, 128, 256, 512];
  console.log('Names task, 1 epoch, batch 64: names/s against hidden size (ours, ' + backend + ')');
  console.log('| cell | ' + hiddenSizes.map((h) => `H=${h}`).join(' | ') + ' |');
  console.log('| --- |' + hiddenSizes.map(() => ' --- |').join(''));
  for (const cell of cells) {
    const rates = hiddenSizes.map((hidden) => {
      const run = trainOurs(cell, backend, false, hidden, 1);
      log(`${cell} H=${hidden}: ${Math.round(run.namesPerSecond)} names/s`);
      return run.namesPerSecond;
    });
    const base = rates[hiddenSizes.indexOf(128)] as number;
    // Per name and step: the recurrent matmul (G*H*H) and the input row lookup (G*H) dominate.
    const flops = (h: number): number => h * h + h;
    const cellsText = rates.map((rate, i) => {
      const h = hiddenSizes[i] as number;
      return `${Math.round(rate).toLocaleString('en-US')} (${(rate / base).toFixed(2)}×; FLOPs predict ${(flops(128) / flops(h)).toFixed(2)}×)`;
    });
    console.log(`| ${cell} | ${cellsText.join(' | ')} |`);
  }
  const slice = path.join('/tmp', 'bench-shakespeare-200k.txt');
  const text = fs.readFileSync(
    path.join(ROOT, 'media', 'data', 'text', 'tinyshakespeare.txt'),
    'utf8',
  );
  fs.writeFileSync(slice, text.slice(0, 200_000));
  console.log(
    '\nTiny Shakespeare (first 200,000 characters), GRU 128, batch 32, truncated BPTT, 1 epoch:',
  );
  console.log('| chunk length k | characters/s | relative to k=100 |');
  console.log('| --- | --- | --- |');
  const lengths = [25, 50, 100, 200];
  const rates = lengths.map((k) => {
    const result = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/cli/main.ts',
        'train-text',
        '--text',
        slice,
        '--seq',
        String(k),
        '--epochs',
        '1',
        '--backend',
        backend,
        '--out',
        '/tmp/bench-text.json',
        '--json',
      ],
      { cwd: ROOT, encoding: 'utf8' },
    );
    if (result.status !== 0) throw new Error(`train-text failed: ${result.stderr.slice(-2000)}`);
    const run = JSON.parse(result.stdout.trim().split('\n').pop() as string) as { seconds: number };
    const rate = (0.9 * text.slice(0, 200_000).length) / run.seconds;
    log(`k=${k}: ${Math.round(rate)} characters/s`);
    return rate;
  });
  const base = rates[lengths.indexOf(100)] as number;
  lengths.forEach((k, i) =>
    console.log(
      `| ${k} | ${Math.round(rates[i] as number).toLocaleString('en-US')} | ${((rates[i] as number) / base).toFixed(2)}× |`,
    ),
  );
  console.log('FLOPs per character do not depend on k, so the FLOP count predicts a flat row.');
}

if (values.scaling) {
  scaling();
  process.exit(0);
}

const withPeer = peerAvailable();
if (!withPeer) {
  log(
    'PyTorch is not installed, so only our side runs. Install the peer with:\n' +
      '  sudo apt-get install -y python3-torch libopenblas0-pthread',
  );
}
const results = [];
for (const cell of values.cells.split(',')) {
  for (const backend of values.backends.split(',')) {
    const ourRuns: Run[] = [];
    const peerRuns: Run[] = [];
    for (let round = 1; round <= rounds; round++) {
      const o = trainOurs(cell, backend, values['record-gradients'], 128, epochs);
      ourRuns.push(o);
      log(
        `${cell} ${backend} round ${round}: ours ${Math.round(o.namesPerSecond)} names/s, ${(100 * o.heldOutAccuracy).toFixed(2)}%`,
      );
      if (withPeer) {
        const p = peer(cell);
        peerRuns.push(p);
        log(
          `${cell} ${backend} round ${round}: PyTorch ${Math.round(p.namesPerSecond)} names/s, ${(100 * p.heldOutAccuracy).toFixed(2)}%`,
        );
      }
    }
    const last = <T>(runs: T[]): T | undefined => runs[runs.length - 1];
    const oursNamesPerSec = median(ourRuns.map((r) => r.namesPerSecond));
    const peerNamesPerSec = withPeer ? median(peerRuns.map((r) => r.namesPerSecond)) : null;
    results.push({
      cell,
      backend,
      epochs,
      oursNamesPerSec: Math.round(oursNamesPerSec),
      peerNamesPerSec: peerNamesPerSec === null ? null : Math.round(peerNamesPerSec),
      ratio:
        peerNamesPerSec === null ? null : Number((oursNamesPerSec / peerNamesPerSec).toFixed(3)),
      oursAccuracy: last(ourRuns)?.heldOutAccuracy ?? null,
      peerAccuracy: last(peerRuns)?.heldOutAccuracy ?? null,
      oursPeakMB: Math.max(...ourRuns.map((r) => r.peakMB)),
      peerPeakMB: withPeer ? Math.max(...peerRuns.map((r) => Math.round(r.peakMB))) : null,
      target: TARGETS[cell] ?? null,
      oursSecondsToTarget: last(ourRuns) ? timeTo(last(ourRuns) as Run, TARGETS[cell]) : null,
      peerSecondsToTarget: last(peerRuns) ? timeTo(last(peerRuns) as Run, TARGETS[cell]) : null,
    });
  }
}

const pct = (x: number | null): string => (x === null ? '–' : `${(100 * x).toFixed(2)}%`);
const lines = [
  `| cell | backend | ours names/s | PyTorch names/s | ratio | ours acc | PyTorch acc | ours peak MB | PyTorch peak MB | time to target ours / PyTorch |`,
  `| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |`,
  ...results.map(
    (r) =>
      `| ${r.cell} | ${r.backend} | ${r.oursNamesPerSec.toLocaleString('en-US')} | ${r.peerNamesPerSec?.toLocaleString('en-US') ?? '–'} | ${r.ratio ?? '–'} | ${pct(r.oursAccuracy)} | ${pct(r.peerAccuracy)} | ${r.oursPeakMB} | ${r.peerPeakMB ?? '–'} | ${r.target === null ? '–' : `${pct(r.target)}: ${r.oursSecondsToTarget?.toFixed(1) ?? 'not reached'} s / ${r.peerSecondsToTarget?.toFixed(1) ?? 'not reached'} s`} |`,
  ),
];
console.log(
  `Names task, hidden 128, batch 64, Adam 0.003, clip 5, ${values.recipe ? `dropout ${recipe.dropout} and weight averaging ${recipe.average}` : 'no dropout or averaging'}, ${epochs} epochs, median of ${rounds} interleaved rounds`,
);
console.log(lines.join('\n'));
if (values.json) console.log(JSON.stringify({ results }));
fs.mkdirSync(path.join(ROOT, '.bench'), { recursive: true });
fs.writeFileSync(path.join(ROOT, '.bench', 'latest.json'), JSON.stringify({ results }, null, 2));
