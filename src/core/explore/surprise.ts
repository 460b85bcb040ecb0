/**
 * A character language model reading a whole document: how surprised it is by each character,
 * what it expects next, and its top layer's hidden state, for colouring a text editor.
 */
import { recurrenceKernel } from '../kernel/recurrenceKernel';
import { finalStates, type LayerState } from '../model/recurrentStack';
import type { SequenceModel } from '../model/sequenceModel';

/**
 * Steps per call of the kernel. The model has no maximum length, but the kernel's memory grows
 * with the steps of one call; chunks carry the state, so the result does not depend on this.
 * After an edit the chunk it falls in is read again from its start, so a chunk is kept short;
 * a call costs little next to 512 steps.
 */
export const READ_CHUNK = 512;
export const TOP_NEXT = 5;

export interface TextReading {
  vocabulary: readonly string[];
  hiddenSize: number;
  /** The document's characters (code points), in order. */
  characters: string[];
  /** Each character's UTF-16 offset in the document, and the document's length last: [n+1]. */
  offsets: Int32Array;
  /**
   * The model's step that read each character, or −1 for a character outside its vocabulary:
   * the model cannot read one, so it reads on as if it were not there, and the character is
   * marked unknown instead of being folded into another.
   */
  steps: Int32Array;
  /** The character each step read: the inverse of `steps`, [steps]. */
  characterOfStep: Int32Array;
  /**
   * −log2 p(character | the text before it), per character; NaN where there is none: unknown
   * characters, and the first character read, which has no context (a text model's vocabulary
   * has no start symbol, and its zero state was never trained to predict a first character).
   */
  bits: Float32Array;
  /** The most likely next characters after each step: vocabulary ids and probabilities, [steps*k]. */
  topIds: Int32Array;
  topProbabilities: Float32Array;
  topK: number;
  /** The top layer's h after each step, [steps*H]. */
  activations: Float32Array;
  /** What reading an edited version of the text again reuses (`readText`'s `previous`). */
  resume: ResumePoints;
}

export interface ResumePoints {
  model: SequenceModel;
  chunk: number;
  /** The vocabulary ids read, one per step. */
  ids: Int32Array;
  /** Bits of the character read at each step after the first, from the step before's output. */
  nextBits: Float32Array;
  /** The states each chunk started from (undefined: zeros). */
  starts: Array<LayerState[] | undefined>;
}

/**
 * What the head's logits after each step of a chunk say: the bits of the character read at the
 * next step, and the top k next characters. The kernel reads the rows (each row's sum of exps,
 * the next character's logit and the top k, in float32); only the log of each row's sum is
 * taken here, in double precision.
 */
function readLogits(
  logits: Float32Array,
  C: number,
  ids: readonly number[],
  firstStep: number,
  out: Pick<TextReading, 'topIds' | 'topProbabilities' | 'topK'> & { nextBits: Float32Array },
): void {
  const k = out.topK;
  const rows = logits.length / C;
  const next = Int32Array.from({ length: rows }, (_, row) => ids[firstStep + row + 1] ?? -1);
  const read = recurrenceKernel().readRows(logits, C, k, next);
  for (let row = 0; row < rows; row++) {
    if ((next[row] as number) < 0) continue;
    out.nextBits[firstStep + row] =
      (Math.log(read.sums[row] as number) - (read.gaps[row] as number)) / Math.LN2;
  }
  out.topIds.set(read.topIds, firstStep * k);
  out.topProbabilities.set(read.topProbabilities, firstStep * k);
}

/**
 * The first chunk that must be read again after an edit: the one holding the step before the
 * first changed id, since that step's output scores the changed character. Earlier chunks read
 * the same ids from the same states, so their results are the previous reading's, bit for bit.
 */
function firstStaleChunk(previous: ResumePoints, ids: readonly number[]): number {
  const limit = Math.min(previous.ids.length, ids.length);
  let same = 0;
  while (same < limit && previous.ids[same] === ids[same]) same++;
  return Math.floor(Math.max(0, same - 1) / previous.chunk);
}

/**
 * Reads `text` in one pass, chunk by chunk with the state carried, from a zero state. Given the
 * reading of an earlier version of the text by the same model (`previous`), it reads again only
 * from the chunk where the two first differ: typing near the end of a long document re-reads
 * its last chunk, not all of it.
 */
