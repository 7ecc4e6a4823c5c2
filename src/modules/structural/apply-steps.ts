// The steps of applying one structural change, in the order apply.ts runs them: register (region
// versions), postcodes and streets, jurisdictions, key successions. Each takes the one ApplyStep
// and adds its counts to the step's result.
import { and, eq, gt, inArray, isNull, or, sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../db/client.js';
import {
  jurisdictions,
  keySuccessions,
  postalCodes,
  regions,
  streets,
  structuralChanges,
  type JurisdictionPolicy,
  type NewAssociationSpec,
  type SuccessorSpec,
  type TransferSpec,
} from '../../db/schema.js';
import { validAt } from '../../db/versioned.js';
import { foldName } from '../../lib/fold.js';
import { streetKey } from '../addresses/normalize.js';
import { type JurisdictionRow } from '../directory/directory-index.js';
import type { ApplyResult } from './apply.js';
import { associationFrom } from './associations.js';
import { dayBefore, vanishing, type StructuralChangeRow } from './plan.js';

type RegionRow = typeof regions.$inferSelect;

/** What every step of one application shares. */
export interface ApplyStep {
  tx: Db;
  change: StructuralChangeRow;
  /** the effective date */
  D: string;
  /** predecessors that cease to exist */
  gone: string[];
  /** each predecessor's register entry on the day before D */
  predRows: Map<string, RegionRow>;
  /** where postcodes and streets without a transfer go */
  defaultTarget: string;
  result: ApplyResult;
}

export async function newApplyStep(tx: Db, c: StructuralChangeRow): Promise<ApplyStep> {
  const D = c.effectiveDate;
  const prev = dayBefore(D);
  const predRows = new Map<string, RegionRow>();
  for (const p of c.predecessors) {
    const [row] = await tx.select().from(regions).where(and(eq(regions.level, 'MUNICIPALITY'), eq(regions.ags, p), validAt(regions, prev)));
    if (!row) throw new Error(`structural change #${c.id}: predecessor ${p} is not in the register on ${prev}`);
    predRows.set(p, row);
  }
  const result: ApplyResult = {
    changeId: c.id,
    regionsClosed: 0,
    regionsOpened: 0,
    regionsAdjusted: 0,
    postcodesMoved: 0,
    streetsMoved: 0,
    jurisdictionsEnded: 0,
    jurisdictionsCreated: 0,
    successions: 0,
    warnings: [],
  };
  return { tx, change: c, D, gone: vanishing(c), predRows, defaultTarget: c.successors[0]!.ags, result };
}

const municipalityVersions = (tx: Db, ags: string) =>
  tx
    .select()
    .from(regions)
    .where(and(eq(regions.level, 'MUNICIPALITY'), eq(regions.ags, ags)))
    .orderBy(sql`${regions.validFrom} asc nulls first`);

/** End a versioned row at D: rows that only start on or after D are removed. */
async function endAt<T extends typeof regions | typeof postalCodes | typeof streets | typeof jurisdictions>(tx: Db, table: T, row: { id: number; validFrom: string | null }, D: string) {
  if (row.validFrom !== null && row.validFrom >= D) await tx.delete(table).where(eq(table.id, row.id));
  else await tx.update(table).set({ validTo: D } as never).where(eq(table.id, row.id));
}

/** The transfer a postcode (or a street under it) follows, if the change lists one. */
function transferFor({ change }: ApplyStep, postcode: string, street: string | null): TransferSpec | undefined {
  return change.transfers.find((t) => t.postcode === postcode && (t.street ? street !== null && streetKey(t.street) === street : true));
}

/** 1. Register: predecessors end at D, successors begin at D (or take the new name / Gemeindeverband). */
export async function applyRegister(step: ApplyStep): Promise<void> {
  const { tx, D, result: r } = step;
  for (const p of step.gone) {
    for (const v of await municipalityVersions(tx, p)) {
      if (v.validTo !== null && v.validTo <= D) continue; // already ended (e.g. by the edition that showed the change)
      if (v.validFrom !== null && v.validFrom >= D) {
        await tx.delete(regions).where(eq(regions.id, v.id));
      } else {
        await tx.update(regions).set({ validTo: D }).where(eq(regions.id, v.id));
      }
      r.regionsClosed++;
    }
  }
  for (const s of step.change.successors) await openSuccessor(step, s);
  await endEmptiedAssociations(step);
}

/**
 * A predecessor's Gemeindeverband left without members from D on ends at D (all its members merged
 * into a municipality of another, or new, Verband), unless a later register version or another
 * planned change still places a municipality in it. Its jurisdictions stay as they are: no
 * municipality leads to them any more, and they remain in the history.
 */
async function endEmptiedAssociations(step: ApplyStep): Promise<void> {
  const { tx, D } = step;
  const left = new Set([...step.predRows.values()].map((p) => p.parentArs).filter((a): a is string => a !== null));
  for (const ars of left) {
    const [member] = await tx
      .select({ id: regions.id })
      .from(regions)
      .where(and(eq(regions.level, 'MUNICIPALITY'), eq(regions.parentArs, ars), or(isNull(regions.validTo), gt(regions.validTo, D))))
      .limit(1);
    const [planned] = await tx
      .select({ id: structuralChanges.id })
      .from(structuralChanges)
      .where(and(eq(structuralChanges.status, 'PLANNED'), sql`${structuralChanges.successors} @> ${JSON.stringify([{ associationArs: ars }])}::jsonb`))
      .limit(1);
    if (member || planned) continue;
    const [atD] = await tx.select().from(regions).where(and(eq(regions.level, 'ASSOCIATION'), eq(regions.ars, ars), validAt(regions, D)));
    if (!atD) continue;
    await endAt(tx, regions, atD, D);
    step.result.regionsClosed++;
  }
}

async function openSuccessor(step: ApplyStep, s: SuccessorSpec): Promise<void> {
  const { tx, D, change: c, result: r } = step;
  if (s.newAssociation) await openAssociation(step, s.newAssociation);
  const assoc = s.associationArs ? await associationFrom(tx, s.associationArs, D) : undefined;
  if (assoc?.startsLater) {
    await tx.update(regions).set({ validFrom: D }).where(eq(regions.id, assoc.row.id));
    r.regionsAdjusted++;
  }
  const versions = await municipalityVersions(tx, s.ags);
  const atD = versions.find((v) => (v.validFrom === null || v.validFrom <= D) && (v.validTo === null || v.validTo > D));
  const ars = s.associationArs ? `${s.associationArs}${s.ags.slice(5)}` : undefined;
  if (atD) {
    // An existing municipality receiving territory stays as it is.
    if (c.kind === 'RENAME' || c.kind === 'REKEY') await renameOrRekey(step, s, atD, ars);
    return;
  }
  const later = versions.find((v) => v.validFrom !== null && v.validFrom > D);
  const earlier = versions.some((v) => v.validTo !== null && v.validTo <= D);
  if (later && !earlier) {
    // The edition that showed the change opened the successor at its own date: move that to D.
    await tx.update(regions).set({ validFrom: D }).where(eq(regions.id, later.id));
    r.regionsAdjusted++;
    return;
  }
  await insertSuccessor(step, s, ars);
}

/**
 * A Gemeindeverband the change opens: a version from D on, below the successor's district. When one
 * is already there (another successor of this change opened it, or an edition did at its own date),
 * that one is used; associationFrom finds it and openSuccessor moves a later start to D.
 */
async function openAssociation(step: ApplyStep, n: NewAssociationSpec): Promise<void> {
  const { tx, D, change: c } = step;
  if (await associationFrom(tx, n.ars, D)) return;
  await tx.insert(regions).values({
    level: 'ASSOCIATION',
    ars: n.ars,
    name: n.name,
    nameKey: foldName(n.name),
    typeCode: '50',
    parentArs: n.ars.slice(0, 5),
    validFrom: D,
    validTo: null,
    edition: null,
    source: `structural change #${c.id}`,
  });
  step.result.regionsOpened++;
}

/** The municipality's version at D takes the new name / Gemeindeverband, from D on. */
async function renameOrRekey(step: ApplyStep, s: SuccessorSpec, atD: RegionRow, ars: string | undefined): Promise<void> {
  const { tx, D, change: c, result: r } = step;
  const wanted = { name: s.name, ...(ars ? { ars, parentArs: s.associationArs! } : {}) };
  const differs = atD.name !== wanted.name || (ars !== undefined && atD.ars !== ars);
  if (!differs) return;
  if (atD.validFrom === D) {
    await tx.update(regions).set({ ...wanted, nameKey: foldName(s.name) }).where(eq(regions.id, atD.id));
    r.regionsAdjusted++;
    return;
  }
  const { id: _id, createdAt: _c, ...rest } = atD;
  await tx.update(regions).set({ validTo: D }).where(eq(regions.id, atD.id));
  await tx.insert(regions).values({ ...rest, ...wanted, nameKey: foldName(s.name), validFrom: D, edition: null, source: `structural change #${c.id}` });
  r.regionsClosed++;
  r.regionsOpened++;
}

/** A new municipality, modelled on its predecessor (or the first one), with their summed statistics. */
async function insertSuccessor(step: ApplyStep, s: SuccessorSpec, ars: string | undefined): Promise<void> {
  const { tx, D, change: c, predRows } = step;
  const { id: _id, createdAt: _c, ...template } = predRows.get(s.ags) ?? predRows.get(c.predecessors[0]!)!;
  await tx.insert(regions).values({
    ...template,
    level: 'MUNICIPALITY',
    ags: s.ags,
    ars: ars ?? `${template.parentArs}${s.ags.slice(5)}`,
    parentArs: s.associationArs ?? template.parentArs,
    name: s.name,
    nameKey: foldName(s.name),
    population: c.predecessors.reduce((n, p) => n + (predRows.get(p)?.population ?? 0), 0) || null,
    areaHectares: c.predecessors.reduce((n, p) => n + (predRows.get(p)?.areaHectares ?? 0), 0) || null,
    populationMale: null,
    validFrom: D,
    validTo: null,
    edition: null,
    source: `structural change #${c.id}`,
  });
  step.result.regionsOpened++;
}

/** 2. Postcodes and streets of vanishing predecessors (or the listed ones) move to the successors. */
export async function moveAddresses(step: ApplyStep): Promise<void> {
  const c = step.change;
  const movingFrom = c.kind === 'PARTIAL_TRANSFER' ? [c.predecessors[0]!] : step.gone;
  for (const p of movingFrom) {
    await movePostcodes(step, p);
    await moveStreets(step, p);
  }
}

async function movePostcodes(step: ApplyStep, p: string): Promise<void> {
  const { tx, D, change: c } = step;
  const pcs = await tx.select().from(postalCodes).where(and(eq(postalCodes.ags, p), validAt(postalCodes, D)));
  for (const pc of pcs) {
    const t = transferFor(step, pc.postcode, null);
    const whole = !t?.street;
    if (c.kind === 'PARTIAL_TRANSFER' && !t) continue;
    const to = t?.toAgs ?? step.defaultTarget;
    if (whole) await endAt(tx, postalCodes, pc, D);
    const [exists] = await tx
      .select({ id: postalCodes.id })
      .from(postalCodes)
      .where(and(eq(postalCodes.postcode, pc.postcode), eq(postalCodes.ags, to), eq(postalCodes.localityKey, pc.localityKey), validAt(postalCodes, D)));
    if (!exists) {
      const { id: _id, createdAt: _c, ...rest } = pc;
      await tx.insert(postalCodes).values({ ...rest, ags: to, predecessorAgs: p, validFrom: D, validTo: pc.validTo && pc.validTo > D ? pc.validTo : null, source: `structural change #${c.id}` });
    }
    step.result.postcodesMoved++;
  }
}

async function moveStreets(step: ApplyStep, p: string): Promise<void> {
  const { tx, D, change: c } = step;
  const sts = await tx.select().from(streets).where(and(eq(streets.ags, p), validAt(streets, D)));
  for (const st of sts) {
    const t = transferFor(step, st.postcode, st.streetKey);
    if (c.kind === 'PARTIAL_TRANSFER' && !t) continue;
    const to = t?.toAgs ?? step.defaultTarget;
    await endAt(tx, streets, st, D);
    const [exists] = await tx.select({ id: streets.id }).from(streets).where(and(eq(streets.postcode, st.postcode), eq(streets.streetKey, st.streetKey), eq(streets.ags, to), validAt(streets, D)));
    if (!exists) {
      const { id: _id, ...rest } = st;
      await tx.insert(streets).values({ ...rest, ags: to, predecessorAgs: p, validFrom: D, validTo: null, source: `structural change #${c.id}` });
    }
    step.result.streetsMoved++;
  }
}

/** Municipality and street rules of these areas that hold on or after D. */
const rulesFrom = (D: string, ...where: Parameters<typeof and>) =>
  and(...where, inArray(jurisdictions.level, ['MUNICIPALITY', 'STREET']), or(isNull(jurisdictions.validTo), gt(jurisdictions.validTo, D)));

/** 3. Jurisdictions: the vanishing predecessors' rules end at D; successors get theirs by policy. */
export async function applyJurisdictions(step: ApplyStep): Promise<void> {
  const predRules = await endPredecessorRules(step);
  const { change: c, gone } = step;
  const policies: JurisdictionPolicy[] = [...c.policies];
  if (c.kind === 'REKEY' && gone.length) {
    // A key change carries the municipality's own rules, unless a policy says otherwise.
    const tasks = new Set((predRules.get(gone[0]!) ?? []).map((j) => j.taskCode));
    for (const t of tasks) if (!policies.some((p) => p.task === t)) policies.push({ task: t, mode: 'FROM_PREDECESSOR', predecessorAgs: gone[0]! });
  }
  for (const p of policies) {
    if (p.mode === 'KEEP_SUCCESSOR') continue;
    for (const s of c.successors) await applyPolicy(step, p, s, predRules);
  }
}

/** Ends the vanishing predecessors' rules at D; returns them by area, for FROM_PREDECESSOR. */
async function endPredecessorRules(step: ApplyStep): Promise<Map<string, JurisdictionRow[]>> {
  const { tx, D, gone } = step;
  const predRules = new Map<string, JurisdictionRow[]>();
  if (!gone.length) return predRules;
  const rules = await tx.select().from(jurisdictions).where(rulesFrom(D, inArray(jurisdictions.areaKey, gone)));
  for (const j of rules) {
    const list = predRules.get(j.areaKey) ?? [];
    list.push(j);
    predRules.set(j.areaKey, list);
    await endAt(tx, jurisdictions, j, D);
    step.result.jurisdictionsEnded++;
  }
  return predRules;
}

/** The policy replaces the successor's own municipality and street rules for the task. */
async function applyPolicy(step: ApplyStep, p: JurisdictionPolicy, s: SuccessorSpec, predRules: Map<string, JurisdictionRow[]>): Promise<void> {
  const { tx, D, result: r } = step;
  const own = await tx.select().from(jurisdictions).where(rulesFrom(D, eq(jurisdictions.areaKey, s.ags), eq(jurisdictions.taskCode, p.task)));
  for (const j of own) {
    await endAt(tx, jurisdictions, j, D);
    r.jurisdictionsEnded++;
  }
  if (p.mode === 'AUTHORITY') {
    const [{ id: authorityId }] = (await queryRows<{ id: number }>(tx, sql`select id from authorities where key = ${p.authorityKey}`)) as [{ id: number }];
    await tx.insert(jurisdictions).values({ authorityId: Number(authorityId), taskCode: p.task, level: 'MUNICIPALITY', areaKey: s.ags, specificity: 5, validFrom: D });
    r.jurisdictionsCreated++;
    return;
  }
  const source = (predRules.get(p.predecessorAgs!) ?? []).filter((j) => j.taskCode === p.task);
  if (!source.length) r.warnings.push(`${p.predecessorAgs} had no rules for task ${p.task} to carry to ${s.ags}`);
  for (const j of source) {
    // Street rules go with their street to the successor that received it.
    if (j.level === 'STREET' && (transferFor(step, j.postcode!, j.streetKey)?.toAgs ?? step.defaultTarget) !== s.ags) continue;
    const { id: _id, createdAt: _c, version: _v, ...rest } = j;
    await tx.insert(jurisdictions).values({ ...rest, areaKey: s.ags, validFrom: D, validTo: j.validTo && j.validTo > D ? j.validTo : null });
    r.jurisdictionsCreated++;
  }
}

/** 4. Key successions: every vanished key points to its successor(s) from D on. */
export async function recordSuccessions(step: ApplyStep): Promise<void> {
  const { tx, D, change: c } = step;
  for (const p of step.gone) {
    for (const s of c.successors) {
      if (s.ags === p) continue;
      const inserted = await tx.insert(keySuccessions).values({ changeId: c.id, oldAgs: p, newAgs: s.ags, effectiveDate: D }).onConflictDoNothing().returning({ id: keySuccessions.id });
      step.result.successions += inserted.length;
    }
  }
}
