// Bulk registration: a file of authorities with their jurisdictions applied in one transaction
// through the services (access and territory rules, validation, audit, directory version), under
// the import skeleton's table lock. All or nothing: any error rolls everything back, and so does a
// dry run, which reports what the import would do. Authorities the file does not name are left alone;
// for the ones it names, the file is the whole truth: their rules it no longer lists end.
import { asc, eq } from 'drizzle-orm';
import { authorities, jurisdictions } from '../../db/schema.js';
import { streetKey } from '../addresses/normalize.js';
import { createAuthority, findAuthority, updateAuthority } from '../authorities/authorities.service.js';
import type { ServiceContext } from '../directory/context.js';
import type { JurisdictionRow } from '../directory/directory-index.js';
import { runImport } from '../directory/import-run.js';
import { awaitDirectory } from '../directory/version.js';
import { createJurisdiction, deleteJurisdiction, endJurisdiction } from './jurisdictions.service.js';
import { authorityFields, CellError, readRegistrationFile, REGISTRATION_LIMITS, ruleIdentity, storedRuleIdentity, type FileRow } from './registration-csv.js';
import { changedColumns, checkWebhook, emptyPlan, planChanges, planCounts, ruleItem, step, updateOf, type ImportPlan } from './registration-plan.js';

export interface RegistrationFile {
  text: string;
  fileName: string;
  dryRun: boolean;
  /** the import date: rules no longer listed end on it */
  endDate: string;
}

/** The rows of one authority, in file order. */
interface Group {
  key: string;
  first: FileRow;
  rows: FileRow[];
}

/** Thrown to roll back an import that found errors; never leaves importAuthorities. */
class Refused extends Error {}

function groupsOf(rows: FileRow[]): Group[] {
  const groups = new Map<string, Group>();
  for (const row of rows) {
    const g = groups.get(row.authority.key);
    if (g) g.rows.push(row);
    else groups.set(row.authority.key, { key: row.authority.key, first: row, rows: [row] });
  }
  return [...groups.values()];
}

export async function importAuthorities(ctx: ServiceContext, file: RegistrationFile): Promise<ImportPlan> {
  const plan = emptyPlan(file.dryRun, file.endDate);
  const bytes = Buffer.from(file.text);
  if (bytes.length > REGISTRATION_LIMITS.bytes) {
    plan.errors.push({ line: 1, column: null, message: `the file has ${bytes.length} bytes, at most ${REGISTRATION_LIMITS.bytes} are accepted: split it` });
    return plan;
  }
  const read = readRegistrationFile(file.text, streetKey);
  if (read.errors.length) return { ...plan, errors: read.errors };
  try {
    await runImport(ctx.db, ctx.clock, { bytes, fileName: file.fileName, dryRun: file.dryRun, actor: ctx.actor }, authorities, async (tx) => {
      await applyGroups({ ...ctx, db: tx, batched: true }, groupsOf(read.rows), plan);
      if (plan.errors.length) throw new Refused();
      const record = planChanges(plan)
        ? { kind: 'authorities', edition: file.endDate, summary: planCounts(plan), audit: { action: 'IMPORT_AUTHORITIES', entityType: 'AuthorityImport', after: { counts: planCounts(plan) } } }
        : null;
      return { result: plan, record };
    });
  } catch (e) {
    if (e instanceof Refused) return plan;
    throw e;
  }
  plan.applied = !file.dryRun;
  if (plan.applied && planChanges(plan) && !ctx.batched) await awaitDirectory(ctx);
  return plan;
}

/** Authorities first (so rules can name them), then their rules, then deactivations (a deactivated authority takes no new rule). */
async function applyGroups(ctx: ServiceContext, groups: Group[], plan: ImportPlan): Promise<void> {
  const failed = new Set<string>();
  const full = () => plan.errors.length >= REGISTRATION_LIMITS.errors;
  for (const g of groups) {
    if (full()) return;
    if (!(await step(plan, g.first.line, null, () => upsertAuthority(ctx, g, plan)))) failed.add(g.key);
  }
  for (const g of groups) {
    if (full()) return;
    if (!failed.has(g.key)) await reconcileRules(ctx, g, plan);
  }
  for (const g of groups) {
    if (full()) return;
    if (!failed.has(g.key) && g.first.authority.status === 'INACTIVE') await step(plan, g.first.line, 'status', () => deactivate(ctx, g.key));
  }
}

