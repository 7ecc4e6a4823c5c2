// Retention: payloads are not kept longer than needed, delivery records not forever.
import { and, isNotNull, lt, sql } from 'drizzle-orm';
import { tryAdvisoryXactLock, type Db } from '../../db/client.js';
import { deliveries, deliveryAttempts, deliveryOutbox } from '../../db/schema.js';

/** advisory lock: one instance at a time runs retention */
const RETENTION_LOCK = 727_201;

export interface RetentionSettings {
  payloadDays: number;
  metadataDays: number;
}

/** Statuses a delivery ends in: only these are removed with their metadata. */
const FINISHED = sql.raw(`('HANDED_OFF', 'DELIVERED', 'ACCEPTED', 'REJECTED', 'FAILED')`);

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
    const old = sql`(select ${deliveries.id} from ${deliveries} where ${deliveries.createdAt} < ${metaBefore.toISOString()}::timestamptz and ${deliveries.status} in ${FINISHED})`;
    await tx.delete(deliveryAttempts).where(sql`${deliveryAttempts.deliveryId} in ${old}`);
    await tx.delete(deliveryOutbox).where(sql`${deliveryOutbox.deliveryId} in ${old}`);
    const removed = await tx
      .delete(deliveries)
      .where(and(lt(deliveries.createdAt, metaBefore), sql`${deliveries.status} in ${FINISHED}`))
      .returning({ id: deliveries.id });
    return { ran: true, payloadsRemoved: cleared.length, deliveriesRemoved: removed.length };
  });
}
