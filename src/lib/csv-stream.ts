// Streaming CSV: rows from a file of any size, and CSV output.
import fs from 'node:fs';
import { stringify } from 'csv-stringify/sync';
import { CsvReader, type CsvRow } from './csv.js';

/** Yields rows one by one (records, or malformed ones with their reason); `bytesRead` is for progress. */
export async function* readCsvRows(file: string, progress?: (bytesRead: number) => void): AsyncGenerator<CsvRow> {
  const reader = new CsvReader();
  const decoder = new TextDecoder('utf-8'); // drops a BOM
  let bytes = 0;
  for await (const chunk of fs.createReadStream(file)) {
    bytes += (chunk as Buffer).length;
    progress?.(bytes);
    yield* reader.push(decoder.decode(chunk as Buffer, { stream: true }));
  }
  yield* reader.push(decoder.decode());
  yield* reader.end();
}

export type Cell = string | number | boolean | null | undefined;

const text = (c: Cell) => (c === null || c === undefined ? '' : String(c));

/** One CSV line (RFC 4180 quoting by csv-stringify), cells as they are. */
export function csvLine(cells: Cell[]): string {
  return stringify([cells.map(text)]);
}
