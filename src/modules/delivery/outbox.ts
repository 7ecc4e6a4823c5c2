// The outbox: dispatchers claim due entries with FOR UPDATE SKIP LOCKED and a lease, and book each
// hand-off attempt afterwards. A crash between hand-off and booking leaves the lease to expire: the
// delivery is handed off again (at least once; the delivery id is the receiver's de-duplication key).
// Hand-offs that crash, time out or never get booked are counted in a row; at the limit the delivery
// is quarantined (FAILED with the reason) rather than retried for ever: it is likely poison.
import { and, asc, eq, inArray, isNull, lte, or, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import type { OutboundPolicy } from '../../lib/url-policy.js';
import { deliveries, deliveryAttempts, deliveryOutbox } from '../../db/schema.js';
import type { DeliveryRow } from './deliveries.service.js';
import type { Receipt } from './receipt.js';
import { failuresOnChannel, retryDelay, type RetryPolicy } from './retry.js';
import { queueStatusNotification } from './webhooks.js';

export interface DispatcherSettings {
  name: string;
  batchSize: number;
  leaseMs: number;
  /** when failed attempts are tried again, per channel; past the last step: paper, or FAILED */
  retry: RetryPolicy;
  /** hand-offs in flight at once within a batch (default 8) */
  concurrency?: number;
  /** where sender webhooks may be (default: development's policy) */
  outbound?: OutboundPolicy;
  /** time budget of one hand-off; over it, it is aborted and counts as a crash (default 30 s) */
  handOffTimeoutMs?: number;
  /** crashes, time-outs and unfinished hand-offs in a row that quarantine a delivery (default 3) */
  maxCrashes?: number;
}

export const DEFAULT_HANDOFF_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_CRASHES = 3;

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
  /** a print adapter runs: an electronic delivery past its retry schedule is re-routed to print */
  canPrint: boolean;
  /** the hand-off crashed or timed out (HandOffCrash), rather than being refused */
  crashed?: boolean;
  /** the receiver's verified receipt: DELIVERED rather than HANDED_OFF */
  receipt?: Receipt;
}

/** What a claim took: deliveries to hand off, and those it quarantined instead. */
export interface Claim {
  ids: string[];
  quarantined: { id: string; channel: string }[];
}

/** Claims up to batchSize due entries (none another dispatcher holds) and leases them. */
export async function claim(db: Db, now: Date, s: DispatcherSettings): Promise<Claim> {
  return db.transaction(async (tx) => {
    const due = await tx
      .select()
      .from(deliveryOutbox)
      .where(and(lte(deliveryOutbox.availableAt, now), or(isNull(deliveryOutbox.leaseUntil), lte(deliveryOutbox.leaseUntil, now))))
      .orderBy(asc(deliveryOutbox.availableAt))
      .limit(s.batchSize)
      .for('update', { skipLocked: true });
    const out: Claim = { ids: [], quarantined: [] };
    for (const entry of due) {
      // A lease still set has run out unbooked: the dispatcher died or hung during that hand-off.
      const failed = entry.leaseUntil ? await unfinished(tx, entry, now, s) : undefined;
      if (failed) out.quarantined.push(failed);
      else out.ids.push(entry.deliveryId);
    }
    if (out.ids.length) {
      await tx
        .update(deliveryOutbox)
        .set({ leaseUntil: new Date(now.getTime() + s.leaseMs), leasedBy: s.name, claimedAt: now })
        .where(inArray(deliveryOutbox.deliveryId, out.ids));
    }
    return out;
  });
}

/**
 * Books an earlier claim that never finished as a failed attempt and counts it as a crash;
 * returns the delivery if that quarantined it.
 */
async function unfinished(tx: Db, entry: typeof deliveryOutbox.$inferSelect, now: Date, s: DispatcherSettings) {
  const [d] = await tx.select().from(deliveries).where(eq(deliveries.id, entry.deliveryId));
  if (!d) return undefined;
  const leaseEnd = entry.leaseUntil!;
  const detail = `did not finish: the lease of ${entry.leasedBy ?? 'a dispatcher'} ran out at ${leaseEnd.toISOString()} without a booking (the dispatcher stopped or hung during the hand-off)`;
  await tx.insert(deliveryAttempts).values({ deliveryId: d.id, channel: d.channel, startedAt: entry.claimedAt ?? leaseEnd, finishedAt: leaseEnd, ok: false, detail, dispatcher: entry.leasedBy ?? 'unknown' });
  const attempts = d.attempts + 1;
  const crashes = entry.crashes + 1;
  if (crashes >= (s.maxCrashes ?? DEFAULT_MAX_CRASHES)) {
    await fail(tx, d, attempts, quarantineReason(crashes, detail), now);
    return { id: d.id, channel: d.channel };
  }
  await tx.update(deliveries).set({ attempts, updatedAt: now }).where(eq(deliveries.id, d.id));
  await tx.update(deliveryOutbox).set({ crashes }).where(eq(deliveryOutbox.deliveryId, d.id));
  return undefined;
}

