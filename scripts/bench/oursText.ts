/**
 * Our side of `npm run bench:text`: trains the character model on tiny Shakespeare through the
 * engine's own `trainModel` and `textSource` (the loop `train-text` and the extension run) and
 * prints one JSON line with the same two timed regions as scripts/peer/pytorch_text.py:
 *
 *   step        trainStep (forward, next-token cross-entropy, backward, clip_grad_norm_, Adam;
 *               the step also counts the right guesses). Each chunk's arrays are built before
 *               this timer. This is the engine's own `trainSeconds`.
 *   epoch wall  from cutting the epoch's chunks to the end of its last step: slicing the
 *               streams, packing every chunk, the per-batch event-loop yield and the steps.
 *               Held-out evaluation is not in it.
 *
 *   node --import tsx scripts/bench/oursText.ts --cell gru [--hidden 128] [--seq 100]
 *     [--batch 32] [--epochs 1] [--seed 42] [--backend wasm]
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { enableRelaxedSimd } from '../../src/cli/relaxedSimd';
import { initBackend, type BackendPreference } from '../../src/core/backend';
import { decodeText } from '../../src/core/data/text';
import type { CellType } from '../../src/core/model/config';
import { SequenceModel } from '../../src/core/model/sequenceModel';
import {
  prepareText,
  SHAKESPEARE_FILE,
  textModelConfig,
  textSource,
  type TextModelOptions,
} from '../../src/core/tasks/languageModel';
import { trainModel } from '../../src/core/training/trainer';
import { trainSettings } from '../../src/core/training/settings';
import { cumulative, epochWallClock, runSide } from './side';

const ROOT = path.resolve(__dirname, '..', '..');

async function main(): Promise<void> {
  enableRelaxedSimd();
  const { values } = parseArgs({
    options: {
      cell: { type: 'string', default: 'gru' },
      hidden: { type: 'string', default: '128' },
      seq: { type: 'string', default: '100' },
      batch: { type: 'string', default: '32' },
      epochs: { type: 'string', default: '1' },
      seed: { type: 'string', default: '42' },
      backend: { type: 'string', default: 'wasm' },
      text: { type: 'string', default: path.join(ROOT, 'media', 'data', 'text', SHAKESPEARE_FILE) },
    },
  });
  const backend = await initBackend(values.backend as BackendPreference);
  const batchSize = Number(values.batch);
  const options: TextModelOptions = {
    cell: values.cell as CellType,
    hiddenSize: Number(values.hidden),
    numLayers: 1,
    sequenceLength: Number(values.seq),
    truncatedBptt: true,
    teacherForcing: true,
  };
  const text = decodeText(fs.readFileSync(values.text), path.basename(values.text));
  const prepared = prepareText({ kind: 'stream', text }, options.sequenceLength, batchSize);
  const clock = epochWallClock(textSource(prepared, options));
  const seed = Number(values.seed);
  const outcome = await trainModel(
    SequenceModel.create(textModelConfig(options, prepared.vocabulary.length), seed),
    clock.source,
    trainSettings({ epochs: Number(values.epochs), batchSize, seed }),
    { onBatch: clock.onBatch },
  );
  outcome.model.dispose();
  const last = outcome.history[outcome.history.length - 1];
  // Characters predicted in training: every position of every chunk (the mask is all ones).
  const trained = (last?.tokensPerSecond ?? 0) * outcome.trainSeconds;
  const wall = clock.wallSeconds.reduce((a, b) => a + b, 0);
  const wallSoFar = cumulative(clock.wallSeconds);
  console.log(
    JSON.stringify({
      side: 'ours',
      cell: values.cell,
      backend: backend.name,
      kernel: backend.kernel,
      vocabulary: prepared.vocabulary.length,
      epochs: outcome.history.length,
      heldOutBitsPerChar: last?.heldOut.bitsPerToken ?? null,
      charsPerSecond: trained / outcome.trainSeconds,
      stepSeconds: outcome.trainSeconds,
      wallCharsPerSecond: trained / wall,
      wallSeconds: wall,
      peakMB: Math.round(process.resourceUsage().maxRSS / 1024),
      history: outcome.history.map((h, i) => ({
        bitsPerChar: h.heldOut.bitsPerToken,
        seconds: h.trainSeconds,
        wallSeconds: wallSoFar[i],
      })),
    }),
  );
}

runSide(main);
