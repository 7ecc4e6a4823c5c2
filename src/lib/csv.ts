// RFC 4180 CSV: quoted fields may hold commas, quotes ("") and line breaks.
import { InputFileError } from './errors.js';

export interface CsvRecord {
  /** 1-based line on which the record starts */
  line: number;
  fields: string[];
}

export function* parseCsv(text: string, fileName: string, delimiter = ','): Generator<CsvRecord> {
  let i = 0;
  let line = 1;
  const n = text.length;
  while (i < n) {
    const start = line;
    const fields: string[] = [];
    let field = '';
    let endOfRecord = false;
    while (!endOfRecord) {
      if (text[i] === '"') {
        i++;
        for (;;) {
          if (i >= n) throw new InputFileError(fileName, start, `unterminated quoted field (field ${fields.length + 1})`);
          const c = text[i]!;
          if (c === '"') {
            if (text[i + 1] === '"') {
              field += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (c === '\n') line++;
          field += c;
          i++;
        }
        const after = text[i];
        if (after !== undefined && after !== delimiter && after !== '\n' && after !== '\r') {
          throw new InputFileError(fileName, line, `unexpected character "${after}" after a closing quote (field ${fields.length + 1})`);
        }
      } else {
        while (i < n && text[i] !== delimiter && text[i] !== '\n' && text[i] !== '\r') {
          if (text[i] === '"') throw new InputFileError(fileName, line, `stray quote inside unquoted field ${fields.length + 1}`);
          field += text[i];
          i++;
        }
      }
      fields.push(field);
      field = '';
      if (i >= n) endOfRecord = true;
      else if (text[i] === delimiter) i++;
      else {
        if (text[i] === '\r') i++;
        if (text[i] === '\n') i++;
        line++;
        endOfRecord = true;
      }
    }
    if (fields.length === 1 && fields[0] === '') continue; // blank line
    yield { line: start, fields };
  }
}
