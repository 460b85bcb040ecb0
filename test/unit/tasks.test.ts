import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { TextInputError } from '../../src/core/data/text';
import type { CellType } from '../../src/core/model/config';
import type { SequenceModel } from '../../src/core/model/sequenceModel';
import { Random } from '../../src/core/random';
import { seriesFromCsv, trainForecaster } from '../../src/core/tasks/forecasting';
import {
  CLASSIC_SENTENCES,
  generateText,
  prepareText,
  textSource,
  trainTextModel,
  type TextModelOptions,
} from '../../src/core/tasks/languageModel';
import { runJob } from '../../src/core/tasks/jobs';
import { generateNames, trainNameGenerator } from '../../src/core/tasks/nameGeneration';
import type { TrainSettings } from '../../src/core/training/trainer';
import { trainSettings } from '../../src/core/training/settings';
import { useTestBackend } from './helpers';

/**
 * The tasks end to end, on the bundled data, sized to run in well under 90 s on the cpu backend
 * (measured: 33-53 s on a loaded 2-core machine, about 10 s on wasm; most of it is the epoch over
 * the names data set).
 */
const ROOT = path.resolve(__dirname, '..', '..');

const settings = (overrides: Partial<TrainSettings>): TrainSettings =>
  trainSettings({ epochs: 1, optimizer: { name: 'adam', learningRate: 0.01 }, ...overrides });

const textOptions = (overrides: Partial<TextModelOptions>): TextModelOptions => ({
  cell: 'rnn',
  hiddenSize: 32,
  numLayers: 1,
  sequenceLength: 32,
  truncatedBptt: false,
  teacherForcing: true,
  ...overrides,
});

/** The lessons' recipe for the three sentences. */
const classicSettings = settings({
  epochs: 150,
  batchSize: CLASSIC_SENTENCES.length,
  optimizer: { name: 'adam', learningRate: 0.01 },
  clipNorm: 5,
  seed: 42,
});

function trainClassic(cell: CellType, teacherForcing: boolean) {
  return trainTextModel(
    { kind: 'sentences', lines: CLASSIC_SENTENCES },
    'classic sentences',
    textOptions({ cell, teacherForcing }),
    classicSettings,
    'test',
  );
}

/** The repository's copy of tiny Shakespeare, else the shared data folder's. */
function shakespeare(): string {
  const own = path.join(ROOT, 'media', 'data', 'text', 'tinyshakespeare.txt');
  const shared = path.join(ROOT, '..', 'shared', 'data', 'text', 'tinyshakespeare.txt');
  return fs.readFileSync(fs.existsSync(own) ? own : shared, 'utf8');
}

