// Reading CSV (RFC 4180: quoted fields may hold commas, quotes ("") and line breaks) with csv-parse.
// Rows come out in order, each a record or the reason it is not one, with the line it starts on.
// Records are parsed in batches (csv-parse has a fixed cost per call); a malformed record is cut out
// of its batch and the batch goes on after it.
import { CsvError, parse } from 'csv-parse/sync';
import { LineSplitter, type TextLine } from './csv-lines.js';
import { RecordFramer, type CsvRow, type Framed } from './csv-framer.js';
import { InputFileError } from './errors.js';

export type { CsvRow } from './csv-framer.js';

/** A record (one row, including its line breaks inside quotes) holds at most this many characters. */
export const MAX_RECORD_CHARS = 32_768;
/** A field holds at most this many characters. */
export const MAX_FIELD_CHARS = 4_096;

const BATCH = 512;
// The framer bounds records in characters; csv-parse counts partly in bytes (up to 4 per character in
// UTF-8), so its own bound is only a backstop.
const OPTIONS = { record_delimiter: '\n', relax_column_count: true, max_record_size: 4 * MAX_RECORD_CHARS } as const;

function reasonOf(e: CsvError): string {
  const field = typeof e.column === 'number' ? e.column + 1 : '?';
  switch (e.code) {
    case 'INVALID_OPENING_QUOTE':
      return `stray quote inside unquoted field ${field}`;
    case 'CSV_INVALID_CLOSING_QUOTE': {
      // csv-parse names the byte; only a printable ASCII one is worth showing.
      const got = /got "([\x21-\x7e])"/.exec(e.message)?.[1];
      return `unexpected character ${got ? `"${got}" ` : ''}after a closing quote (field ${field})`;
    }
    case 'CSV_QUOTE_NOT_CLOSED':
      return `unterminated quoted field (field ${field})`;
    case 'CSV_MAX_RECORD_SIZE':
      return `record is longer than ${MAX_RECORD_CHARS} characters`;
    default:
      return e.message.replace(/ (at|on) line \d+/g, '');
  }
}

/** Records of `buf`; when one is malformed, why, and (with `collect`) the records before it. */
function tryParse(buf: Buffer, collect = true): { records: string[][]; reason?: string } {
  const records: string[][] = [];
  // on_record keeps the records before an error, at a cost per record: only where errors were seen.
  const on_record = (r: string[]) => {
    records.push(r);
    return null;
  };
  // A hostile file has a malformed record on every line; the stack traces of csv-parse's errors are
  // never shown and would cost half the time. parse is synchronous, so the limit is restored at once.
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    const all = parse(buf, collect ? { ...OPTIONS, on_record } : OPTIONS) as string[][];
    return { records: collect ? records : all };
  } catch (e) {
    if (!(e instanceof CsvError)) throw e;
    return { records, reason: reasonOf(e) };
  } finally {
    Error.stackTraceLimit = limit;
  }
}

function rowOf(line: number, fields: string[]): CsvRow {
  const long = fields.findIndex((f) => f.length > MAX_FIELD_CHARS);
  if (long >= 0) return { line, error: `field ${long + 1} is longer than ${MAX_FIELD_CHARS} characters` };
  return { line, fields };
}

/** One record's text, parsed on its own. */
function parseOne(text: string): { fields: string[] } | { reason: string } {
  const r = tryParse(Buffer.from(text));
  if (r.reason !== undefined) return { reason: r.reason };
  if (r.records.length !== 1) return { reason: `holds ${r.records.length} records where one was expected` };
  return { fields: r.records[0]! };
}

/** Single-line records in one csv-parse call where possible; each malformed one becomes an error row. */
function parseBatch(items: { line: number; text: string }[]): CsvRow[] {
  const parts = items.map((c) => Buffer.from(`${c.text}\n`));
  const offsets = [0];
  for (const p of parts) offsets.push(offsets[offsets.length - 1]! + p.length);
  const buf = Buffer.concat(parts);
  const rows: CsvRow[] = [];
  // csv-parse stops at the first malformed record: keep the records before it, report it, and go on
  // after it. Each line holds exactly one record, so record i is line s + i. The first try is the fast
  // one, without collecting; once it failed the batch is read again collecting.
  let collect = false;
  for (let s = 0; s < items.length; ) {
    const r = tryParse(buf.subarray(offsets[s], offsets[items.length]), collect);
    if (r.reason !== undefined && !collect) {
      collect = true;
      continue;
    }
    const bad = s + r.records.length;
    if (r.reason === undefined ? bad !== items.length : bad >= items.length) {
      for (const c of items.slice(s)) rows.push(single(c)); // not one record per line: cannot happen, be safe
      break;
    }
    r.records.forEach((fields, i) => rows.push(rowOf(items[s + i]!.line, fields)));
    if (r.reason === undefined) break;
    rows.push({ line: items[bad]!.line, error: r.reason });
    s = bad + 1;
  }
  return rows;
}

function single(c: { line: number; text: string }): CsvRow {
  const r = parseOne(c.text);
  return 'fields' in r ? rowOf(c.line, r.fields) : { line: c.line, error: r.reason };
}

/** CSV text in chunks in, rows out in order. */
export class CsvReader {
  private readonly lines = new LineSplitter(MAX_RECORD_CHARS);
  private readonly framer = new RecordFramer(MAX_RECORD_CHARS, parseOne, (item) => this.framed.push(item));
  private framed: Framed[] = [];
  private readonly buffer: TextLine[] = [];

  /** The rows that `chunk` completes (some may wait for the next chunk to fill a batch). */
  push(chunk: string): CsvRow[] {
    this.lines.push(chunk, this.buffer);
    return this.drain(false);
  }

  end(): CsvRow[] {
    this.lines.end(this.buffer);
    return this.drain(true);
  }

  private drain(end: boolean): CsvRow[] {
    for (const l of this.buffer) this.framer.push(l);
    this.buffer.length = 0;
    if (end) this.framer.end();
    if (!end && this.framed.length < BATCH) return [];
    const items = this.framed;
    this.framed = [];
    return resolveFramed(items);
  }
}

/** Parses the waiting single-line records of `items` in batches and keeps the order. */
function resolveFramed(items: Framed[]): CsvRow[] {
  const out: CsvRow[] = [];
  let batch: { line: number; text: string }[] = [];
  const flush = () => {
    if (batch.length) out.push(...parseBatch(batch));
    batch = [];
  };
  for (const f of items) {
    if ('text' in f) {
      batch.push(f);
      if (batch.length >= BATCH) flush();
    } else {
      flush();
      out.push(f);
    }
  }
  flush();
  return out;
}

/** Records of a whole text, strictly: the first malformed one fails with `file:line: reason`. */
export function* parseCsv(text: string, fileName: string): Generator<{ line: number; fields: string[] }> {
  const reader = new CsvReader();
  const step = 1 << 16;
  for (let i = 0; i <= text.length; i += step) {
    const rows = i + step > text.length ? [...reader.push(text.slice(i)), ...reader.end()] : reader.push(text.slice(i, i + step));
    for (const row of rows) {
      if ('error' in row) throw new InputFileError(fileName, row.line, row.error);
      yield row;
    }
  }
}
