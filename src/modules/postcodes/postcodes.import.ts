// Import of the postcode mapping: the file is the whole mapping; what it no longer lists is closed.
import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { registerImports } from '../../db/schema.js';
import { today, type Clock } from '../../lib/clock.js';
import { decodeText, type TextEncoding } from '../../lib/text-file.js';
import { writeAudit, type Actor } from '../audit/audit.service.js';
import { bumpDirectoryVersion } from '../directory/version.js';
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

export interface PostcodeImportOptions {
  bytes: Uint8Array;
  fileName: string;
  encoding?: TextEncoding;
  /** First day the mapping holds; default today (German date). */
  validFrom?: string;
  dryRun?: boolean;
  actor: Actor;
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

class DryRunRollback extends Error {}

export async function importPostcodes(db: Db, clock: Clock, opts: PostcodeImportOptions): Promise<PostcodeImportResult> {
  const { text } = decodeText(opts.bytes, opts.encoding);
  const records = parsePostcodes(text, opts.fileName);
  const validFrom = opts.validFrom ?? today(clock);

  const byKey = new Map<string, (typeof records)[number]>();
  let duplicateRows = 0;
  for (const r of records) {
    const key = `${r.postcode}:${r.ags}`;
    if (byKey.has(key)) duplicateRows++;
    else byKey.set(key, r);
  }
  const perPostcode = new Map<string, Set<string>>();
  for (const r of byKey.values()) {
    let s = perPostcode.get(r.postcode);
    if (!s) perPostcode.set(r.postcode, (s = new Set()));
    s.add(r.ags);
  }

  let result: PostcodeImportResult | undefined;
  try {
    await db.transaction(async (tx) => {
      await tx.execute(sql`lock table postal_codes in exclusive mode`);
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
      await deletePostalCodes(tx, gone.filter((g) => g.validFrom !== null && g.validFrom >= validFrom).map((g) => g.id));
      await closePostalCodes(tx, gone.filter((g) => g.validFrom === null || g.validFrom < validFrom).map((g) => g.id), validFrom);
      await insertPostalCodes(tx, inserts);

      const known = await knownAgs(tx, [...byKey.values()].map((r) => r.ags));
      const unknownAgs = [...new Set([...byKey.values()].map((r) => r.ags))].filter((a) => !known.has(a)).sort();
      const unchanged = !inserts.length && !gone.length && !updated;
      result = {
        rows: records.length,
        postcodes: perPostcode.size,
        municipalities: new Set([...byKey.values()].map((r) => r.ags)).size,
        sharedPostcodes: [...perPostcode.values()].filter((s) => s.size > 1).length,
        duplicateRows,
        added: inserts.length,
        removed: gone.length,
        updated,
        unknownAgs,
        unchanged,
        dryRun: !!opts.dryRun,
      };
      if (!unchanged) {
        const sha256 = createHash('sha256').update(opts.bytes).digest('hex');
        const { unknownAgs: _u, unchanged: _c, dryRun: _d, ...summary } = result;
        await tx.insert(registerImports).values({
          kind: POSTCODE_SOURCE,
          edition: validFrom,
          fileName: opts.fileName,
          sha256,
          importedAt: clock.now(),
          importedBy: opts.actor.id,
          summary: { ...summary, unknownAgs: unknownAgs.length },
        });
        await bumpDirectoryVersion(tx); // servers rebuild their in-memory index
        await writeAudit(tx, clock, opts.actor, {
          action: 'IMPORT_POSTCODES',
          entityType: 'PostcodeMapping',
          entityId: validFrom,
          after: { fileName: opts.fileName, sha256, ...summary, unknownAgs },
        });
      }
      if (opts.dryRun) throw new DryRunRollback();
    });
  } catch (e) {
    if (!(e instanceof DryRunRollback)) throw e;
  }
  return result!;
}
