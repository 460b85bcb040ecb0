import { generatorLanguages } from '../tasks/nameGeneration';
import type { ModelManifest } from '../io/modelFile';
import type { SequenceModel } from '../model/sequenceModel';
import {
  tokenInput,
  traceInput,
  type OutputEntry,
  type OutputReader,
  type SequenceTrace,
} from './trace';

/** How the Explorer reads a model of each task: what to type, and what its outputs mean. */
export interface SubjectReading {
  hint: string;
  trace(model: SequenceModel, input: string): SequenceTrace | { reason: string };
}

type Manifest = Pick<ModelManifest, 'task' | 'vocabulary' | 'labels' | 'taskOptions'>;

const MAX_STEPS = 200;
/** Characters that are invisible as a column heading or a prediction. */
export const visible = (symbol: string): string =>
  symbol === ' ' ? '␣' : symbol === '\n' ? '⏎' : symbol === '\t' ? '⇥' : symbol;

function classes(labels: readonly string[]): OutputReader {
  return { kind: 'classes', labels: labels.map(visible) };
}

function tokens(
  model: SequenceModel,
  manifest: Manifest,
  input: string,
  prefix: readonly string[] = [],
): SequenceTrace | { reason: string } {
  const traced = tokenInput(manifest.vocabulary, input, MAX_STEPS, prefix);
  if (!traced) return { reason: 'None of these characters is in the model’s vocabulary.' };
  traced.symbols = traced.symbols.map(visible);
  return traceInput(model, traced, classes(manifest.labels));
}

function forecastReading(manifest: Manifest): SubjectReading {
  const o = manifest.taskOptions ?? {};
  const mean = Number(o.mean);
  const std = Number(o.std);
  const window = Number(o.window);
  return {
    hint: `Up to ${MAX_STEPS} values of ${String(o.column)} separated by commas or spaces (the model was trained on windows of ${window})`,
    trace(model, input) {
      const values = input
        .split(/[\s,;]+/)
        .filter((v) => v.length > 0)
        .map(Number);
      if (values.length === 0 || values.some((v) => !Number.isFinite(v))) {
        return { reason: 'Type numbers separated by commas or spaces, for example 112, 118, 132.' };
      }
      const used = values.slice(-MAX_STEPS);
      const normalized = Float32Array.from(used, (v) => (v - mean) / std);
      const horizon = model.config.outputSize;
      const read = (outputs: Float32Array, t: number): OutputEntry[] => {
        const last = normalized[t] as number;
        const forecast = Array.from(
          { length: Math.min(3, horizon) },
          (_, h) => (last + (outputs[t * horizon + h] as number)) * std + mean,
        );
        const scale = Math.max(...forecast.map(Math.abs), 1e-9);
        return forecast.map((value, h) => ({
          label: `t+${h + 1}`,
          probability: Math.abs(value) / scale,
          display: value.toPrecision(4),
        }));
      };
      return traceInput(
        model,
        {
          input,
          symbols: used.map((v) => String(Number(v.toPrecision(4)))),
          separator: ' ',
          data: {
            steps: used.length,
            batch: 1,
            mask: new Float32Array(used.length).fill(1),
            dense: normalized,
            features: 1,
          },
        },
        { kind: 'values', read },
      );
    },
  };
}

export function subjectReading(manifest: Manifest): SubjectReading {
  switch (manifest.task) {
    case 'text':
      return {
        hint: 'Text to read; each column shows the most likely next characters',
        trace: (model, input) => tokens(model, manifest, input),
      };
    case 'name-generation': {
      const languages = generatorLanguages(manifest);
      return {
        hint: `Language: first letters, e.g. "${languages.includes('Russian') ? 'Russian' : languages[0]}: Ko"`,
        trace(model, input) {
          const match = /^\s*([A-Za-z]+)\s*:\s*(.*)$/.exec(input);
          const language = match?.[1] ?? languages[0] ?? '';
          if (!languages.includes(language)) {
            return { reason: `Start with one of the model's languages: ${languages.join(', ')}.` };
          }
          return tokens(model, manifest, match?.[2] ?? input, [`<${language}>`]);
        },
      };
    }
    case 'forecast':
      return forecastReading(manifest);
    default:
      return {
        hint: 'Type a name, e.g. Dostoevsky',
        trace: (model, input) => tokens(model, manifest, input),
      };
  }
}
