/**
 * The Training view's playground: the settings it offers, and the training each choice means.
 * Every task here trains on data bundled with the extension, so a change of setting can start
 * a run at once, with no prompt. Pure: the page reads the choices, the host builds the job.
 */
import type { CellType } from '../model/config';
import type { LearningRateSchedule, TrainSettings } from '../training/trainer';
import { trainSettings } from '../training/settings';
import type { TaskJob, TaskName } from './jobs';
import type { TextCorpus } from './languageModel';

export type PlaygroundTask = TaskName;

/** Each task, named with the bundled data it learns from in the playground. */
export const PLAYGROUND_TASKS: ReadonlyArray<{ task: PlaygroundTask; label: string }> = [
  { task: 'names', label: 'Name classifier (names of 18 languages)' },
  { task: 'name-generation', label: 'Name generator (names of 18 languages)' },
  { task: 'text', label: 'Text model (Tiny Shakespeare)' },
  { task: 'forecast', label: 'Forecaster (airline passengers)' },
];

/** What the playground's controls set; everything else comes from the extension's settings. */
export interface PlaygroundSettings {
  task: PlaygroundTask;
  cell: CellType;
  hiddenSize: number;
  numLayers: number;
  learningRate: number;
  /** Gradient-norm clipping threshold; 0 turns clipping off. */
  clipNorm: number;
  batchSize: number;
}

export type PlaygroundNumber = Exclude<keyof PlaygroundSettings, 'task' | 'cell'>;

export const PLAYGROUND_CELLS: readonly CellType[] = ['rnn', 'lstm', 'gru'];

/** The values each numeric menu offers; a run's own value joins them (menuValues). */
export const PLAYGROUND_CHOICES: Record<PlaygroundNumber, readonly number[]> = {
  hiddenSize: [8, 16, 32, 64, 128, 256],
  numLayers: [1, 2, 3],
  learningRate: [0.0003, 0.001, 0.003, 0.01, 0.03, 0.1],
  clipNorm: [0, 0.5, 1, 5, 10],
  batchSize: [8, 16, 32, 64, 128, 256],
};

/**
 * The range each control accepts from the page: the ranges of the rnnExplorer.training
 * settings (src/extension/settings.ts), so any run those settings start can be shown.
 */
export const PLAYGROUND_RANGES: Record<
  PlaygroundNumber,
  { min: number; max: number; integer: boolean }
> = {
  hiddenSize: { min: 4, max: 1024, integer: true },
  numLayers: { min: 1, max: 4, integer: true },
  learningRate: { min: 1e-6, max: 1, integer: false },
  clipNorm: { min: 0, max: 1000, integer: false },
  batchSize: { min: 1, max: 4096, integer: true },
};

/** A menu's values with `value` among them, in order, so the run shown is always selectable. */
export function menuValues(control: PlaygroundNumber, value: number): number[] {
  const values = PLAYGROUND_CHOICES[control];
  return values.includes(value) ? [...values] : [...values, value].sort((a, b) => a - b);
}

/** The settings `raw` holds if every one is a known task or cell, or a number in its range. */
export function parsePlaygroundSettings(raw: unknown): PlaygroundSettings | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const r = raw as Record<string, unknown>;
  const task = PLAYGROUND_TASKS.find((t) => t.task === r.task)?.task;
  const cell = PLAYGROUND_CELLS.find((c) => c === r.cell);
  if (!task || !cell) return undefined;
  const settings: PlaygroundSettings = {
    task,
    cell,
    hiddenSize: 0,
    numLayers: 0,
    learningRate: 0,
    clipNorm: 0,
    batchSize: 0,
  };
  for (const [control, range] of Object.entries(PLAYGROUND_RANGES)) {
    const value = r[control];
    if (
      typeof value !== 'number' ||
      !Number.isFinite(value) ||
      value < range.min ||
      value > range.max ||
      (range.integer && !Number.isInteger(value))
    )
      return undefined;
    settings[control as PlaygroundNumber] = value;
  }
  return settings;
}

