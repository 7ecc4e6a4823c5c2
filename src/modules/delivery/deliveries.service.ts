// Reading deliveries back: one by id with its attempts, filtered lists for senders and operators,
// and statistics.
import { and, asc, desc, eq, gte, inArray, lt, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { deliveries, deliveryAttempts, deliveryOutbox } from '../../db/schema.js';
import { notFound } from '../../lib/errors.js';
import type { Principal } from '../auth/principal.js';

export type DeliveryRow = typeof deliveries.$inferSelect;

export async function findDelivery(db: Db, id: string): Promise<DeliveryRow> {
  const [row] = await db.select().from(deliveries).where(eq(deliveries.id, id));
  if (!row) throw notFound(`No delivery ${id}`);
  return row;
}

export type AttemptRow = typeof deliveryAttempts.$inferSelect;

/** When each delivery's next attempt is planned, by id; a delivery with nothing planned is absent. */
export async function nextAttemptsOf(db: Db, ids: string[]): Promise<Map<string, Date>> {
  const rows = await db.select({ id: deliveryOutbox.deliveryId, at: deliveryOutbox.availableAt }).from(deliveryOutbox).where(inArray(deliveryOutbox.deliveryId, ids));
  return new Map(rows.map((r) => [r.id, r.at]));
}

export async function attemptsOf(db: Db, id: string): Promise<AttemptRow[]> {
  return db.select().from(deliveryAttempts).where(eq(deliveryAttempts.deliveryId, id)).orderBy(asc(deliveryAttempts.id));
}

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