export function readText(
  model: SequenceModel,
  vocabulary: readonly string[],
  text: string,
  options: { topK?: number; chunk?: number; previous?: TextReading } = {},
): TextReading {
  const { hiddenSize: H, outputSize: C } = model.config;
  const topK = Math.min(options.topK ?? TOP_NEXT, C);
  const chunk = options.chunk ?? READ_CHUNK;
  const index = new Map(vocabulary.map((symbol, id) => [symbol, id]));
  const characters = [...text];
  const n = characters.length;
  const offsets = new Int32Array(n + 1);
  const steps = new Int32Array(n);
  const ids: number[] = [];
  let offset = 0;
  characters.forEach((character, i) => {
    offsets[i] = offset;
    offset += character.length;
    const id = index.get(character);
    steps[i] = id === undefined ? -1 : ids.length;
    if (id !== undefined) ids.push(id);
  });
  offsets[n] = offset;
  const T = ids.length;
  const characterOfStep = new Int32Array(T);
  steps.forEach((step, i) => {
    if (step >= 0) characterOfStep[step] = i;
  });
  const nextBits = new Float32Array(T);
  const activations = new Float32Array(T * H);
  const topIds = new Int32Array(T * topK);
  const topProbabilities = new Float32Array(T * topK);
  const starts: Array<LayerState[] | undefined> = [];
  let resumeAt = 0;
  const previous = options.previous;
  if (
    previous?.resume.model === model &&
    previous.resume.chunk === chunk &&
    previous.topK === topK &&
    previous.vocabulary === vocabulary
  ) {
    const stale = firstStaleChunk(previous.resume, ids);
    resumeAt = stale * chunk;
    starts.push(...previous.resume.starts.slice(0, stale + 1));
    activations.set(previous.activations.subarray(0, resumeAt * H));
    topIds.set(previous.topIds.subarray(0, resumeAt * topK));
    topProbabilities.set(previous.topProbabilities.subarray(0, resumeAt * topK));
    nextBits.set(previous.resume.nextBits.subarray(0, resumeAt));
  }
  let states = starts[resumeAt / chunk];
  for (let start = resumeAt; start < T; start += chunk) {
    starts[start / chunk] = states;
    const length = Math.min(chunk, T - start);
    const tokens = Int32Array.from(ids.slice(start, start + length));
    const runs = model.trace(
      { steps: length, batch: 1, mask: new Float32Array(length).fill(1), tokens },
      states,
    );
    states = finalStates(runs, length, H);
    const top = (runs[runs.length - 1] as { hs: Float32Array }).hs;
    activations.set(top, start * H);
    readLogits(model.headValues(top), C, ids, start, {
      topIds,
      topProbabilities,
      topK,
      nextBits,
    });
  }
  const bits = new Float32Array(n).fill(NaN);
  for (let i = 0; i < n; i++) {
    const step = steps[i] as number;
    // The step before read the previous known character; its output predicts this one.
    if (step > 0) bits[i] = nextBits[step - 1] as number;
  }
  return {
    vocabulary,
    hiddenSize: H,
    characters,
    offsets,
    steps,
    characterOfStep,
    bits,
    topIds,
    topProbabilities,
    topK,
    activations,
    resume: { model, chunk, ids: Int32Array.from(ids), nextBits, starts },
  };
}

/** The character at a UTF-16 offset (the one that starts at or spans it), or −1 past the end. */
export function characterAt(reading: TextReading, offset: number): number {
  const { offsets } = reading;
  const n = offsets.length - 1;
  if (offset < 0 || offset >= (offsets[n] as number)) return -1;
  let low = 0;
  let high = n - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if ((offsets[middle] as number) <= offset) low = middle;
    else high = middle - 1;
  }
  return low;
}

/** The model's steps that read the characters in [start, end) (UTF-16 offsets), as [from, to). */
export function stepsBetween(
  reading: TextReading,
  start: number,
  end: number,
): { from: number; to: number } {
  const { steps } = reading;
  const first = characterAt(reading, Math.max(0, start));
  const last =
    first < 0
      ? first
      : end >= (reading.offsets[reading.offsets.length - 1] as number)
        ? steps.length
        : characterAt(reading, end);
  let from = -1;
  let to = -1;
  for (let i = first; i < last; i++) {
    const step = steps[i] as number;
    if (step < 0) continue;
    if (from < 0) from = step;
    to = step + 1;
  }
  return from < 0 ? { from: 0, to: 0 } : { from, to };
}

/** The next characters the model expects after reading character `i`, best first. */
export function nextCharacters(
  reading: TextReading,
  i: number,
): Array<{ symbol: string; probability: number }> {
  const step = reading.steps[i] as number;
  if (step < 0) return [];
  return Array.from({ length: reading.topK }, (_, rank) => ({
    symbol: reading.vocabulary[reading.topIds[step * reading.topK + rank] as number] as string,
    probability: reading.topProbabilities[step * reading.topK + rank] as number,
  }));
}

/** The UTF-16 offsets [start, end) of the characters that steps [from, to) read. */
export function stepSpanOffsets(
  reading: Pick<TextReading, 'characterOfStep' | 'offsets'>,
  from: number,
  to: number,
): { start: number; end: number } {
  const first = reading.characterOfStep[from] as number;
  const last = reading.characterOfStep[to - 1] as number;
  return { start: reading.offsets[first] as number, end: reading.offsets[last + 1] as number };
}
