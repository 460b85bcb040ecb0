import type { LetterContribution } from '../core/tasks/names';
import { formatSigned } from '../shared/format';

/** The hover's saliency line: the letters that moved the prediction most, and what the numbers are. */
export interface DrivingLetters {
  /** e.g. `k +0.24 · y +0.032 · s (letter 8) −0.0061`, largest effect first. */
  letters: string;
  /** The measure, its target and its unit, in a learner's words. */
  meaning: string;
}

/**
 * The `count` letters whose removal changes log P(language) most, either way, with their signed
 * occlusion. A letter that occurs more than once says which one it is.
 */
export function drivingLetters(
  contributions: readonly LetterContribution[],
  language: string,
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
      return `${letter}${which} ${formatSigned(nats)}`;
    })
    .join(' · ');
  return {
    letters,
    meaning: `occlusion, in nats: how much log P(${language}) drops when that letter is blanked out; + pushed towards ${language}, − away from it`,
  };
}
