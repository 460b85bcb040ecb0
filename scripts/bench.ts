/**
 * `npm run bench`: our engine against PyTorch on the names task at the standard configuration
 * of ../shared/docs/benchmarks.md (hidden 128, batch 64, Adam 0.003, clip 5, name-disjoint
 * split), interleaved in one run (ours, peer, ours, peer) so both see the same machine.
 *
 *   npm run bench -- [--cells rnn,lstm,gru] [--hidden 32,128,512] [--epochs 5] [--rounds 2]
 *     [--backends wasm,cpu] [--threads 2] [--layers 2] [--bidirectional] [--json]
 *   npm run bench -- --scaling [--cells gru]   (names/s against hidden size, chars/s against k)
 *   npm run bench -- --recipe --epochs 15 --cells rnn,gru   (both sides with dropout and weight
 *     averaging, the recipe the extension ships, for time to the target accuracies)
 *
 * Each run is a separate process, so peak memory is that run's own. Both sides report the same
 * two timed regions (see REGIONS): "step", the training step alone with its batch built before
 * the timer, and "epoch wall", the whole epoch as a user waits for it (shuffling and batch
 * building included, held-out evaluation excluded). Our side runs scripts/bench/ours.ts (the
 * engine's own trainModel loop), the peer scripts/peer/pytorch_names.py at its best setting
 * (torch.set_num_threads(1), OPENBLAS_NUM_THREADS=1, pack_padded_sequence).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { NAMES_RECIPE } from '../src/core/tasks/names';
import { lastJson, median, peerAvailable, peerSetupWarning, PYTHON } from './bench/common';

const ROOT = path.resolve(__dirname, '..');
const TARGETS: Record<string, number> = { rnn: 0.78, gru: 0.8 };

interface Run {
  /** Step region: names trained per second of step time. */
  namesPerSecond: number;
  /** Epoch-wall region: names trained per second of epoch wall time. */
  wallNamesPerSecond: number;
  heldOutAccuracy: number;
  peakMB: number;
  /** Per epoch: held-out accuracy, cumulative step seconds and cumulative epoch-wall seconds. */
  history: Array<{ accuracy: number; seconds: number; wallSeconds: number }>;
}

/** What each side's two timers hold; printed with every table. */
const REGIONS = {
  ours: {
    step:
      'trainStep (forward, cross-entropy, backward, clip_grad_norm_, Adam, and the count of right answers) ' +
      '+ weight-average update when on; batch arrays built before the timer',
    wall: 'shuffle + length bucketing + packing every batch + per-batch event-loop yield + the steps; held-out evaluation excluded',
  },
  peer: {
    step:
      'zero_grad + forward (pack_padded_sequence included) + cross-entropy + backward + clip_grad_norm_ + Adam.step ' +
      '+ weight-average update when on; the tensors of each batch built (index gather + F.one_hot) just before its timer starts',
    wall: 'randperm + length bucketing + building every batch (gather + F.one_hot, one at a time) + the steps; held-out evaluation excluded',
  },
};

