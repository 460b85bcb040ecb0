/**
 * The editor's surprise colouring, timed: a text model reads a 10,000-character document and the
 * decoration runs are built, as `RNN: Show Model Surprise` does on every (debounced) edit.
 * The timed region holds readText (the recurrent stack over every character in chunks, the
 * head, log-softmax, each character's bits, the top 5 next characters after each, the top
 * layer's states kept) and colourRuns (each character's bin, runs merged per bin). It leaves out
 * what needs VS Code: turning offsets into Ranges and setDecorations.
 *
 * No text model is bundled, so one is trained here first on the start of Tiny Shakespeare, with
 * the sizes `RNN: Train Text Model…` gives a file (GRU, hidden 128, one layer). How well it is
 * trained does not change the arithmetic timed. The document is the Shakespeare that follows.
 * editNearEndMedianMs times the same after one character typed at 95 % of the document, read
 * again from the chunk it falls in (readText's `previous`), as the colouring does after an edit.
 * Usage: npm run bench:surprise -- [--backend wasm] [--cell gru] [--hidden 128] [--repeats 20]
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { enableRelaxedSimd } from '../src/cli/relaxedSimd';
import { initBackend, type BackendPreference } from '../src/core/backend';
import { readText } from '../src/core/explore/surprise';
import type { CellType } from '../src/core/model/config';
import { readShakespeare, trainTextModel } from '../src/core/tasks/languageModel';
import { trainSettings } from '../src/core/training/settings';
import { colourRuns } from '../src/shared/readingColours';

const ROOT = path.resolve(__dirname, '..');
const TRAINING_CHARACTERS = 20_000;
const DOCUMENT_CHARACTERS = 10_000;
const TARGET_MS = 100;

async function main(): Promise<void> {
  enableRelaxedSimd();
  const { values } = parseArgs({
    options: {
      backend: { type: 'string', default: 'wasm' },
      cell: { type: 'string', default: 'gru' },
      hidden: { type: 'string', default: '128' },
      repeats: { type: 'string', default: '20' },
    },
  });
  const backend = await initBackend(values.backend as BackendPreference);
  const shakespeare = readShakespeare(path.join(ROOT, 'media', 'data', 'text')).text;
  const training = shakespeare.slice(0, TRAINING_CHARACTERS);
  const document = shakespeare.slice(
    TRAINING_CHARACTERS,
    TRAINING_CHARACTERS + DOCUMENT_CHARACTERS,
  );
  const cell = values.cell as CellType;
  const hiddenSize = Number(values.hidden);
  const started = performance.now();
  const { outcome, info } = await trainTextModel(
    { kind: 'stream', text: training },
    'tinyshakespeare.txt',
    {
      cell,
      hiddenSize,
      numLayers: 1,
      sequenceLength: 100,
      truncatedBptt: true,
      teacherForcing: true,
    },
    trainSettings({ epochs: 1, batchSize: 32, optimizer: { name: 'adam', learningRate: 0.003 } }),
    backend.name,
  );
  const trainedSeconds = (performance.now() - started) / 1000;
  const { model } = outcome;
  const time = (): { ms: number; cpuMs: number; meanBits: number; ranges: number } => {
    const cpu = process.cpuUsage();
    const start = performance.now();
    const reading = readText(model, info.vocabulary, document);
    const runs = colourRuns(reading, { kind: 'surprise' });
    const ms = performance.now() - start;
    const used = process.cpuUsage(cpu);
    const scored = Array.from(reading.bits).filter((b) => !Number.isNaN(b));
    return {
      ms,
      cpuMs: (used.user + used.system) / 1000,
      meanBits: scored.reduce((a, b) => a + b, 0) / scored.length,
      ranges: runs.reduce((total, bin) => total + bin.length, 0),
    };
  };
  // Typing near the end: one character inserted at 95 % re-reads from the chunk it falls in.
  const whole = readText(model, info.vocabulary, document);
  const at = Math.floor(DOCUMENT_CHARACTERS * 0.95);
  const edited = `${document.slice(0, at)}e${document.slice(at)}`;
  const timeEdit = (): number => {
    const start = performance.now();
    colourRuns(readText(model, info.vocabulary, edited, { previous: whole }), {
      kind: 'surprise',
    });
    return performance.now() - start;
  };
  // Two untimed passes first: the kernel's memory grows to size and the JIT warms up.
  time();
  time();
  const runs = Array.from({ length: Number(values.repeats) }, time);
  timeEdit();
  const editTimes = Array.from({ length: Number(values.repeats) }, timeEdit);
  const sorted = (values: number[]): number[] => [...values].sort((a, b) => a - b);
  const median = (values: number[]): number =>
    ((values[(values.length - 1) >> 1] as number) + (values[values.length >> 1] as number)) / 2;
  const times = sorted(runs.map((run) => run.ms));
  const cpuTimes = sorted(runs.map((run) => run.cpuMs));
  const last = runs[runs.length - 1] as { meanBits: number; ranges: number };
  const result = {
    backend: backend.name,
    kernel: backend.kernel,
    model: `${cell.toUpperCase()} ${hiddenSize}, 1 layer, ${info.vocabulary.length} characters, 1 epoch on ${TRAINING_CHARACTERS} characters of Tiny Shakespeare (${trainedSeconds.toFixed(1)} s)`,
    document: `${document.length} characters of Tiny Shakespeare after the training text`,
    timed: 'readText + colourRuns (no VS Code Ranges or setDecorations)',
    repeats: times.length,
    medianMs: Number(median(times).toFixed(1)),
    minMs: Number((times[0] as number).toFixed(1)),
    maxMs: Number((times[times.length - 1] as number).toFixed(1)),
    // The process's CPU time in the region: on a busy machine wall time also holds the time
    // other processes had the core, which the colouring does not cost on an idle one.
    cpuMedianMs: Number(median(cpuTimes).toFixed(1)),
    cpuMinMs: Number((cpuTimes[0] as number).toFixed(1)),
    cpuMaxMs: Number((cpuTimes[cpuTimes.length - 1] as number).toFixed(1)),
    loadAverage: os.loadavg().map((load) => Number(load.toFixed(2))),
    targetMs: TARGET_MS,
    editNearEndMedianMs: Number(median(sorted(editTimes)).toFixed(1)),
    meanBits: Number(last.meanBits.toFixed(3)),
    decorationRanges: last.ranges,
  };
  console.log(JSON.stringify(result, null, 2));
  model.dispose();
}

void main();
