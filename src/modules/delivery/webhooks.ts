// Sender webhooks: every delivery status change is queued in the same transaction as the change and
// POSTed to the sending authority's webhook, signed (HMAC-SHA256 over "timestamp.body"), with retries.
import { createHmac } from 'node:crypto';
import { asc, eq, inArray, lte } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { authorities, webhookOutbox } from '../../db/schema.js';
import type { Clock } from '../../lib/clock.js';
import { DEVELOPMENT_POLICY, type OutboundPolicy } from '../../lib/url-policy.js';
import { post, redirectDetail } from './post.js';

export const WEBHOOK_MAX_ATTEMPTS = 10;

/**
 * Queues a notification if the sender has a webhook; call inside the status change's transaction.
 * `extra` adds fields to the body (the recipient's reason for REJECTED and ACCEPTED).
 */
export async function queueStatusNotification(
  tx: Db,
  d: { id: string; senderKey: string; channel: string; reference: string },
  status: string,
  at: Date,
  extra: Record<string, string> = {},
): Promise<void> {
  const [sender] = await tx.select({ url: authorities.webhookUrl }).from(authorities).where(eq(authorities.key, d.senderKey));
  if (!sender?.url) return;
  await tx.insert(webhookOutbox).values({
    deliveryId: d.id,
    senderKey: d.senderKey,
    body: { deliveryId: d.id, status, channel: d.channel, reference: d.reference, at: at.toISOString(), ...extra },
    availableAt: at,
  });
}

export function sign(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

interface WebhookOptions {
  batchSize?: number;
  timeoutMs?: number;
  backoffMs?: number;
  /** where notifications may go (default: development's, http and local networks open) */
  outbound?: OutboundPolicy;
}

type Notification = typeof webhookOutbox.$inferSelect;

/** One pass over due notifications; returns how many were attempted. */
export async function sendWebhooksOnce(db: Db, clock: Clock, opts: WebhookOptions = {}): Promise<number> {
  const leased = await leaseDue(db, clock.now(), opts.batchSize ?? 50);
  for (const n of leased.sort((a, b) => a.id - b.id)) {
    const error = await notify(db, clock, n, opts.timeoutMs ?? 5000, opts.outbound ?? DEVELOPMENT_POLICY);
    const attempts = n.attempts + 1;
    if (!error || attempts >= WEBHOOK_MAX_ATTEMPTS) {
      await db.delete(webhookOutbox).where(eq(webhookOutbox.id, n.id));
    } else {
      const delay = (opts.backoffMs ?? 2000) * 2 ** (attempts - 1) * (0.5 + Math.random());
      await db
        .update(webhookOutbox)
        .set({ attempts, lastError: error, availableAt: new Date(clock.now().getTime() + delay) })
        .where(eq(webhookOutbox.id, n.id));
    }
  }
  return leased.length;
}

/** Takes due notifications (none another instance holds) and leases them. */
async function leaseDue(db: Db, now: Date, batchSize: number): Promise<Notification[]> {
  return db.transaction(async (tx) => {
    const due = await tx
      .select({ id: webhookOutbox.id })
      .from(webhookOutbox)
      .where(lte(webhookOutbox.availableAt, now))
      .orderBy(asc(webhookOutbox.id))
      .limit(batchSize)
      .for('update', { skipLocked: true });
    if (!due.length) return [];
    // The lease: not due again for a minute unless booked sooner.
    return tx
      .update(webhookOutbox)
      .set({ availableAt: new Date(now.getTime() + 60_000) })
      .where(inArray(webhookOutbox.id, due.map((d) => d.id)))
      .returning();
  });
}

/** POSTs one notification, signed; returns the error, or null when sent (or there is no webhook any more). */
async function notify(db: Db, clock: Clock, n: Notification, timeoutMs: number, outbound: OutboundPolicy): Promise<string | null> {
  const [sender] = await db.select({ url: authorities.webhookUrl, secret: authorities.webhookSecret }).from(authorities).where(eq(authorities.key, n.senderKey));
  if (!sender?.url || !sender.secret) return null;
  const body = JSON.stringify(n.body);
  const timestamp = String(Math.floor(clock.now().getTime() / 1000));
  const headers = { 'content-type': 'application/json', 'x-bv-timestamp': timestamp, 'x-bv-signature': sign(sender.secret, timestamp, body) };
  try {
    const res = await post(sender.url, { headers, body }, timeoutMs, outbound);
    if (res.status >= 300 && res.status < 400) return redirectDetail(res);
    return res.status >= 200 && res.status < 300 ? null : `HTTP ${res.status}`;
  } catch (e) {
    return (e as Error).message;
  }
}
