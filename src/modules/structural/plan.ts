// Planning structural changes of municipalities (Gemeindestrukturänderungen): validation with errors
// that name the field, the claim check (no two changes on one municipality and date), cancel,
// and the proposal workflow (confirm with edits, reject). Applying is in apply.ts.
import { and, asc, eq, gte, inArray, lte, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import {
  authorities,
  jurisdictions,
  postalCodes,
  regions,
  structuralChanges,
  tasks,
  type JurisdictionPolicy,
  type NewAssociationSpec,
  type StructuralChangeKind,
  type StructuralChangeStatus,
  type SuccessorSpec,
  type TransferSpec,
} from '../../db/schema.js';
import { validAt } from '../../db/versioned.js';
import { germanDate } from '../../lib/clock.js';
import { badInput, conflict, notFound } from '../../lib/errors.js';
import { isIsoDate } from '../../lib/dates.js';
import { writeAudit } from '../audit/audit.service.js';
import type { ServiceContext } from '../directory/context.js';
import { bumpDirectoryVersion } from '../directory/version.js';
import { checkAssociationClaims, newAssociationOf, placeSuccessor, sameNewAssociations } from './associations.js';

export type StructuralChangeRow = typeof structuralChanges.$inferSelect;

export interface PlanInput {
  kind: StructuralChangeKind;
  effectiveDate: string;
  predecessors: string[];
  successors: SuccessorSpec[];
  policies?: JurisdictionPolicy[] | null;
  transfers?: TransferSpec[] | null;
  sourceReference?: string | null;
}

const AGS = /^\d{8}$/;
const POLICY_MODES = ['KEEP_SUCCESSOR', 'FROM_PREDECESSOR', 'AUTHORITY'] as const;

export const dayBefore = (d: string) => germanDate(new Date(Date.parse(`${d}T12:00:00Z`) - 86_400_000));

/** Municipalities that cease to exist with the change (their keys get successions). */
export function vanishing(c: { kind: StructuralChangeKind; predecessors: string[]; successors: SuccessorSpec[] }): string[] {
  if (c.kind === 'RENAME' || c.kind === 'PARTIAL_TRANSFER') return [];
  const kept = new Set(c.successors.map((s) => s.ags));
  return c.predecessors.filter((p) => !kept.has(p));
}

async function municipalityAt(tx: Db, ags: string, at: string) {
  const [row] = await tx
    .select()
    .from(regions)
    .where(and(eq(regions.level, 'MUNICIPALITY'), eq(regions.ags, ags), validAt(regions, at)));
  return row;
}

/** Checks everything that can be checked before the date; returns the normalised change. */
export interface ValidPlan {
  kind: StructuralChangeKind;
  effectiveDate: string;
  predecessors: string[];
  successors: SuccessorSpec[];
  policies: JurisdictionPolicy[];
  transfers: TransferSpec[];
  sourceReference: string | null;
}

/** What every validation step needs: where it reads, which field it names in errors, the change's dates. */
export interface PlanCheck {
  tx: Db;
  field: string;
  kind: StructuralChangeKind;
  D: string;
  /** the last day before the change */
  prev: string;
}

export type Successor = { ags: string; name: string; associationArs: string | null; newAssociation: NewAssociationSpec | null };

/** Checked in the order the form reads: keys, shape, register, transfers, policies, claims. */
export async function validatePlan(tx: Db, input: PlanInput, field = 'input', excludeId?: number): Promise<ValidPlan> {
  const D = input.effectiveDate;
  if (!isIsoDate(D)) throw badInput(`${field}.effectiveDate`, `"${D}" is not a date YYYY-MM-DD`);
  const check: PlanCheck = { tx, field, kind: input.kind, D, prev: dayBefore(D) };
  const preds = predecessorKeys(check, input.predecessors);
  const succ = successorKeys(check, input.successors);
  checkShape(check, preds, succ);
  const predRows = await predecessorsInRegister(check, preds);
  for (const [i, s] of succ.entries()) await checkSuccessor(check, `${field}.successors[${i}]`, s, preds, predRows);
  const dupS = succ.find((s, i) => succ.findIndex((t) => t.ags === s.ags) !== i);
  if (dupS) throw badInput(`${field}.successors`, `${dupS.ags} is named twice`);
  sameNewAssociations(field, succ);
  const transfers = await checkTransfers(check, input.transfers ?? [], preds, succ);
  const policies = await checkPolicies(check, input.policies ?? [], preds);
  await checkPoliciesCover(check, policies, preds, succ);
  await checkClaims(check, [...new Set([...preds, ...succ.map((s) => s.ags)])], excludeId);
  await checkAssociationClaims(check, succ, excludeId);
  return {
    kind: input.kind,
    effectiveDate: D,
    predecessors: preds,
    successors: succ.map(({ newAssociation, ...rest }) => (newAssociation ? { ...rest, newAssociation } : rest)),
    policies,
    transfers,
    sourceReference: input.sourceReference?.trim() || null,
  };
}

function predecessorKeys({ field }: PlanCheck, predecessors: string[]): string[] {
  const preds = predecessors.map((p) => p.trim());
  if (!preds.length) throw badInput(`${field}.predecessors`, 'name at least one municipality (AGS)');
  preds.forEach((p, i) => {
    if (!AGS.test(p)) throw badInput(`${field}.predecessors[${i}]`, `"${p}" is not an AGS: expected 8 digits`);
  });
  const dup = preds.find((p, i) => preds.indexOf(p) !== i);
  if (dup) throw badInput(`${field}.predecessors`, `${dup} is named twice`);
  return preds;
}

function successorKeys({ field }: PlanCheck, successors: SuccessorSpec[]): Successor[] {
  if (!successors.length) throw badInput(`${field}.successors`, 'name at least one successor');
  return successors.map((raw, i) => {
    const f = `${field}.successors[${i}]`;
    const s = { ags: raw.ags.trim(), name: raw.name.trim(), associationArs: raw.associationArs?.trim() || null };
    if (!AGS.test(s.ags)) throw badInput(`${f}.ags`, `"${s.ags}" is not an AGS: expected 8 digits`);
    if (!s.name) throw badInput(`${f}.name`, 'must not be empty');
    if (s.associationArs && !/^\d{9}$/.test(s.associationArs)) throw badInput(`${f}.associationArs`, `"${s.associationArs}" is not a 9-digit Gemeindeverband ARS`);
    const newAssociation = newAssociationOf(f, raw.newAssociation, s.associationArs);
    return { ...s, associationArs: newAssociation?.ars ?? s.associationArs, newAssociation };
  });
}

/** min/max predecessors, min/max successors of each kind */
const SHAPE: Record<StructuralChangeKind, [number, number, number, number]> = {
  MERGER: [2, 1000, 1, 1],
  INCORPORATION: [1, 1000, 1, 1],
  SPLIT: [1, 1, 2, 1000],
  PARTIAL_TRANSFER: [1, 1, 1, 1],
  RENAME: [1, 1, 1, 1],
  REKEY: [1, 1, 1, 1],
};

function checkShape({ field, kind }: PlanCheck, preds: string[], succ: Successor[]): void {
  const [pMin, pMax, sMin, sMax] = SHAPE[kind];
  if (preds.length < pMin || preds.length > pMax) throw badInput(`${field}.predecessors`, `a ${kind} has ${pMin === pMax ? pMin : `${pMin} or more`} predecessor${pMax > 1 ? 's' : ''}, got ${preds.length}`);
  if (succ.length < sMin || succ.length > sMax) throw badInput(`${field}.successors`, `a ${kind} has ${sMin === sMax ? sMin : `${sMin} or more`} successor${sMax > 1 ? 's' : ''}, got ${succ.length}`);
}

/** Predecessors exist on the last day before the change. */
async function predecessorsInRegister({ tx, field, prev }: PlanCheck, preds: string[]) {
  const predRows = [];
  for (const [i, p] of preds.entries()) {
    const row = await municipalityAt(tx, p, prev);
    if (!row) throw badInput(`${field}.predecessors[${i}]`, `${p} is not a municipality in the register on ${prev}, the day before the change`);
    predRows.push(row);
  }
  return predRows;
}

export type MunicipalityRow = NonNullable<Awaited<ReturnType<typeof municipalityAt>>>;

/** Whether the successor's key fits the kind; places a successor without a register entry. */
async function checkSuccessor(check: PlanCheck, f: string, s: Successor, preds: string[], predRows: MunicipalityRow[]): Promise<void> {
  const { tx, kind, prev } = check;
  const existedBefore = await municipalityAt(tx, s.ags, prev);
  const sameAsPred = preds.includes(s.ags);
  if (kind === 'RENAME') {
    if (!sameAsPred) throw badInput(`${f}.ags`, `a RENAME keeps the key: expected ${preds[0]}`);
    if (existedBefore!.name === s.name) throw badInput(`${f}.name`, `${s.ags} is already called "${s.name}"`);
  } else if (kind === 'INCORPORATION' || kind === 'PARTIAL_TRANSFER') {
    if (sameAsPred) throw badInput(`${f}.ags`, `the receiving municipality ${s.ags} cannot also be a predecessor`);
    if (!existedBefore) throw badInput(`${f}.ags`, `${s.ags} must be an existing municipality on ${prev} to receive territory`);
  } else if (kind === 'REKEY' && sameAsPred) {
    if (!s.associationArs || s.associationArs === existedBefore!.parentArs) throw badInput(`${f}.associationArs`, `a REKEY with the same AGS must name the new Gemeindeverband`);
  } else if (sameAsPred) {
    if (kind !== 'SPLIT') throw badInput(`${f}.ags`, `${s.ags} is a predecessor; a ${kind} needs a new key (or use INCORPORATION)`);
  } else if (existedBefore) {
    throw badInput(`${f}.ags`, `${s.ags} is not free: it is ${existedBefore.name} on ${prev}`);
  }
  if (s.newAssociation && existedBefore && kind !== 'RENAME' && kind !== 'REKEY') {
    throw badInput(`${f}.newAssociation`, `${s.ags} exists on ${prev} and keeps its Gemeindeverband in a ${kind}; a new Gemeindeverband is for a new municipality, a RENAME or a REKEY`);
  }
  if (!existedBefore || s.associationArs) await placeSuccessor(check, f, s, preds, predRows);
}

/** Transfers: which postcodes (or streets) go to which successor. */
async function checkTransfers({ tx, field, kind, prev }: PlanCheck, input: TransferSpec[], preds: string[], succ: Successor[]) {
  const transfers = input.map((t) => ({ postcode: t.postcode.trim(), street: t.street?.trim() || null, toAgs: t.toAgs.trim() }));
  if (kind === 'PARTIAL_TRANSFER' && !transfers.length) throw badInput(`${field}.transfers`, 'a PARTIAL_TRANSFER names the postcodes or streets that move');
  if (transfers.length && kind !== 'SPLIT' && kind !== 'PARTIAL_TRANSFER') throw badInput(`${field}.transfers`, `only a SPLIT or PARTIAL_TRANSFER moves single postcodes or streets; a ${kind} moves all of them`);
  for (const [i, t] of transfers.entries()) {
    const f = `${field}.transfers[${i}]`;
    if (!/^\d{5}$/.test(t.postcode)) throw badInput(`${f}.postcode`, `"${t.postcode}" is not a postcode: expected 5 digits`);
    if (!succ.some((s) => s.ags === t.toAgs)) throw badInput(`${f}.toAgs`, `${t.toAgs} is not one of the successors`);
    const [pc] = await tx.select({ id: postalCodes.id }).from(postalCodes).where(and(eq(postalCodes.postcode, t.postcode), eq(postalCodes.ags, preds[0]!), validAt(postalCodes, prev)));
    if (!pc) throw badInput(`${f}.postcode`, `${t.postcode} is not a postcode of ${preds[0]} on ${prev}`);
  }
  return transfers;
}

/** Policies: one per task, each naming what its mode needs. */
async function checkPolicies({ tx, field }: PlanCheck, input: JurisdictionPolicy[], preds: string[]) {
  const policies = input.map((p) => ({ task: p.task.trim(), mode: p.mode, predecessorAgs: p.predecessorAgs?.trim() || null, authorityKey: p.authorityKey?.trim() || null }));
  for (const [i, p] of policies.entries()) {
    const f = `${field}.policies[${i}]`;
    if (!(POLICY_MODES as readonly string[]).includes(p.mode)) throw badInput(`${f}.mode`, `must be one of ${POLICY_MODES.join(', ')}`);
    if (policies.findIndex((q) => q.task === p.task) !== i) throw badInput(`${f}.task`, `task ${p.task} has two policies`);
    const [t] = await tx.select({ code: tasks.code }).from(tasks).where(eq(tasks.code, p.task));
    if (!t) throw badInput(`${f}.task`, `no task ${p.task}`);
    if (p.mode === 'FROM_PREDECESSOR' && (!p.predecessorAgs || !preds.includes(p.predecessorAgs))) throw badInput(`${f}.predecessorAgs`, `FROM_PREDECESSOR names one of the predecessors ${preds.join(', ')}`);
    if (p.mode === 'AUTHORITY') {
      const [a] = p.authorityKey ? await tx.select({ id: authorities.id }).from(authorities).where(eq(authorities.key, p.authorityKey)) : [];
      if (!a) throw badInput(`${f}.authorityKey`, p.authorityKey ? `no authority with key ${p.authorityKey}` : 'AUTHORITY names an authority key');
    }
  }
  return policies;
}

/** Every task for which a vanishing predecessor has rules needs a policy (a REKEY carries them). */
async function checkPoliciesCover({ tx, field, kind, prev }: PlanCheck, policies: JurisdictionPolicy[], preds: string[], succ: Successor[]) {
  const gone = vanishing({ kind, predecessors: preds, successors: succ });
  if (!gone.length || kind === 'REKEY') return;
  const ruled = await tx
    .selectDistinct({ task: jurisdictions.taskCode, ags: jurisdictions.areaKey })
    .from(jurisdictions)
    .where(and(inArray(jurisdictions.areaKey, gone), inArray(jurisdictions.level, ['MUNICIPALITY', 'STREET']), validAt(jurisdictions, prev)))
    .orderBy(asc(jurisdictions.taskCode), asc(jurisdictions.areaKey));
  const missing = ruled.find((r) => !policies.some((p) => p.task === r.task));
  if (missing) {
    throw badInput(
      `${field}.policies`,
      `${missing.ags} has jurisdictions for task ${missing.task} on ${prev}; say how the successor's jurisdiction for ${missing.task} is set (KEEP_SUCCESSOR, FROM_PREDECESSOR or AUTHORITY)`,
    );
  }
}

/** No two changes on one municipality and date. */
async function checkClaims({ tx, D }: PlanCheck, claimed: string[], excludeId: number | undefined) {
  const others = await tx
    .select({ id: structuralChanges.id, predecessors: structuralChanges.predecessors, successors: structuralChanges.successors })
    .from(structuralChanges)
    .where(and(eq(structuralChanges.effectiveDate, D), inArray(structuralChanges.status, ['PLANNED', 'APPLIED'])));
  for (const o of others) {
    if (o.id === excludeId) continue;
    const theirs = new Set([...o.predecessors, ...o.successors.map((s) => s.ags)]);
    const both = claimed.find((a) => theirs.has(a));
    if (both) throw conflict(`Municipality ${both} is already part of structural change #${o.id} on ${D}`, { changeId: o.id, ags: both });
  }
}

/** Changes are planned one at a time: the claim check must see every other plan. */
const lockPlans = (tx: Db) => tx.execute(sql`lock table structural_changes in share row exclusive mode`);

/**
 * One planning transaction under the plans' lock. With `visible` (the set of PLANNED changes changes),
 * the directory version is bumped so every index reloads (lookups warn about planned changes), and
 * this instance's index is rebuilt before the caller answers. The version is bumped before the lock:
 * applying takes the version row (region triggers) before it writes structural_changes, so this
 * order cannot deadlock with it.
 */
async function planning<T>(ctx: ServiceContext, visible: boolean, fn: (tx: Db) => Promise<T>): Promise<T> {
  const out = await ctx.db.transaction(async (tx) => {
    if (visible) await bumpDirectoryVersion(tx);
    await lockPlans(tx);
    return fn(tx);
  });
  if (visible) await ctx.directory.reload().catch(() => undefined); // the periodic version check catches up
  return out;
}

export async function planStructuralChange(ctx: ServiceContext, input: PlanInput): Promise<StructuralChangeRow> {
  return planning(ctx, true, async (tx) => {
    const v = await validatePlan(tx, input);
    const now = ctx.clock.now();
    const [row] = await tx
      .insert(structuralChanges)
      .values({ ...v, status: 'PLANNED', createdBy: ctx.actor.id, createdAt: now, updatedAt: now })
      .returning();
    await writeAudit(tx, ctx.clock, ctx.actor, { action: 'PLAN_STRUCTURAL_CHANGE', entityType: 'StructuralChange', entityId: String(row!.id), after: row });
    return row!;
  });
}

export async function findChange(db: Db, id: number): Promise<StructuralChangeRow> {
  const [row] = await db.select().from(structuralChanges).where(eq(structuralChanges.id, id));
  if (!row) throw notFound(`No structural change #${id}`);
  return row;
}

async function transition(
  ctx: ServiceContext,
  id: number,
  expectedVersion: number,
  from: StructuralChangeStatus[],
  action: string,
  change: (tx: Db, row: StructuralChangeRow) => Promise<Partial<StructuralChangeRow>>,
  /** whether the change enters or leaves PLANNED, which lookups warn about (rejecting a proposal does not) */
  visible = true,
): Promise<StructuralChangeRow> {
  return planning(ctx, visible, async (tx) => {
    const [row] = await tx.select().from(structuralChanges).where(eq(structuralChanges.id, id)).for('update');
    if (!row) throw notFound(`No structural change #${id}`);
    if (row.version !== expectedVersion) throw conflict(`Structural change #${id} is at version ${row.version}, not ${expectedVersion}`, { currentVersion: row.version });
    if (!from.includes(row.status)) throw conflict(`Structural change #${id} is ${row.status}; this needs ${from.join(' or ')}`, { status: row.status });
    const values = await change(tx, row);
    const [after] = await tx
      .update(structuralChanges)
      .set({ ...values, version: row.version + 1, updatedAt: ctx.clock.now() })
      .where(eq(structuralChanges.id, id))
      .returning();
    await writeAudit(tx, ctx.clock, ctx.actor, { action, entityType: 'StructuralChange', entityId: String(id), before: row, after });
    return after!;
  });
}

export const cancelStructuralChange = (ctx: ServiceContext, id: number, expectedVersion: number) =>
  transition(ctx, id, expectedVersion, ['PLANNED'], 'CANCEL_STRUCTURAL_CHANGE', async () => ({ status: 'CANCELLED' }));

export const rejectProposal = (ctx: ServiceContext, id: number, expectedVersion: number) =>
  transition(ctx, id, expectedVersion, ['PROPOSED'], 'REJECT_STRUCTURAL_CHANGE', async () => ({ status: 'REJECTED' }), false);

/** The change as it would be with the edits; omitted fields keep the stored values. */
function withEdits(row: StructuralChangeRow, edits: Partial<PlanInput>): PlanInput {
  return {
    kind: edits.kind ?? row.kind,
    effectiveDate: edits.effectiveDate ?? row.effectiveDate,
    predecessors: edits.predecessors ?? row.predecessors,
    successors: edits.successors ?? row.successors,
    policies: edits.policies ?? row.policies,
    transfers: edits.transfers ?? row.transfers,
    sourceReference: edits.sourceReference ?? row.sourceReference,
  };
}

/** Confirms a proposal, optionally with edits (any field of the plan); validated like a new plan. */
export const confirmProposal = (ctx: ServiceContext, id: number, expectedVersion: number, edits: Partial<PlanInput> = {}) =>
  transition(ctx, id, expectedVersion, ['PROPOSED'], 'CONFIRM_STRUCTURAL_CHANGE', async (tx, row) => {
    return { ...(await validatePlan(tx, withEdits(row, edits), 'edits', id)), status: 'PLANNED' as const };
  });

/**
 * Corrects a PLANNED change before it applies (a moved effective date, above all), validated like a
 * new plan against the register and the other plans on the new date; it stays PLANNED.
 */
export const editPlannedChange = (ctx: ServiceContext, id: number, expectedVersion: number, edits: Partial<PlanInput>) => {
  if (!Object.keys(edits).length) throw badInput('edits', 'name at least one field to change');
  return transition(ctx, id, expectedVersion, ['PLANNED'], 'EDIT_STRUCTURAL_CHANGE', async (tx, row) => validatePlan(tx, withEdits(row, edits), 'edits', id));
};

export interface ChangeQuery {
  status?: StructuralChangeStatus | null;
  from?: string | null;
  to?: string | null;
  limit: number;
  /** keyset: (effectiveDate, id) of the last row of the previous page */
  after?: [string, number];
}

export async function listChanges(db: Db, q: ChangeQuery): Promise<StructuralChangeRow[]> {
  const where = [
    q.status ? eq(structuralChanges.status, q.status) : undefined,
    q.from ? gte(structuralChanges.effectiveDate, q.from) : undefined,
    q.to ? lte(structuralChanges.effectiveDate, q.to) : undefined,
    q.after ? sql`(${structuralChanges.effectiveDate}, ${structuralChanges.id}) > (${q.after[0]}::date, ${q.after[1]})` : undefined,
  ].filter(Boolean);
  return db
    .select()
    .from(structuralChanges)
    .where(and(...where))
    .orderBy(asc(structuralChanges.effectiveDate), asc(structuralChanges.id))
    .limit(q.limit);
}
