import { batchData, packBatch, type EncodedSequence } from '../data/batches';
import { loadNamesOnce, type NamesDataset } from '../data/names';
import { Vocabulary } from '../data/alphabet';
import type { ManifestInfo, ModelManifest } from '../io/modelFile';
import type { CellType, ModelConfig } from '../model/config';
import { occludedValues } from '../explore/saliency';
import { infer } from '../model/inference';
import type { SequenceModel } from '../model/sequenceModel';
import { trainingRecord, withCheckpointInfo } from '../training/record';
import {
  trainClassifier,
  type TrainCallbacks,
  type TrainOutcome,
  type TrainSettings,
} from '../training/trainer';

export const NAMES_TASK = 'names';
export const NAMES_SPLIT = 'name-disjoint: test when crc32(utf8(name)) % 5 == 0';
/** Longer input is not a surname; cutting it off keeps hover and prediction fast. */
export const MAX_NAME_LENGTH = 40;

const SURNAME = /^\p{Lu}[\p{L}\p{M}'’-]*$/u;

/** The hover's test: a capitalised word of letters, not an all-capitals acronym (USA, HTML). */
export function looksLikeSurname(word: string, minLength: number): boolean {
  const length = [...word].length;
  if (length < minLength || length > MAX_NAME_LENGTH || !SURNAME.test(word)) return false;
  return length <= 2 || /\p{Ll}/u.test(word);
}

/**
 * The training recipe the CLI and the extension default to. Dropout before the head and an
 * average of the weights (decay 0.998, about the last two epochs) each cut the noise of the
 * last step; together they add about a point of held-out accuracy at 10 epochs (measured in the
 * README). A cosine schedule was measured too and did worse here.
 */
export const NAMES_RECIPE = { dropout: 0.3, weightAveraging: 0.998, schedule: 'constant' } as const;

export interface NamesModelOptions {
  cell: CellType;
  hiddenSize: number;
  numLayers: number;
  dropout?: number;
  /** Read each name both ways (PyTorch's bidirectional=True); one layer only. */
  bidirectional?: boolean;
}

export function namesModelConfig(options: NamesModelOptions, dataset: NamesDataset): ModelConfig {
  return {
    cell: options.cell,
    nonlinearity: 'tanh',
    inputKind: 'tokens',
    inputSize: dataset.vocabulary.size,
    hiddenSize: options.hiddenSize,
    numLayers: options.numLayers,
    outputSize: dataset.languages.length,
    head: 'last',
    dropout: options.dropout ?? 0,
    bidirectional: options.bidirectional ?? false,
  };
}

export function encodeNames(dataset: NamesDataset): {
  train: EncodedSequence[];
  test: EncodedSequence[];
} {
  const encode = (items: NamesDataset['train']): EncodedSequence[] =>
    items.map((item) => ({ ids: dataset.vocabulary.encode(item.name), label: item.label }));
  return { train: encode(dataset.train), test: encode(dataset.test) };
}

/** The held-out names in the split's order, which is the order of an evaluation's predictions. */
export interface HeldOutNames {
  names: string[];
  labels: number[];
  languages: string[];
}

export function heldOutNames(dataset: NamesDataset): HeldOutNames {
  return {
    names: dataset.test.map((n) => n.name),
    labels: dataset.test.map((n) => n.label),
    languages: dataset.languages,
  };
}

/** The held-out names of language `actual` that `predictions` assigned to `predicted`. */
export function misclassifiedNames(
  heldOut: HeldOutNames,
  predictions: ArrayLike<number>,
  actual: number,
  predicted: number,
): string[] {
  return heldOut.names.filter(
    (_, i) => heldOut.labels[i] === actual && predictions[i] === predicted,
  );
}

export interface NamesTraining {
  outcome: TrainOutcome;
  info: ManifestInfo;
}

export async function trainNames(
  dataDirectory: string,
  options: NamesModelOptions,
  settings: TrainSettings,
  backend: string,
  callbacks: TrainCallbacks = {},
): Promise<NamesTraining> {
  const dataset = loadNamesOnce(dataDirectory);
  const { train, test } = encodeNames(dataset);
  const info: ManifestInfo = {
    task: NAMES_TASK,
    createdAt: new Date().toISOString(),
    vocabulary: [...dataset.vocabulary.symbols],
    labels: dataset.languages,
  };
  const outcome = await trainClassifier(
    namesModelConfig(options, dataset),
    train,
    test,
    settings,
    withCheckpointInfo(callbacks, info),
  );
  const last = outcome.history[outcome.history.length - 1];
  info.training = trainingRecord(settings, outcome, backend);
  if (last) {
    info.heldOut = {
      accuracy: last.heldOut.accuracy,
      macroAccuracy: last.heldOut.macroAccuracy,
      loss: last.heldOut.loss,
      size: test.length,
      split: NAMES_SPLIT,
    };
  }
  return { outcome, info };
}

export interface LanguageScore {
  language: string;
  probability: number;
}

export type NamePrediction =
  | { ok: true; name: string; folded: string; top: LanguageScore[]; prefixes: PrefixPrediction[] }
  | { ok: false; name: string; reason: string };

/** One letter's occlusion (see `Saliency`): how much log P(language) falls without it, in nats. */
export interface LetterContribution {
  letter: string;
  /** 0-based position in the folded name. */
  position: number;
  nats: number;
}

export interface PrefixPrediction {
  prefix: string;
  top: LanguageScore[];
}

function ranked(
  probabilities: Float32Array,
  offset: number,
  labels: readonly string[],
  k: number,
): LanguageScore[] {
  return labels
    .map((language, c) => ({ language, probability: probabilities[offset + c] as number }))
    .sort((a, b) => b.probability - a.probability)
    .slice(0, k);
}

/** A names model ready to answer: folds input to its alphabet and ranks languages. */
export class NamesClassifier {
  private readonly vocabulary: Vocabulary;

  constructor(
    readonly model: SequenceModel,
    readonly manifest: Pick<ModelManifest, 'vocabulary' | 'labels'>,
  ) {
    this.vocabulary = new Vocabulary(manifest.vocabulary);
  }

  predict(name: string, k = 5): NamePrediction {
    const trimmed = name.trim();
    if (trimmed.length === 0)
      return { ok: false, name, reason: 'Type a name: the input is empty.' };
    if ([...trimmed].length > MAX_NAME_LENGTH) {
      return {
        ok: false,
        name,
        reason: `That is longer than ${MAX_NAME_LENGTH} characters; a surname is shorter.`,
      };
    }
    const folded = this.vocabulary.fold(trimmed);
    if (!/[A-Za-z]/.test(folded)) {
      return {
        ok: false,
        name,
        reason:
          'The name has no Latin letters after removing accents, so the model cannot read it.',
      };
    }
    const ids = this.vocabulary.encode(folded);
    const { stepProbabilities, probabilities } = infer(
      this.model,
      batchData(packBatch([{ ids, label: 0 }])),
    );
    const labels = this.manifest.labels;
    const classes = labels.length;
    const prefixes = ids.map((_, t) => ({
      prefix: folded.slice(0, t + 1),
      top: ranked(stepProbabilities, t * classes, labels, 3),
    }));
    return { ok: true, name: trimmed, folded, top: ranked(probabilities, 0, labels, k), prefixes };
  }

  /**
   * Each letter of a folded name (as `predict` returns it) by occlusion for `language`: log
   * P(language) minus the same with that letter's input set to zero. All of them come from one
   * forward pass of n + 1 sequences, so a hover pays for one small batch, not n passes.
   */
  letterContributions(folded: string, language: string): LetterContribution[] {
    const ids = this.vocabulary.encode(folded);
    const index = this.manifest.labels.indexOf(language);
    if (ids.length === 0 || index < 0) return [];
    const data = batchData(packBatch([{ ids, label: 0 }]));
    const [whole, ...without] = occludedValues(this.model, data, {
      kind: 'class',
      index,
      step: ids.length - 1,
    }) as [number, ...number[]];
    const symbols = [...folded];
    return without.map((value, position) => ({
      letter: symbols[position] ?? '',
      position,
      nats: whole - value,
    }));
  }
}
