// Reading deliveries back: filtered lists for senders and operators, statistics, and retention.
import { and, desc, eq, gte, isNotNull, lt, sql, type SQL } from 'drizzle-orm';
import { tryAdvisoryXactLock, type Db } from '../../db/client.js';
import { deliveries, deliveryAttempts, deliveryOutbox } from '../../db/schema.js';
import type { Principal } from '../auth/principal.js';
import type { DeliveryRow } from './dispatch.service.js';

export interface DeliveryFilter {
  status?: DeliveryRow['status'];
  channel?: string;
  senderKey?: string;
  recipientKey?: string;
  from?: Date;
  to?: Date;
  limit: number;
  /** created_at, id of the last row of the previous page */
  after?: { createdAt: Date; id: string };
}

export async function listDeliveries(db: Db, p: Principal, f: DeliveryFilter): Promise<DeliveryRow[]> {
  const where: (SQL | undefined)[] = [];
  // A CLIENT sees only what its own authority sent.
  if (p.role === 'CLIENT') where.push(eq(deliveries.senderKey, p.scope!));
  if (f.status) where.push(eq(deliveries.status, f.status));
  if (f.channel) where.push(eq(deliveries.channel, f.channel));
  if (f.senderKey) where.push(eq(deliveries.senderKey, f.senderKey));
  if (f.recipientKey) where.push(eq(deliveries.recipientKey, f.recipientKey));
  if (f.from) where.push(gte(deliveries.createdAt, f.from));
  if (f.to) where.push(lt(deliveries.createdAt, f.to));
  if (f.after) where.push(sql`(${deliveries.createdAt}, ${deliveries.id}) < (${f.after.createdAt.toISOString()}::timestamptz, ${f.after.id})`);
  return db
    .select()
    .from(deliveries)
    .where(and(...where))
    .orderBy(desc(deliveries.createdAt), desc(deliveries.id))
    .limit(f.limit);
}

export type GroupBy = 'DAY' | 'CHANNEL' | 'AUTHORITY' | 'MESSAGE_TYPE';

export interface StatisticsRow {
  key: string;
  total: number;
  electronic: number;
  print: number;
  failed: number;
  electronicShare: number;
}

export async function deliveryStatistics(db: Db, from: Date, to: Date, groupBy: GroupBy): Promise<StatisticsRow[]> {
  const key = {
    DAY: sql<string>`to_char(${deliveries.createdAt} at time zone 'Europe/Berlin', 'YYYY-MM-DD')`,
    CHANNEL: sql<string>`${deliveries.channel}`,
    AUTHORITY: sql<string>`coalesce(${deliveries.recipientKey}, '')`,
    MESSAGE_TYPE: sql<string>`${deliveries.messageType}`,
  }[groupBy];
  const rows = await db
    .select({
      key,
      total: sql<number>`count(*)::int`,
      electronic: sql<number>`(count(*) filter (where ${deliveries.channel} = 'ELECTRONIC'))::int`,
      print: sql<number>`(count(*) filter (where ${deliveries.channel} = 'PRINT'))::int`,
      failed: sql<number>`(count(*) filter (where ${deliveries.status} = 'FAILED'))::int`,
    })
    .from(deliveries)
    .where(and(gte(deliveries.createdAt, from), lt(deliveries.createdAt, to)))
    .groupBy(key)
    .orderBy(key);
  return rows.map((r) => {
    const total = Number(r.total);
    const electronic = Number(r.electronic);
    return { key: r.key, total, electronic, print: Number(r.print), failed: Number(r.failed), electronicShare: total ? Number((electronic / total).toFixed(4)) : 0 };
  });
}

const RETENTION_LOCK = 727_201;

export interface RetentionSettings {
  payloadDays: number;
  metadataDays: number;
}

/** Payloads go once handed off and older than payloadDays; whole deliveries after metadataDays. */
export async function enforceRetention(db: Db, now: Date, s: RetentionSettings) {
  return db.transaction(async (tx) => {
    if (!(await tryAdvisoryXactLock(tx, RETENTION_LOCK))) return { ran: false, payloadsRemoved: 0, deliveriesRemoved: 0 };
    const payloadBefore = new Date(now.getTime() - s.payloadDays * 86_400_000);
    const metaBefore = new Date(now.getTime() - s.metadataDays * 86_400_000);
    const cleared = await tx
      .update(deliveries)
      .set({ payload: null })
      .where(and(isNotNull(deliveries.payload), isNotNull(deliveries.handedOffAt), lt(deliveries.handedOffAt, payloadBefore)))
      .returning({ id: deliveries.id });
    const old = sql`(select ${deliveries.id} from ${deliveries} where ${deliveries.createdAt} < ${metaBefore.toISOString()}::timestamptz and ${deliveries.status} in ('HANDED_OFF', 'FAILED'))`;
    await tx.delete(deliveryAttempts).where(sql`${deliveryAttempts.deliveryId} in ${old}`);
    await tx.delete(deliveryOutbox).where(sql`${deliveryOutbox.deliveryId} in ${old}`);
    const removed = await tx
      .delete(deliveries)
      .where(and(lt(deliveries.createdAt, metaBefore), sql`${deliveries.status} in ('HANDED_OFF', 'FAILED')`))
      .returning({ id: deliveries.id });
    return { ran: true, payloadsRemoved: cleared.length, deliveriesRemoved: removed.length };
  });
}
