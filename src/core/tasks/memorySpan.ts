/**
 * The long-memory task of the lessons' central claim: a sequence starts with one of `symbols`
 * symbols to remember, then `span` random distractors follow, and the model must name the first
 * symbol after reading the last. Chance is 1 / symbols. The answer is `span` steps back, so the
 * gradient that teaches it crosses `span` steps: where it vanishes, the cell stays at chance.
 */
import type { EncodedSequence } from '../data/batches';
import type { CellType, ModelConfig } from '../model/config';
import type { InitOptions } from '../model/params';
import { SequenceModel } from '../model/sequenceModel';
import { Random } from '../random';
import { classificationSource } from '../training/classification';
import { trainModel, type TrainCallbacks, type TrainSettings } from '../training/trainer';

export interface MemorySpanOptions {
  /** Distractors between the symbol and the end: the memory span T. */
  span: number;
  /** Symbols to remember (the classes). */
  symbols: number;
  /** Distractor symbols, drawn uniformly. */
  distractors: number;
  trainSize: number;
  testSize: number;
  seed: number;
}

export const MEMORY_SPAN_DEFAULTS: Omit<MemorySpanOptions, 'span'> = {
  symbols: 4,
  distractors: 4,
  trainSize: 1000,
  testSize: 400,
  seed: 1,
};

export interface MemorySpanData {
  train: EncodedSequence[];
  test: EncodedSequence[];
  /** The symbols to remember (A, B, ...) then the distractors (a, b, ...). */
  vocabulary: string[];
  labels: string[];
}

export function memorySpanData(options: MemorySpanOptions): MemorySpanData {
  const { span, symbols, distractors, trainSize, testSize, seed } = options;
  if (!Number.isInteger(span) || span < 0) throw new Error('The span is a whole number, 0 or more');
  const random = new Random(seed);
  const pick = (n: number): number => Math.min(n - 1, Math.floor(random.next() * n));
  const sequence = (): EncodedSequence => {
    const label = pick(symbols);
    const ids = [label];
    for (let t = 0; t < span; t++) ids.push(symbols + pick(distractors));
    return { ids, label };
  };
  const labels = Array.from({ length: symbols }, (_, i) => String.fromCharCode(65 + i));
  const noise = Array.from({ length: distractors }, (_, i) => String.fromCharCode(97 + i));
  return {
    train: Array.from({ length: trainSize }, sequence),
    test: Array.from({ length: testSize }, sequence),
    vocabulary: [...labels, ...noise],
    labels,
  };
}

export function memorySpanConfig(
  cell: CellType,
  hiddenSize: number,
  options: Pick<MemorySpanOptions, 'symbols' | 'distractors'>,
): ModelConfig {
  return {
    cell,
    nonlinearity: 'tanh',
    inputKind: 'tokens',
    inputSize: options.symbols + options.distractors,
    hiddenSize,
    numLayers: 1,
    outputSize: options.symbols,
    head: 'last',
  };
}

export interface SpanResult {
  cell: CellType;
  span: number;
  /** Held-out accuracy after the last epoch. */
  accuracy: number;
  chance: number;
  trainSeconds: number;
}

/** Trains one cell at one span and returns its held-out accuracy; the model is disposed. */
export async function trainMemorySpan(
  cell: CellType,
  hiddenSize: number,
  options: MemorySpanOptions,
  settings: TrainSettings,
  callbacks: TrainCallbacks = {},
  init: InitOptions = {},
): Promise<SpanResult & { completed: boolean }> {
  const data = memorySpanData(options);
  const outcome = await trainModel(
    SequenceModel.create(memorySpanConfig(cell, hiddenSize, options), settings.seed, init),
    classificationSource(data.train, data.test, settings.batchSize),
    settings,
    callbacks,
  );
  outcome.model.dispose();
  const last = outcome.history[outcome.history.length - 1];
  return {
    cell,
    span: options.span,
    accuracy: last?.heldOut.accuracy ?? Number.NaN,
    chance: 1 / options.symbols,
    trainSeconds: outcome.trainSeconds,
    completed: outcome.completed,
  };
}
