import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import {
  checkCsvSize,
  CsvError,
  MAX_CSV_BYTES,
  numericColumn,
  numericColumns,
  parseCsv,
} from '../../src/core/data/csv';

const ROOT = path.resolve(__dirname, '..', '..');
const DATA = path.join(ROOT, 'media', 'data', 'timeseries');

function throwsCsv(fn: () => unknown, message: string): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof CsvError, `expected a CsvError, got ${String(error)}`);
    assert.equal(error.message, message);
    return true;
  });
}

function column(text: string, name: string): number[] {
  return Array.from(numericColumn(parseCsv(text, 'x.csv'), name, 'x.csv'));
}

describe('parseCsv rejects bad files with a message naming the place', () => {
  it('empty file', () => {
    throwsCsv(
      () => parseCsv('', 'x.csv'),
      'x.csv is empty: expected a header row and at least one row of values.',
    );
  });

  it('whitespace only, after a BOM', () => {
    throwsCsv(
      () => parseCsv('\uFEFF  \r\n\n\t\n', 'x.csv'),
      'x.csv is empty: expected a header row and at least one row of values.',
    );
  });

  it('header only, with trailing blank lines', () => {
    throwsCsv(
      () => parseCsv('Month,Passengers\n\n\n', 'x.csv'),
      'x.csv has a header but no rows of values.',
    );
  });

  it('ragged row', () => {
    throwsCsv(
      () => parseCsv('a,b\n1,2\n3,4\n5,6\n7,8\n9,10\n1,2,3\n', 'x.csv'),
      'x.csv row 7 has 3 cells but the header has 2 columns.',
    );
  });

  it('ragged row counted as a spreadsheet counts it, after quoted multi-line cells', () => {
    const text = 'note,value\n"two\nlines",1\n"three\r\nlines\rhere",2\nok,3\nshort\n';
    throwsCsv(
      () => parseCsv(text, 'x.csv'),
      'x.csv row 5 has 1 cell but the header has 2 columns.',
    );
  });

  it('blank row in the middle', () => {
    throwsCsv(
      () => parseCsv('a,b\n1,2\n\n3,4\n', 'x.csv'),
      'x.csv row 3 is blank, but the header has 2 columns. Delete the row or fill in its values.',
    );
  });

  it('binary file (NUL bytes)', () => {
    throwsCsv(
      () => parseCsv('PK\u0003\u0004\u0000\u0000\u0008\u0000xl/workbook.xml,1\n2\u0000,3', 'x.csv'),
      'x.csv looks like a binary file, not CSV text.',
    );
  });

  it('binary file decoded into replacement characters', () => {
    throwsCsv(
      () => parseCsv('a,b\n' + '\uFFFD\uFFFDx'.repeat(20), 'x.csv'),
      'x.csv looks like a binary file, not CSV text.',
    );
  });

  it('a few replacement characters (Latin-1 accents) are still text', () => {
    const table = parseCsv('city,temp\nZ\uFFFDrich,3\nK\uFFFDln,4\nParis,5\n', 'x.csv');
    assert.deepEqual(table.rows[0], ['Z\uFFFDrich', '3']);
  });

  it('UTF-16 text', () => {
    const utf16 = Array.from('Month\tValue\n1\t2\n3\t4\n', (c) => c + '\u0000').join('');
    throwsCsv(
      () => parseCsv(utf16, 'x.csv'),
      'x.csv is saved as UTF-16 text; save it as UTF-8 CSV instead.',
    );
  });

  it('unterminated quote, naming the row and column where it opens', () => {
    throwsCsv(
      () => parseCsv('Month,Passengers\n1949-01,112\n"1949-02,118\n1949-03,132\n', 'x.csv'),
      'x.csv row 3, column "Month" opens a quote (") that is never closed.',
    );
    throwsCsv(
      () => parseCsv('Month,"Passengers\n1,2\n', 'x.csv'),
      'x.csv row 1 (the header) opens a quote (") that is never closed.',
    );
  });
});

