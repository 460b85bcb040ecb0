import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  characterVocabulary,
  checkText,
  checkTextSize,
  decodeText,
  MAX_TEXT_BYTES,
  MAX_TEXT_SYMBOLS,
  TextInputError,
} from '../../src/core/data/text';

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

/** Fails unless `run` throws a TextInputError with exactly `message`. */
function throwsExactly(run: () => unknown, message: string): void {
  assert.throws(run, (e: unknown) => {
    assert.ok(e instanceof TextInputError, `expected a TextInputError, got ${String(e)}`);
    assert.equal(e.message, message);
    return true;
  });
}

describe('reading training text', () => {
  it('refuses an empty file', () => {
    throwsExactly(
      () => decodeText(new Uint8Array(0), 'notes.txt'),
      'notes.txt is empty: there is nothing to learn from.',
    );
  });

  it('refuses whitespace only, a BOM alone included', () => {
    for (const text of [' \n\t\r\n   ', '\uFEFF', '\uFEFF \r\n']) {
      throwsExactly(
        () => decodeText(utf8(text), 'notes.txt'),
        'notes.txt is empty: there is nothing to learn from.',
      );
      throwsExactly(
        () => checkText(text, 'The selection'),
        'The selection is empty: there is nothing to learn from.',
      );
    }
  });

  it('refuses text that is too short, counting characters rather than UTF-16 units', () => {
    throwsExactly(
      () => decodeText(utf8('hello'), 'notes.txt'),
      'notes.txt has only 5 characters; give it at least 10.',
    );
    // Four emoji are eight UTF-16 code units but four characters.
    throwsExactly(
      () => checkText('😀😀😀😀', 'The selection'),
      'The selection has only 4 characters; give it at least 10.',
    );
    // CRLF counts as one character once it is LF.
    throwsExactly(
      () => checkText('ab\r\ncd\r\nef\r\n', 'The selection'),
      'The selection has only 9 characters; give it at least 10.',
    );
    assert.equal(checkText('0123456789', 'The selection'), '0123456789');
  });

  it('refuses binary files (NUL bytes)', () => {
    throwsExactly(
      () => decodeText(Uint8Array.of(...utf8('hello world'), 0, ...utf8('more text')), 'a.bin'),
      'a.bin looks like a binary file (it holds NUL bytes), not text.',
    );
  });

  it('refuses bytes that are not UTF-8', () => {
    for (const bytes of [
      Uint8Array.of(...utf8('caf'), 0xe9, ...utf8(' au lait, please')), // Latin-1 é
      Uint8Array.of(...utf8('hello world'), 0xff, 0xfe),
      Uint8Array.of(...utf8('truncated sequence '), 0xe2, 0x82),
    ]) {
      throwsExactly(
        () => decodeText(bytes, 'latin1.txt'),
        'latin1.txt is not UTF-8 text; save it as UTF-8 and try again.',
      );
    }
  });

  it('refuses a huge file before reading it', () => {
    throwsExactly(
      () => checkTextSize(17 * 1024 * 1024, 'big.txt'),
      'big.txt is 17.0 MB; the limit for training text is 16.0 MB. Select a part of it in the editor and train on the selection.',
    );
    assert.doesNotThrow(() => checkTextSize(MAX_TEXT_BYTES, 'just-fits.txt'));
    throwsExactly(
      () => checkTextSize(MAX_TEXT_BYTES + 1, 'just-over.txt'),
      'just-over.txt is 16.0 MB; the limit for training text is 16.0 MB. Select a part of it in the editor and train on the selection.',
    );
  });

  it('refuses too many distinct characters', () => {
    const symbols = (count: number) =>
      Array.from({ length: count }, (_, i) => String.fromCodePoint(0x4e00 + i)).join('');
    throwsExactly(
      () => characterVocabulary(symbols(MAX_TEXT_SYMBOLS + 1), 'The text'),
      'The text uses 401 different characters; a character model here takes at most 400.',
    );
    assert.equal(characterVocabulary(symbols(MAX_TEXT_SYMBOLS), 'The text').length, 400);
  });

  it('strips a byte-order mark and turns CRLF (and lone CR) into LF', () => {
    const bytes = Uint8Array.of(0xef, 0xbb, 0xbf, ...utf8('first line\r\nsecond\rthird\n'));
    assert.equal(decodeText(bytes, 'notes.txt'), 'first line\nsecond\nthird\n');
    assert.equal(checkText('\uFEFFfirst line\r\nsecond\r\n', 'x'), 'first line\nsecond\n');
  });

  it('numbers characters in code-point order, astral characters whole', () => {
    assert.deepEqual(characterVocabulary('ba\n😀ab ', 'The text'), ['\n', ' ', 'a', 'b', '😀']);
  });
});