/** The settings of a run, as the playground's controls show them. */
export function playgroundSettingsOf(job: TaskJob, settings: TrainSettings): PlaygroundSettings {
  return {
    task: job.task,
    cell: job.model.cell,
    hiddenSize: job.model.hiddenSize,
    numLayers: job.model.numLayers,
    learningRate: settings.optimizer.learningRate,
    clipNorm: settings.clipNorm,
    batchSize: settings.batchSize,
  };
}

/** What the playground does not set: the extension's training settings. */
export interface PlaygroundBase {
  /** The name classifier's epochs; the other tasks take their command's. */
  epochs: number;
  seed: number;
  schedule: LearningRateSchedule;
  dropout: number;
  weightAveraging: number;
}

/** The bundled data, read only for the task that needs it. */
export interface PlaygroundSources {
  namesDirectory: string;
  text(): { corpus: TextCorpus; sourceName: string; epochs: number };
  series(): {
    series: { name: string; column: string; values: number[]; times?: string[] };
    window: number;
    horizon: number;
    epochs: number;
  };
}

/**
 * The training a playground choice means: the job, its settings and its title. Each task's
 * options beyond the controls are those its training command starts with.
 */
export function playgroundTraining(
  p: PlaygroundSettings,
  base: PlaygroundBase,
  sources: PlaygroundSources,
): { job: TaskJob; settings: TrainSettings; title: string } {
  const model = { cell: p.cell, hiddenSize: p.hiddenSize, numLayers: p.numLayers };
  const name = `${p.cell.toUpperCase()} ${p.hiddenSize}${p.numLayers > 1 ? ` x${p.numLayers}` : ''}`;
  const settings = (epochs: number, extra: Partial<TrainSettings> = {}): TrainSettings =>
    trainSettings({
      epochs,
      batchSize: p.batchSize,
      optimizer: { name: 'adam', learningRate: p.learningRate },
      clipNorm: p.clipNorm,
      seed: base.seed,
      // The Explorer's gradient views read these.
      recordGradients: true,
      ...extra,
    });
  switch (p.task) {
    case 'names':
      return {
        job: {
          task: 'names',
          dataDirectory: sources.namesDirectory,
          model: { ...model, dropout: base.dropout, bidirectional: false },
        },
        settings: settings(base.epochs, {
          schedule: base.schedule,
          weightAveraging: base.weightAveraging,
        }),
        title: name,
      };
    case 'name-generation':
      return {
        job: {
          task: 'name-generation',
          dataDirectory: sources.namesDirectory,
          model: { ...model, teacherForcing: true },
        },
        settings: settings(NAME_GENERATION_EPOCHS),
        title: `${name} name generator`,
      };
    case 'text': {
      const { corpus, sourceName, epochs } = sources.text();
      return {
        job: {
          task: 'text',
          corpus,
          sourceName,
          model: { ...model, sequenceLength: 100, truncatedBptt: true, teacherForcing: true },
        },
        settings: settings(epochs),
        title: `${name} on ${sourceName}`,
      };
    }
    case 'forecast': {
      const { series, window, horizon, epochs } = sources.series();
      return {
        job: { task: 'forecast', series, model: { ...model, window, horizon } },
        settings: settings(epochs),
        title: `${name} on ${series.name} ${series.column}`,
      };
    }
  }
}

/** RNN: Train Name Generator's default epochs. */
export const NAME_GENERATION_EPOCHS = 5;

/** Before any run: the extension's defaults, on the name classifier. */
export function playgroundDefaults(
  d: Pick<
    PlaygroundSettings,
    'cell' | 'hiddenSize' | 'numLayers' | 'learningRate' | 'clipNorm' | 'batchSize'
  >,
): PlaygroundSettings {
  return {
    task: 'names',
    cell: d.cell,
    hiddenSize: d.hiddenSize,
    numLayers: d.numLayers,
    learningRate: d.learningRate,
    clipNorm: d.clipNorm,
    batchSize: d.batchSize,
  };
}