describe('parseCsv reads the dialects people save', () => {
  it('strips a BOM and accepts CRLF', () => {
    const table = parseCsv('\uFEFFMonth,Passengers\r\n1949-01,112\r\n1949-02,118\r\n', 'x.csv');
    assert.deepEqual(table, {
      columns: ['Month', 'Passengers'],
      rows: [
        ['1949-01', '112'],
        ['1949-02', '118'],
      ],
      delimiter: ',',
    });
  });

  it('accepts old Mac CR line endings', () => {
    const table = parseCsv('a,b\r1,2\r3,4\r', 'x.csv');
    assert.deepEqual(table.rows, [
      ['1', '2'],
      ['3', '4'],
    ]);
  });

  it('semicolons with decimal commas (European Excel)', () => {
    const text = 'Datum;Temperatur;Menge\n2024-01-01;3,14;1\n2024-01-02;-2,5;2\n2024-01-03;1e3;3\n';
    const table = parseCsv(text, 'x.csv');
    assert.equal(table.delimiter, ';');
    assert.deepEqual(table.columns, ['Datum', 'Temperatur', 'Menge']);
    assert.deepEqual(column(text, 'Temperatur'), [3.14, -2.5, 1000]);
  });

  it('a quoted comma in a semicolon header does not make it a comma file', () => {
    const table = parseCsv('"Price, EUR";Date\n1,5;x\n2;y\n', 'x.csv');
    assert.equal(table.delimiter, ';');
    assert.deepEqual(table.columns, ['Price, EUR', 'Date']);
  });

  it('tabs', () => {
    const text = 'day\tvalue\n1\t 2.5 \n2\t3.5\n';
    assert.equal(parseCsv(text, 'x.csv').delimiter, '\t');
    assert.deepEqual(column(text, 'value'), [2.5, 3.5]);
  });

  it('quoted cells with delimiters, doubled quotes and blanks before the quote', () => {
    const table = parseCsv('name,"say ""hi""",n\n"Smith, J.", "a ""b"", c",1\n"",x,2', 'x.csv');
    assert.deepEqual(table.columns, ['name', 'say "hi"', 'n']);
    assert.deepEqual(table.rows, [
      ['Smith, J.', 'a "b", c', '1'],
      ['', 'x', '2'],
    ]);
  });

  it('renames empty and repeated header names so each column can be picked', () => {
    const table = parseCsv('a,,a, b ,column 5,\n1,2,3,4,5,6\n', 'x.csv');
    assert.deepEqual(table.columns, ['a', 'column 2', 'column 3', 'b', 'column 5', 'column 6']);
  });

  it('ignores trailing rows of bare delimiters', () => {
    assert.equal(parseCsv('a,b\n1,2\n3,4\n,\n,,\n\n', 'x.csv').rows.length, 2);
  });
});

describe('numericColumn', () => {
  const good = 'Month,Passengers\n1949-01,112\n1949-02,118\n1949-03,132\n';

  it('reads numbers with a strict grammar', () => {
    const text = 'v\n1\n-2.5\n+.5\n3.\n 1e3 \n-1.5E-2\n';
    assert.deepEqual(column(text, 'v'), [1, -2.5, 0.5, 3, 1000, -0.015]);
  });

  it('rejects what Number() would wrongly take, naming row and column', () => {
    for (const bad of ['0x1A', 'Infinity', '1_000', '1e', '--1', '.', 'NaN'])
      throwsCsv(
        () => column(`a,Passengers\nx,1\ny,${bad}\n`, 'Passengers'),
        `x.csv row 3, column "Passengers": "${bad}" is not a number.`,
      );
  });

  it('non-numeric cell', () => {
    const rows = Array.from({ length: 10 }, (_, i) => `${i},${100 + i}`).join('\n');
    throwsCsv(
      () => column(`Month,Passengers\n${rows}\n10,n/a\n11,5\n`, 'Passengers'),
      'x.csv row 12, column "Passengers": "n/a" is not a number.',
    );
  });

  it('thousands separators get a hint', () => {
    throwsCsv(
      () => column('a,Passengers\nx,1\ny,"1,234"\n', 'Passengers'),
      'x.csv row 3, column "Passengers": "1,234" is not a number ' +
        '(write it without thousands separators, with a point as the decimal mark).',
    );
    throwsCsv(
      () => column('a;Passengers\nx;1\ny;1.234,5\n', 'Passengers'),
      'x.csv row 3, column "Passengers": "1.234,5" is not a number ' +
        '(write it without thousands separators).',
    );
  });

  it('empty cell', () => {
    const rows = Array.from({ length: 10 }, (_, i) => `${i},${100 + i}`).join('\n');
    throwsCsv(
      () => column(`Month,Passengers\n${rows}\n10, \n11,5\n`, 'Passengers'),
      'x.csv row 12, column "Passengers" is empty.',
    );
  });

  it('empty cell in a one-column file (a blank line)', () => {
    throwsCsv(() => column('v\n1\n\n3\n', 'v'), 'x.csv row 3, column "v" is empty.');
  });

  it('constant column', () => {
    throwsCsv(
      () => column('Month,Passengers\n1,5\n2,5.0\n3,5\n', 'Passengers'),
      'x.csv column "Passengers" has the same value (5) in every row: there is nothing to forecast.',
    );
  });

  it('unknown column lists the available ones', () => {
    throwsCsv(
      () => column(good, 'passengers'),
      'x.csv has no column "passengers". Its columns are "Month", "Passengers".',
    );
  });

  it('a single row', () => {
    throwsCsv(
      () => column('a,b\n1,2\n', 'b'),
      'x.csv has only 1 row of values; a time series needs at least 2.',
    );
  });

  it('out-of-range numbers', () => {
    throwsCsv(
      () => column('v\n1\n1e999\n', 'v'),
      'x.csv row 3, column "v": "1e999" is out of range.',
    );
  });

  it('numericColumns offers the numeric, non-constant columns in header order', () => {
    const table = parseCsv('date,b,const,a,text,gap\n1,2.5,7,1,x,1\n2,3,7,-1,y,\n', 'x.csv');
    assert.deepEqual(numericColumns(table), ['date', 'b', 'a']);
  });
});

