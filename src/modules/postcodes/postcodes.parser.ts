// Parser for the postcode ↔ municipality mapping (osm_id,ags,ort,plz,landkreis,bundesland).
import { parseCsv } from '../../lib/csv.js';
import { InputFileError } from '../../lib/errors.js';
import { foldName } from '../../lib/fold.js';

export interface PostcodeRecord {
  line: number;
  postcode: string;
  ags: string;
  locality: string;
  localityKey: string;
  osmId: number | null;
}

const REQUIRED = ['ags', 'ort', 'plz'] as const;

export function parsePostcodes(text: string, fileName: string): PostcodeRecord[] {
  const fail = (line: number, reason: string): never => {
    throw new InputFileError(fileName, line, reason);
  };
  const rows = parseCsv(text, fileName);
  const header = rows.next();
  if (header.done) fail(1, 'file is empty; expected a header line osm_id,ags,ort,plz,landkreis,bundesland');
  const { fields: head, line: headLine } = header.value as { fields: string[]; line: number };
  const columns = head.map((h) => h.trim().toLowerCase());
  const col = Object.fromEntries(columns.map((h, i) => [h, i]));
  for (const r of REQUIRED) {
    if (col[r] === undefined) fail(headLine, `header lacks column "${r}" (found: ${columns.join(',')})`);
  }
  const iAgs = col.ags!;
  const iOrt = col.ort!;
  const iPlz = col.plz!;
  const iOsm = col.osm_id;

  const out: PostcodeRecord[] = [];
  for (const { line, fields } of rows) {
    if (fields.length !== columns.length) {
      fail(line, `has ${fields.length} fields, the header has ${columns.length}`);
    }
    const rawAgs = fields[iAgs]!.trim();
    // Spreadsheets drop the leading zero: 9184149 is 09184149.
    if (!/^\d{7,8}$/.test(rawAgs)) fail(line, `ags "${rawAgs}" must be 8 digits (7 when the leading zero was lost)`);
    const rawPlz = fields[iPlz]!.trim();
    if (!/^\d{4,5}$/.test(rawPlz)) fail(line, `plz "${rawPlz}" must be 5 digits (4 when the leading zero was lost)`);
    const locality = fields[iOrt]!.trim();
    if (!locality) fail(line, 'ort is empty');
    let osmId: number | null = null;
    if (iOsm !== undefined && fields[iOsm]!.trim() !== '') {
      const raw = fields[iOsm]!.trim();
      if (!/^\d{1,15}$/.test(raw)) fail(line, `osm_id "${raw}" must be a number`);
      osmId = Number(raw);
    }
    const postcode = rawPlz.padStart(5, '0');
    if (postcode === '00000') fail(line, 'plz 00000 is not a postcode');
    out.push({ line, postcode, ags: rawAgs.padStart(8, '0'), locality, localityKey: foldName(locality), osmId });
  }
  if (!out.length) fail(headLine, 'file holds a header but no rows');
  return out;
}
