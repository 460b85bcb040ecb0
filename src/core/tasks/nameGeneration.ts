import { NAME_ALPHABET, Vocabulary } from '../data/alphabet';
import { bucketedBatches } from '../data/batches';
import { loadNamesOnce, type LabeledName } from '../data/names';
import type { ManifestInfo, ModelManifest } from '../io/modelFile';
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
} from '../training/trainer';

export const NAME_GENERATION_TASK = 'name-generation';
export const END_OF_NAME = '<end>';
/** Longer than any name in the data set (19); sampling stops here if the model never ends. */
const MAX_GENERATED_LENGTH = 24;

/**
 * One-to-many, as PyTorch's "generating names" tutorial, with the language given as the first
 * input token instead of a one-hot beside every letter: the model reads <Language>, then each
 * letter, and predicts the next letter or the end of the name.
 */
export function generationVocabulary(languages: readonly string[]): {
  inputs: string[];
  outputs: string[];
} {
  const outputs = [...NAME_ALPHABET, END_OF_NAME];
  return { inputs: [...outputs, ...languages.map((language) => `<${language}>`)], outputs };
}

export interface NameGenerationOptions {
  cell: CellType;
  hiddenSize: number;
  numLayers: number;
  teacherForcing: boolean;
}

function toSequences(items: readonly LabeledName[], languages: readonly string[]): TokenSequence[] {
  const { inputs } = generationVocabulary(languages);
  const index = new Map(inputs.map((symbol, i) => [symbol, i]));
  const end = index.get(END_OF_NAME) as number;
  return items.map((item) => {
    const letters = [...item.name].map((ch) => index.get(ch) as number);
    const language = index.get(`<${languages[item.label] as string}>`) as number;
    return { inputs: [language, ...letters], targets: [...letters, end] };
  });
}

export interface NameGenerationTraining {
  outcome: TrainOutcome<NextTokenScore>;
  info: ManifestInfo;
}

export async function trainNameGenerator(
  dataDirectory: string,
  options: NameGenerationOptions,
  settings: TrainSettings,
  backend: string,
  callbacks: TrainCallbacks<NextTokenScore> = {},
): Promise<NameGenerationTraining> {
  const dataset = loadNamesOnce(dataDirectory);
  const train = toSequences(dataset.train, dataset.languages);
  const heldOut = toSequences(dataset.test, dataset.languages);
  const vocabulary = generationVocabulary(dataset.languages);
  const config: ModelConfig = {
    cell: options.cell,
    nonlinearity: 'tanh',
    inputKind: 'tokens',
    inputSize: vocabulary.inputs.length,
    hiddenSize: options.hiddenSize,
    numLayers: options.numLayers,
    outputSize: vocabulary.outputs.length,
    head: 'all',
  };
  const model = SequenceModel.create(config, settings.seed);
  const evaluationChunks = inBatches(heldOut, 512).map((sequences) => ({
    sequences,
    continues: false,
  }));
  const info: ManifestInfo = {
    task: NAME_GENERATION_TASK,
    createdAt: new Date().toISOString(),
    vocabulary: vocabulary.inputs,
    labels: vocabulary.outputs,
    taskOptions: { teacherForcing: options.teacherForcing, languages: dataset.languages.join(',') },
  };
  const outcome = await trainModel(
    model,
    {
      batches: (random) =>
        bucketedBatches(train, settings.batchSize, random, (s) => s.inputs.length).map(
          (sequences) => nextTokenBatch(sequences, { teacherForcing: options.teacherForcing }),
        ),
      evaluate: (m) => scoreNextTokens(m, evaluationChunks),
    },
    settings,
    withCheckpointInfo(callbacks, info),
  );
  const last = outcome.history[outcome.history.length - 1];
  info.training = trainingRecord(settings, outcome, backend);
  if (last) {
    info.metrics = {
      bitsPerChar: last.heldOut.bitsPerToken,
      accuracy: last.heldOut.accuracy,
      names: heldOut.length,
    };
  }
  return { outcome, info };
}

/** Languages a generator was trained on, from its input tokens. */
export function generatorLanguages(manifest: Pick<ModelManifest, 'vocabulary'>): string[] {
  return manifest.vocabulary
    .filter((symbol) => /^<[A-Z]\w*>$/.test(symbol))
    .map((symbol) => symbol.slice(1, -1));
}

export interface GenerateNamesOptions {
  language: string;
  /** The first letters every name starts with; may be empty. */
  prefix: string;
  count: number;
  temperature: number;
  seed: number;
}

export interface GeneratedName {
  name: string;
  /** Probability the model gave this exact continuation, end included. */
  probability: number;
}

/** Distinct names, most likely first. */
export function generateNames(
  model: SequenceModel,
  manifest: Pick<ModelManifest, 'vocabulary' | 'labels'>,
  options: GenerateNamesOptions,
): GeneratedName[] {
  const languages = generatorLanguages(manifest);
  if (!languages.includes(options.language)) {
    throw new RangeError(
      `"${options.language}" is not one of the model's languages: ${languages.join(', ')}.`,
    );
  }
  const index = new Map(manifest.vocabulary.map((symbol, i) => [symbol, i]));
  const folded = new Vocabulary([...NAME_ALPHABET]).fold(options.prefix.trim());
  const prefix = folded.charAt(0).toUpperCase() + folded.slice(1);
  const end = manifest.labels.indexOf(END_OF_NAME);
  const C = model.config.outputSize;
  const random = new Random(options.seed);
  const found = new Map<string, number>();
  const attempts = options.temperature <= 0 ? 1 : options.count * 4;
  for (let attempt = 0; attempt < attempts && found.size < options.count; attempt++) {
    let states: LayerState[] | undefined;
    let probabilities: ArrayLike<number> = [];
    for (const symbol of [`<${options.language}>`, ...prefix]) {
      ({ probabilities, states } = stepModel(
        model,
        Int32Array.of(index.get(symbol) as number),
        states,
      ));
    }
    let name = prefix;
    let probability = 1;
    while ([...name].length < MAX_GENERATED_LENGTH) {
      const id = sampleToken(probabilities, 0, C, options.temperature, random);
      probability *= probabilities[id] as number;
      if (id === end) break;
      name += manifest.labels[id] as string;
      ({ probabilities, states } = stepModel(model, Int32Array.of(id), states));
    }
    if (name.length > 0) found.set(name, probability);
  }
  return [...found]
    .map(([name, probability]) => ({ name, probability }))
    .sort((a, b) => b.probability - a.probability);
}
