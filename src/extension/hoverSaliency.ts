import type { LetterContribution } from '../core/tasks/names';

/** The hover's saliency line: the letters that moved the prediction most, and what the numbers are. */
export interface DrivingLetters {
  /** e.g. `k → 41.0% · y → 88.9% · s (letter 8) → 92.6%`, largest effect first. */
  letters: string;
  /** The measure, its target and its unit, in a learner's words. */
  meaning: string;
}

const percent = (p: number): string => `${(100 * p).toFixed(1)}%`;

/**
 * The `count` letters whose removal changes log P(language) most, either way. Each is shown with
 * what P(language) becomes without it: a learner reads "92% falls to 41% without k" at once,
 * where a log-probability in nats needs explaining. A repeated letter says which one it is.
 */
export function drivingLetters(
  contributions: readonly LetterContribution[],
  language: string,
  probability: number,
  count = 3,
): DrivingLetters | undefined {
  if (contributions.length === 0) return undefined;
  const seen = new Map<string, number>();
  for (const { letter } of contributions) seen.set(letter, (seen.get(letter) ?? 0) + 1);
  const strongest = [...contributions]
    .sort((a, b) => Math.abs(b.nats) - Math.abs(a.nats) || a.position - b.position)
    .slice(0, count);
  const letters = strongest
    .map(({ letter, position, nats }) => {
      const which = (seen.get(letter) ?? 0) > 1 ? ` (letter ${position + 1})` : '';
      // nats = log P − log P(without): P(without) = P · e^(−nats).
      return `${letter}${which} → ${percent(probability * Math.exp(-nats))}`;
    })
    .join(' · ');
  return {
    letters,
    meaning:
      `P(${language}) is ${percent(probability)}; each letter shows what it becomes when that letter alone is blanked out ` +
      `(occlusion: its input set to zero, the name read again). Lower: the letter pushed towards ${language}; higher: away from it.`,
  };
}
