import { looksLikeSurname, MAX_NAME_LENGTH } from './names';

/** Where a surname sits in a line of text and the name the classifier reads. */
export interface SurnameSpan {
  start: number;
  end: number;
  name: string;
}

/** Words of letters, with the apostrophes and hyphens surnames carry (O'Brien). */
const WORD = /[\p{L}\p{M}][\p{L}\p{M}'’-]*/gu;

/**
 * Particles that belong to the surname after them: "van der Berg", "de la Cruz", "da Silva",
 * "von Neumann". The training data spells such names with their particles ("De la cruz").
 */
const PARTICLES = new Set([
  'van',
  'von',
  'der',
  'den',
  'de',
  'del',
  'della',
  'la',
  'le',
  'da',
  'das',
  'dos',
  'di',
  'du',
  'ten',
  'ter',
  'bin',
  'ibn',
  'al',
  'el',
]);

/**
 * Capitalised words in prose that are not surnames: English function words and common
 * sentence starters ("Each", "The", "When"). Kept small: a surname that is also an English
 * word (Rose, White) still gets its hover.
 */
const COMMON_WORDS = new Set(
  (
    'a about after again all also an and any are as at be because before both but by can could ' +
    'did do does each either every few for from had has have he her here hers him his how i if ' +
    'in into is it its just let may me might more most much must my neither no nor not now of ' +
    'on once one only or other our out over same she should since so some such than that the ' +
    'their them then there these they this those though through to too under until up upon us ' +
    'very was we were what when where whether which while who whom whose why will with within ' +
    'without would yes yet you your surnames names name line lines see note try hover use open'
  ).split(' '),
);

/** Prefixes after which a surname has a second capital: McDonald, MacLeod, DeVito, LaGuardia. */
const INNER_CAPITAL_PREFIX = /^(?:Mc|Mac|De|Di|Da|Du|La|Le|Van|Von|Fitz)\p{Lu}\p{Ll}+$/u;

/**
 * A word with a capital inside (PyTorch, TensorFlow) is a product or an identifier, unless the
 * capital follows a surname prefix. Parts after a hyphen or an apostrophe start afresh
 * (Smith-Jones, O'Brien).
 */
function hasForeignInnerCapital(word: string): boolean {
  return word
    .split(/['’-]/u)
    .some((part) => /\p{Lu}/u.test(part.slice(1)) && !INNER_CAPITAL_PREFIX.test(part));
}

interface Word {
  start: number;
  end: number;
  text: string;
}

function wordsOf(line: string): Word[] {
  return [...line.matchAll(WORD)].map((m) => {
    // A trailing apostrophe or hyphen ends the sentence's word, not the name ("Rossi's" stays).
    const text = m[0].replace(/['’-]+$/u, '');
    return { start: m.index, end: m.index + text.length, text };
  });
}

const isParticle = (word: Word): boolean => PARTICLES.has(word.text.toLowerCase());

/** Words joined by one space, as the parts of one name are. */
const adjacent = (left: Word, right: Word, line: string): boolean =>
  line.slice(left.end, right.start) === ' ';

/**
 * The surname under `offset` in `line`, with the particles before it, or undefined where the
 * word there is not read as a surname (a common English word, a CamelCase product name).
 */
export function surnameSpanAt(
  line: string,
  offset: number,
  minLength: number,
): SurnameSpan | undefined {
  const words = wordsOf(line);
  let index = words.findIndex((w) => w.start <= offset && offset <= w.end && w.text.length > 0);
  if (index < 0) return undefined;
  // On a particle, the name is the surname the particles lead to ("Van" in "Van der Berg").
  while (isParticle(words[index]!)) {
    const next = words[index + 1];
    if (!next || !adjacent(words[index]!, next, line)) return undefined;
    index += 1;
  }
  const head = words[index]!;
  if (!looksLikeSurname(head.text, minLength) || hasForeignInnerCapital(head.text))
    return undefined;
  let first = index;
  while (
    first > 0 &&
    isParticle(words[first - 1]!) &&
    adjacent(words[first - 1]!, words[first]!, line)
  )
    first -= 1;
  if (first === index && COMMON_WORDS.has(head.text.toLowerCase())) return undefined;
  const start = words[first]!.start;
  const name = line.slice(start, head.end);
  if (name.length > MAX_NAME_LENGTH) return undefined;
  return { start, end: head.end, name };
}
