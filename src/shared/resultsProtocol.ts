/**
 * Messages between the Results panel (forecasts, side-by-side comparisons) and the extension
 * host. The webview posts `ready` first; the host then sends what to show.
 */
import type { OrderedInput } from '../core/explore/order';
import type { ComparedRun } from '../core/explore/teacherForcing';
import type { RunRecord } from '../core/runs/runRecord';
import type { ForecastReport } from '../core/tasks/forecasting';
import type { SpanReport } from '../core/tasks/memorySpanReport';

export type { ComparedRun, OrderedInput };

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
    }
  /** Runs from the history, one task's, compared: their curves overlaid and a table. */
  | { kind: 'runs'; title: string; runs: RunRecord[]; note: string }
  /** The cells raced on the long-memory task: held-out accuracy against the span T. */
  | { kind: 'memory-span'; title: string; report: SpanReport };

export type ResultsHostMessage = { type: 'show'; content: ResultsContent };

export type ResultsWebviewMessage =
  | { type: 'ready' }
  /** A compared run's row asked to open its model in the Explorer. */
  | { type: 'openRun'; id: string };

/** Run ids are made of a timestamp and hex digits (RunHistory.begin). */
const RUN_ID = /^[\w.-]{1,100}$/;

/** Webview messages are untrusted input: anything but a well-formed message gives undefined. */
export function parseResultsMessage(value: unknown): ResultsWebviewMessage | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const message = value as { type?: unknown; id?: unknown };
  if (message.type === 'ready') return { type: 'ready' };
  if (message.type === 'openRun' && typeof message.id === 'string' && RUN_ID.test(message.id))
    return { type: 'openRun', id: message.id };
  return undefined;
}
