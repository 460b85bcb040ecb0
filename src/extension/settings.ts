import * as vscode from 'vscode';
import type { BackendPreference } from '../core/backend';
import type { CellType } from '../core/model/config';
import { NAMES_RECIPE } from '../core/tasks/names';
import type { LearningRateSchedule } from '../core/training/trainer';

const SECTION = 'rnnExplorer';

export interface TrainingDefaults {
  cell: CellType;
  hiddenSize: number;
  numLayers: number;
  epochs: number;
  learningRate: number;
  batchSize: number;
  clipNorm: number;
  seed: number;
  dropout: number;
  weightAveraging: number;
  bidirectional: boolean;
}

function clampInt(value: number, min: number, max: number, fallback: number): number {
  return Number.isFinite(value) ? Math.min(max, Math.max(min, Math.round(value))) : fallback;
}

/** Typed, range-checked reads: settings.json may hold anything. */
export const settings = {
  /** Threads a names training may use: 2 adds a helper thread for large enough steps. */
  trainingThreads(): 1 | 2 {
    return vscode.workspace.getConfiguration(`${SECTION}.training`).get<number>('threads', 1) === 2
      ? 2
      : 1;
  },
  backend(): BackendPreference {
    const value = vscode.workspace.getConfiguration(SECTION).get<string>('backend', 'auto');
    return (['auto', 'tensorflow', 'wasm', 'cpu'] as const).find((b) => b === value) ?? 'auto';
  },
  async setBackend(value: BackendPreference): Promise<void> {
    await vscode.workspace
      .getConfiguration(SECTION)
      .update('backend', value, vscode.ConfigurationTarget.Global);
  },
  hoverEnabled(): boolean {
    return vscode.workspace.getConfiguration(SECTION).get<boolean>('hover.enabled', true) !== false;
  },
  hoverLanguages(): string[] {
    const value = vscode.workspace.getConfiguration(SECTION).get<unknown>('hover.languages');
    return Array.isArray(value)
      ? value.filter((v): v is string => typeof v === 'string')
      : ['plaintext', 'markdown', 'csv'];
  },
  hoverMinLength(): number {
    return clampInt(
      vscode.workspace.getConfiguration(SECTION).get<number>('hover.minLength', 2),
      1,
      40,
      2,
    );
  },
  schedule(): LearningRateSchedule {
    const value = vscode.workspace
      .getConfiguration(`${SECTION}.training`)
      .get<string>('schedule', 'cosine');
    return value === 'constant' ? 'constant' : 'cosine';
  },
  /** The memory-span race's spans and seeds: whole numbers in range, sorted, each once. */
  epochWeightsKept(): number {
    return clampInt(
      vscode.workspace.getConfiguration(`${SECTION}.runs`).get<number>('epochWeights', 10),
      0,
      100,
      10,
    );
  },
  memorySpan(): { spans: number[]; seeds: number[] } {
    const c = vscode.workspace.getConfiguration(`${SECTION}.memorySpan`);
    const wholeNumbers = (key: string, min: number, max: number, fallback: number[]): number[] => {
      const value = c.get<unknown>(key);
      if (!Array.isArray(value)) return fallback;
      const valid = value.filter((v): v is number => Number.isInteger(v) && v >= min && v <= max);
      const unique = [...new Set(valid)].sort((a, b) => a - b).slice(0, 10);
      return unique.length > 0 ? unique : fallback;
    };
    return {
      // At least 1: the chart's span axis is logarithmic.
      spans: wholeNumbers('spans', 1, 200, [5, 10, 20, 40, 80]),
      seeds: wholeNumbers('seeds', 0, 2 ** 31 - 1, [1, 2, 3]),
    };
  },
  training(): TrainingDefaults {
    const c = vscode.workspace.getConfiguration(`${SECTION}.training`);
    const cell = c.get<string>('cell', 'gru');
    const learningRate = c.get<number>('learningRate', 0.003);
    const clipNorm = c.get<number>('clipNorm', 5);
    const dropout = c.get<number>('dropout', NAMES_RECIPE.dropout);
    const averaging = c.get<number>('weightAveraging', NAMES_RECIPE.weightAveraging);
    return {
      cell: (['gru', 'lstm', 'rnn'] as const).find((x) => x === cell) ?? 'gru',
      hiddenSize: clampInt(c.get<number>('hiddenSize', 128), 4, 1024, 128),
      numLayers: clampInt(c.get<number>('layers', 1), 1, 4, 1),
      epochs: clampInt(c.get<number>('epochs', 10), 1, 200, 10),
      learningRate:
        Number.isFinite(learningRate) && learningRate > 0 && learningRate <= 1
          ? learningRate
          : 0.003,
      batchSize: clampInt(c.get<number>('batchSize', 64), 1, 4096, 64),
      clipNorm: Number.isFinite(clipNorm) && clipNorm >= 0 ? clipNorm : 5,
      seed: clampInt(c.get<number>('seed', 42), 0, 2 ** 31 - 1, 42),
      dropout:
        Number.isFinite(dropout) && dropout >= 0 && dropout < 0.95 ? dropout : NAMES_RECIPE.dropout,
      weightAveraging:
        Number.isFinite(averaging) && averaging >= 0 && averaging < 1
          ? averaging
          : NAMES_RECIPE.weightAveraging,
      bidirectional: c.get<boolean>('bidirectional', false) === true,
    };
  },
};
