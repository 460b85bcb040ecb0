import type { NamesClassifier } from '../tasks/names';
import { traceSequence } from './trace';

/** One input of an order comparison. */
export interface OrderedInput {
  input: string;
  /** The top layer's final hidden state. */
  finalState: number[];
  top: Array<{ label: string; probability: number }>;
}

/** The same letters in another order: reversed, unless that reads the same, then rotated. */
export function reorder(input: string): string {
  const letters = [...input];
  const reversed = [...letters].reverse().join('');
  return reversed !== input ? reversed : [...letters.slice(1), letters[0] ?? ''].join('');
}

/**
 * "Input order matters": a recurrent state is a function of the sequence, not of the set of its
 * symbols, so the same letters in another order end in another state and prediction.
 */
export function compareOrders(
  classifier: NamesClassifier,
  inputs: readonly string[],
): { inputs: OrderedInput[]; distance: number } {
  const { model, manifest } = classifier;
  const traced: OrderedInput[] = [];
  for (const input of inputs) {
    const trace = traceSequence(model, manifest.vocabulary, manifest.labels, input);
    if (!trace) throw new RangeError(`"${input}" has no letters the model reads.`);
    const last = trace.steps[trace.steps.length - 1] as { layers: Array<{ h: number[] }> };
    const top = last.layers[last.layers.length - 1] as { h: number[] };
    traced.push({ input: trace.folded, finalState: top.h, top: trace.prediction.slice(0, 3) });
  }
  const [a, b] = traced;
  const distance =
    a && b ? Math.hypot(...a.finalState.map((v, i) => v - (b.finalState[i] ?? 0))) : 0;
  return { inputs: traced, distance };
}
