import type { SequenceData } from './recurrentStack';

/** Valid steps of each sequence in a time-major batch, from its mask. */
export function sequenceLengths(data: SequenceData): number[] {
  const lengths = new Array<number>(data.batch).fill(0);
  for (let t = 0; t < data.steps; t++) {
    for (let b = 0; b < data.batch; b++) if (data.mask[t * data.batch + b]) lengths[b] = t + 1;
  }
  return lengths;
}

/**
 * Each sequence read backwards within its own length, padding left at the end, as PyTorch's
 * packed bidirectional layers see it: the last valid step comes first.
 */
export function reverseSequences(data: SequenceData, limit = data.steps): SequenceData {
  const B = data.batch;
  const features = data.features ?? 1;
  const lengths = sequenceLengths(data).map((length) => Math.min(length, limit));
  const steps = Math.min(limit, data.steps);
  const mask = new Float32Array(steps * B);
  const tokens = data.tokens && new Int32Array(steps * B);
  const dense = data.dense && new Float32Array(steps * B * features);
  lengths.forEach((length, b) => {
    for (let t = 0; t < length; t++) {
      const from = (length - 1 - t) * B + b;
      const to = t * B + b;
      mask[to] = 1;
      if (tokens && data.tokens) tokens[to] = data.tokens[from] as number;
      if (dense && data.dense) {
        dense.set(data.dense.subarray(from * features, (from + 1) * features), to * features);
      }
    }
  });
  return { ...data, steps, mask, tokens, dense };
}
