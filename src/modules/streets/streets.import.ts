// Import of street data in the OpenPLZ format (Name,PostalCode,Locality,RegionalKey,Borough,Suburb):
// which municipality a street under a postcode lies in. The file is the whole directory: what it no
// longer lists is closed on validFrom.
import { isNull } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { streets } from '../../db/schema.js';
import { parseCsv } from '../../lib/csv.js';
import { today, type Clock } from '../../lib/clock.js';
import { InputFileError } from '../../lib/errors.js';
import { decodeText, type TextEncoding } from '../../lib/text-file.js';
import { closeVersions, deleteVersions, insertRows } from '../../db/versioned.js';
import { streetKey } from '../addresses/normalize.js';
import { endingOn, runImport, type ImportFile, type ImportRecord } from '../directory/import-run.js';
import { knownAgs } from '../regions/regions.repository.js';

export const STREETS_SOURCE = 'STREETS';

export interface StreetRecord {
  line: number;
  name: string;
  streetKey: string;
  postcode: string;
  locality: string;
  ags: string;
  borough: string | null;
  suburb: string | null;
}

/** RegionalKey is an AGS (8 digits) or an ARS (12); spreadsheets drop the leading zero. */
function agsOf(raw: string): string | undefined {
  if (/^\d{7,8}$/.test(raw)) return raw.padStart(8, '0');
  if (/^\d{11,12}$/.test(raw)) {
    const ars = raw.padStart(12, '0');
    return ars.slice(0, 5) + ars.slice(9);
  }
  return undefined;
}

export function parseStreets(text: string, fileName: string): StreetRecord[] {
  const fail = (line: number, reason: string): never => {
    throw new InputFileError(fileName, line, reason);
  };
  const rows = parseCsv(text, fileName);
  const head = rows.next();
  if (head.done) fail(1, 'file is empty; expected a header Name,PostalCode,Locality,RegionalKey,Borough,Suburb');
  const { fields: headFields, line: headLine } = head.value as { fields: string[]; line: number };
  const columns = headFields.map((h) => h.trim().toLowerCase());
  const col = (n: string) => columns.indexOf(n);
  for (const req of ['name', 'postalcode', 'locality', 'regionalkey']) {
    if (col(req) < 0) fail(headLine, `header lacks column "${req}" (found: ${columns.join(',')})`);
  }
  const [iName, iPc, iLoc, iKey, iBor, iSub] = ['name', 'postalcode', 'locality', 'regionalkey', 'borough', 'suburb'].map(col) as number[];
  const out: StreetRecord[] = [];
  for (const { line, fields } of rows) {
    if (fields.length !== columns.length) fail(line, `has ${fields.length} fields, the header has ${columns.length}`);
    const name = fields[iName!]!.trim();
    if (!name) fail(line, 'Name is empty');
    const pc = fields[iPc!]!.trim();
    if (!/^\d{4,5}$/.test(pc)) fail(line, `PostalCode "${pc}" must be 5 digits`);
    const ags = agsOf(fields[iKey!]!.trim()) ?? fail(line, `RegionalKey "${fields[iKey!]}" must be an AGS (8 digits) or ARS (12 digits)`);
    const locality = fields[iLoc!]!.trim();
    if (!locality) fail(line, 'Locality is empty');
    const opt = (i: number | undefined) => (i !== undefined && i >= 0 ? fields[i]!.trim() || null : null);
    out.push({ line, name, streetKey: streetKey(name), postcode: pc.padStart(5, '0'), locality, ags, borough: opt(iBor), suburb: opt(iSub) });
  }
  return out;
}

export interface StreetImportResult {
  rows: number;
  streets: number;
  added: number;
  removed: number;
  unknownAgs: number;
  unchanged: boolean;
  dryRun: boolean;
}

type StreetRow = typeof streets.$inferSelect;

export async function importStreets(
  db: Db,
  clock: Clock,
  opts: ImportFile & { encoding?: TextEncoding; validFrom?: string },
): Promise<StreetImportResult> {
  const records = parseStreets(decodeText(opts.bytes, opts.encoding, opts.fileName).text, opts.fileName);
  const validFrom = opts.validFrom ?? today(clock);
  const byKey = new Map<string, StreetRecord>();
  for (const r of records) {
    const k = keyOf(r);
    if (!byKey.has(k)) byKey.set(k, r);
  }
  return runImport(db, clock, opts, streets, async (tx) => {
    const { added, removed } = await applyDirectory(tx, byKey, validFrom);
    const known = await knownAgs(tx, [...byKey.values()].map((r) => r.ags));
    const result: StreetImportResult = {
      rows: records.length,
      streets: byKey.size,
      added,
      removed,
      unknownAgs: new Set([...byKey.values()].map((r) => r.ags).filter((a) => !known.has(a))).size,
      unchanged: !added && !removed,
      dryRun: !!opts.dryRun,
    };
    const record: ImportRecord = {
      kind: STREETS_SOURCE,
      edition: validFrom,
      summary: result,
      audit: { action: 'IMPORT_STREETS', entityType: 'StreetDirectory', after: { ...result } },
    };
    return { result, record: result.unchanged ? null : record };
  });
}

const keyOf = (s: StreetRecord | StreetRow) => `${s.postcode}:${s.streetKey}:${s.ags}`;

/** Writes the file as the whole directory: new streets open on validFrom, streets it no longer lists end then. */
async function applyDirectory(tx: Db, byKey: Map<string, StreetRecord>, validFrom: string) {
  const current = await tx.select().from(streets).where(isNull(streets.validTo));
  const first = current.length === 0;
  const cur = new Map(current.map((s) => [keyOf(s), s]));
  const inserts: (typeof streets.$inferInsert)[] = [];
  for (const [k, r] of byKey) {
    if (cur.delete(k)) continue;
    const { line: _l, ...fields } = r;
    inserts.push({ ...fields, validFrom: first ? null : validFrom, source: STREETS_SOURCE });
  }
  const gone = [...cur.values()];
  const { deletes, closes } = endingOn(gone, validFrom);
  await deleteVersions(tx, streets, deletes);
  await closeVersions(tx, streets, closes, validFrom);
  await insertRows(tx, streets, inserts);
  return { added: inserts.length, removed: gone.length };
}
