// The outbox: dispatchers claim due entries with FOR UPDATE SKIP LOCKED and a lease, and book each
// hand-off attempt afterwards. A crash between hand-off and booking leaves the lease to expire: the
// delivery is handed off again (at least once; the delivery id is the receiver's de-duplication key).
import { and, asc, eq, inArray, isNull, lte, or, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import type { OutboundPolicy } from '../../lib/url-policy.js';
import { deliveries, deliveryAttempts, deliveryOutbox } from '../../db/schema.js';
import type { DeliveryRow } from './deliveries.service.js';
import { queueStatusNotification } from './webhooks.js';

export interface DispatcherSettings {
  name: string;
  batchSize: number;
  leaseMs: number;
  maxTransportAttempts: number;
  /** first retry delay; doubles each time, with ±50 % jitter */
  backoffMs: number;
  /** hand-offs in flight at once within a batch (default 8) */
  concurrency?: number;
  /** where sender webhooks may be (default: development's policy) */
  outbound?: OutboundPolicy;
}

/** One hand-off attempt, to be booked. */
export interface Booking {
  /** the database itself: booking runs its own transaction */
  db: Db;
  settings: DispatcherSettings;
  /** the delivery as it was when handed off */
  delivery: DeliveryRow;
  ok: boolean;
  /** the adapter's answer, or its error message */
  detail: string;
  started: Date;
  finished: Date;
  /** a print adapter runs: an electronic delivery out of attempts is re-routed to print */
  canPrint: boolean;
}

/** Claims up to batchSize due entries (none another dispatcher holds) and leases them. */
export async function claim(db: Db, now: Date, s: DispatcherSettings): Promise<string[]> {
  return db.transaction(async (tx) => {
    const due = await tx
      .select({ id: deliveryOutbox.deliveryId })
      .from(deliveryOutbox)
      .where(and(lte(deliveryOutbox.availableAt, now), or(isNull(deliveryOutbox.leaseUntil), lte(deliveryOutbox.leaseUntil, now))))
      .orderBy(asc(deliveryOutbox.availableAt))
      .limit(s.batchSize)
      .for('update', { skipLocked: true });
    if (!due.length) return [];
    const ids = due.map((d) => d.id);
    await tx
      .update(deliveryOutbox)
      .set({ leaseUntil: new Date(now.getTime() + s.leaseMs), leasedBy: s.name })
      .where(inArray(deliveryOutbox.deliveryId, ids));
    return ids;
  });
}

/** Records the attempt and moves the delivery on; returns its new status, undefined if already booked. */
export async function book(b: Booking): Promise<string | undefined> {
  const { delivery: d, settings: s } = b;
  return b.db.transaction(async (tx) => {
    // A retried booking whose first try did commit finds its outbox entry gone or re-leased: nothing to do.
    const [mine] = await tx
      .select({ id: deliveryOutbox.deliveryId })
      .from(deliveryOutbox)
      .where(and(eq(deliveryOutbox.deliveryId, d.id), eq(deliveryOutbox.leasedBy, s.name)))
      .for('update');
    if (!mine) return undefined;
    await tx.insert(deliveryAttempts).values({ deliveryId: d.id, channel: d.channel, startedAt: b.started, finishedAt: b.finished, ok: b.ok, detail: b.detail, dispatcher: s.name });
    return moveOn(tx, b);
  });
}

/** After an attempt: handed off, re-routed to print, failed for good, or due again after a backoff. */
async function moveOn(tx: Db, b: Booking): Promise<string> {
  const { delivery: d, settings: s, finished } = b;
  const id = d.id;
  const attempts = d.attempts + 1;
  if (b.ok) {
    await tx.update(deliveries).set({ status: 'HANDED_OFF', attempts, handedOffAt: finished, updatedAt: finished }).where(eq(deliveries.id, id));
    await tx.delete(deliveryOutbox).where(eq(deliveryOutbox.deliveryId, id));
    await queueStatusNotification(tx, d, 'HANDED_OFF', finished);
    return 'HANDED_OFF';
  }
  if (d.channel === 'ELECTRONIC' && attempts >= s.maxTransportAttempts && b.canPrint) {
    // Re-route to print: the next pass hands it to the print adapter; both attempts stay visible.
    await tx
      .update(deliveries)
      .set({ status: 'REROUTED_TO_PRINT', channel: 'PRINT', attempts, updatedAt: finished, decision: sql`${deliveries.decision} || ${JSON.stringify({ reroutedAfter: attempts })}::jsonb` })
      .where(eq(deliveries.id, id));
    await tx.update(deliveryOutbox).set({ availableAt: finished, leaseUntil: null, leasedBy: null }).where(eq(deliveryOutbox.deliveryId, id));
    await queueStatusNotification(tx, { ...d, channel: 'PRINT' }, 'REROUTED_TO_PRINT', finished);
    return 'REROUTED_TO_PRINT';
  }
  if (attempts >= s.maxTransportAttempts) {
    await tx.update(deliveries).set({ status: 'FAILED', attempts, updatedAt: finished }).where(eq(deliveries.id, id));
    await tx.delete(deliveryOutbox).where(eq(deliveryOutbox.deliveryId, id));
    await queueStatusNotification(tx, d, 'FAILED', finished);
    return 'FAILED';
  }
  const delay = s.backoffMs * 2 ** (attempts - 1) * (0.5 + Math.random());
  const next = d.status === 'REROUTED_TO_PRINT' ? d.status : 'RETRYING';
  await tx.update(deliveries).set({ status: next, attempts, updatedAt: finished }).where(eq(deliveries.id, id));
  if (next !== d.status) await queueStatusNotification(tx, d, next, finished);
  await tx
    .update(deliveryOutbox)
    .set({ availableAt: new Date(finished.getTime() + delay), leaseUntil: null, leasedBy: null })
    .where(eq(deliveryOutbox.deliveryId, id));
  return next;
}
