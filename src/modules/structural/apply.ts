// Applying a planned structural change on its date, in one transaction per change: close the
// predecessors' region versions and open the successors' (or, when a GV100AD import already did so
// at the edition date, move those boundaries to the effective date), move postcodes and streets,
// carry or end jurisdictions by the policy, record key successions. Applying twice changes nothing:
// the change row is locked and must still be PLANNED; only one instance applies (advisory lock).
import { and, asc, eq, gt, inArray, isNull, lte, or, sql } from 'drizzle-orm';
import { failpoint } from '../../lib/failpoint.js';
import { queryRows, type Db } from '../../db/client.js';
import {
  jurisdictions,
  keySuccessions,
  postalCodes,
  regions,
  streets,
  structuralChanges,
  type JurisdictionPolicy,
  type TransferSpec,
} from '../../db/schema.js';
import { validAt } from '../../db/versioned.js';
import type { Clock } from '../../lib/clock.js';
import { foldName } from '../../lib/fold.js';
import { streetKey } from '../addresses/normalize.js';
import { writeAudit, type Actor } from '../audit/audit.service.js';
import { type JurisdictionRow } from '../directory/directory-index.js';
import { bumpDirectoryVersion } from '../directory/version.js';
import { associationFrom, dayBefore, vanishing, type StructuralChangeRow } from './plan.js';

/** Advisory lock key of the structural-change job (any constant unique among this app's locks). */
export const STRUCTURAL_LOCK = 4_711_004;

export interface ApplyResult {
  changeId: number;
  regionsClosed: number;
  regionsOpened: number;
  regionsAdjusted: number;
  postcodesMoved: number;
  streetsMoved: number;
  jurisdictionsEnded: number;
  jurisdictionsCreated: number;
  successions: number;
  warnings: string[];
}

export interface ApplyRun {
  /** false when another instance holds the lock */
  ran: boolean;
  applied: ApplyResult[];
}

/** Applies every PLANNED change effective on or before `at` (a German date), oldest first. */
export async function applyDueStructuralChanges(db: Db, clock: Clock, at: string, actor: Actor): Promise<ApplyRun> {
  const due = await db
    .select({ id: structuralChanges.id })
    .from(structuralChanges)
    .where(and(eq(structuralChanges.status, 'PLANNED'), lte(structuralChanges.effectiveDate, at)))
    .orderBy(asc(structuralChanges.effectiveDate), asc(structuralChanges.id));
  const applied: ApplyResult[] = [];
  for (const { id } of due) {
    const r = await applyOne(db, clock, id, actor);
    if (r === 'LOCKED') return { ran: applied.length > 0, applied };
    if (r) applied.push(r);
  }
  return { ran: true, applied };
}

async function applyOne(db: Db, clock: Clock, id: number, actor: Actor): Promise<ApplyResult | null | 'LOCKED'> {
  return db.transaction(async (tx) => {
    const [{ ok }] = (await queryRows<{ ok: boolean }>(tx, sql`select pg_try_advisory_xact_lock(${STRUCTURAL_LOCK}) as ok`)) as [{ ok: boolean }];
    if (!ok) return 'LOCKED';
    const [c] = await tx.select().from(structuralChanges).where(eq(structuralChanges.id, id)).for('update');
    if (!c || c.status !== 'PLANNED') return null; // applied or cancelled meanwhile
    const result = await applyChange(tx, c);
    const now = clock.now();
    const [after] = await tx
      .update(structuralChanges)
      .set({ status: 'APPLIED', appliedAt: now, appliedBy: actor.id, result, version: c.version + 1, updatedAt: now })
      .where(eq(structuralChanges.id, id))
      .returning();
    await writeAudit(tx, clock, actor, { action: 'APPLY_STRUCTURAL_CHANGE', entityType: 'StructuralChange', entityId: String(id), before: c, after });
    await bumpDirectoryVersion(tx);
    await failpoint('structural.apply.beforeCommit');
    return result;
  });
}

const municipalityVersions = (tx: Db, ags: string) =>
  tx
    .select()
    .from(regions)
    .where(and(eq(regions.level, 'MUNICIPALITY'), eq(regions.ags, ags)))
    .orderBy(sql`${regions.validFrom} asc nulls first`);

/** End a versioned row at D: rows that only start on or after D are removed. */
async function endAt<T extends typeof postalCodes | typeof streets | typeof jurisdictions>(tx: Db, table: T, row: { id: number; validFrom: string | null }, D: string) {
  if (row.validFrom !== null && row.validFrom >= D) await tx.delete(table).where(eq(table.id, row.id));
  else await tx.update(table).set({ validTo: D } as never).where(eq(table.id, row.id));
}

