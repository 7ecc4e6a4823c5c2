// Import of a GV100AD edition into the versioned register, in one transaction.
import { createHash } from 'node:crypto';
import { failpoint } from '../../lib/failpoint.js';
import { desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { registerImports, type RegionLevel } from '../../db/schema.js';
import type { Clock } from '../../lib/clock.js';
import { decodeText, splitLines, type TextEncoding } from '../../lib/text-file.js';
import { writeAudit, type Actor } from '../audit/audit.service.js';
import { bumpDirectoryVersion } from '../directory/version.js';
import { proposeFromEdition } from '../structural/proposals.js';
import { parseGv100ad, type RegionRecord } from './gv100ad.parser.js';
import {
  closeRegions,
  currentRegions,
  deleteRegions,
  insertRegions,
  updateRegion,
  updateStatistics,
  type NewRegionRow,
  type RegionRow,
  type StatisticsUpdate,
} from './regions.repository.js';

export const GV100AD_SOURCE = 'GV100AD';

export interface Gv100ImportOptions {
  bytes: Uint8Array;
  fileName: string;
  encoding?: TextEncoding;
  dryRun?: boolean;
  actor: Actor;
}

export interface Gv100Counts {
  states: number;
  governmentDistricts: number;
  regions: number;
  districts: number;
  associations: number;
  municipalities: number;
}

export interface Gv100Diff {
  added: number;
  removed: number;
  renamed: number;
  moved: number;
}

export interface Gv100ImportResult {
  edition: string;
  encoding: 'utf-8' | 'latin1';
  counts: Gv100Counts;
  /** Municipalities (record 60) compared with the register as it was before the import. */
  diff: Gv100Diff;
  details: {
    added: string[];
    removed: string[];
    renamed: { ags: string; from: string; to: string }[];
    moved: { ags: string; fromAssociation: string; toAssociation: string }[];
  };
  /** What was written, over all levels. */
  writes: { versionsOpened: number; versionsClosed: number; statisticsUpdated: number };
  unchanged: boolean;
  dryRun: boolean;
  /** structural changes proposed from the diff (PROPOSED, for an admin to confirm or reject) */
  proposals: number;
}

export class ImportRejectedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImportRejectedError';
  }
}

class DryRunRollback extends Error {}

/** Attributes whose change opens a new version; statistics are updated in place. */
const VERSIONED: (keyof RegionRecord & keyof RegionRow)[] = [
  'ars',
  'name',
  'seat',
  'typeCode',
  'parentArs',
  'townHallPostcode',
  'postcodeUnique',
  'taxOfficeDistrict',
  'higherRegionalCourtDistrict',
  'regionalCourtDistrict',
  'localCourtDistrict',
  'employmentAgencyDistrict',
];

const identity = (r: { level: RegionLevel; ars: string; ags: string | null }) =>
  r.level === 'MUNICIPALITY' ? `M:${r.ags}` : `${r.level}:${r.ars}`;

function toRow(r: RegionRecord, edition: string, validFrom: string | null): NewRegionRow {
  const { line: _line, ...fields } = r;
  return { ...fields, validFrom, validTo: null, edition, source: GV100AD_SOURCE };
}

