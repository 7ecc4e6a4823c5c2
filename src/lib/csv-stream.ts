// Streaming CSV: records from a file of any size (quoted fields may span lines), and CSV output.
import fs from 'node:fs';
import readline from 'node:readline';
import { parseCsv, type CsvRecord } from './csv.js';

/** Yields records one by one; `bytesRead` grows as the file is consumed (for progress). */
export async function* readCsvRecords(file: string, progress?: (bytesRead: number) => void): AsyncGenerator<CsvRecord> {
  const stream = fs.createReadStream(file);
  let bytes = 0;
  stream.on('data', (chunk) => {
    bytes += chunk.length;
    progress?.(bytes);
  });
  const lines = readline.createInterface({ input: stream, crlfDelay: Infinity });
  let pending = '';
  let startLine = 0;
  let lineNo = 0;
  let first = true;
  for await (let line of lines) {
    lineNo++;
    if (first) {
      line = line.replace(/^\uFEFF/, '');
      first = false;
    }
    if (!pending) startLine = lineNo;
    pending = pending ? `${pending}\n${line}` : line;
    // An odd number of quotes means a quoted field continues on the next line.
    if ((pending.match(/"/g)?.length ?? 0) % 2 === 1) continue;
    for (const rec of parseCsv(pending, file)) yield { line: startLine + rec.line - 1, fields: rec.fields };
    pending = '';
  }
  if (pending) for (const rec of parseCsv(pending, file)) yield { line: startLine + rec.line - 1, fields: rec.fields };
}

export function csvLine(fields: (string | number | boolean | null | undefined)[]): string {
  return (
    fields
      .map((f) => {
        const s = f === null || f === undefined ? '' : String(f);
        return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
      })
      .join(',') + '\n'
  );
}
