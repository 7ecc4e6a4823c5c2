// Resolves a CSV file of addresses into a CSV of results, streaming: millions of rows in constant memory.
import fs from 'node:fs';
import { once } from 'node:events';
import type { CsvRow } from '../../lib/csv.js';
import { readCsvRows, safeCsvLine, safeCsvLines, type Cell } from '../../lib/csv-stream.js';
import type { TextEncoding } from '../../lib/text-file.js';
import { AppError, InputFileError } from '../../lib/errors.js';
import type { DirectoryIndex } from '../directory/directory-index.js';
import { checkLookupInput, type RawLookupInput } from './lookup.js';
import { resolveJurisdiction } from './resolution/index.js';

const ALIASES: Record<string, keyof Columns> = {
  street: 'street',
  strasse: 'street',
  'straße': 'street',
  housenumber: 'houseNumber',
  house_number: 'houseNumber',
  hausnummer: 'houseNumber',
  postalcode: 'postalCode',
  postal_code: 'postalCode',
  postcode: 'postalCode',
  plz: 'postalCode',
  city: 'city',
  ort: 'city',
  ags: 'ags',
  ars: 'ars',
  task: 'task',
  at: 'at',
  messagetype: 'messageType',
  message_type: 'messageType',
};

export interface Columns {
  street?: number;
  houseNumber?: number;
  postalCode?: number;
  city?: number;
  ags?: number;
  ars?: number;
  task?: number;
  at?: number;
  messageType?: number;
}

export const RESULT_COLUMNS = [
  'status',
  'authority_key',
  'authority_name',
  'authority_postal_code',
  'authority_city',
  'electronic',
  'ags',
  'confidence',
  'candidates',
  'warnings',
  'error',
];

/** How rows are resolved: the same in this thread and in a worker (options.ts of the run). */
export interface ResolveSettings {
  today: string;
  /** the instant of the run: rows for today decide the channel for it (default: now) */
  now?: Date;
  task?: string;
  at?: string;
  messageType?: string;
}

export interface BulkOptions extends ResolveSettings {
  input: string;
  /** the input's encoding (default auto: UTF-8, or ISO-8859-1 when the file begins so) */
  encoding?: TextEncoding;
  output: NodeJS.WritableStream;
  /** resolves in this thread with this index, unless `resolveBatch` hands the batches elsewhere */
  index?: DirectoryIndex;
  /** resolves a batch (worker threads); batches are written in order, at most `inFlight` at a time */
  resolveBatch?: (batch: RowBatch) => Promise<BatchResult>;
  inFlight?: number;
  onProgress?: (p: { rows: number; bytesRead: number }) => void;
  /** the output's write error, if one happened: the run stops at the next write */
  writeError?: () => Error | undefined;
}

export interface BulkSummary {
  rows: number;
  byStatus: Record<string, number>;
}

/** Rows read in one go, with what is needed to resolve them anywhere. */
export interface RowBatch {
  header: string[];
  cols: Columns;
  rows: CsvRow[];
}

/** The batch's CSV lines, ready to write, and its rows by status. */
export interface BatchResult {
  text: string;
  byStatus: Record<string, number>;
}

/** Rows per batch: large enough that handing one to a worker costs little against resolving it. */
const BATCH_ROWS = 500;

type Out = (string | number | boolean | null)[];

const errorResult = (message: string): Out => ['ERROR', null, null, null, null, null, null, null, null, null, message];

/** The columns the header names; a header without any address or key column is refused. */
function columnsOf(header: string[], file: string, line: number): Columns {
  const cols: Columns = {};
  for (const [i, h] of header.entries()) {
    const k = ALIASES[h.trim().toLowerCase()];
    if (!k) continue;
    // Two columns for one thing: which one the rows mean is a guess, so neither is taken.
    const before = cols[k];
    if (before !== undefined) throw new InputFileError(file, line, `header: columns ${before + 1} (${shown(header[before]!)}) and ${i + 1} (${shown(h)}) are both ${k}`);
    cols[k] = i;
  }
  if (cols.ags === undefined && cols.ars === undefined && cols.postalCode === undefined && cols.city === undefined) {
    throw new InputFileError(file, line, `header needs address columns (street, houseNumber, postalCode, city) or ags/ars; found: ${shown(header.join(','))}`);
  }
  return cols;
}

