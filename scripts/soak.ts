/**
 * `npm run soak -- [--minutes 10]`: the long run of issue 6, outside CI. Loops over everything a
 * user does with the engine (train, predict, trace for the Explorer, generate text, forecast) and
 * prints the live tensor count and the process memory after each loop; both must stay flat.
 */
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../src/core/backend';
import { traceSequence } from '../src/core/explore/trace';
import { runJob } from '../src/core/tasks/jobs';
import { CLASSIC_SENTENCES, generateText } from '../src/core/tasks/languageModel';
import { BUNDLED_SERIES, forecastReport, readBundledSeries } from '../src/core/tasks/forecasting';
import { NamesClassifier } from '../src/core/tasks/names';
import { trainSettings } from '../src/core/training/settings';

const ROOT = path.resolve(__dirname, '..');
const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    backend: { type: 'string', default: 'wasm' },
  },
});
const settings = (epochs: number, learningRate: number) =>
  trainSettings({ epochs, optimizer: { name: 'adam', learningRate }, recordGradients: true });

async function main(): Promise<void> {
  const backend = (await initBackend(values.backend as 'wasm')).name;
  const names = path.join(ROOT, 'media', 'data', 'names');
  const airline = BUNDLED_SERIES[0];
  const series = readBundledSeries(path.join(ROOT, 'media', 'data', 'timeseries'), airline);
  const deadline = Date.now() + Number(values.minutes) * 60_000;
  const samples: Array<{ tensors: number; rssMB: number }> = [];
  for (let loop = 1; Date.now() < deadline; loop++) {
    const classifier = await runJob(
      { task: 'names', dataDirectory: names, model: { cell: 'gru', hiddenSize: 32, numLayers: 1 } },
      settings(1, 0.003),
      backend,
    );
    const predictor = new NamesClassifier(classifier.model, classifier.info);
    for (const name of ['Dostoevsky', 'Nakamura', 'Schmidt', 'Rossi', 'O’Brien']) {
      predictor.predict(name);
      traceSequence(classifier.model, classifier.info.vocabulary, classifier.info.labels, name);
    }
    classifier.model.dispose();
    const text = await runJob(
      {
        task: 'text',
        corpus: { kind: 'sentences', lines: CLASSIC_SENTENCES },
        sourceName: 'classic',
        model: {
          cell: 'rnn',
          hiddenSize: 32,
          numLayers: 1,
          sequenceLength: 50,
          truncatedBptt: false,
          teacherForcing: true,
        },
      },
      settings(30, 0.01),
      backend,
    );
    generateText(text.model, text.info.vocabulary, {
      prime: 'good',
      length: 15,
      temperature: 0.5,
      seed: loop,
    });
    text.model.dispose();
    const forecast = await runJob(
      {
        task: 'forecast',
        series: { ...series, values: Array.from(series.values) },
        model: { cell: 'lstm', hiddenSize: 16, numLayers: 1, window: 24, horizon: 12 },
      },
      settings(3, 0.003),
      backend,
    );
    forecastReport(forecast.model, series, { window: 24, horizon: 12 });
    forecast.model.dispose();
    const sample = {
      tensors: tf.memory().numTensors,
      rssMB: Math.round(process.memoryUsage().rss / 2 ** 20),
    };
    samples.push(sample);
    console.log(`loop ${loop}: ${sample.tensors} tensors, RSS ${sample.rssMB} MB`);
  }
  const first = samples[0];
  const last = samples[samples.length - 1];
  const peak = Math.max(...samples.map((s) => s.rssMB));
  console.log(
    JSON.stringify({
      minutes: Number(values.minutes),
      loops: samples.length,
      backend,
      first,
      last,
      peakRssMB: peak,
    }),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
