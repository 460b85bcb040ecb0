/**
 * Reads user-supplied CSV files for time-series forecasting. Every CsvError message is shown to
 * the user verbatim, so each names the file, and the row (1-based, the header being row 1, as a
 * spreadsheet numbers them) and the column (by header name) when a cell is at fault.
 */

export class CsvError extends Error {
  override readonly name = 'CsvError';
}

export const MAX_CSV_BYTES = 50 * 1024 * 1024;

const MB = 1024 * 1024;

export function checkCsvSize(bytes: number, fileName: string): void {
  if (bytes <= MAX_CSV_BYTES) return;
  let tenths = Math.round((bytes / MB) * 10);
  // A file just over the limit must not read as "50 MB; the limit is 50 MB".
  if (tenths <= (MAX_CSV_BYTES / MB) * 10) tenths = Math.ceil((bytes / MB) * 10);
  const size = (tenths / 10).toFixed(1).replace(/\.0$/, '');
  throw new CsvError(
    `${fileName} is ${size} MB; the limit is ${MAX_CSV_BYTES / MB} MB. ` +
      'Take a slice of the rows, or aggregate it first.',
  );
}

export interface CsvTable {
  columns: string[];
  /** Every row has exactly `columns.length` cells; rows[i] is spreadsheet row i + 2. */
  rows: string[][];
  delimiter: ',' | ';' | '\t';
}

export function parseCsv(text: string, fileName: string): CsvTable {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  checkIsText(text, fileName);
  if (text.trim() === '') throw new CsvError(emptyMessage(fileName));

  const delimiter = detectDelimiter(text);
  const { records, openQuote } = tokenize(text, delimiter);
  // Editors and Excel leave blank lines (or rows of bare delimiters) at the end of a file.
  while (records.length > 0 && isBlankRecord(records[records.length - 1] as string[]))
    records.pop();
  if (records.length === 0 && !openQuote) throw new CsvError(emptyMessage(fileName));

  const columns = nameColumns(records[0] ?? []);
  if (openQuote) {
    const where =
      openQuote.record === 0
        ? 'row 1 (the header)'
        : openQuote.cell < columns.length
          ? `row ${openQuote.record + 1}, column ${quote(columns[openQuote.cell] as string)}`
          : `row ${openQuote.record + 1}`;
    throw new CsvError(`${fileName} ${where} opens a quote (") that is never closed.`);
  }
  if (records.length < 2) throw new CsvError(`${fileName} has a header but no rows of values.`);

  const rows = records.slice(1);
  rows.forEach((cells, i) => {
    if (cells.length === columns.length) return;
    const row = i + 2;
    if (isBlankRecord(cells))
      throw new CsvError(
        `${fileName} row ${row} is blank, but the header has ${count(columns.length, 'column')}. ` +
          'Delete the row or fill in its values.',
      );
    throw new CsvError(
      `${fileName} row ${row} has ${count(cells.length, 'cell')} ` +
        `but the header has ${count(columns.length, 'column')}.`,
    );
  });
  return { columns, rows, delimiter };
}

export function numericColumn(table: CsvTable, column: string, fileName: string): Float64Array {
  const index = table.columns.indexOf(column);
  if (index < 0)
    throw new CsvError(
      `${fileName} has no column ${quote(column)}. ` +
        `Its columns are ${table.columns.map(quote).join(', ')}.`,
    );
  if (table.rows.length < 2)
    throw new CsvError(
      `${fileName} has only ${count(table.rows.length, 'row')} of values; ` +
        'a time series needs at least 2.',
    );
  const decimalComma = table.delimiter === ';';
  const values = new Float64Array(table.rows.length);
  table.rows.forEach((cells, i) => {
    const cell = cells[index] ?? '';
    const value = parseNumber(cell, decimalComma);
    if (value !== undefined && Number.isFinite(value)) {
      values[i] = value;
      return;
    }
    const at = `${fileName} row ${i + 2}, column ${quote(column)}`;
    if (cell.trim() === '') throw new CsvError(`${at} is empty.`);
    if (value !== undefined) throw new CsvError(`${at}: ${quote(shorten(cell))} is out of range.`);
    throw new CsvError(
      `${at}: ${quote(shorten(cell))} is not a number${separatorHint(cell, decimalComma)}.`,
    );
  });
  const first = values[0] as number;
  if (values.every((v) => v === first))
    throw new CsvError(
      `${fileName} column ${quote(column)} has the same value (${first}) in every row: ` +
        'there is nothing to forecast.',
    );
  return values;
}

/** The columns worth offering in a picker: all-numeric and not constant, in header order. */
export function numericColumns(table: CsvTable): string[] {
  const decimalComma = table.delimiter === ';';
  return table.columns.filter((_, index) => {
    let first: number | undefined;
    let varies = false;
    for (const cells of table.rows) {
      const value = parseNumber(cells[index] ?? '', decimalComma);
      if (value === undefined || !Number.isFinite(value)) return false;
      if (first === undefined) first = value;
      else if (value !== first) varies = true;
    }
    return varies;
  });
}

function emptyMessage(fileName: string): string {
  return `${fileName} is empty: expected a header row and at least one row of values.`;
}

