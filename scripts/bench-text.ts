/**
 * `npm run bench:text`: the character model on tiny Shakespeare, ours against PyTorch, the
 * "other shapes" row of issue 14 (GRU 128, k = 100, 32 streams, Adam 0.003, clip 5, truncated
 * BPTT, one-hot input), interleaved in one run (ours, peer, ours, peer) so both see the same
 * machine.
 *
 *   npm run bench:text -- [--cells gru] [--hidden 128] [--seq 100] [--batch 32] [--epochs 1]
 *     [--rounds 2] [--seed 42] [--json]
 *
 * Ours is scripts/bench/oursText.ts (the engine's trainModel over textSource, as `train-text`
 * and the extension train), the peer scripts/peer/pytorch_text.py with one torch thread and one
 * OpenBLAS thread. Both report the same two regions (see REGIONS) and the held-out bits per
 * character after the same epochs, so the work done is compared as well as its speed.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { lastJson, median, peerAvailable, peerSetupWarning, PYTHON } from './bench/common';

const ROOT = path.resolve(__dirname, '..');

interface Run {
  charsPerSecond: number;
  wallCharsPerSecond: number;
  heldOutBitsPerChar: number;
  peakMB: number;
}

const REGIONS = {
  ours: {
    step: 'trainStep (forward, next-token cross-entropy, backward, clip_grad_norm_, Adam, the count of right guesses); each chunk packed before the timer',
    wall: 'cutting the epoch into chunks + packing every chunk + per-batch event-loop yield + the steps; held-out evaluation excluded',
  },
  peer: {
    step: 'zero_grad + forward + cross-entropy + backward + clip_grad_norm_ + Adam.step; each chunk one-hot encoded just before its timer starts',
    wall: 'slicing the streams + building every chunk (gather + F.one_hot) + the steps; held-out evaluation excluded',
  },
};

const { values } = parseArgs({
  options: {
    cells: { type: 'string', default: 'gru' },
    hidden: { type: 'string', default: '128' },
    seq: { type: 'string', default: '100' },
    batch: { type: 'string', default: '32' },
    epochs: { type: 'string', default: '1' },
    rounds: { type: 'string', default: '2' },
    seed: { type: 'string', default: '42' },
    json: { type: 'boolean', default: false },
  },
});
const log = (line: string): void => {
  process.stderr.write(line + '\n');
};
const shape = ['--seq', values.seq, '--batch', values.batch, '--epochs', values.epochs];
shape.push('--seed', values.seed);

function ours(cell: string): Run {
  const args = ['--import', 'tsx', 'scripts/bench/oursText.ts', '--cell', cell];
  args.push('--hidden', values.hidden, ...shape);
  const result = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`ours failed: ${result.stderr.slice(-2000)}`);
  return lastJson<Run>(result.stdout);
}

function peer(cell: string): Run {
  const args = ['scripts/peer/pytorch_text.py', '--cell', cell, '--hidden', values.hidden];
  args.push(...shape, '--threads', '1');
  const result = spawnSync(PYTHON, args, {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, OPENBLAS_NUM_THREADS: '1' },
  });
  if (result.status !== 0) throw new Error(`PyTorch failed: ${result.stderr.slice(-2000)}`);
  const run = lastJson<Run & Parameters<typeof peerSetupWarning>[0]>(result.stdout);
  const warning = peerSetupWarning(run);
  if (warning) log(warning);
  return run;
}

if (!peerAvailable()) {
  log('PyTorch is not installed: sudo apt-get install -y python3-torch libopenblas0-pthread');
  process.exit(1);
}
const rounds = Number(values.rounds);
const loadAtStart = os.loadavg();
const rate = (x: number): string => Math.round(x).toLocaleString('en-US');
const results = values.cells.split(',').map((cell) => {
  const oursRuns: Run[] = [];
  const peerRuns: Run[] = [];
  for (let round = 1; round <= rounds; round++) {
    for (const [side, runs, train] of [
      ['ours', oursRuns, ours],
      ['PyTorch', peerRuns, peer],
    ] as const) {
      const run = train(cell);
      runs.push(run);
      log(
        `${cell} round ${round}: ${side} step ${rate(run.charsPerSecond)}, epoch wall ${rate(run.wallCharsPerSecond)} chars/s, ${run.heldOutBitsPerChar.toFixed(3)} bits/char (load ${os.loadavg()[0]?.toFixed(2)})`,
      );
    }
  }
  const region = (pick: (r: Run) => number) => ({
    ours: median(oursRuns.map(pick)),
    peer: median(peerRuns.map(pick)),
    ratio: median(oursRuns.map(pick)) / median(peerRuns.map(pick)),
    roundRatios: oursRuns.map((o, i) => pick(o) / pick(peerRuns[i] as Run)),
  });
  return {
    cell,
    step: region((r) => r.charsPerSecond),
    wall: region((r) => r.wallCharsPerSecond),
    oursBits: oursRuns.map((r) => r.heldOutBitsPerChar),
    peerBits: peerRuns.map((r) => r.heldOutBitsPerChar),
    oursPeakMB: Math.max(...oursRuns.map((r) => r.peakMB)),
    peerPeakMB: Math.round(Math.max(...peerRuns.map((r) => r.peakMB))),
  };
});
const loadAtEnd = os.loadavg();
const ratio = (r: { ratio: number; roundRatios: number[] }): string =>
  `${r.ratio.toFixed(2)} (${r.roundRatios.map((x) => x.toFixed(2)).join(', ')})`;
const bits = (xs: number[]): string => xs.map((x) => x.toFixed(3)).join(', ');
console.log(
  `Tiny Shakespeare, hidden ${values.hidden}, k = ${values.seq}, ${values.batch} streams, Adam 0.003, clip 5, ${values.epochs} epoch(s), both on 1 thread, median of ${rounds} interleaved rounds; ` +
    `load average ${loadAtStart[0]?.toFixed(2)} at start, ${loadAtEnd[0]?.toFixed(2)} at end (1-minute, ${os.cpus().length} cores)`,
);
console.log(
  `ours (scripts/bench/oursText.ts): step = ${REGIONS.ours.step}; epoch wall = ${REGIONS.ours.wall}`,
);
console.log(
  `PyTorch (scripts/peer/pytorch_text.py): step = ${REGIONS.peer.step}; epoch wall = ${REGIONS.peer.wall}`,
);
console.log(
  '| cell | step: ours chars/s | step: PyTorch chars/s | step ratio (rounds) | epoch wall: ours | epoch wall: PyTorch | epoch wall ratio (rounds) | held-out bits/char: ours | PyTorch | peak MB: ours | PyTorch |',
);
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
for (const r of results)
  console.log(
    `| ${r.cell} | ${rate(r.step.ours)} | ${rate(r.step.peer)} | ${ratio(r.step)} | ${rate(r.wall.ours)} | ${rate(r.wall.peer)} | ${ratio(r.wall)} | ${bits(r.oursBits)} | ${bits(r.peerBits)} | ${r.oursPeakMB} | ${r.peerPeakMB} |`,
  );
const report = { regions: REGIONS, load: { start: loadAtStart, end: loadAtEnd }, results };
if (values.json) console.log(JSON.stringify(report));
fs.mkdirSync(path.join(ROOT, '.bench'), { recursive: true });
fs.writeFileSync(path.join(ROOT, '.bench', 'latest-text.json'), JSON.stringify(report, null, 2));
