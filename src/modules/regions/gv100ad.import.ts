// Import of a GV100AD edition into the versioned register, in one transaction.
import { desc, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { registerImports, type RegionLevel } from '../../db/schema.js';
import type { Clock } from '../../lib/clock.js';
import { decodeText, splitLines, type TextEncoding } from '../../lib/text-file.js';
import type { Actor } from '../audit/audit.service.js';
import { runImport, type ImportFile, type ImportRecord } from '../directory/import-run.js';
import { proposeFromEdition } from '../structural/proposals.js';
import { parseGv100ad, type Gv100Edition, type RegionRecord } from './gv100ad.parser.js';
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

export interface Gv100ImportOptions extends ImportFile {
  encoding?: TextEncoding;
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
  const { text, encoding } = decodeText(opts.bytes, opts.encoding, opts.fileName);
  const parsed = parseGv100ad(splitLines(text), opts.fileName);
  const counts = countsOf(parsed.counts);
  return runImport(db, clock, opts, registerImports, async (tx) => {
    const latest = await latestEdition(tx, parsed.edition, opts.fileName);
    const current = await currentRegions(tx);
    const plan = planEdition(current, parsed, latest === undefined);
    await writePlan(tx, plan, parsed.edition);
    const proposals = await proposeChanges(tx, clock, opts.actor, current, parsed, plan);
    const result = resultOf(parsed.edition, encoding, counts, plan, proposals, !!opts.dryRun);
    return { result, record: result.unchanged ? null : importRecord(result, latest) };
  });
}

function countsOf(c: Gv100Edition['counts']): Gv100Counts {
  return {
    states: c.STATE,
    governmentDistricts: c.GOVERNMENT_DISTRICT,
    regions: c.REGION,
    districts: c.DISTRICT,
    associations: c.ASSOCIATION,
    municipalities: c.MUNICIPALITY,
  };
}

/** The newest edition imported so far (null edition: none yet, undefined: no import); older files are refused. */
async function latestEdition(tx: Db, edition: string, fileName: string): Promise<{ edition: string | null } | undefined> {
  const [latest] = await tx
    .select({ edition: registerImports.edition })
    .from(registerImports)
    .where(eq(registerImports.kind, GV100AD_SOURCE))
    .orderBy(desc(registerImports.edition))
    .limit(1);
  if (latest?.edition && edition < latest.edition) {
    throw new ImportRejectedError(
      `${fileName}: edition ${edition} is older than edition ${latest.edition} already in the register; ` +
        `import editions in chronological order`,
    );
  }
  return latest;
}

/** What the edition changes in the register, before anything is written. */
interface EditionPlan {
  firstEdition: boolean;
  inserts: NewRegionRow[];
  closes: number[];
  deletes: number[];
  inPlace: { id: number; values: Partial<NewRegionRow> }[];
  stats: StatisticsUpdate[];
  details: Gv100ImportResult['details'];
}

function planEdition(current: RegionRow[], { edition, records }: Gv100Edition, firstEdition: boolean): EditionPlan {
  const plan: EditionPlan = {
    firstEdition,
    inserts: [],
    closes: [],
    deletes: [],
    inPlace: [],
    stats: [],
    details: { added: [], removed: [], renamed: [], moved: [] },
  };
  const byKey = new Map(current.map((r) => [identity(r), r]));
  for (const rec of records) {
    const key = identity(rec);
    const cur = byKey.get(key);
    byKey.delete(key);
    noteMunicipality(plan.details, rec, cur);
    planRecord(plan, rec, cur, edition);
  }
  // What is left vanished from the edition.
  for (const gone of byKey.values()) {
    if (gone.level === 'MUNICIPALITY' && gone.ags) plan.details.removed.push(gone.ags);
    if (gone.validFrom === edition) plan.deletes.push(gone.id);
    else plan.closes.push(gone.id);
  }
  return plan;
}

/** The municipality diff (record 60) that the result reports and proposals start from. */
function noteMunicipality(details: Gv100ImportResult['details'], rec: RegionRecord, cur: RegionRow | undefined): void {
  if (rec.level !== 'MUNICIPALITY' || !rec.ags) return;
  if (!cur) {
    details.added.push(rec.ags);
    return;
  }
  if (cur.name !== rec.name) details.renamed.push({ ags: rec.ags, from: cur.name, to: rec.name });
  if (cur.ars.slice(0, 9) !== rec.ars.slice(0, 9)) {
    details.moved.push({ ags: rec.ags, fromAssociation: cur.ars.slice(0, 9), toAssociation: rec.ars.slice(0, 9) });
  }
}

function planRecord(plan: EditionPlan, rec: RegionRecord, cur: RegionRow | undefined, edition: string): void {
  if (!cur) {
    plan.inserts.push(toRow(rec, edition, plan.firstEdition ? null : edition));
  } else if (VERSIONED.some((f) => cur[f] !== rec[f])) {
    if (cur.validFrom === edition) plan.inPlace.push({ id: cur.id, values: toRow(rec, edition, edition) });
    else {
      plan.closes.push(cur.id);
      plan.inserts.push(toRow(rec, edition, edition));
    }
  } else if (
    cur.areaHectares !== rec.areaHectares ||
    cur.population !== rec.population ||
    cur.populationMale !== rec.populationMale ||
    cur.edition !== edition
  ) {
    plan.stats.push({
      id: cur.id,
      areaHectares: rec.areaHectares,
      population: rec.population,
      populationMale: rec.populationMale,
      edition,
    });
  }
}

async function writePlan(tx: Db, plan: EditionPlan, edition: string): Promise<void> {
  await deleteRegions(tx, plan.deletes);
  await closeRegions(tx, plan.closes, edition);
  for (const u of plan.inPlace) await updateRegion(tx, u.id, u.values);
  await updateStatistics(tx, plan.stats);
  await insertRegions(tx, plan.inserts);
}

const isUnchanged = (p: EditionPlan) =>
  !p.inserts.length && !p.closes.length && !p.deletes.length && !p.inPlace.length && !p.stats.length;

/** Structural changes the diff suggests, proposed for an admin (none for the first edition). */
async function proposeChanges(
  tx: Db,
  clock: Clock,
  actor: Actor,
  current: RegionRow[],
  { edition, records }: Gv100Edition,
  { firstEdition, details }: EditionPlan,
): Promise<number> {
  const hasStructure = details.added.length + details.removed.length + details.renamed.length + details.moved.length > 0;
  if (firstEdition || !hasStructure) return 0;
  const diff = {
    edition,
    before: new Map(current.filter((r) => r.level === 'MUNICIPALITY').map((r) => [r.ags!, r])),
    after: new Map(records.filter((r) => r.level === 'MUNICIPALITY').map((r) => [r.ags!, r])),
    ...details,
  };
  return proposeFromEdition(tx, diff, actor.id, clock.now());
}

function resultOf(
  edition: string,
  encoding: Gv100ImportResult['encoding'],
  counts: Gv100Counts,
  plan: EditionPlan,
  proposals: number,
  dryRun: boolean,
): Gv100ImportResult {
  const { details } = plan;
  return {
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
      versionsOpened: plan.inserts.length,
      versionsClosed: plan.closes.length + plan.deletes.length,
      statisticsUpdated: plan.stats.length + plan.inPlace.length,
    },
    unchanged: isUnchanged(plan),
    dryRun,
    proposals,
  };
}

function importRecord(result: Gv100ImportResult, latest: { edition: string | null } | undefined): ImportRecord {
  const { edition, counts, diff, details, writes } = result;
  const summary = { counts, diff, details, writes };
  return {
    kind: GV100AD_SOURCE,
    edition,
    summary,
    audit: {
      action: 'IMPORT_GV100AD',
      entityType: 'RegisterEdition',
      before: latest?.edition ? { edition: latest.edition } : null,
      after: { edition, ...summary },
    },
    failpoint: 'import.gv100ad.beforeCommit',
  };
}
