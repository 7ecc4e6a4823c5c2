// Deleting an authority or a task registered by mistake. Only what nothing references can go: a
// jurisdiction (even an ended one), a delivery, a planned structural change is history or work that
// names it. Anything else is a CONFLICT that names the references and points to deactivating or
// ending instead. Audited; bumps the directory version.
import { eq, sql, type SQL } from 'drizzle-orm';
import { queryRows, type Db } from '../../db/client.js';
import { authorities, tasks } from '../../db/schema.js';
import { pgErrorCode } from '../../db/errors.js';
import { conflict, notFound } from '../../lib/errors.js';
import { writeAudit } from '../audit/audit.service.js';
import type { ServiceContext } from '../directory/context.js';
import type { AuthorityRow } from '../directory/directory-index.js';
import { directoryChange } from '../directory/version.js';
import { placeOfKey } from '../tenants/territory.js';
import { checkTerritory } from '../tenants/territory.service.js';
import { checkAuthorityAccess, findAuthority } from './authorities.service.js';

const FOREIGN_KEY_VIOLATION = '23503';
/** lookups without a task use it: never deleted */
const DEFAULT_TASK = 'VOLLSTRECKUNGSHILFE';

interface Counted {
  n: number;
  ids: string[] | null;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
const idList = (c: Counted) => (c.ids?.length ? ` (${c.ids.map((i) => `#${i}`).join(', ')}${c.n > c.ids.length ? ', …' : ''})` : '');

/** Rows of `from` (a table name, never input) that `where` selects: how many, and the first ten ids. */
function counted(from: string, where: SQL): SQL {
  return sql`(select json_build_object('n', count(*)::int, 'ids', (select json_agg(id::text) from (select id from ${sql.raw(from)} where ${where} order by id limit 10) f))
    from ${sql.raw(from)} where ${where})`;
}

async function references(db: Db, parts: Record<string, SQL>): Promise<Record<string, Counted>> {
  const columns = Object.entries(parts).map(([name, q]) => sql`${q} as ${sql.identifier(name)}`);
  const [row] = await queryRows<Record<string, Counted | string>>(db, sql`select ${sql.join(columns, sql`, `)}`);
  // PGlite returns json as objects, postgres.js may hand it as text
  return Object.fromEntries(Object.entries(row ?? {}).map(([k, v]) => [k, typeof v === 'string' ? (JSON.parse(v) as Counted) : v]));
}

const openChanges = (policy: Record<string, string>) =>
  sql`status in ('PROPOSED', 'PLANNED') and policies @> ${JSON.stringify([policy])}::jsonb`;

async function authorityReferences(db: Db, a: AuthorityRow): Promise<string[]> {
  const r = await references(db, {
    rules: counted('jurisdictions', sql`authority_id = ${a.id}`),
    deliveries: counted('deliveries', sql`sender_key = ${a.key} or recipient_key = ${a.key}`),
    notifications: counted('webhook_outbox', sql`sender_key = ${a.key}`),
    changes: counted('structural_changes', openChanges({ authorityKey: a.key })),
  });
  const out: string[] = [];
  if (r.rules!.n) out.push(`${plural(r.rules!.n, 'jurisdiction', 'jurisdictions')}${idList(r.rules!)}`);
  if (r.deliveries!.n) out.push(`${plural(r.deliveries!.n, 'delivery', 'deliveries')} as sender or recipient${idList(r.deliveries!)}`);
  if (r.notifications!.n) out.push(`${plural(r.notifications!.n, 'pending status notification', 'pending status notifications')}`);
  if (r.changes!.n) out.push(`${plural(r.changes!.n, 'planned structural change', 'planned structural changes')}${idList(r.changes!)}`);
  return out;
}

async function taskReferences(db: Db, code: string): Promise<string[]> {
  const r = await references(db, {
    rules: counted('jurisdictions', sql`task_code = ${code}`),
    deliveries: counted('deliveries', sql`recipient ->> 'task' = ${code}`),
    changes: counted('structural_changes', openChanges({ task: code })),
  });
  const out: string[] = [];
  if (r.rules!.n) out.push(`${plural(r.rules!.n, 'jurisdiction', 'jurisdictions')}${idList(r.rules!)}`);
  if (r.deliveries!.n) out.push(`${plural(r.deliveries!.n, 'delivery', 'deliveries')}${idList(r.deliveries!)}`);
  if (r.changes!.n) out.push(`${plural(r.changes!.n, 'planned structural change', 'planned structural changes')}${idList(r.changes!)}`);
  return out;
}

/** A reference written by a concurrent transaction after the check: the database refuses the delete. */
function raced(e: unknown, what: string): unknown {
  return pgErrorCode(e) === FOREIGN_KEY_VIOLATION ? conflict(`${what} was referenced meanwhile: reload and look again`) : e;
}

export async function deleteAuthority(ctx: ServiceContext, key: string): Promise<boolean> {
  try {
    return await directoryChange(ctx, async (tx) => {
      const before = await findAuthority(tx, key);
      if (!before) throw notFound(`No authority with key ${key}`);
      checkAuthorityAccess(ctx.principal, before.tenantCode, 'delete');
      await checkTerritory(tx, ctx.principal, placeOfKey(key), `delete authority ${key}`);
      const refs = await authorityReferences(tx, before);
      if (refs.length) {
        throw conflict(
          `Authority ${key} cannot be deleted: it is referenced by ${refs.join(', ')}. Deactivate it instead (deactivateAuthority) and end its jurisdictions (endJurisdiction); their history stays.`,
          { references: refs },
        );
      }
      await tx.delete(authorities).where(eq(authorities.id, before.id));
      await writeAudit(tx, ctx.clock, ctx.actor, { action: 'DELETE_AUTHORITY', entityType: 'Authority', entityId: key, before: { ...before, webhookSecret: before.webhookSecret ? '[redacted]' : null } });
      return true;
    });
  } catch (e) {
    throw raced(e, `Authority ${key}`);
  }
}

export async function deleteTask(ctx: ServiceContext, code: string): Promise<boolean> {
  try {
    return await directoryChange(ctx, async (tx) => {
      const [before] = await tx.select().from(tasks).where(eq(tasks.code, code));
      if (!before) throw notFound(`No task with code ${code}`);
      if (code === DEFAULT_TASK) throw conflict(`Task ${code} is the default task of every lookup and cannot be deleted`);
      const refs = await taskReferences(tx, code);
      if (refs.length) {
        throw conflict(
          `Task ${code} cannot be deleted: it is referenced by ${refs.join(', ')}. End its jurisdictions instead (endJurisdiction): a task once used stays in the code list as history.`,
          { references: refs },
        );
      }
      await tx.delete(tasks).where(eq(tasks.code, code));
      await writeAudit(tx, ctx.clock, ctx.actor, { action: 'DELETE_TASK', entityType: 'Task', entityId: code, before });
      return true;
    });
  } catch (e) {
    throw raced(e, `Task ${code}`);
  }
}
