// Applying a planned structural change on its date, in one transaction per change: close the
// predecessors' region versions and open the successors' (or, when a GV100AD import already did so
// at the edition date, move those boundaries to the effective date), move postcodes and streets,
// carry or end jurisdictions by the policy, record key successions. Applying twice changes nothing:
// the change row is locked and must still be PLANNED; only one instance applies (advisory lock).
// The steps themselves are in apply-steps.ts.
import { and, asc, eq, lte, sql } from 'drizzle-orm';
import { failpoint } from '../../lib/failpoint.js';
import { queryRows, type Db } from '../../db/client.js';
import { structuralChanges } from '../../db/schema.js';
import type { Clock } from '../../lib/clock.js';
import { writeAudit, type Actor } from '../audit/audit.service.js';
import { bumpDirectoryVersion } from '../directory/version.js';
import { applyJurisdictions, applyRegister, moveAddresses, newApplyStep, recordSuccessions } from './apply-steps.js';
import type { StructuralChangeRow } from './plan.js';

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
    // The version row before the change row, in the order planning takes them (plan.ts, planning):
    // a cancel racing this apply waits instead of deadlocking. A change cancelled meanwhile costs one reload.
    await bumpDirectoryVersion(tx);
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
    await failpoint('structural.apply.beforeCommit');
    return result;
  });
}

/** The steps in order; each adds its counts to the one result. */
async function applyChange(tx: Db, c: StructuralChangeRow): Promise<ApplyResult> {
  const step = await newApplyStep(tx, c);
  await applyRegister(step);
  await moveAddresses(step);
  await applyJurisdictions(step);
  await recordSuccessions(step);
  return step.result;
}
