/** The playground's settings as a training request, on the data bundled in media/data. */
import * as path from 'node:path';
import { BUNDLED_SERIES, forecastEpochs, readBundledSeries } from '../../core/tasks/forecasting';
import { readShakespeare, SHAKESPEARE_FILE, textEpochs } from '../../core/tasks/languageModel';
import { playgroundTraining, type PlaygroundSettings } from '../../core/tasks/playground';
import { settings } from '../settings';
import type { TrainingRequest } from './trainingController';

/** The airline passengers: the first bundled series, small enough to retrain in seconds. */
const PLAYGROUND_SERIES = BUNDLED_SERIES[0];

export function playgroundRequest(extensionPath: string, p: PlaygroundSettings): TrainingRequest {
  const data = (...parts: string[]): string => path.join(extensionPath, 'media', 'data', ...parts);
  const d = settings.training();
  const base = {
    epochs: d.epochs,
    seed: d.seed,
    schedule: settings.schedule(),
    dropout: d.dropout,
    weightAveraging: d.weightAveraging,
  };
  return playgroundTraining(p, base, {
    namesDirectory: data('names'),
    text: () => {
      const corpus = readShakespeare(data('text'));
      return { corpus, sourceName: SHAKESPEARE_FILE, epochs: textEpochs(corpus.text.length) };
    },
    series: () => {
      const series = readBundledSeries(data('timeseries'), PLAYGROUND_SERIES);
      return {
        series: { ...series, values: Array.from(series.values) },
        window: PLAYGROUND_SERIES.window,
        horizon: PLAYGROUND_SERIES.horizon,
        epochs: forecastEpochs(series.values.length),
      };
    },
  });
}
