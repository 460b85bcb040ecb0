/**
 * Our side of `npm run bench`: trains the names classifier through the engine's own
 * `trainModel` (the loop the CLI and the extension run) and prints one JSON line with two
 * timed regions, so the bench can hold them against the same two regions of
 * scripts/peer/pytorch_names.py:
 *
 *   step        trainStep (forward, cross-entropy, backward, clip_grad_norm_, Adam; the step
 *               also counts the batch's right answers) plus the weight-average update when on.
 *               The batch arrays are built before this timer. This is the engine's own
 *               `trainSeconds`.
 *   epoch wall  from the epoch's shuffle to the end of its last step: shuffling, length
 *               bucketing, packing every batch, the per-batch event-loop yield and the steps.
 *               Held-out evaluation (and, with averaging, making the averaged model for it) is
 *               not in it.
 *
 *   node --import tsx scripts/bench/ours.ts --cell gru [--hidden 128] [--epochs 5]
 *     [--dropout 0] [--average 0] [--backend wasm] [--seed 42] [--record-gradients] [--threads 2]
 *     [--layers 2] [--bidirectional]
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { enableRelaxedSimd } from '../../src/cli/relaxedSimd';
import { initBackend, type BackendPreference } from '../../src/core/backend';
import { loadNames } from '../../src/core/data/names';
import type { CellType } from '../../src/core/model/config';
import { SequenceModel } from '../../src/core/model/sequenceModel';
import { encodeNames, namesModelConfig } from '../../src/core/tasks/names';
import { classificationSource } from '../../src/core/training/classification';
import { trainModel } from '../../src/core/training/trainer';
import { trainSettings } from '../../src/core/training/settings';
import { cumulative, epochWallClock, runSide } from './side';

const ROOT = path.resolve(__dirname, '..', '..');

/** The bundled helper thread: the one the extension runs, without tsx loaded in the thread. */
function helperThread(): string {
  const file = path.join(ROOT, 'dist', 'stepHelper.js');
  if (!fs.existsSync(file)) throw new Error('--threads 2 runs dist/stepHelper.js: npm run build');
  return file;
}

async function main(): Promise<void> {
  enableRelaxedSimd();
  const { values } = parseArgs({
    options: {
      cell: { type: 'string', default: 'gru' },
      hidden: { type: 'string', default: '128' },
      epochs: { type: 'string', default: '5' },
      batch: { type: 'string', default: '64' },
      lr: { type: 'string', default: '0.003' },
      clip: { type: 'string', default: '5' },
      dropout: { type: 'string', default: '0' },
      average: { type: 'string', default: '0' },
      seed: { type: 'string', default: '42' },
      backend: { type: 'string', default: 'wasm' },
      data: { type: 'string', default: path.join(ROOT, 'media', 'data', 'names') },
      'record-gradients': { type: 'boolean', default: false },
      threads: { type: 'string', default: '1' },
      layers: { type: 'string', default: '1' },
      bidirectional: { type: 'boolean', default: false },
    },
  });
  const backend = await initBackend(values.backend as BackendPreference);
  const batchSize = Number(values.batch);
  const dataset = loadNames(values.data);
  const { train, test } = encodeNames(dataset);
  const config = namesModelConfig(
    {
      cell: values.cell as CellType,
      hiddenSize: Number(values.hidden),
      numLayers: Number(values.layers),
      dropout: Number(values.dropout),
      bidirectional: values.bidirectional,
    },
    dataset,
  );
  const clock = epochWallClock(classificationSource(train, test, batchSize));
  const seed = Number(values.seed);
  const outcome = await trainModel(
    SequenceModel.create(config, seed),
    clock.source,
    trainSettings({
      epochs: Number(values.epochs),
      batchSize,
      optimizer: { name: 'adam', learningRate: Number(values.lr) },
      clipNorm: Number(values.clip),
      seed,
      recordGradients: values['record-gradients'],
      weightAveraging: Number(values.average),
      helperThread: values.threads === '2' ? helperThread() : undefined,
    }),
    { onBatch: clock.onBatch },
  );
  outcome.model.dispose();
  const trained = train.length * outcome.history.length;
  const wall = clock.wallSeconds.reduce((a, b) => a + b, 0);
  const wallSoFar = cumulative(clock.wallSeconds);
  console.log(
    JSON.stringify({
      side: 'ours',
      cell: values.cell,
      backend: backend.name,
      kernel: backend.kernel,
      epochs: outcome.history.length,
      heldOutAccuracy: outcome.history[outcome.history.length - 1]?.heldOut.accuracy ?? null,
      namesPerSecond: trained / outcome.trainSeconds,
      stepSeconds: outcome.trainSeconds,
      // Steps the helper thread took part in (--threads 2): smaller steps stay on one thread.
      helperSteps: outcome.helperSteps,
      wallNamesPerSecond: trained / wall,
      wallSeconds: wall,
      peakMB: Math.round(process.resourceUsage().maxRSS / 1024),
      history: outcome.history.map((h, i) => ({
        accuracy: h.heldOut.accuracy,
        seconds: h.trainSeconds,
        wallSeconds: wallSoFar[i],
      })),
    }),
  );
}

runSide(main);
