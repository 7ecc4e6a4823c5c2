// Import of the postcode mapping: the file is the whole mapping; what it no longer lists is closed.
import type { Db } from '../../db/client.js';
import { postalCodes } from '../../db/schema.js';
import { today, type Clock } from '../../lib/clock.js';
import { decodeText, type TextEncoding } from '../../lib/text-file.js';
import { endingOn, runImport, type ImportFile, type ImportRecord } from '../directory/import-run.js';
import { knownAgs } from '../regions/regions.repository.js';
import { parsePostcodes } from './postcodes.parser.js';
import {
  closePostalCodes,
  currentPostalCodes,
  deletePostalCodes,
  insertPostalCodes,
  updatePostalCode,
  type NewPostalCodeRow,
} from './postcodes.repository.js';

export const POSTCODE_SOURCE = 'POSTCODES';

export interface PostcodeImportOptions extends ImportFile {
  encoding?: TextEncoding;
  /** First day the mapping holds; default today (German date). */
  validFrom?: string;
}

export interface PostcodeImportResult {
  rows: number;
  postcodes: number;
  municipalities: number;
  /** postcodes shared by more than one municipality */
  sharedPostcodes: number;
  duplicateRows: number;
  added: number;
  removed: number;
  updated: number;
  /** AGS the register has never known (e.g. keys retired before the imported editions) */
  unknownAgs: string[];
  unchanged: boolean;
  dryRun: boolean;
}

type PostcodeRecord = ReturnType<typeof parsePostcodes>[number];

export async function importPostcodes(db: Db, clock: Clock, opts: PostcodeImportOptions): Promise<PostcodeImportResult> {
  const { text } = decodeText(opts.bytes, opts.encoding, opts.fileName);
  const records = parsePostcodes(text, opts.fileName);
  const validFrom = opts.validFrom ?? today(clock);
  const { byKey, duplicateRows } = distinctRows(records);

  return runImport(db, clock, opts, postalCodes, async (tx) => {
    const { added, removed, updated } = await applyMapping(tx, byKey, validFrom);
    const ags = [...byKey.values()].map((r) => r.ags);
    const known = await knownAgs(tx, ags);
    const perPostcode = municipalitiesPerPostcode(byKey.values());
    const result: PostcodeImportResult = {
      rows: records.length,
      postcodes: perPostcode.size,
      municipalities: new Set(ags).size,
      sharedPostcodes: [...perPostcode.values()].filter((s) => s.size > 1).length,
      duplicateRows,
      added,
      removed,
      updated,
      unknownAgs: [...new Set(ags)].filter((a) => !known.has(a)).sort(),
      unchanged: !added && !removed && !updated,
      dryRun: !!opts.dryRun,
    };
    return { result, record: result.unchanged ? null : importRecord(result, validFrom) };
  });
}

/** Rows by postcode and AGS; a repeated pair counts as a duplicate row. */
function distinctRows(records: PostcodeRecord[]) {
  const byKey = new Map<string, PostcodeRecord>();
  let duplicateRows = 0;
  for (const r of records) {
    const key = `${r.postcode}:${r.ags}`;
    if (byKey.has(key)) duplicateRows++;
    else byKey.set(key, r);
  }
  return { byKey, duplicateRows };
}

function municipalitiesPerPostcode(rows: Iterable<PostcodeRecord>): Map<string, Set<string>> {
  const perPostcode = new Map<string, Set<string>>();
  for (const r of rows) {
    let s = perPostcode.get(r.postcode);
    if (!s) perPostcode.set(r.postcode, (s = new Set()));
    s.add(r.ags);
  }
  return perPostcode;
}

/** Writes the file as the whole mapping: new pairs open on validFrom, pairs it no longer lists end then. */
async function applyMapping(tx: Db, byKey: Map<string, PostcodeRecord>, validFrom: string) {
  const current = await currentPostalCodes(tx);
  const first = current.length === 0;
  const curByKey = new Map(current.map((r) => [`${r.postcode}:${r.ags}`, r]));
  const inserts: NewPostalCodeRow[] = [];
  let updated = 0;
  for (const [key, r] of byKey) {
    const cur = curByKey.get(key);
    curByKey.delete(key);
    if (!cur) {
      inserts.push({
        postcode: r.postcode,
        ags: r.ags,
        locality: r.locality,
        localityKey: r.localityKey,
        osmId: r.osmId,
        validFrom: first ? null : validFrom,
        source: POSTCODE_SOURCE,
      });
    } else if (cur.locality !== r.locality || cur.osmId !== r.osmId) {
      await updatePostalCode(tx, cur.id, { locality: r.locality, localityKey: r.localityKey, osmId: r.osmId });
      updated++;
    }
  }
  const gone = [...curByKey.values()];
  const { deletes, closes } = endingOn(gone, validFrom);
  await deletePostalCodes(tx, deletes);
  await closePostalCodes(tx, closes, validFrom);
  await insertPostalCodes(tx, inserts);
  return { added: inserts.length, removed: gone.length, updated };
}

function importRecord(result: PostcodeImportResult, validFrom: string): ImportRecord {
  const { unknownAgs, unchanged: _c, dryRun: _d, ...summary } = result;
  return {
    kind: POSTCODE_SOURCE,
    edition: validFrom,
    summary: { ...summary, unknownAgs: unknownAgs.length },
    audit: { action: 'IMPORT_POSTCODES', entityType: 'PostcodeMapping', after: { ...summary, unknownAgs } },
  };
}
