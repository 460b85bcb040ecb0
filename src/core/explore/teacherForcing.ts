import { CLASSIC_SENTENCES, generateText, trainTextModel } from '../tasks/languageModel';
import type { TrainCallbacks, TrainSettings } from '../training/trainer';
import type { NextTokenScore } from '../training/nextToken';
import { trainSettings } from '../training/settings';

/** One training run of a comparison, e.g. teacher forcing against free-running. */
export interface ComparedRun {
  label: string;
  /** Training loss after each epoch. */
  trainLoss: number[];
  /** Held-out (or training-set) loss after each epoch. */
  heldOutLoss: number[];
  /** What the trained model produced from each prompt. */
  samples: Array<{ prompt: string; output: string; expected?: string }>;
}

/** The lessons' setting for the three sentences: a small vanilla RNN and a high learning rate. */
export const CLASSIC_SETTINGS: TrainSettings = trainSettings({
  epochs: 150,
  optimizer: { name: 'adam', learningRate: 0.01 },
});

/**
 * The same model and data trained twice, feeding the true previous character (teacher forcing)
 * or the model's own guess (free-running), and asked to finish each sentence from its first word.
 */
export async function compareTeacherForcing(
  settings: TrainSettings = CLASSIC_SETTINGS,
  callbacks: TrainCallbacks<NextTokenScore> = {},
): Promise<ComparedRun[]> {
  const runs: ComparedRun[] = [];
  for (const teacherForcing of [true, false]) {
    const { outcome, info } = await trainTextModel(
      { kind: 'sentences', lines: CLASSIC_SENTENCES },
      'the three sentences',
      {
        cell: 'rnn',
        hiddenSize: 32,
        numLayers: 1,
        sequenceLength: 50,
        truncatedBptt: false,
        teacherForcing,
      },
      settings,
      'n/a',
      callbacks,
    );
    try {
      const width = Math.max(...CLASSIC_SENTENCES.map((s) => s.length));
      runs.push({
        label: teacherForcing ? 'Teacher forcing' : 'Free-running',
        trainLoss: outcome.history.map((h) => h.trainLoss),
        heldOutLoss: outcome.history.map((h) => h.heldOut.loss),
        samples: CLASSIC_SENTENCES.map((sentence) => {
          const prompt = sentence.split(' ')[0] as string;
          return {
            prompt,
            output: generateText(outcome.model, info.vocabulary, {
              prime: prompt,
              length: width,
              temperature: 0,
              seed: 1,
            }),
            expected: sentence.padEnd(width, ' '),
          };
        }),
      });
    } finally {
      outcome.model.dispose();
    }
    if (!outcome.completed) break;
  }
  return runs;
}
