import { generatorLanguages } from '../tasks/nameGeneration';
import type { ModelManifest } from '../io/modelFile';
import type { SequenceModel } from '../model/sequenceModel';
import {
  tokenInput,
  traceInput,
  type OutputEntry,
  type OutputReader,
  type SequenceTrace,
  type TraceInput,
} from './trace';

/** How the Explorer reads a model of each task: what to type, and what its outputs mean. */
export interface SubjectReading {
  hint: string;
  /** The input as the model reads it (the State space view runs it without tracing). */
  input(input: string): TraceInput | { reason: string };
  trace(model: SequenceModel, input: string): SequenceTrace | { reason: string };
}

type Manifest = Pick<ModelManifest, 'task' | 'vocabulary' | 'labels' | 'taskOptions'>;

const MAX_STEPS = 200;
/** Characters that are invisible as a column heading or a prediction. */
const visible = (symbol: string): string =>
  symbol === ' ' ? '␣' : symbol === '\n' ? '⏎' : symbol === '\t' ? '⇥' : symbol;

function classes(labels: readonly string[]): OutputReader {
  return { kind: 'classes', labels: labels.map(visible) };
}

function tokens(
  manifest: Manifest,
  input: string,
  prefix: readonly string[] = [],
): TraceInput | { reason: string } {
  const traced = tokenInput(manifest.vocabulary, input, MAX_STEPS, prefix);
  if (!traced) return { reason: 'None of these characters is in the model’s vocabulary.' };
  traced.symbols = traced.symbols.map(visible);
  return traced;
}

/** A reading of character tokens, after `prefix(input)` says what comes first. */
function tokenReading(
  manifest: Manifest,
  hint: string,
  split: (input: string) => { text: string; prefix?: string[] } | { reason: string } = (text) => ({
    text,
  }),
): SubjectReading {
  const input = (text: string): TraceInput | { reason: string } => {
    const parts = split(text);
    return 'reason' in parts ? parts : tokens(manifest, parts.text, parts.prefix);
  };
  return {
    hint,
    input,
    trace(model, text) {
      const traced = input(text);
      return 'reason' in traced ? traced : traceInput(model, traced, classes(manifest.labels));
    },
  };
}

function forecastReading(manifest: Manifest): SubjectReading {
  const o = manifest.taskOptions ?? {};
  const mean = Number(o.mean);
  const std = Number(o.std);
  const window = Number(o.window);
  const series = (input: string): { used: number[]; normalized: Float32Array } | undefined => {
    const values = input
      .split(/[\s,;]+/)
      .filter((v) => v.length > 0)
      .map(Number);
    if (values.length === 0 || values.some((v) => !Number.isFinite(v))) return undefined;
    const used = values.slice(-MAX_STEPS);
    return { used, normalized: Float32Array.from(used, (v) => (v - mean) / std) };
  };
  const reason = 'Type numbers separated by commas or spaces, for example 112, 118, 132.';
  const input = (text: string): TraceInput | { reason: string } => {
    const read = series(text);
    if (!read) return { reason };
    return {
      input: text,
      symbols: read.used.map((v) => String(Number(v.toPrecision(4)))),
      separator: ' ',
      data: {
        steps: read.used.length,
        batch: 1,
        mask: new Float32Array(read.used.length).fill(1),
        dense: read.normalized,
        features: 1,
      },
    };
  };
  return {
    hint: `Up to ${MAX_STEPS} values of ${String(o.column)} separated by commas or spaces (the model was trained on windows of ${window})`,
    input,
    trace(model, text) {
      const traced = input(text);
      if ('reason' in traced) return traced;
      const normalized = traced.data.dense as Float32Array;
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
      return traceInput(model, traced, { kind: 'values', read });
    },
  };
}

export function subjectReading(manifest: Manifest): SubjectReading {
  switch (manifest.task) {
    case 'text':
      return tokenReading(
        manifest,
        'Text to read; each column shows the most likely next characters',
      );
    case 'name-generation': {
      const languages = generatorLanguages(manifest);
      return tokenReading(
        manifest,
        `Language: first letters, e.g. "${languages.includes('Russian') ? 'Russian' : languages[0]}: Ko"`,
        (input) => {
          const match = /^\s*([A-Za-z]+)\s*:\s*(.*)$/.exec(input);
          const language = match?.[1] ?? languages[0] ?? '';
          if (!languages.includes(language)) {
            return { reason: `Start with one of the model's languages: ${languages.join(', ')}.` };
          }
          return { text: match?.[2] ?? input, prefix: [`<${language}>`] };
        },
      );
    }
    case 'forecast':
      return forecastReading(manifest);
    default:
      return tokenReading(manifest, 'Type a name, e.g. Dostoevsky');
  }
}
