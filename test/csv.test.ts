import { describe, expect, it } from 'vitest';
import { parseCsv } from '../src/lib/csv.js';
import { InputFileError } from '../src/lib/errors.js';
import { parsePostcodes } from '../src/modules/postcodes/postcodes.parser.js';

const HEADER = 'osm_id,ags,ort,plz,landkreis,bundesland\n';

describe('CSV', () => {
  it('handles quotes, escaped quotes, embedded newlines, CRLF and blank lines', () => {
    const rows = [...parseCsv('a,"b,c","d ""e"""\r\n\r\n"x\ny",2,3\n', 'f.csv')];
    expect(rows).toEqual([
      { line: 1, fields: ['a', 'b,c', 'd "e"'] },
      { line: 3, fields: ['x\ny', '2', '3'] },
    ]);
  });

  it('reports an unterminated quote with the line it started on', () => {
    expect(() => [...parseCsv('a,b\n"open,c\nd\n', 'f.csv')]).toThrow(/f\.csv:2: unterminated quoted field/);
  });

  it('reports text after a closing quote', () => {
    expect(() => [...parseCsv('"a"b,c\n', 'f.csv')]).toThrow(/f\.csv:1: unexpected character "b"/);
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
