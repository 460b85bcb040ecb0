/**
 * The 57 symbols of PyTorch's names tutorial: ASCII letters and " .,;'". Accents fold away by
 * NFD plus dropping combining marks, as the tutorial's unicodeToAscii does; anything else is
 * dropped.
 */
export const NAME_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ .,;'";

const INDEX = new Map([...NAME_ALPHABET].map((ch, i) => [ch, i]));

export function foldToAlphabet(
  text: string,
  alphabet: ReadonlyMap<string, number> = INDEX,
): string {
  let out = '';
  for (const ch of text.normalize('NFD')) {
    if (alphabet.has(ch)) out += ch;
  }
  return out;
}

export class Vocabulary {
  private readonly index: Map<string, number>;

  constructor(readonly symbols: readonly string[]) {
    this.index = new Map(symbols.map((ch, i) => [ch, i]));
    if (this.index.size !== symbols.length) throw new Error('Vocabulary symbols must be distinct');
  }

  static names(): Vocabulary {
    return new Vocabulary([...NAME_ALPHABET]);
  }

  get size(): number {
    return this.symbols.length;
  }

  fold(text: string): string {
    return foldToAlphabet(text, this.index);
  }

  /** Ids of an already folded string. */
  encode(folded: string): number[] {
    return [...folded].map((ch) => {
      const id = this.index.get(ch);
      if (id === undefined)
        throw new Error(`Symbol ${JSON.stringify(ch)} is not in the vocabulary`);
      return id;
    });
  }
}
