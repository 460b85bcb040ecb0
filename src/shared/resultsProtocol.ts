/**
 * Messages between the Results panel (forecasts, side-by-side comparisons) and the extension
 * host. The webview posts `ready` first; the host then sends what to show.
 */
import type { ForecastReport } from '../core/tasks/forecasting';

/** One training run of a comparison, e.g. teacher forcing against free-running. */
export interface ComparedRun {
  label: string;
  /** Training loss after each epoch. */
  trainLoss: number[];
  /** Held-out (or training-set, see `heldOutLabel`) loss after each epoch. */
  heldOutLoss: number[];
  /** What the trained model produced, e.g. generated text per priming string. */
  samples: Array<{ prompt: string; output: string; expected?: string }>;
}

/** One input of an order comparison: the same symbols in another order. */
export interface OrderedInput {
  input: string;
  /** The top layer's final hidden state. */
  finalState: number[];
  top: Array<{ label: string; probability: number }>;
}

export type ResultsContent =
  | { kind: 'forecast'; title: string; report: ForecastReport }
  | { kind: 'comparison'; title: string; lossLabel: string; runs: ComparedRun[]; note: string }
  | {
      kind: 'order';
      title: string;
      inputs: OrderedInput[];
      /** Euclidean distance between the first two final states. */
      distance: number;
      note: string;
    };

export type ResultsHostMessage = { type: 'show'; content: ResultsContent };

export type ResultsWebviewMessage = { type: 'ready' };

/** Webview messages are untrusted input: anything but a well-formed message gives undefined. */
export function parseResultsMessage(value: unknown): ResultsWebviewMessage | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  return (value as { type?: unknown }).type === 'ready' ? { type: 'ready' } : undefined;
}
