import { describe, expect, it } from 'vitest';
import { InputFileError } from '../src/lib/errors.js';
import { decodeText, splitLines } from '../src/lib/text-file.js';
import { parseGv100ad } from '../src/modules/regions/gv100ad.parser.js';
import { gvRecord as rec } from './helpers/gv100ad.js';

const D = '20251130';
const state = rec([[1, '10'], [3, D], [11, '05'], [23, 'Nordrhein-Westfalen'], [73, 'Düsseldorf']]);
const rb = rec([[1, '20'], [3, D], [11, '057'], [23, 'Reg.-Bez. Detmold'], [73, 'Detmold']]);
const kreis = rec([[1, '40'], [3, D], [11, '05766'], [23, 'Lippe'], [73, 'Detmold'], [123, '43']]);
const verband = rec([[1, '50'], [3, D], [11, '05766'], [19, '0020'], [23, 'Detmold, Stadt'], [123, '50']]);
const gemeinde = rec([
  [1, '60'], [3, D], [11, '05766020'], [19, '0020'], [23, 'Detmold, Stadt'], [123, '63'],
  [129, '00000012939'], [140, '00000074278'], [151, '00000035949'], [166, '32756*****'], [178, '5313'], [182, '4314'], [186, '33101'],
]);
const valid = [state, rb, kreis, verband, gemeinde];

function failure(lines: string[]): InputFileError {
  try {
    parseGv100ad(lines, 'test.txt');
  } catch (e) {
    if (e instanceof InputFileError) return e;
    throw e;
  }
  throw new Error('expected the parse to fail');
}

describe('GV100AD parser', () => {
  it('cuts fields by character position and derives keys and parents', () => {
    const e = parseGv100ad(valid, 'test.txt');
    expect(e.edition).toBe('2025-11-30');
    expect(e.counts).toEqual({ STATE: 1, GOVERNMENT_DISTRICT: 1, REGION: 0, DISTRICT: 1, ASSOCIATION: 1, MUNICIPALITY: 1 });
    const m = e.records.find((r) => r.level === 'MUNICIPALITY')!;
    expect(m).toMatchObject({
      ags: '05766020',
      ars: '057660020020',
      name: 'Detmold, Stadt',
      nameKey: 'detmold stadt',
      typeCode: '63',
      parentArs: '057660020',
      townHallPostcode: '32756',
      postcodeUnique: false,
      areaHectares: 12939,
      population: 74278,
      populationMale: 35949,
      taxOfficeDistrict: '5313',
      higherRegionalCourtDistrict: '4',
      regionalCourtDistrict: '43',
      localCourtDistrict: '4314',
      employmentAgencyDistrict: '33101',
    });
    expect(e.records.find((r) => r.level === 'DISTRICT')!.parentArs).toBe('057');
    expect(e.records.find((r) => r.level === 'STATE')!.seat).toBe('Düsseldorf');
  });

  it('links a Kreis to its Land when the Land has no Regierungsbezirk', () => {
    const e = parseGv100ad([state, kreis, verband, gemeinde], 'test.txt');
    expect(e.records.find((r) => r.level === 'DISTRICT')!.parentArs).toBe('05');
  });

  it('reads ISO-8859-1 with CRLF the same as UTF-8 with LF', () => {
    const utf8 = Buffer.from(valid.join('\n') + '\n', 'utf8');
    const latin1 = Buffer.from(valid.join('\r\n') + '\r\n', 'latin1');
    expect(latin1.includes(0xfc)).toBe(true); // ü of Düsseldorf is one byte in ISO-8859-1
    expect(latin1.includes(0x0d)).toBe(true);
    const a = decodeText(utf8);
    const b = decodeText(latin1);
    expect(a.encoding).toBe('utf-8');
    expect(b.encoding).toBe('latin1');
    const pa = parseGv100ad(splitLines(a.text), 'a');
    const pb = parseGv100ad(splitLines(b.text), 'b');
    expect(pb.records).toEqual(pa.records);
    expect(pb.records.find((r) => r.level === 'STATE')!.seat).toBe('Düsseldorf');
  });

  it.each([
    ['an unknown record type', [state, rec([[1, '70'], [3, D], [11, '05']])], 2, /unknown record type "70"/],
    ['an invalid date', [state, rec([[1, '20'], [3, '20251331'], [11, '057'], [23, 'X']])], 2, /not a valid date/],
    ['a second edition in one file', [state, rec([[1, '20'], [3, '20241231'], [11, '057'], [23, 'X']])], 2, /differs from 2025-11-30 on line 1/],
    ['a non-numeric key', [state, rb, rec([[1, '40'], [3, D], [11, '057A6'], [23, 'Lippe']])], 3, /Regierungsbezirk and Kreis "7A6"/],
    ['an empty name', [state, rec([[1, '20'], [3, D], [11, '057']])], 2, /name in positions 23-72 is empty/],
    ['a line longer than a record', [state + 'x'], 1, /221 characters/],
    ['a duplicate key', [state, rb, rb], 3, /appears twice \(also on line 2\)/],
    ['a municipality without its association', [state, rb, kreis, gemeinde], 4, /Gemeindeverband 057660020 of 05766020 has no record/],
    ['a bad population', [state, rb, kreis, verband, gemeinde.slice(0, 139) + '0000007427X' + gemeinde.slice(150)], 5, /population "0000007427X"/],
    ['a bad Textkennzeichen', [state, rb, rec([[1, '40'], [3, D], [11, '05766'], [23, 'Lippe'], [123, '4x']])], 3, /Textkennzeichen "4x"/],
    ['a NUL in a name', [state, rb, rec([[1, '40'], [3, D], [11, '05766'], [23, 'Lip\0pe']])], 3, /control character U\+0000 \(NUL\) in position 26$/],
    ['a tab in a record', [state, rec([[1, '20'], [3, D], [11, '057'], [23, 'Reg.-Bez.\tDetmold']])], 2, /control character U\+0009 \(tab\) in position 32$/],
  ])('rejects %s with the line number', (_what, lines, line, reason) => {
    const e = failure(lines as string[]);
    expect(e.line).toBe(line);
    expect(e.message).toMatch(reason as RegExp);
    expect(e.message).toContain(`test.txt:${line}:`);
  });

  it('rejects an empty file', () => {
    expect(failure([]).message).toMatch(/no GV100AD records/);
  });
});