describe('checkCsvSize', () => {
  it('accepts files up to the limit', () => {
    checkCsvSize(0, 'small.csv');
    checkCsvSize(MAX_CSV_BYTES, 'edge.csv');
  });

  it('rejects bigger files with their size', () => {
    throwsCsv(
      () => checkCsvSize(105 * 1024 * 1024, 'big.csv'),
      'big.csv is 105 MB; the limit is 50 MB. Take a slice of the rows, or aggregate it first.',
    );
    throwsCsv(
      () => checkCsvSize(110_000_000, 'airline.csv'),
      'airline.csv is 104.9 MB; the limit is 50 MB. Take a slice of the rows, or aggregate it first.',
    );
    throwsCsv(
      () => checkCsvSize(MAX_CSV_BYTES + 1, 'edge.csv'),
      'edge.csv is 50.1 MB; the limit is 50 MB. Take a slice of the rows, or aggregate it first.',
    );
  });
});

describe('bundled time series', () => {
  const read = (file: string) => parseCsv(fs.readFileSync(path.join(DATA, file), 'utf8'), file);

  it('airline passengers: 144 months starting at 112', () => {
    const table = read('airline-passengers.csv');
    assert.deepEqual(table.columns, ['Month', 'Passengers']);
    assert.equal(table.rows.length, 144);
    const values = numericColumn(table, 'Passengers', 'airline-passengers.csv');
    assert.equal(values[0], 112);
    assert.equal(values[143], 432);
    assert.deepEqual(numericColumns(table), ['Passengers']);
  });

  it('bitcoin: every price column and the volume are numeric, the date is not', () => {
    const table = read('btc-usd-daily.csv');
    assert.deepEqual(numericColumns(table), [
      'Open',
      'High',
      'Low',
      'Close',
      'Adj Close',
      'Volume',
    ]);
  });

  it('the other bundled files parse', () => {
    assert.deepEqual(numericColumns(read('daily-min-temperatures.csv')), ['Temp']);
    assert.deepEqual(numericColumns(read('monthly-sunspots.csv')), ['Sunspots']);
  });
});

/** mulberry32: a seeded generator, so a failing input can be reproduced. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    let t = (state = (state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('fuzz', () => {
  const random = mulberry32(20240601);
  const alphabet = ',;"\n\r\t a1.-e';
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;

  function noise(length: number): string {
    let text = '';
    for (let i = 0; i < length; i++) text += random() < 0.005 ? '\u0000' : pick([...alphabet]);
    return text;
  }

  /** Mostly well-formed tables of number-like cells, so the fuzz reaches the numeric paths. */
  function table(): string {
    const delimiter = pick([',', ';', '\t']);
    const newline = pick(['\n', '\r\n', '\r']);
    const width = 1 + Math.floor(random() * 3);
    const lines: string[] = [];
    for (let row = 0, rows = 2 + Math.floor(random() * 5); row < rows; row++) {
      const cells: string[] = [];
      for (let c = 0; c < width; c++) {
        let cell = row === 0 ? pick(['a', 'e', '', 'a']) : pick(['1', '-1', '1.1', '11', '1e1']);
        if (random() < 0.1) cell = noise(1 + Math.floor(random() * 3));
        if (random() < 0.1) cell = `"${cell}"`;
        cells.push(cell);
      }
      lines.push(cells.join(delimiter));
    }
    return lines.join(newline) + (random() < 0.5 ? newline : '');
  }

  it('throws nothing but CsvError on 3,000 random inputs', () => {
    let parsed = 0;
    let numeric = 0;
    for (let run = 0; run < 3000; run++) {
      const text = run % 2 === 0 ? noise(Math.floor(random() * 60)) : table();
      try {
        const table = parseCsv(text, 'fuzz.csv');
        parsed++;
        for (const row of table.rows) assert.equal(row.length, table.columns.length);
        assert.equal(new Set(table.columns).size, table.columns.length, 'unique column names');
        const names = numericColumns(table);
        if (names.length > 0) numeric++;
        for (const name of names)
          assert.equal(numericColumn(table, name, 'fuzz.csv').length, table.rows.length);
        numericColumn(table, table.columns[0] as string, 'fuzz.csv');
      } catch (error) {
        if (!(error instanceof CsvError))
          assert.fail(`${JSON.stringify(text)} threw ${String(error)}`);
      }
    }
    // Guards against a generator that only ever produces rejected input.
    assert.ok(parsed > 500, `only ${parsed} inputs parsed`);
    assert.ok(numeric > 300, `only ${numeric} inputs had a numeric column`);
  });
});
