/**
 * The ways `RNN: Memory Span…` can train the cells, each with why its measured result looks as it
 * does. The reasons come from the sweeps in the report of issue 12 (npm run memory-span), not from
 * the lesson: each recipe's text says what changes, the view adds what was measured this time.
 */
import { trainSettings } from '../training/settings';
import { MEMORY_SPAN_DEFAULTS } from './memorySpan';
import type { SpanSweep } from './memorySpanSweep';

/** How the cells are trained; the spans and seeds are the user's (settings). */
export type SpanTraining = Omit<SpanSweep, 'spans' | 'seeds'>;

export interface SpanRecipe {
  id: string;
  label: string;
  description: string;
  sweep: SpanTraining;
  /** Why this recipe's result looks as it does: one or two plain sentences. */
  why: string;
}

/** The task and model every recipe shares: npm run memory-span's defaults. */
const TASK: Omit<SpanTraining, 'settings' | 'init'> = {
  cells: ['rnn', 'lstm', 'gru'],
  hiddenSize: 16,
  symbols: MEMORY_SPAN_DEFAULTS.symbols,
  distractors: MEMORY_SPAN_DEFAULTS.distractors,
  trainSize: MEMORY_SPAN_DEFAULTS.trainSize,
};

/** The first measurement's training: npm run memory-span's defaults. */
const adam = trainSettings({
  epochs: 10,
  batchSize: 32,
  clipNorm: 5,
  optimizer: { name: 'adam', learningRate: 0.01 },
});

const sgd = trainSettings({
  epochs: 30,
  batchSize: 32,
  clipNorm: 5,
  optimizer: { name: 'sgd', learningRate: 0.1, momentum: 0.9 },
});

export const SPAN_RECIPES: readonly SpanRecipe[] = [
  {
    id: 'adam-gate-bias-3',
    label: 'Adam, gates biased by 3 to keep their state',
    description: 'Adam lr 0.01, 10 epochs; LSTM forget-gate and GRU update-gate bias 3',
    sweep: { ...TASK, settings: adam, init: { forgetGateBias: 3, updateGateBias: 3 } },
    why:
      "Adam rescales each weight's step, so even the vanilla RNN learns spans SGD cannot teach " +
      'it, but its state must carry the symbol through T tanh steps of distractors, and its ' +
      'gradient still shrinks at each. A gate biased by 3 keeps about 0.95 of its state per step ' +
      'at the start (0.95^20 ≈ 0.36), so the gated cells start out remembering, and the gradient ' +
      'reaches the first symbol through their kept state.',
  },
  {
    id: 'adam',
    label: "Adam, PyTorch's initialisation",
    description: 'Adam lr 0.01, 10 epochs: the first measurement, where the claim did not show',
    sweep: { ...TASK, settings: adam, init: {} },
    why:
      "Adam divides each weight's step by the size of that weight's recent gradients, so even " +
      "the vanilla RNN's vanishing gradient back to the first symbol takes full-size steps: it " +
      'learns long spans too. The gated cells are not ahead: their gates start keeping only half ' +
      'their state per step. Bias them to keep it (the first choice) to see them pull ahead.',
  },
  {
    id: 'sgd-gate-bias-3',
    label: 'SGD, gates biased by 3 to keep their state',
    description: 'SGD lr 0.1, 30 epochs; LSTM forget-gate and GRU update-gate bias 3',
    sweep: { ...TASK, settings: sgd, init: { forgetGateBias: 3, updateGateBias: 3 } },
    why:
      "SGD moves each weight in proportion to its gradient, and the vanilla RNN's gradient from " +
      'the answer back to the first symbol shrinks at every tanh step, so at long spans it barely ' +
      'learns. A gate biased by 3 keeps about 0.95 of its state per step at the start (0.95^20 ≈ ' +
      "0.36), so the gradient can still reach the first symbol through the gated cells' kept state.",
  },
  {
    id: 'sgd-gate-bias-1',
    label: 'SGD, gates biased by 1',
    description: 'SGD lr 0.1, 30 epochs; LSTM forget-gate and GRU update-gate bias 1',
    sweep: { ...TASK, settings: sgd, init: { forgetGateBias: 1, updateGateBias: 1 } },
    why:
      'A gate biased by 1 keeps about 0.73 of its state per step at the start: more than ' +
      "PyTorch's 0.5, but 0.73^20 ≈ 0.002, so at T = 20 the gradient through the gates has " +
      'mostly vanished too, and the gated cells learn the long spans on some seeds only.',
  },
  {
    id: 'sgd-pytorch-init',
    label: "SGD, PyTorch's initialisation",
    description: 'SGD lr 0.1, 30 epochs; every gate bias drawn like the other biases',
    sweep: { ...TASK, settings: sgd, init: {} },
    why:
      "With PyTorch's initialisation the LSTM's forget gate starts near 0.5, so its cell state, " +
      "and the gradient back through it, halves at every step, about as fast as a vanilla RNN's " +
      'fades: under SGD it loses its lead. Bias the gates to keep their state to give it back.',
  },
];

export const DEFAULT_SPAN_RECIPE = SPAN_RECIPES[0] as SpanRecipe;