describe('character language model', () => {
  before(useTestBackend);
  const models: SequenceModel[] = [];
  let classic: { model: SequenceModel; vocabulary: string[] } | undefined;
  after(() => models.forEach((model) => model.dispose()));

  for (const cell of ['rnn', 'gru', 'lstm'] as CellType[]) {
    it(`${cell}: the classic check, "good" continues "good i am fine ", and free-running trains worse`, async () => {
      const forced = await trainClassic(cell, true);
      models.push(forced.outcome.model);
      assert.equal(forced.outcome.history.length, 150);
      const text = generateText(forced.outcome.model, forced.info.vocabulary, {
        prime: 'good',
        length: 15,
        temperature: 0,
        seed: 1,
      });
      assert.equal(text, 'good i am fine ');
      if (cell === 'rnn')
        classic = { model: forced.outcome.model, vocabulary: forced.info.vocabulary };

      const free = await trainClassic(cell, false);
      models.push(free.outcome.model);
      const lastLoss = (run: typeof forced) => run.outcome.history.at(-1)?.trainLoss as number;
      assert.ok(Number.isFinite(lastLoss(free)));
      assert.ok(
        lastLoss(free) > lastLoss(forced),
        `free-running ${lastLoss(free)} vs teacher forcing ${lastLoss(forced)}`,
      );
      assert.equal(free.info.taskOptions?.teacherForcing, false);
    });
  }

  it('refuses to prime with a character the model never saw', () => {
    const { model, vocabulary } = classic as NonNullable<typeof classic>;
    assert.throws(
      () =>
        generateText(model, vocabulary, { prime: 'Good!', length: 15, temperature: 0, seed: 1 }),
      (e: unknown) =>
        e instanceof TextInputError &&
        e.message ===
          'The model never saw "G", "!"; prime it with characters from its training text.',
    );
    assert.throws(
      () => generateText(model, vocabulary, { prime: '', length: 15, temperature: 0, seed: 1 }),
      (e: unknown) =>
        e instanceof TextInputError &&
        e.message === 'Give a priming string of at least one character.',
    );
  });

  it('samples repeatably at a temperature above 0 with a fixed seed', () => {
    const { model, vocabulary } = classic as NonNullable<typeof classic>;
    const sample = (seed: number) =>
      generateText(model, vocabulary, { prime: 'h', length: 40, temperature: 1.5, seed });
    const first = sample(7);
    assert.equal(first.length, 40);
    assert.ok(first.startsWith('h'));
    assert.ok([...first].every((ch) => vocabulary.includes(ch)));
    assert.equal(sample(7), first);
    // The seed matters: some other seed gives another text.
    assert.ok([8, 9, 10, 11].some((seed) => sample(seed) !== first));
  });

  const text = shakespeare().slice(0, 20_000);

  for (const truncatedBptt of [true, false]) {
    it(`streams tiny Shakespeare with truncated BPTT ${truncatedBptt ? 'on' : 'off'}`, async () => {
      const { outcome, info } = await trainTextModel(
        { kind: 'stream', text },
        'tinyshakespeare.txt',
        textOptions({ cell: 'gru', sequenceLength: 32, truncatedBptt }),
        settings({ epochs: 2, batchSize: 16 }),
        'test',
      );
      models.push(outcome.model);
      assert.equal(outcome.history.length, 2);
      assert.equal(info.taskOptions?.truncatedBptt, truncatedBptt);
      assert.equal(info.taskOptions?.heldOutIsUnseen, true);
      const bits = info.metrics?.bitsPerChar as number;
      assert.ok(Number.isFinite(bits));
      assert.ok(
        bits < Math.log2(info.vocabulary.length),
        `${bits} bits per character, not below log2(${info.vocabulary.length})`,
      );
      // The last tenth is held out and scored, every character after the first.
      assert.equal(info.metrics?.characters, 2_000);
    });
  }

  it('says which text its loss was scored on: the training lines for sentences, held-out text for a stream', async () => {
    const figures = async (corpus: Parameters<typeof trainTextModel>[0]) => {
      const result = await runJob(
        { task: 'text', corpus, sourceName: 'test', model: textOptions({ sequenceLength: 16 }) },
        settings({ epochs: 1, batchSize: 3 }),
        'test',
      );
      result.model.dispose();
      return result.history[0]!;
    };
    const lines = await figures({ kind: 'sentences', lines: CLASSIC_SENTENCES });
    assert.equal(lines.scoredOnTraining, true);
    assert.equal(lines.headline.name, 'bits per character on the training lines');
    const stream = await figures({ kind: 'stream', text: text.slice(0, 3_000) });
    assert.equal(stream.scoredOnTraining, undefined);
    assert.equal(stream.headline.name, 'held-out bits per character');
  });

  it('cuts a stream into chunks that continue each other, for truncated BPTT', () => {
    const prepared = prepareText({ kind: 'stream', text }, 32, 16);
    const decode = (ids: readonly number[]) => ids.map((id) => prepared.vocabulary[id]).join('');
    for (const offset of [0, 5]) {
      const chunks = prepared.trainChunks(offset);
      assert.ok(chunks.length > 2);
      assert.deepEqual(
        chunks.map((chunk) => chunk.continues),
        chunks.map((_, i) => i > 0),
      );
      const streams = (chunks[0] as (typeof chunks)[number]).sequences.length;
      assert.equal(streams, 16);
      let previousEnd = offset;
      for (let b = 0; b < streams; b++) {
        // Stream b read chunk after chunk is one stretch of the text, its targets one further.
        const inputs = decode(chunks.flatMap((chunk) => chunk.sequences[b]?.inputs ?? []));
        const targets = decode(chunks.flatMap((chunk) => chunk.sequences[b]?.targets ?? []));
        const start = text.indexOf(inputs, previousEnd);
        assert.ok(start >= previousEnd, `stream ${b} is not a stretch of the text`);
        if (b === 0) assert.equal(start, offset);
        assert.equal(targets, text.slice(start + 1, start + 1 + inputs.length));
        // Every chunk but the last is k = 32 characters long.
        chunks.slice(0, -1).forEach((chunk, i) => {
          assert.equal(chunk.sequences[b]?.inputs.length, 32, `chunk ${i} of stream ${b}`);
        });
        previousEnd = start + inputs.length;
      }
      // The streams share the training part between them; the held-out tenth is not in it.
      assert.ok(previousEnd <= Math.floor(text.length * 0.9));
    }
    // Training batches carry the state exactly when truncated BPTT is on.
    const random = () => new Random(1);
    const carried = textSource(prepared, textOptions({ truncatedBptt: true })).batches(random(), 1);
    assert.deepEqual(
      carried.map((batch) => batch.continues),
      carried.map((_, i) => i > 0),
    );
    const fresh = textSource(prepared, textOptions({ truncatedBptt: false })).batches(random(), 1);
    assert.ok(fresh.every((batch) => !batch.continues));
  });
});

