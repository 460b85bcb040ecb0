import type { TrainSettings } from './trainer';

/**
 * What every training starts from, in the host, the CLI, the scripts and the tests: Adam at
 * 0.003 with a constant rate, batches of 64, gradient-norm clipping at 5, seed 42, no gradient
 * recording. Each caller names only what it changes.
 */
const DEFAULTS: TrainSettings = {
  epochs: 10,
  schedule: 'constant',
  batchSize: 64,
  optimizer: { name: 'adam', learningRate: 0.003 },
  clipNorm: 5,
  seed: 42,
  recordGradients: false,
};

export function trainSettings(overrides: Partial<TrainSettings> = {}): TrainSettings {
  return { ...DEFAULTS, ...overrides };
}