const { values } = parseArgs({
  options: {
    cells: { type: 'string', default: 'rnn,lstm,gru' },
    hidden: { type: 'string', default: '128' },
    // Our side on two threads (dist/stepHelper.js, built first); PyTorch stays at its best, 1.
    threads: { type: 'string', default: '1' },
    // Both sides: a stack of layers, or one layer reading both ways.
    layers: { type: 'string', default: '1' },
    bidirectional: { type: 'boolean', default: false },
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

function trainOurs(
  cell: string,
  backend: string,
  recordGradients: boolean,
  hidden: number,
  runEpochs: number,
): Run {
  const args = ['--import', 'tsx', 'scripts/bench/ours.ts', '--cell', cell];
  args.push('--hidden', String(hidden), '--batch', '64', '--lr', '0.003', '--clip', '5');
  args.push('--epochs', String(runEpochs));
  args.push('--dropout', String(recipe.dropout), '--average', String(recipe.average));
  args.push('--backend', backend, '--threads', values.threads, '--layers', values.layers);
  if (values.bidirectional) args.push('--bidirectional');
  if (recordGradients) args.push('--record-gradients');
  const result = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`ours failed: ${result.stderr.slice(-2000)}`);
  return lastJson<Run>(result.stdout);
}

function peer(cell: string, hidden: number): Run {
  const result = spawnSync(
    PYTHON,
    [
      'scripts/peer/pytorch_names.py',
      ...['--cell', cell, '--epochs', String(epochs), '--threads', '1', '--hidden', String(hidden)],
      ...['--batch', '64', '--lr', '0.003', '--clip', '5'],
      ...['--dropout', String(recipe.dropout), '--average', String(recipe.average)],
      ...['--layers', values.layers, ...(values.bidirectional ? ['--bidirectional'] : [])],
    ],
    { cwd: ROOT, encoding: 'utf8', env: { ...process.env, OPENBLAS_NUM_THREADS: '1' } },
  );
  if (result.status !== 0) throw new Error(`PyTorch failed: ${result.stderr.slice(-2000)}`);
  const run = lastJson<Run & Parameters<typeof peerSetupWarning>[0]>(result.stdout);
  const warning = peerSetupWarning(run);
  if (warning) log(warning);
  return run;
}

/**
 * Seconds (step or epoch wall) until held-out accuracy first reaches the target, if it does.
 */
function timeTo(run: Run, target: number | undefined, region: 'step' | 'wall'): number | null {
  if (target === undefined) return null;
  const hit = run.history.find((h) => h.accuracy >= target);
  if (!hit) return null;
  return region === 'step' ? hit.seconds : hit.wallSeconds;
}

/**
 * How cost grows: names/s against hidden size, characters/s on tiny Shakespeare against the
 * chunk length; beside each, what the FLOP count alone would predict.
 */
function scaling(): void {
  const backend = values.backends.split(',')[0] as string;
  const cells = values.cells.split(',');
  const hiddenSizes = [32, 64, 128, 256, 512];
  console.log(
    'Names task, 1 epoch, batch 64: step names/s against hidden size (ours, ' + backend + ')',
  );
  console.log(`ours step region: ${REGIONS.ours.step}`);
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
const loadAtStart = os.loadavg();
log(
  `load average at start: ${loadAtStart.map((l) => l.toFixed(2)).join(' ')} (${os.cpus().length} cores)`,
);
const rate = (x: number): number => Math.round(x);
const results = [];
const hiddenSizes = values.hidden.split(',').map(Number);
for (const hidden of hiddenSizes) {
  for (const cell of values.cells.split(',')) {
    for (const backend of values.backends.split(',')) {
      const ourRuns: Run[] = [];
      const peerRuns: Run[] = [];
      for (let round = 1; round <= rounds; round++) {
        const o = trainOurs(cell, backend, values['record-gradients'], hidden, epochs);
        ourRuns.push(o);
        log(
          `${cell} ${hidden} ${backend} round ${round}: ours step ${rate(o.namesPerSecond)}, epoch wall ${rate(o.wallNamesPerSecond)} names/s, ${(100 * o.heldOutAccuracy).toFixed(2)}% (load ${os.loadavg()[0]?.toFixed(2)})`,
        );
        if (withPeer) {
          const p = peer(cell, hidden);
          peerRuns.push(p);
          log(
            `${cell} ${hidden} ${backend} round ${round}: PyTorch step ${rate(p.namesPerSecond)}, epoch wall ${rate(p.wallNamesPerSecond)} names/s, ${(100 * p.heldOutAccuracy).toFixed(2)}% (load ${os.loadavg()[0]?.toFixed(2)})`,
          );
        }
      }
      const last = <T>(runs: T[]): T | undefined => runs[runs.length - 1];
      const lastOurs = last(ourRuns) as Run;
      const lastPeer = last(peerRuns);
      const region = (pick: (r: Run) => number) => {
        const ours = median(ourRuns.map(pick));
        const peerRate = withPeer ? median(peerRuns.map(pick)) : null;
        return {
          ours: rate(ours),
          peer: peerRate === null ? null : rate(peerRate),
          // Ratio of the medians; and each round's own ratio, to show the spread.
          ratio: peerRate === null ? null : Number((ours / peerRate).toFixed(3)),
          roundRatios: withPeer
            ? ourRuns.map((o, i) => Number((pick(o) / pick(peerRuns[i] as Run)).toFixed(3)))
            : [],
        };
      };
      // The accuracy targets are for the standard configuration.
      const target = hidden === 128 ? TARGETS[cell] : undefined;
      results.push({
        cell,
        hidden,
        backend,
        epochs,
        rounds,
        step: region((r) => r.namesPerSecond),
        wall: region((r) => r.wallNamesPerSecond),
        oursAccuracy: lastOurs.heldOutAccuracy,
        peerAccuracy: lastPeer?.heldOutAccuracy ?? null,
        oursPeakMB: Math.max(...ourRuns.map((r) => r.peakMB)),
        peerPeakMB: withPeer ? Math.max(...peerRuns.map((r) => Math.round(r.peakMB))) : null,
        target: target ?? null,
        oursSecondsToTarget: {
          step: timeTo(lastOurs, target, 'step'),
          wall: timeTo(lastOurs, target, 'wall'),
        },
        peerSecondsToTarget: lastPeer
          ? { step: timeTo(lastPeer, target, 'step'), wall: timeTo(lastPeer, target, 'wall') }
          : null,
      });
    }
  }
}
const loadAtEnd = os.loadavg();

const pct = (x: number | null): string => (x === null ? '–' : `${(100 * x).toFixed(2)}%`);
const num = (x: number | null): string => (x === null ? '–' : x.toLocaleString('en-US'));
const ratioText = (r: { ratio: number | null; roundRatios: number[] }): string =>
  r.ratio === null
    ? '–'
    : `${r.ratio.toFixed(2)} (${r.roundRatios.map((x) => x.toFixed(2)).join(', ')})`;
const seconds = (x: number | null | undefined): string =>
  x === null || x === undefined ? 'not reached' : `${x.toFixed(1)} s`;
const lines = [
  `| cell | hidden | backend | step: ours names/s | step: PyTorch names/s | step ratio (rounds) | epoch wall: ours names/s | epoch wall: PyTorch names/s | epoch wall ratio (rounds) | ours acc | PyTorch acc | ours peak MB | PyTorch peak MB |`,
  `| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |`,
  ...results.map(
    (r) =>
      `| ${r.cell} | ${r.hidden} | ${r.backend} | ${num(r.step.ours)} | ${num(r.step.peer)} | ${ratioText(r.step)} | ${num(r.wall.ours)} | ${num(r.wall.peer)} | ${ratioText(r.wall)} | ${pct(r.oursAccuracy)} | ${pct(r.peerAccuracy)} | ${r.oursPeakMB} | ${r.peerPeakMB ?? '–'} |`,
  ),
];
const withTargets = results.filter((r) => r.target !== null);
const targetLines = [
  `| cell | target | ours: step / epoch wall | PyTorch: step / epoch wall |`,
  `| --- | --- | --- | --- |`,
  ...withTargets.map(
    (r) =>
      `| ${r.cell} | ${pct(r.target)} | ${seconds(r.oursSecondsToTarget.step)} / ${seconds(r.oursSecondsToTarget.wall)} | ${r.peerSecondsToTarget ? `${seconds(r.peerSecondsToTarget.step)} / ${seconds(r.peerSecondsToTarget.wall)}` : '–'} |`,
  ),
];
console.log(
  `Names task, hidden ${hiddenSizes.join(', ')}${values.layers === '1' ? '' : `, ${values.layers} layers`}${values.bidirectional ? ', bidirectional' : ''}, batch 64, Adam 0.003, clip 5, ${values.recipe ? `dropout ${recipe.dropout} and weight averaging ${recipe.average}` : 'no dropout or averaging'}, ${epochs} epochs, ours on ${values.threads} thread${values.threads === '1' ? '' : 's'} and PyTorch on 1, median of ${rounds} interleaved rounds (ours, PyTorch, ours, PyTorch); ` +
    `load average ${loadAtStart[0]?.toFixed(2)} at start, ${loadAtEnd[0]?.toFixed(2)} at end (1-minute, ${os.cpus().length} cores)`,
);
console.log(
  `ours (scripts/bench/ours.ts): step = ${REGIONS.ours.step}; epoch wall = ${REGIONS.ours.wall}`,
);
console.log(
  `PyTorch (scripts/peer/pytorch_names.py, torch.set_num_threads(1), OPENBLAS_NUM_THREADS=1): step = ${REGIONS.peer.step}; epoch wall = ${REGIONS.peer.wall}`,
);
console.log(lines.join('\n'));
if (withTargets.length > 0) {
  console.log('\nSeconds until held-out accuracy first reaches the target (last round):');
  console.log(targetLines.join('\n'));
}
const report = {
  regions: REGIONS,
  load: { start: loadAtStart, end: loadAtEnd, cores: os.cpus().length },
  recipe,
  results,
};
if (values.json) console.log(JSON.stringify(report));
fs.mkdirSync(path.join(ROOT, '.bench'), { recursive: true });
fs.writeFileSync(path.join(ROOT, '.bench', 'latest.json'), JSON.stringify(report, null, 2));