/** File text for a terminal: control characters (escape sequences) as \u…, at most 200 characters. */
function shown(text: string): string {
  const cut = text.length > 200 ? `${text.slice(0, 200)}…` : text;
  return cut.replace(/[\x00-\x1f\x7f-\x9f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function resolveRow(o: ResolveSettings & { index: DirectoryIndex }, header: string[], cols: Columns, line: number, fields: string[]): Out {
  const f = (i: number | undefined) => (i === undefined ? null : (fields[i] ?? '').trim() || null);
  const raw: RawLookupInput = {
    task: f(cols.task) ?? o.task ?? null,
    at: f(cols.at) ?? o.at ?? null,
    messageType: f(cols.messageType) ?? o.messageType ?? null,
  };
  if (f(cols.ags)) raw.ags = f(cols.ags);
  else if (f(cols.ars)) raw.ars = f(cols.ars);
  else if (f(cols.street) || f(cols.houseNumber)) {
    raw.address = { street: f(cols.street), houseNumber: f(cols.houseNumber), postalCode: f(cols.postalCode), city: f(cols.city) };
  } else {
    raw.postalCode = f(cols.postalCode);
    raw.city = f(cols.city);
  }
  try {
    const input = checkLookupInput(raw, o.today, 'input', o.now ?? new Date());
    input.explain = false; // the file has no explanation column
    const r = resolveJurisdiction(o.index, input);
    return [
      r.status,
      r.authority?.key ?? null,
      r.authority?.name ?? null,
      r.authority?.postcode ?? null,
      r.authority?.city ?? null,
      // The routing decision itself (empty without a message type), with its reasons when it is post.
      r.electronicDelivery ? r.electronicDelivery.electronic : null,
      r.ags,
      r.confidence,
      r.candidates.map((c) => `${c.ags ?? ''}:${c.authority?.key ?? ''}`).join(' ') || null,
      [...r.warnings, ...(r.electronicDelivery && !r.electronicDelivery.electronic ? r.electronicDelivery.reasons.map((x) => x.text) : [])].join(' ') || null,
      null,
    ];
  } catch (e) {
    return errorResult(rowError(e, line, header, cols, fields));
  }
}

const OPTION_OF: Partial<Record<keyof Columns, string>> = { task: '--task', at: '--at', messageType: '--message-type' };

/**
 * "line 3, column Datum: "x" is not a date YYYY-MM-DD": the lookup's input field named as the file's
 * column it came from (as the header spells it), or as the option that gave it.
 */
function rowError(e: unknown, line: number, header: string[], cols: Columns, fields: string[]): string {
  const message = (e as Error).message;
  const argument = e instanceof AppError ? e.extensions.argument : undefined;
  if (typeof argument !== 'string' || !message.startsWith(`${argument}: `)) return `line ${line}: ${message}`;
  const reason = message.slice(argument.length + 2);
  const key = argument.replace(/^input\.?/, '').replace(/^address\.?/, '') as keyof Columns | '';
  if (!key) return `line ${line}: ${argument === 'input.address' ? 'the address ' : ''}${reason}`;
  const i = cols[key];
  const where = i !== undefined && (fields[i] ?? '').trim() ? `column ${header[i]}` : (OPTION_OF[key] ?? `column ${key}`);
  return `line ${line}, ${where}: ${reason}`;
}

/** The input cells echoed (padded to the header) and the result: ERROR for a row that cannot be read. */
function rowResult(o: ResolveSettings & { index: DirectoryIndex }, header: string[], cols: Columns, row: CsvRow): { echo: string[]; out: Out } {
  if ('error' in row) return { echo: header.map(() => ''), out: errorResult(`line ${row.line}: ${row.error}`) };
  const echo = header.map((_, i) => row.fields[i] ?? '');
  if (row.fields.length > header.length) {
    return { echo, out: errorResult(`line ${row.line}: has ${row.fields.length} fields, the header has ${header.length}`) };
  }
  return { echo, out: resolveRow(o, header, cols, row.line, row.fields) };
}

/** Resolves a batch in this thread; every cell, echoed input and directory data alike, is neutralised against spreadsheet formulas. */
export function resolveRows(o: ResolveSettings & { index: DirectoryIndex }, batch: RowBatch): BatchResult {
  const lines: Out[] = [];
  const byStatus: Record<string, number> = {};
  for (const row of batch.rows) {
    const { echo, out } = rowResult(o, batch.header, batch.cols, row);
    const status = out[0] as string;
    byStatus[status] = (byStatus[status] ?? 0) + 1;
    lines.push([...echo, ...out]);
  }
  return { text: safeCsvLines(lines), byStatus };
}

export async function resolveCsv(o: BulkOptions): Promise<BulkSummary> {
  const index = o.index;
  const resolve = o.resolveBatch ?? (index ? async (b: RowBatch) => resolveRows({ ...o, index }, b) : undefined);
  if (!resolve) throw new Error('resolveCsv needs an index or resolveBatch');
  let header: string[] | undefined;
  let cols: Columns = {};
  let bytesRead = 0;
  let rows: CsvRow[] = [];
  const summary: BulkSummary = { rows: 0, byStatus: {} };
  // Batches in order of reading; waiting on the oldest bounds memory and holds the reading back.
  const inFlight: { rows: number; result: Promise<BatchResult> }[] = [];
  const write = async (text: string) => {
    const failed = o.writeError?.();
    if (failed) throw failed;
    if (!o.output.write(text)) await once(o.output, 'drain');
  };
  const writeOldest = async () => {
    const { rows: n, result } = inFlight.shift()!;
    const r = await result;
    await write(r.text);
    for (const [k, v] of Object.entries(r.byStatus)) summary.byStatus[k] = (summary.byStatus[k] ?? 0) + v;
    const before = summary.rows;
    summary.rows += n;
    if (Math.floor(summary.rows / 10_000) > Math.floor(before / 10_000)) o.onProgress?.({ rows: summary.rows, bytesRead });
  };
  const submit = async () => {
    if (!rows.length) return;
    const result = resolve({ header: header!, cols, rows });
    result.catch(() => undefined); // awaited in order by writeOldest
    inFlight.push({ rows: rows.length, result });
    rows = [];
    while (inFlight.length >= (o.inFlight ?? 1)) await writeOldest();
  };
  for await (const row of readCsvRows(o.input, (b) => (bytesRead = b), o.encoding)) {
    if (!header) {
      if ('error' in row) throw new InputFileError(o.input, row.line, `header: ${row.error}`);
      header = row.fields;
      cols = columnsOf(header, o.input, row.line);
      await write(safeCsvLine([...header, ...RESULT_COLUMNS]));
      continue;
    }
    rows.push(row);
    if (rows.length >= BATCH_ROWS) await submit();
  }
  if (!header) throw new InputFileError(o.input, 1, 'file is empty; expected a header line');
  await submit();
  while (inFlight.length) await writeOldest();
  return summary;
}

/** A progress bar on stderr: redrawn in place on a terminal, a line every few seconds otherwise. */
export function progressBar(totalBytes: number, stream: NodeJS.WriteStream = process.stderr) {
  const started = performance.now();
  let lastLine = 0;
  return (p: { rows: number; bytesRead: number }, done = false) => {
    const now = performance.now();
    const rate = Math.round(p.rows / Math.max((now - started) / 1000, 0.001));
    const share = totalBytes ? Math.min(1, p.bytesRead / totalBytes) : 1;
    const width = 30;
    const bar = '#'.repeat(Math.round(share * width)).padEnd(width, '.');
    const text = `[${bar}] ${(share * 100).toFixed(0).padStart(3)}%  ${p.rows.toLocaleString('en')} rows  ${rate.toLocaleString('en')} rows/s`;
    if (stream.isTTY) stream.write(`\r${text}${done ? '\n' : ''}`);
    else if (done || now - lastLine > 5000) {
      stream.write(`${text}\n`);
      lastLine = now;
    }
  };
}

export function fileSize(file: string): number {
  return fs.statSync(file).size;
}
