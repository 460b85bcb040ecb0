import * as fs from 'node:fs';
import * as path from 'node:path';
import { characterVocabulary, decodeText, TextInputError } from '../data/text';
import type { ManifestInfo } from '../io/modelFile';
import type { CellType, ModelConfig } from '../model/config';
import type { LayerState } from '../model/recurrentStack';
import { SequenceModel } from '../model/sequenceModel';
import { Random } from '../random';
import { inBatches } from '../util';
import {
  nextTokenBatch,
  sampleToken,
  scoreNextTokens,
  stepModel,
  type NextTokenScore,
  type TokenSequence,
} from '../training/nextToken';
import { trainingRecord, withCheckpointInfo } from '../training/record';
import {
  trainModel,
  type TrainCallbacks,
  type TrainOutcome,
  type TrainSettings,
  type TrainingSource,
} from '../training/trainer';

export const TEXT_TASK = 'text';
/** The lessons' classic: after training, "good" at temperature 0 continues "good i am fine ". */
/** Epochs for a corpus of `characters`: about 400,000 characters in all, from 1 to 50 passes. */
export function textEpochs(characters: number): number {
  return Math.max(1, Math.min(50, Math.round(400_000 / characters)));
}

export const SHAKESPEARE_FILE = 'tinyshakespeare.txt';

/** The bundled Tiny Shakespeare from `directory` (media/data/text), as one stream. */
export function readShakespeare(directory: string): Extract<TextCorpus, { kind: 'stream' }> {
  const text = decodeText(
    fs.readFileSync(path.join(directory, SHAKESPEARE_FILE)),
    SHAKESPEARE_FILE,
  );
  return { kind: 'stream', text };
}

export const CLASSIC_SENTENCES = ['hey how are you', 'good i am fine', 'have a nice day'];
const HELD_OUT_FRACTION = 0.1;
const EVALUATION_STREAMS = 8;

/**
 * `sentences`: each line is its own sequence, padded with spaces to the longest, as the lessons
 * do. `stream`: one long text read in chunks; the last tenth is held out.
 */
export type TextCorpus = { kind: 'sentences'; lines: string[] } | { kind: 'stream'; text: string };

export interface TextModelOptions {
  cell: CellType;
  hiddenSize: number;
  numLayers: number;
  /** Characters per training chunk: the k of truncated BPTT. */
  sequenceLength: number;
  /** Carry the state from chunk to chunk (truncated BPTT) instead of starting each from zeros. */
  truncatedBptt: boolean;
  /** Feed the true previous character (teacher forcing) or the model's own guess (free-running). */
  teacherForcing: boolean;
}

interface Chunk {
  sequences: TokenSequence[];
  continues: boolean;
}

export interface PreparedText {
  vocabulary: string[];
  /** Builds an epoch's chunks; `offset` shifts the chunk boundaries of a stream. */
  trainChunks(offset: number): Chunk[];
  heldOut: Chunk[];
  /** Whether the held-out score is on unseen text (false for sentences: too few to split). */
  heldOutIsUnseen: boolean;
  characters: number;
}

function encoder(vocabulary: readonly string[]): (text: string) => number[] {
  const index = new Map(vocabulary.map((ch, i) => [ch, i]));
  return (text) => [...text].map((ch) => index.get(ch) as number);
}

/** B parallel streams over `ids`, cut into chunks of k (the layout of char-rnn's batches). */
function streamChunks(ids: readonly number[], streams: number, k: number, offset: number): Chunk[] {
  const usable = ids.length - 1 - offset;
  const B = Math.max(1, Math.min(streams, Math.floor(usable / k)));
  const span = Math.floor(usable / B);
  const chunks: Chunk[] = [];
  for (let start = 0; start < span; start += k) {
    const length = Math.min(k, span - start);
    const sequences = Array.from({ length: B }, (_, b) => {
      const from = offset + b * span + start;
      return {
        inputs: ids.slice(from, from + length),
        targets: ids.slice(from + 1, from + length + 1),
      };
    });
    chunks.push({ sequences, continues: start > 0 });
  }
  return chunks;
}