async function applyChange(tx: Db, c: StructuralChangeRow): Promise<ApplyResult> {
  const D = c.effectiveDate;
  const prev = dayBefore(D);
  const r: ApplyResult = {
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
  const gone = vanishing(c);
  const predRows = new Map<string, typeof regions.$inferSelect>();
  for (const p of c.predecessors) {
    const [row] = await tx.select().from(regions).where(and(eq(regions.level, 'MUNICIPALITY'), eq(regions.ags, p), validAt(regions, prev)));
    if (!row) throw new Error(`structural change #${c.id}: predecessor ${p} is not in the register on ${prev}`);
    predRows.set(p, row);
  }
  const first = predRows.get(c.predecessors[0]!)!;

  // 1. Register: predecessors end at D …
  for (const p of gone) {
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
  // … successors begin at D (or take the new name / Gemeindeverband).
  for (const s of c.successors) {
    const assoc = s.associationArs ? await associationFrom(tx, s.associationArs, D) : undefined;
    if (assoc?.startsLater) {
      await tx.update(regions).set({ validFrom: D }).where(eq(regions.id, assoc.row.id));
      r.regionsAdjusted++;
    }
    const versions = await municipalityVersions(tx, s.ags);
    const atD = versions.find((v) => (v.validFrom === null || v.validFrom <= D) && (v.validTo === null || v.validTo > D));
    const ars = s.associationArs ? `${s.associationArs}${s.ags.slice(5)}` : undefined;
    const wanted = { name: s.name, ...(ars ? { ars, parentArs: s.associationArs! } : {}) };
    if (atD) {
      const differs = atD.name !== wanted.name || (ars !== undefined && atD.ars !== ars);
      if (c.kind !== 'RENAME' && c.kind !== 'REKEY') continue; // an existing municipality receiving territory stays as it is
      if (!differs) continue;
      if (atD.validFrom === D) {
        await tx.update(regions).set({ ...wanted, nameKey: foldName(s.name) }).where(eq(regions.id, atD.id));
        r.regionsAdjusted++;
        continue;
      }
      const { id: _id, createdAt: _c, ...rest } = atD;
      await tx.update(regions).set({ validTo: D }).where(eq(regions.id, atD.id));
      await tx.insert(regions).values({ ...rest, ...wanted, nameKey: foldName(s.name), validFrom: D, edition: null, source: `structural change #${c.id}` });
      r.regionsClosed++;
      r.regionsOpened++;
      continue;
    }
    const later = versions.find((v) => v.validFrom !== null && v.validFrom > D);
    const earlier = versions.some((v) => v.validTo !== null && v.validTo <= D);
    if (later && !earlier) {
      // The edition that showed the change opened the successor at its own date: move that to D.
      await tx.update(regions).set({ validFrom: D }).where(eq(regions.id, later.id));
      r.regionsAdjusted++;
      continue;
    }
    const { id: _id, createdAt: _c, ...template } = predRows.get(s.ags) ?? first;
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
    r.regionsOpened++;
  }

  // 2. Postcodes and streets of vanishing predecessors (or the listed ones) move to the successors.
  const defaultTarget = c.successors[0]!.ags;
  const transferFor = (postcode: string, street: string | null): TransferSpec | undefined =>
    c.transfers.find((t) => t.postcode === postcode && (t.street ? street !== null && streetKey(t.street) === street : true));
  const movingFrom = c.kind === 'PARTIAL_TRANSFER' ? [c.predecessors[0]!] : gone;
  for (const p of movingFrom) {
    const pcs = await tx.select().from(postalCodes).where(and(eq(postalCodes.ags, p), validAt(postalCodes, D)));
    for (const pc of pcs) {
      const t = transferFor(pc.postcode, null);
      const whole = !t?.street;
      if (c.kind === 'PARTIAL_TRANSFER' && !t) continue;
      const to = t?.toAgs ?? defaultTarget;
      if (whole) await endAt(tx, postalCodes, pc, D);
      const [exists] = await tx
        .select({ id: postalCodes.id })
        .from(postalCodes)
        .where(and(eq(postalCodes.postcode, pc.postcode), eq(postalCodes.ags, to), eq(postalCodes.localityKey, pc.localityKey), validAt(postalCodes, D)));
      if (!exists) {
        const { id: _id, createdAt: _c, ...rest } = pc;
        await tx.insert(postalCodes).values({ ...rest, ags: to, predecessorAgs: p, validFrom: D, validTo: pc.validTo && pc.validTo > D ? pc.validTo : null, source: `structural change #${c.id}` });
      }
      r.postcodesMoved++;
    }
    const sts = await tx.select().from(streets).where(and(eq(streets.ags, p), validAt(streets, D)));
    for (const st of sts) {
      const t = transferFor(st.postcode, st.streetKey);
      if (c.kind === 'PARTIAL_TRANSFER' && !t) continue;
      const to = t?.toAgs ?? defaultTarget;
      await endAt(tx, streets, st, D);
      const [exists] = await tx.select({ id: streets.id }).from(streets).where(and(eq(streets.postcode, st.postcode), eq(streets.streetKey, st.streetKey), eq(streets.ags, to), validAt(streets, D)));
      if (!exists) {
        const { id: _id, ...rest } = st;
        await tx.insert(streets).values({ ...rest, ags: to, predecessorAgs: p, validFrom: D, validTo: null, source: `structural change #${c.id}` });
      }
      r.streetsMoved++;
    }
  }

  // 3. Jurisdictions: the vanishing predecessors' rules end at D; successors get theirs by policy.
  const predRules = new Map<string, JurisdictionRow[]>();
  if (gone.length) {
    const rules = await tx
      .select()
      .from(jurisdictions)
      .where(and(inArray(jurisdictions.areaKey, gone), inArray(jurisdictions.level, ['MUNICIPALITY', 'STREET']), or(isNull(jurisdictions.validTo), gt(jurisdictions.validTo, D))));
    for (const j of rules) {
      const list = predRules.get(j.areaKey) ?? [];
      list.push(j);
      predRules.set(j.areaKey, list);
      await endAt(tx, jurisdictions, j, D);
      r.jurisdictionsEnded++;
    }
  }
  const policies: JurisdictionPolicy[] = [...c.policies];
  if (c.kind === 'REKEY' && gone.length) {
    // A key change carries the municipality's own rules, unless a policy says otherwise.
    const tasks = new Set((predRules.get(gone[0]!) ?? []).map((j) => j.taskCode));
    for (const t of tasks) if (!policies.some((p) => p.task === t)) policies.push({ task: t, mode: 'FROM_PREDECESSOR', predecessorAgs: gone[0]! });
  }
  for (const p of policies) {
    if (p.mode === 'KEEP_SUCCESSOR') continue;
    for (const s of c.successors) {
      // The policy replaces the successor's own municipality and street rules for the task.
      const own = await tx
        .select()
        .from(jurisdictions)
        .where(and(eq(jurisdictions.areaKey, s.ags), eq(jurisdictions.taskCode, p.task), inArray(jurisdictions.level, ['MUNICIPALITY', 'STREET']), or(isNull(jurisdictions.validTo), gt(jurisdictions.validTo, D))));
      for (const j of own) {
        await endAt(tx, jurisdictions, j, D);
        r.jurisdictionsEnded++;
      }
      if (p.mode === 'AUTHORITY') {
        const [{ id: authorityId }] = (await queryRows<{ id: number }>(tx, sql`select id from authorities where key = ${p.authorityKey}`)) as [{ id: number }];
        await tx.insert(jurisdictions).values({ authorityId: Number(authorityId), taskCode: p.task, level: 'MUNICIPALITY', areaKey: s.ags, specificity: 5, validFrom: D });
        r.jurisdictionsCreated++;
        continue;
      }
      const source = (predRules.get(p.predecessorAgs!) ?? []).filter((j) => j.taskCode === p.task);
      if (!source.length) r.warnings.push(`${p.predecessorAgs} had no rules for task ${p.task} to carry to ${s.ags}`);
      for (const j of source) {
        // Street rules go with their street to the successor that received it.
        if (j.level === 'STREET' && (transferFor(j.postcode!, j.streetKey)?.toAgs ?? defaultTarget) !== s.ags) continue;
        const { id: _id, createdAt: _c, version: _v, ...rest } = j;
        await tx.insert(jurisdictions).values({ ...rest, areaKey: s.ags, validFrom: D, validTo: j.validTo && j.validTo > D ? j.validTo : null });
        r.jurisdictionsCreated++;
      }
    }
  }

  // 4. Key successions: every vanished key points to its successor(s) from D on.
  for (const p of gone) {
    for (const s of c.successors) {
      if (s.ags === p) continue;
      const inserted = await tx.insert(keySuccessions).values({ changeId: c.id, oldAgs: p, newAgs: s.ags, effectiveDate: D }).onConflictDoNothing().returning({ id: keySuccessions.id });
      r.successions += inserted.length;
    }
  }
  return r;
}