function checkIsText(text: string, fileName: string): void {
  const sample = text.slice(0, 4096);
  let nulEven = 0;
  let nulOdd = 0;
  for (let i = 0; i < sample.length; i++)
    if (sample.charCodeAt(i) === 0) {
      if (i % 2 === 0) nulEven++;
      else nulOdd++;
    }
  // UTF-16 read as UTF-8 puts a NUL beside every ASCII character, always on the same side;
  // Excel's "Unicode Text" export does this, and "binary" would send the user the wrong way.
  const half = sample.length / 2;
  if (
    sample.length >= 8 &&
    Math.max(nulEven, nulOdd) > 0.3 * half &&
    Math.min(nulEven, nulOdd) < 0.05 * half
  )
    throw new CsvError(`${fileName} is saved as UTF-16 text; save it as UTF-8 CSV instead.`);
  if (nulEven + nulOdd > 0 || text.includes('\0'))
    throw new CsvError(`${fileName} looks like a binary file, not CSV text.`);
  // A few U+FFFD are just Latin-1 accents decoded as UTF-8; a binary file is full of them.
  let replaced = 0;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 0xfffd) replaced++;
  if (replaced > 0 && replaced >= 0.1 * text.length)
    throw new CsvError(`${fileName} looks like a binary file, not CSV text.`);
}

/**
 * Decided on the header alone, counting only delimiters outside quotes: a quoted header name
 * such as "Price, EUR" must not turn a semicolon file into a comma file.
 */
function detectDelimiter(text: string): CsvTable['delimiter'] {
  let commas = 0;
  let semicolons = 0;
  let tabs = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    else if (quoted) continue;
    else if (c === '\n' || c === '\r') break;
    else if (c === ',') commas++;
    else if (c === ';') semicolons++;
    else if (c === '\t') tabs++;
  }
  if (commas > 0) return ',';
  if (tabs > 0 && tabs >= semicolons) return '\t';
  if (semicolons > 0) return ';';
  return ',';
}

interface Tokens {
  records: string[][];
  /** Where an unclosed quote started (0-based record and cell), if one did. */
  openQuote?: { record: number; cell: number };
}

/** RFC 4180, leniently: any of LF, CRLF and CR ends a row, as spreadsheets accept all three. */
function tokenize(text: string, delimiter: string): Tokens {
  const n = text.length;
  const records: string[][] = [];
  let record: string[] = [];
  let i = 0;
  for (;;) {
    // People write `a, "b,c"`, so blanks before an opening quote do not make it literal.
    let k = i;
    while (k < n && (text[k] === ' ' || (text[k] === '\t' && delimiter !== '\t'))) k++;
    let value: string;
    if (text[k] === '"') {
      value = '';
      let segment = k + 1;
      for (;;) {
        const q = text.indexOf('"', segment);
        if (q < 0) return { records, openQuote: { record: records.length, cell: record.length } };
        if (text[q + 1] === '"') {
          value += text.slice(segment, q + 1);
          segment = q + 2;
        } else {
          value += text.slice(segment, q);
          i = q + 1;
          break;
        }
      }
      if (value.includes('\r')) value = value.replace(/\r\n?/g, '\n');
      // Excel keeps anything typed after the closing quote; trailing blanks are just padding.
      const end = fieldEnd(text, i, delimiter);
      const rest = text.slice(i, end);
      if (rest.trim() !== '') value += rest;
      i = end;
    } else {
      const end = fieldEnd(text, i, delimiter);
      value = text.slice(i, end);
      i = end;
    }
    record.push(value);
    if (i >= n) {
      records.push(record);
      return { records };
    }
    const c = text[i];
    i++;
    if (c === delimiter) continue;
    if (c === '\r' && text[i] === '\n') i++;
    records.push(record);
    record = [];
    if (i >= n) return { records };
  }
}

function fieldEnd(text: string, from: number, delimiter: string): number {
  const d = delimiter.charCodeAt(0);
  let i = from;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === d || c === 10 || c === 13) break;
  }
  return i;
}

function isBlankRecord(cells: string[]): boolean {
  return cells.every((cell) => cell.trim() === '');
}

/**
 * Empty and repeated header names get `column N` (N 1-based) so every column can be picked by
 * name; names that are already unique keep theirs, even when a generated one would clash.
 */
function nameColumns(header: string[]): string[] {
  const names = header.map((name) => name.trim());
  const keep = names.map((name, i) => name !== '' && names.indexOf(name) === i);
  const taken = new Set(names.filter((_, i) => keep[i]));
  return names.map((name, i) => {
    if (keep[i]) return name;
    let candidate = `column ${i + 1}`;
    for (let suffix = 2; taken.has(candidate); suffix++) candidate = `column ${i + 1} (${suffix})`;
    taken.add(candidate);
    return candidate;
  });
}

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Strict on purpose: Number() would take '', '0x1A', 'Infinity' and '1_000'. */
function parseNumber(cell: string, decimalComma: boolean): number | undefined {
  let s = cell.trim();
  if (decimalComma && !s.includes('.')) s = s.replace(',', '.');
  return NUMBER.test(s) ? Number(s) : undefined;
}

function separatorHint(cell: string, decimalComma: boolean): string {
  if (!/^\s*[+-]?[\d.,' ]*\d[\d.,' ]*\s*$/.test(cell)) return '';
  return decimalComma
    ? ' (write it without thousands separators)'
    : ' (write it without thousands separators, with a point as the decimal mark)';
}

function quote(text: string): string {
  return `"${text}"`;
}

function shorten(cell: string): string {
  const text = cell.trim();
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
