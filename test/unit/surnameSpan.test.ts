import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { foldToAlphabet } from '../../src/core/data/alphabet';
import { surnameSpanAt } from '../../src/core/tasks/surnameSpan';

const EXAMPLES = fs
  .readFileSync(path.join(import.meta.dirname, '../../media/examples/surnames.txt'), 'utf8')
  .split('\n');
const HEADER = EXAMPLES[0]!;

/** The name the hover reads with the pointer on `word` in `line`, or undefined. */
function nameUnder(line: string, word: string, minLength = 2): string | undefined {
  const offset = line.indexOf(word);
  assert.ok(offset >= 0, `"${word}" is in "${line}"`);
  return surnameSpanAt(line, offset + 1, minLength)?.name;
}

describe('the word the surname hover reads', () => {
  it("gives the example file's prose no hover: Each, Surnames, PyTorch", () => {
    assert.match(HEADER, /^Surnames to hover over\. Each line .* PyTorch tutorial/);
    for (const word of ['Surnames', 'Each', 'PyTorch'])
      assert.equal(nameUnder(HEADER, word), undefined, word);
  });

  it('gives common English words and CamelCase products none, anywhere in a sentence', () => {
    const prose = 'When the model runs. The TensorFlow port, This and JavaScript too.';
    for (const word of ['When', 'The', 'TensorFlow', 'This', 'JavaScript'])
      assert.equal(nameUnder(prose, word), undefined, word);
  });

  it('reads every name of the example file as the whole line', () => {
    const names = EXAMPLES.slice(1).filter((line) => line.trim() !== '');
    assert.ok(names.includes('Van der Berg') && names.includes("O'Brien"));
    for (const name of names) {
      const last = name.split(' ').at(-1)!;
      assert.equal(nameUnder(name, last), name, name);
      assert.equal(surnameSpanAt(name, 0, 2)?.name, name, `${name} from its first letter`);
    }
  });

  it('reads a surname with particles as one name, from any of its words', () => {
    const line = 'Papers by van der Berg, de la Cruz, da Silva, von Neumann and Van der Berg.';
    assert.equal(nameUnder(line, 'Berg'), 'van der Berg');
    assert.equal(nameUnder(line, 'der'), 'van der Berg');
    assert.equal(nameUnder(line, 'de la'), 'de la Cruz');
    assert.equal(nameUnder(line, 'Silva'), 'da Silva');
    assert.equal(nameUnder(line, 'von'), 'von Neumann');
    assert.equal(nameUnder(line, 'Van der'), 'Van der Berg');
    const span = surnameSpanAt(line, line.indexOf('Cruz'), 2)!;
    assert.equal(line.slice(span.start, span.end), 'de la Cruz');
    // The names alphabet has the space and the apostrophe, and the data spells "De la cruz".
    for (const name of ['van der Berg', 'de la Cruz', "O'Brien"])
      assert.equal(foldToAlphabet(name), name);
  });

  it('keeps the hover on surnames with a prefix before an inner capital', () => {
    const line = 'Letters from McDonald, MacArthur, DeVito, LaGuardia and O’Brien-Smith.';
    for (const name of ['McDonald', 'MacArthur', 'DeVito', 'LaGuardia', 'O’Brien-Smith'])
      assert.equal(nameUnder(line, name), name);
  });

  it('skips a particle with no name after it', () => {
    assert.equal(nameUnder('a name like de', 'de'), undefined);
  });
});