const quarantineReason = (crashes: number, last: string) =>
  `Quarantined after ${crashes} hand-offs in a row that crashed, timed out or did not finish; the last: ${last}`;

/** Ends a delivery as FAILED: the reason is added to its reasons, the sender is notified. */
async function fail(tx: Db, d: DeliveryRow, attempts: number, reason: string, at: Date): Promise<void> {
  await tx
    .update(deliveries)
    .set({
      status: 'FAILED',
      attempts,
      updatedAt: at,
      decision: sql`jsonb_set(${deliveries.decision}, '{reasons}', coalesce(${deliveries.decision} -> 'reasons', '[]'::jsonb) || ${JSON.stringify([reason])}::jsonb)`,
    })
    .where(eq(deliveries.id, d.id));
  await tx.delete(deliveryOutbox).where(eq(deliveryOutbox.deliveryId, d.id));
  await queueStatusNotification(tx, d, 'FAILED', at);
}

/** Records the attempt and moves the delivery on; returns its new status, undefined if already booked. */
export async function book(b: Booking): Promise<string | undefined> {
  const { delivery: d, settings: s } = b;
  return b.db.transaction(async (tx) => {
    // A retried booking whose first try did commit finds its outbox entry gone or re-leased: nothing to do.
    const [mine] = await tx
      .select({ crashes: deliveryOutbox.crashes })
      .from(deliveryOutbox)
      .where(and(eq(deliveryOutbox.deliveryId, d.id), eq(deliveryOutbox.leasedBy, s.name)))
      .for('update');
    if (!mine) return undefined;
    await tx.insert(deliveryAttempts).values({ deliveryId: d.id, channel: d.channel, startedAt: b.started, finishedAt: b.finished, ok: b.ok, detail: b.detail, dispatcher: s.name });
    const crashes = b.crashed ? mine.crashes + 1 : 0;
    if (crashes >= (s.maxCrashes ?? DEFAULT_MAX_CRASHES)) {
      await fail(tx, d, d.attempts + 1, quarantineReason(crashes, b.detail), b.finished);
      return 'FAILED';
    }
    return moveOn(tx, b, crashes);
  });
}

/** After an attempt: handed off, re-routed to print, failed for good, or due again at the schedule's next step. */
async function moveOn(tx: Db, b: Booking, crashes: number): Promise<string> {
  const { delivery: d, settings: s, finished } = b;
  const id = d.id;
  const attempts = d.attempts + 1;
  if (b.ok) {
    const status = b.receipt ? 'DELIVERED' : 'HANDED_OFF';
    const receipt = b.receipt ? { receipt: b.receipt, deliveredAt: finished } : {};
    await tx.update(deliveries).set({ status, attempts, handedOffAt: finished, updatedAt: finished, ...receipt }).where(eq(deliveries.id, id));
    await tx.delete(deliveryOutbox).where(eq(deliveryOutbox.deliveryId, id));
    await queueStatusNotification(tx, d, status, finished);
    return status;
  }
  // The next step of the channel's schedule; none left: paper for an electronic delivery, else FAILED.
  const delay = retryDelay(s.retry, d.channel, failuresOnChannel(d, attempts));
  if (d.channel === 'ELECTRONIC' && delay === undefined && b.canPrint) {
    // Re-route to print: the next pass hands it to the print adapter; both attempts stay visible.
    await tx
      .update(deliveries)
      .set({ status: 'REROUTED_TO_PRINT', channel: 'PRINT', attempts, updatedAt: finished, decision: sql`${deliveries.decision} || ${JSON.stringify({ reroutedAfter: attempts })}::jsonb` })
      .where(eq(deliveries.id, id));
    await tx.update(deliveryOutbox).set({ availableAt: finished, leaseUntil: null, leasedBy: null, claimedAt: null, crashes }).where(eq(deliveryOutbox.deliveryId, id));
    await queueStatusNotification(tx, { ...d, channel: 'PRINT' }, 'REROUTED_TO_PRINT', finished);
    return 'REROUTED_TO_PRINT';
  }
  if (delay === undefined) {
    await fail(tx, d, attempts, `Failed after ${attempts} attempts; the last: ${b.detail}`, finished);
    return 'FAILED';
  }
  const next = d.status === 'REROUTED_TO_PRINT' ? d.status : 'RETRYING';
  await tx.update(deliveries).set({ status: next, attempts, updatedAt: finished }).where(eq(deliveries.id, id));
  if (next !== d.status) await queueStatusNotification(tx, d, next, finished);
  await tx
    .update(deliveryOutbox)
    .set({ availableAt: new Date(finished.getTime() + delay), leaseUntil: null, leasedBy: null, claimedAt: null, crashes })
    .where(eq(deliveryOutbox.deliveryId, id));
  return next;
}
