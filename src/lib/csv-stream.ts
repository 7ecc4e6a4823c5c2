// Streaming CSV: rows from a file of any size, and CSV output that spreadsheets open safely.
import fs from 'node:fs';
import { CsvReader, type CsvRow } from './csv.js';
import { StreamDecoder, type TextEncoding } from './text-file.js';

/**
 * Yields rows one by one (records, or malformed ones with their reason); `bytesRead` is for progress.
 * UTF-8, or ISO-8859-1/Windows-1252 when the file begins so (`auto`, StreamDecoder).
 */
export async function* readCsvRows(file: string, progress?: (bytesRead: number) => void, encoding: TextEncoding = 'auto'): AsyncGenerator<CsvRow> {
  const reader = new CsvReader();
  const decoder = new StreamDecoder(encoding, file);
  let bytes = 0;
  for await (const chunk of fs.createReadStream(file)) {
    bytes += (chunk as Buffer).length;
    progress?.(bytes);
    yield* reader.push(decoder.decode(chunk as Buffer));
  }
  yield* reader.push(decoder.end());
  yield* reader.end();
}

export type Cell = string | number | boolean | null | undefined;

// OWASP "CSV injection": spreadsheets run a cell that starts with one of these as a formula, some
// after leading spaces (also no-break, full-width and zero-width ones) too, and Apple Numbers takes
// the full-width forms. A cell that starts with quotes before one of them gets a quote too, so that
// reading back (readBack) is exact: `'=x` is written `''=x` and read as `'=x`.
// German Excel opens a .csv with `;` as its separator and ignores the file's quotes and commas: there
// every `;` and line break inside a cell starts a cell of its own, so the text after one is
// neutralised the same way (`a;=1+1` is written `a;'=1+1`).
// Spaces: ' ', no-break, Ogham, en quad … zero width, line/paragraph separators, narrow no-break,
// medium mathematical, ideographic, BOM, vertical tab, form feed. Triggers: = + - @ tab and their
// full-width forms.
const SPACES = String.raw`[ \u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff\v\f]`;
const TRIGGER = String.raw`[=+\-@\t\uff1d\uff0b\uff0d\uff20]`;
/** at the cell's start a line break counts as a space, a carriage return as a trigger */
const FORMULA_START = new RegExp(String.raw`^'*(?:\n|${SPACES})*(?:\r|${TRIGGER})`);
const NEUTRALISED = new RegExp(String.raw`^'+(?:\n|${SPACES})*(?:\r|${TRIGGER})`);
/** a `;` or line break with a formula after it */
const AFTER_BOUNDARY = String.raw`(?='*${SPACES}*${TRIGGER})`;
const INNER = new RegExp(String.raw`[;\r\n]${AFTER_BOUNDARY}`, 'g');
const HAS_INNER = new RegExp(INNER.source);
const INNER_NEUTRALISED = new RegExp(String.raw`([;\r\n])'${AFTER_BOUNDARY}`, 'g');
const MAYBE = new RegExp(String.raw`\r|${TRIGGER}`);
const PLAIN_NUMBER = /^[+-]?\d+(?:[.,]\d+)?$/;
const BOUNDARY = /[;\r\n]/;

/** The cell's text from `from` to the next `;` or line break. */
function segment(text: string, from: number): string {
  let end = from;
  while (end < text.length && !BOUNDARY.test(text[end]!)) end++;
  return text.slice(from, end);
}

/** A cell that a spreadsheet would take for a formula gets a leading `'`; plain numbers (-12, +49) stay. */
export function neutralise(text: string): string {
  if (!MAYBE.test(text)) return text; // most cells: nothing that could start a formula
  const start = FORMULA_START.test(text) && !PLAIN_NUMBER.test(text) ? `'` : '';
  const inner = HAS_INNER.test(text) ? text.replace(INNER, (b, at: number) => (PLAIN_NUMBER.test(segment(text, at + 1)) ? b : `${b}'`)) : text;
  return start + inner;
}

/** The cell as it was before neutralise: each `'` dropped where neutralise added it. */
export function readBack(cell: string): string {
  const inner = BOUNDARY.test(cell) ? cell.replace(INNER_NEUTRALISED, '$1') : cell;
  return NEUTRALISED.test(inner) ? inner.slice(1) : inner;
}

const text = (c: Cell) => (c === null || c === undefined ? '' : String(c));

// RFC 4180, as csv-stringify writes it by default (test/csv.test.ts compares the two): a field with a
// comma, quote or line break is quoted, its quotes doubled; lines end with \n. Written here because
// csv-stringify's per-record machinery was a quarter of a resolved CSV row's time (#17).
const NEEDS_QUOTES = /[",\r\n]/;
const field = (s: string) => (NEEDS_QUOTES.test(s) ? `"${s.replaceAll('"', '""')}"` : s);

function line(cells: Cell[], cell: (c: Cell) => string): string {
  let out = '';
  for (let i = 0; i < cells.length; i++) out += (i ? ',' : '') + field(cell(cells[i]));
  return out + '\n';
}

const safe = (c: Cell) => neutralise(text(c));

/** One CSV line, cells as they are. */
export function csvLine(cells: Cell[]): string {
  return line(cells, text);
}

/** One CSV line for people to open: every cell neutralised. */
export function safeCsvLine(cells: Cell[]): string {
  return line(cells, safe);
}

/** safeCsvLine for many lines. */
export function safeCsvLines(rows: Cell[][]): string {
  let out = '';
  for (const cells of rows) out += line(cells, safe);
  return out;
}