export async function importGv100ad(db: Db, clock: Clock, opts: Gv100ImportOptions): Promise<Gv100ImportResult> {
  const { text, encoding } = decodeText(opts.bytes, opts.encoding);
  const parsed = parseGv100ad(splitLines(text), opts.fileName);
  const { edition, records } = parsed;
  const c = parsed.counts;
  const counts: Gv100Counts = {
    states: c.STATE,
    governmentDistricts: c.GOVERNMENT_DISTRICT,
    regions: c.REGION,
    districts: c.DISTRICT,
    associations: c.ASSOCIATION,
    municipalities: c.MUNICIPALITY,
  };
  const sha256 = createHash('sha256').update(opts.bytes).digest('hex');

  let result: Gv100ImportResult | undefined;
  try {
    await db.transaction(async (tx) => {
      // Serialise concurrent imports (two CLIs on one PostgreSQL) on the import table.
      await tx.execute(sql`lock table register_imports in exclusive mode`);
      const [latest] = await tx
        .select({ edition: registerImports.edition })
        .from(registerImports)
        .where(eq(registerImports.kind, GV100AD_SOURCE))
        .orderBy(desc(registerImports.edition))
        .limit(1);
      if (latest?.edition && edition < latest.edition) {
        throw new ImportRejectedError(
          `${opts.fileName}: edition ${edition} is older than edition ${latest.edition} already in the register; ` +
            `import editions in chronological order`,
        );
      }
      const firstEdition = !latest;
      const openFrom = firstEdition ? null : edition;

      const current = await currentRegions(tx);
      const byKey = new Map(current.map((r) => [identity(r), r]));
      const inserts: NewRegionRow[] = [];
      const closes: number[] = [];
      const deletes: number[] = [];
      const inPlace: { id: number; values: Partial<NewRegionRow> }[] = [];
      const stats: StatisticsUpdate[] = [];
      const details: Gv100ImportResult['details'] = { added: [], removed: [], renamed: [], moved: [] };

      for (const rec of records) {
        const key = identity(rec);
        const cur = byKey.get(key);
        byKey.delete(key);
        if (rec.level === 'MUNICIPALITY' && rec.ags) {
          if (!cur) details.added.push(rec.ags);
          else {
            if (cur.name !== rec.name) details.renamed.push({ ags: rec.ags, from: cur.name, to: rec.name });
            if (cur.ars.slice(0, 9) !== rec.ars.slice(0, 9)) {
              details.moved.push({ ags: rec.ags, fromAssociation: cur.ars.slice(0, 9), toAssociation: rec.ars.slice(0, 9) });
            }
          }
        }
        if (!cur) {
          inserts.push(toRow(rec, edition, openFrom));
        } else if (VERSIONED.some((f) => cur[f] !== rec[f])) {
          if (cur.validFrom === edition) inPlace.push({ id: cur.id, values: toRow(rec, edition, edition) });
          else {
            closes.push(cur.id);
            inserts.push(toRow(rec, edition, edition));
          }
        } else if (
          cur.areaHectares !== rec.areaHectares ||
          cur.population !== rec.population ||
          cur.populationMale !== rec.populationMale ||
          cur.edition !== edition
        ) {
          stats.push({
            id: cur.id,
            areaHectares: rec.areaHectares,
            population: rec.population,
            populationMale: rec.populationMale,
            edition,
          });
        }
      }
      // What is left vanished from the edition.
      for (const gone of byKey.values()) {
        if (gone.level === 'MUNICIPALITY' && gone.ags) details.removed.push(gone.ags);
        if (gone.validFrom === edition) deletes.push(gone.id);
        else closes.push(gone.id);
      }

      await deleteRegions(tx, deletes);
      await closeRegions(tx, closes, edition);
      for (const u of inPlace) await updateRegion(tx, u.id, u.values);
      await updateStatistics(tx, stats);
      await insertRegions(tx, inserts);

      const unchanged = !inserts.length && !closes.length && !deletes.length && !inPlace.length && !stats.length;
      const hasStructure = details.added.length + details.removed.length + details.renamed.length + details.moved.length > 0;
      const proposals =
        firstEdition || !hasStructure
          ? 0
          : await proposeFromEdition(
              tx,
              {
                edition,
                before: new Map(current.filter((r) => r.level === 'MUNICIPALITY').map((r) => [r.ags!, r])),
                after: new Map(records.filter((r) => r.level === 'MUNICIPALITY').map((r) => [r.ags!, r])),
                ...details,
              },
              opts.actor.id,
              clock.now(),
            );
      result = {
        edition,
        encoding,
        counts,
        diff: {
          added: details.added.length,
          removed: details.removed.length,
          renamed: details.renamed.length,
          moved: details.moved.length,
        },
        details,
        writes: {
          versionsOpened: inserts.length,
          versionsClosed: closes.length + deletes.length,
          statisticsUpdated: stats.length + inPlace.length,
        },
        unchanged,
        dryRun: !!opts.dryRun,
        proposals,
      };
      if (!unchanged) {
        const summary = { counts, diff: result.diff, details, writes: result.writes };
        await tx.insert(registerImports).values({
          kind: GV100AD_SOURCE,
          edition,
          fileName: opts.fileName,
          sha256,
          importedAt: clock.now(),
          importedBy: opts.actor.id,
          summary,
        });
        await bumpDirectoryVersion(tx); // servers rebuild their in-memory index
        await writeAudit(tx, clock, opts.actor, {
          action: 'IMPORT_GV100AD',
          entityType: 'RegisterEdition',
          entityId: edition,
          before: latest?.edition ? { edition: latest.edition } : null,
          after: { edition, fileName: opts.fileName, sha256, ...summary },
        });
        await failpoint('import.gv100ad.beforeCommit');
      }
      if (opts.dryRun) throw new DryRunRollback();
    });
  } catch (e) {
    if (!(e instanceof DryRunRollback)) throw e;
  }
  return result!;
}