describe('decoding of import files', () => {
  const fail = (bytes: Buffer, encoding?: 'auto' | 'utf-8' | 'latin1') => {
    try {
      decodeText(bytes, encoding, 'f.txt');
    } catch (e) {
      expect(e).toBeInstanceOf(InputFileError);
      return (e as InputFileError).message;
    }
    return expect.unreachable();
  };

  it('refuses NUL and other control characters with line and character; tab, CR and LF are text', () => {
    expect(fail(Buffer.from('a\nb\nxy\0z\n'))).toBe('f.txt:3: control character U+0000 (NUL) at character 3: not a text file, or a damaged one');
    expect(fail(Buffer.from('a\r\n\x1b[31m\r\n'))).toBe('f.txt:2: control character U+001B at character 1: not a text file, or a damaged one');
    expect(fail(Buffer.from([0x61, 0x0a, 0x81]), 'latin1')).toBe('f.txt:2: control character U+0081 at character 1: not a text file, or a damaged one');
    expect(decodeText(Buffer.from('a\tb\r\nc\n'), 'auto', 'f.txt').text).toBe('a\tb\r\nc\n');
  });

  it('refuses bytes that are not UTF-8 when UTF-8 was chosen, naming the line; auto falls back to ISO-8859-1', () => {
    const bytes = Buffer.concat([Buffer.from('Düsseldorf\nDetmold\n'), Buffer.from('Lügde\n', 'latin1')]);
    expect(fail(bytes, 'utf-8')).toBe('f.txt:3: line is not valid UTF-8 (use encoding latin1 for ISO-8859-1 files)');
    expect(decodeText(Buffer.from('Lügde\n', 'latin1'), 'auto', 'f.txt')).toEqual({ text: 'Lügde\n', encoding: 'latin1' });
  });
});