export function prepareText(
  corpus: TextCorpus,
  sequenceLength: number,
  batchSize: number,
): PreparedText {
  if (corpus.kind === 'sentences') {
    const width = Math.max(...corpus.lines.map((line) => [...line].length));
    const padded = corpus.lines.map((line) => line.padEnd(width, ' '));
    const vocabulary = characterVocabulary(padded.join(''), 'The sentences');
    const encode = encoder(vocabulary);
    const sequences = padded.map((line) => {
      const ids = encode(line);
      return { inputs: ids.slice(0, -1), targets: ids.slice(1) };
    });
    const batches: Chunk[] = inBatches(sequences, batchSize).map((part) => ({
      sequences: part,
      continues: false,
    }));
    return {
      vocabulary,
      trainChunks: () => batches,
      heldOut: batches,
      heldOutIsUnseen: false,
      characters: width * padded.length,
    };
  }
  const vocabulary = characterVocabulary(corpus.text, 'The text');
  const ids = encoder(vocabulary)(corpus.text);
  const split = Math.floor(ids.length * (1 - HELD_OUT_FRACTION));
  const train = ids.slice(0, split);
  const heldOut = ids.slice(split - 1);
  const k = Math.min(sequenceLength, Math.max(1, Math.floor((train.length - 1) / 2)));
  if (train.length < 3 || heldOut.length < 2) {
    throw new TextInputError('The text is too short to hold out a tenth of it; give it more text.');
  }
  return {
    vocabulary,
    trainChunks: (offset) => streamChunks(train, batchSize, k, offset % k),
    heldOut: streamChunks(heldOut, EVALUATION_STREAMS, k, 0),
    heldOutIsUnseen: true,
    characters: ids.length,
  };
}

export function textModelConfig(options: TextModelOptions, vocabularySize: number): ModelConfig {
  return {
    cell: options.cell,
    nonlinearity: 'tanh',
    inputKind: 'tokens',
    inputSize: vocabularySize,
    hiddenSize: options.hiddenSize,
    numLayers: options.numLayers,
    outputSize: vocabularySize,
    head: 'all',
  };
}

export function textSource(
  prepared: PreparedText,
  options: TextModelOptions,
): TrainingSource<NextTokenScore> {
  return {
    batches: (random) =>
      prepared.trainChunks(Math.floor(random.next() * options.sequenceLength)).map((chunk) =>
        nextTokenBatch(chunk.sequences, {
          teacherForcing: options.teacherForcing,
          continues: options.truncatedBptt && chunk.continues,
        }),
      ),
    evaluate: (model) => scoreNextTokens(model, prepared.heldOut),
  };
}

export interface TextTraining {
  outcome: TrainOutcome<NextTokenScore>;
  info: ManifestInfo;
}

export async function trainTextModel(
  corpus: TextCorpus,
  sourceName: string,
  options: TextModelOptions,
  settings: TrainSettings,
  backend: string,
  callbacks: TrainCallbacks<NextTokenScore> = {},
): Promise<TextTraining> {
  const prepared = prepareText(corpus, options.sequenceLength, settings.batchSize);
  const model = SequenceModel.create(
    textModelConfig(options, prepared.vocabulary.length),
    settings.seed,
  );
  const info: ManifestInfo = {
    task: TEXT_TASK,
    createdAt: new Date().toISOString(),
    vocabulary: prepared.vocabulary,
    labels: prepared.vocabulary,
    taskOptions: {
      source: sourceName,
      characters: prepared.characters,
      sequenceLength: options.sequenceLength,
      truncatedBptt: options.truncatedBptt,
      teacherForcing: options.teacherForcing,
      heldOutIsUnseen: prepared.heldOutIsUnseen,
    },
  };
  const outcome = await trainModel(
    model,
    textSource(prepared, options),
    settings,
    withCheckpointInfo(callbacks, info),
  );
  const last = outcome.history[outcome.history.length - 1];
  info.training = trainingRecord(settings, outcome, backend);
  if (last) {
    info.metrics = {
      bitsPerChar: last.heldOut.bitsPerToken,
      accuracy: last.heldOut.accuracy,
      characters: last.heldOut.tokens,
    };
  }
  return { outcome, info };
}

export interface GenerateOptions {
  prime: string;
  /** Characters in the result, the priming string included (as the lessons' `sample`). */
  length: number;
  temperature: number;
  seed: number;
}

/** Primes the model with `prime`, then samples one character at a time. */
export function generateText(
  model: SequenceModel,
  vocabulary: readonly string[],
  options: GenerateOptions,
): string {
  const index = new Map(vocabulary.map((ch, i) => [ch, i]));
  const prime = [...options.prime];
  if (prime.length === 0)
    throw new TextInputError('Give a priming string of at least one character.');
  const unknown = [...new Set(prime.filter((ch) => !index.has(ch)))];
  if (unknown.length > 0) {
    throw new TextInputError(
      `The model never saw ${unknown.map((ch) => JSON.stringify(ch)).join(', ')}; prime it with characters from its training text.`,
    );
  }
  const random = new Random(options.seed);
  const C = model.config.outputSize;
  let states: LayerState[] | undefined;
  let out = prime.join('');
  let probabilities: ArrayLike<number> = [];
  for (const ch of prime) {
    ({ probabilities, states } = stepModel(model, Int32Array.of(index.get(ch) as number), states));
  }
  for (let produced = prime.length; produced < options.length; produced++) {
    const id = sampleToken(probabilities, 0, C, options.temperature, random);
    out += vocabulary[id] as string;
    ({ probabilities, states } = stepModel(model, Int32Array.of(id), states));
  }
  return out;
}