async function upsertAuthority(ctx: ServiceContext, g: Group, plan: ImportPlan): Promise<void> {
  const a = g.first.authority;
  const before = await findAuthority(ctx.db, a.key);
  checkWebhook(before, a);
  if (!before) {
    await createAuthority(ctx, { key: a.key, ...authorityFields(a) });
    plan.authorities.created.push({ line: g.first.line, key: a.key, change: 'CREATE', fields: [] });
    return;
  }
  const fields = changedColumns(before, a);
  if (!fields.length) {
    plan.authorities.unchanged.push({ line: g.first.line, key: a.key, change: 'UNCHANGED', fields });
    return;
  }
  const input = updateOf(a, fields);
  if (Object.keys(input).length) await updateAuthority(ctx, a.key, before.version, input);
  plan.authorities.updated.push({ line: g.first.line, key: a.key, change: 'UPDATE', fields });
}

async function deactivate(ctx: ServiceContext, key: string): Promise<void> {
  const a = await findAuthority(ctx.db, key);
  if (a && a.status === 'ACTIVE') await updateAuthority(ctx, key, a.version, { status: 'INACTIVE' }, 'DEACTIVATE_AUTHORITY');
}

/** Matches the file's rules with the authority's stored ones: unchanged, shortened, ended, created. */
async function reconcileRules(ctx: ServiceContext, g: Group, plan: ImportPlan): Promise<void> {
  const authority = await findAuthority(ctx.db, g.key);
  if (!authority) return;
  const stored = await ctx.db.select().from(jurisdictions).where(eq(jurisdictions.authorityId, authority.id)).orderBy(asc(jurisdictions.id));
  const byIdentity = new Map(stored.map((j) => [storedRuleIdentity(g.key, j), j]));
  const listed = new Set<number>();
  const creates: FileRow[] = [];
  for (const row of g.rows) {
    if (!row.rule) continue;
    const cur = byIdentity.get(ruleIdentity(g.key, row.rule, streetKey));
    if (!cur) creates.push(row);
    else {
      listed.add(cur.id);
      await step(plan, row.line, 'valid_to', () => keepOrShorten(ctx, row, cur, plan));
    }
  }
  for (const j of stored) {
    const inForce = j.validTo === null || j.validTo > plan.endDate;
    if (!listed.has(j.id) && inForce) await step(plan, g.first.line, null, () => endUnlisted(ctx, g.key, j, plan));
  }
  for (const row of creates) await step(plan, row.line, 'scope_key', () => createRule(ctx, g.key, row, plan));
}

async function keepOrShorten(ctx: ServiceContext, row: FileRow, cur: JurisdictionRow, plan: ImportPlan): Promise<void> {
  const to = row.rule!.validTo;
  const key = row.authority.key;
  if (to === cur.validTo) {
    plan.jurisdictions.unchanged.push(ruleItem(row.line, key, 'UNCHANGED', cur));
    return;
  }
  if (to === null || (cur.validTo !== null && to > cur.validTo)) {
    throw new CellError('valid_to', `jurisdiction #${cur.id} ends on ${cur.validTo}; a file cannot extend or reopen it: add a rule with valid_from ${cur.validTo} instead`);
  }
  await endJurisdiction(ctx, cur.id, to, cur.version);
  plan.jurisdictions.ended.push({ ...ruleItem(row.line, key, 'END', cur), endsOn: to });
}

/** A rule the file no longer lists ends on the import date; one that would only start then never held and is deleted. */
async function endUnlisted(ctx: ServiceContext, key: string, j: JurisdictionRow, plan: ImportPlan): Promise<void> {
  const deleted = j.validFrom !== null && j.validFrom >= plan.endDate;
  if (deleted) await deleteJurisdiction(ctx, j.id, j.version);
  else await endJurisdiction(ctx, j.id, plan.endDate, j.version);
  plan.jurisdictions.ended.push({ ...ruleItem(null, key, 'END', j), endsOn: plan.endDate, deleted });
}

async function createRule(ctx: ServiceContext, key: string, row: FileRow, plan: ImportPlan): Promise<void> {
  const r = row.rule!;
  const j = await createJurisdiction(ctx, { authorityKey: key, task: r.task, scope: r.scope, validFrom: r.validFrom, validTo: r.validTo });
  plan.jurisdictions.created.push(ruleItem(row.line, key, 'CREATE', j, plan.dryRun ? null : String(j.id)));
}