describe('name generation', () => {
  before(useTestBackend);

  it('trains one epoch and generates names from a language and a prefix', async () => {
    const { outcome, info } = await trainNameGenerator(
      path.join(ROOT, 'media', 'data', 'names'),
      { cell: 'gru', hiddenSize: 32, numLayers: 1, teacherForcing: true },
      settings({ epochs: 1, batchSize: 64, optimizer: { name: 'adam', learningRate: 0.005 } }),
      'test',
    );
    const model = outcome.model;
    try {
      assert.ok(Number.isFinite(info.metrics?.bitsPerChar as number));
      const manifest = { vocabulary: info.vocabulary, labels: info.labels };
      const options = { language: 'Russian', prefix: 'Ab', count: 5, temperature: 0.8, seed: 3 };
      const names = generateNames(model, manifest, options);
      assert.equal(names.length, 5);
      assert.equal(new Set(names.map((n) => n.name)).size, 5);
      for (const { name, probability } of names) {
        assert.ok(name.startsWith('Ab') && name.length > 2, name);
        assert.ok(probability > 0 && probability <= 1);
      }
      assert.deepEqual(
        names.map((n) => n.probability),
        names.map((n) => n.probability).sort((a, b) => b - a),
      );
      assert.deepEqual(generateNames(model, manifest, options), names);
      // Temperature 0 is the single most likely continuation.
      const greedy = generateNames(model, manifest, { ...options, temperature: 0 });
      assert.equal(greedy.length, 1);
      assert.ok(greedy[0]?.name.startsWith('Ab'));
      assert.throws(
        () => generateNames(model, manifest, { ...options, language: 'Klingon' }),
        (e: unknown) =>
          e instanceof RangeError &&
          e.message ===
            '"Klingon" is not one of the model\'s languages: Arabic, Chinese, Czech, Dutch, ' +
              'English, French, German, Greek, Irish, Italian, Japanese, Korean, Polish, ' +
              'Portuguese, Russian, Scottish, Spanish, Vietnamese.',
      );
    } finally {
      model.dispose();
    }
  });
});

describe('forecasting', () => {
  before(useTestBackend);

  it('forecasts airline passengers better than the naive forecast, scaled on training data only', async () => {
    const csv = fs.readFileSync(
      path.join(ROOT, 'media', 'data', 'timeseries', 'airline-passengers.csv'),
      'utf8',
    );
    const series = seriesFromCsv(csv, 'airline-passengers.csv', 'Passengers');
    assert.equal(series.values.length, 144);
    assert.equal(series.times?.[0], '1949-01');
    const { outcome, info, report } = await trainForecaster(
      series,
      { cell: 'gru', hiddenSize: 16, numLayers: 1, window: 24, horizon: 12 },
      settings({ epochs: 40, batchSize: 32, optimizer: { name: 'adam', learningRate: 0.003 } }),
      'test',
    );
    try {
      const trainEnd = Math.round(144 * 0.8);
      assert.equal(report.trainEnd, trainEnd);
      assert.equal(report.seasonPeriod, 12);
      assert.ok(report.paths.length > 0);
      for (const p of report.paths) {
        assert.equal(p.values.length, 12);
        assert.ok(p.values.every(Number.isFinite));
        assert.ok(p.origin >= trainEnd && p.origin + 12 <= 144);
      }
      assert.equal(report.future.origin, 144);
      assert.equal(report.future.values.length, 12);
      assert.ok(report.future.values.every(Number.isFinite));
      assert.equal(report.oneStep.origin, trainEnd);
      assert.equal(report.oneStep.values.length, 144 - trainEnd - 12 + 1);
      const { rnn, naive, seasonalNaive } = report.errors;
      for (const errors of [rnn, naive, seasonalNaive]) {
        assert.ok(errors && Number.isFinite(errors.rmse) && Number.isFinite(errors.mae));
      }
      assert.ok(rnn.rmse < naive.rmse, `rnn RMSE ${rnn.rmse} vs naive ${naive.rmse}`);
      assert.equal(info.metrics?.rmse, rnn.rmse);

      // The scaler saw the training part only (population statistics, as the split fits them).
      const head = Array.from(series.values.subarray(0, trainEnd));
      const mean = head.reduce((a, b) => a + b, 0) / trainEnd;
      const std = Math.sqrt(head.reduce((a, b) => a + (b - mean) ** 2, 0) / trainEnd);
      const close = (a: unknown, b: number) =>
        assert.ok(Math.abs((a as number) - b) <= 1e-9 * Math.abs(b), `${String(a)} vs ${b}`);
      close(info.taskOptions?.mean, mean);
      close(info.taskOptions?.std, std);
      const all = Array.from(series.values);
      const wholeMean = all.reduce((a, b) => a + b, 0) / all.length;
      assert.ok(Math.abs(mean - wholeMean) > 10, 'the check needs a series with a trend');
    } finally {
      outcome.model.dispose();
    }
  });
});
