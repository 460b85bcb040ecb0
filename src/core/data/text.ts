/** Reading a user's text for a character-level language model, with messages a user can act on. */
export class TextInputError extends Error {}

/** Training reads the whole text into memory several times over; past this it is a mistake. */
export const MAX_TEXT_BYTES = 16 * 1024 * 1024;
/** More distinct characters than this is not prose (or needs a word-level model). */
export const MAX_TEXT_SYMBOLS = 400;
const MIN_TEXT_CHARACTERS = 10;

const megabytes = (bytes: number): string => `${(bytes / (1024 * 1024)).toFixed(1)} MB`;

/** Checked before reading, so a huge file is never loaded. */
export function checkTextSize(bytes: number, name: string): void {
  if (bytes > MAX_TEXT_BYTES) {
    throw new TextInputError(
      `${name} is ${megabytes(bytes)}; the limit for training text is ${megabytes(MAX_TEXT_BYTES)}. Select a part of it in the editor and train on the selection.`,
    );
  }
}

/** UTF-8 bytes to text with LF line ends; empty, binary and huge input are refused. */
export function decodeText(bytes: Uint8Array, name: string): string {
  checkTextSize(bytes.length, name);
  if (bytes.includes(0)) {
    throw new TextInputError(`${name} looks like a binary file (it holds NUL bytes), not text.`);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new TextInputError(`${name} is not UTF-8 text; save it as UTF-8 and try again.`);
  }
  return checkText(text, name);
}

/** The same checks for text already in memory (an editor or its selection). */
export function checkText(text: string, name: string): string {
  const normalized = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  if (normalized.trim().length === 0)
    throw new TextInputError(`${name} is empty: there is nothing to learn from.`);
  if ([...normalized].length < MIN_TEXT_CHARACTERS) {
    throw new TextInputError(
      `${name} has only ${[...normalized].length} characters; give it at least ${MIN_TEXT_CHARACTERS}.`,
    );
  }
  return normalized;
}

/** Distinct characters in code-point order, so the same text always gives the same ids. */
export function characterVocabulary(text: string, name: string): string[] {
  const symbols = [...new Set(text)].sort(
    (a, b) => (a.codePointAt(0) as number) - (b.codePointAt(0) as number),
  );
  if (symbols.length > MAX_TEXT_SYMBOLS) {
    throw new TextInputError(
      `${name} uses ${symbols.length} different characters; a character model here takes at most ${MAX_TEXT_SYMBOLS}.`,
    );
  }
  return symbols;
}
