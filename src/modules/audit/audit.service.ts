// The audit log: written inside the caller's transaction, so a change and its record commit together.
import { desc, and, eq, lt, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { auditLog } from '../../db/schema.js';
import type { Clock } from '../../lib/clock.js';

/** Who acts: a principal's subject ("user:…", "client:…") or the CLI's operating-system user. */
export interface Actor {
  id: string;
  requestId?: string;
}

export interface AuditEntry {
  action: string;
  entityType: string;
  entityId: string;
  before?: unknown;
  after?: unknown;
}

export async function writeAudit(tx: Db, clock: Clock, actor: Actor, entry: AuditEntry): Promise<void> {
  await tx.insert(auditLog).values({
    at: clock.now(),
    actor: actor.id,
    action: entry.action,
    entityType: entry.entityType,
    entityId: entry.entityId,
    before: entry.before ?? null,
    after: entry.after ?? null,
    requestId: actor.requestId ?? null,
  });
}

export interface AuditQuery {
  entityType?: string;
  entityId?: string;
  /** id of the last entry of the previous page */
  before?: number;
  limit: number;
}

export async function listAudit(db: Db, q: AuditQuery) {
  const where: SQL[] = [];
  if (q.entityType) where.push(eq(auditLog.entityType, q.entityType));
  if (q.entityId) where.push(eq(auditLog.entityId, q.entityId));
  if (q.before !== undefined) where.push(lt(auditLog.id, q.before));
  return db
    .select()
    .from(auditLog)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(auditLog.id))
    .limit(q.limit);
}
