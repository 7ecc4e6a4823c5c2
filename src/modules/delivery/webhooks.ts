// Sender webhooks: every delivery status change is queued in the same transaction as the change and
// POSTed to the sending authority's webhook, signed (HMAC-SHA256 over "timestamp.body"), with retries.
import { createHmac } from 'node:crypto';
import { asc, eq, inArray, lte } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { authorities, webhookOutbox } from '../../db/schema.js';
import type { Clock } from '../../lib/clock.js';

export const WEBHOOK_MAX_ATTEMPTS = 10;

/** Queues a notification if the sender has a webhook; call inside the status change's transaction. */
export async function queueStatusNotification(
  tx: Db,
  d: { id: string; senderKey: string; channel: string; reference: string },
  status: string,
  at: Date,
): Promise<void> {
  const [sender] = await tx.select({ url: authorities.webhookUrl }).from(authorities).where(eq(authorities.key, d.senderKey));
  if (!sender?.url) return;
  await tx.insert(webhookOutbox).values({
    deliveryId: d.id,
    senderKey: d.senderKey,
    body: { deliveryId: d.id, status, channel: d.channel, reference: d.reference, at: at.toISOString() },
    availableAt: at,
  });
}

export function sign(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** One pass over due notifications; returns how many were attempted. */
export async function sendWebhooksOnce(db: Db, clock: Clock, opts: { batchSize?: number; timeoutMs?: number; backoffMs?: number } = {}): Promise<number> {
  const now = clock.now();
  const leased = await db.transaction(async (tx) => {
    const due = await tx
      .select({ id: webhookOutbox.id })
      .from(webhookOutbox)
      .where(lte(webhookOutbox.availableAt, now))
      .orderBy(asc(webhookOutbox.id))
      .limit(opts.batchSize ?? 50)
      .for('update', { skipLocked: true });
    if (!due.length) return [];
    // The lease: not due again for a minute unless booked sooner.
    return tx
      .update(webhookOutbox)
      .set({ availableAt: new Date(now.getTime() + 60_000) })
      .where(inArray(webhookOutbox.id, due.map((d) => d.id)))
      .returning();
  });
  for (const n of leased.sort((a, b) => a.id - b.id)) {
    const [sender] = await db.select({ url: authorities.webhookUrl, secret: authorities.webhookSecret }).from(authorities).where(eq(authorities.key, n.senderKey));
    let error: string | null = null;
    if (sender?.url && sender.secret) {
      const body = JSON.stringify(n.body);
      const timestamp = String(Math.floor(clock.now().getTime() / 1000));
      try {
        const res = await fetch(sender.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-bv-timestamp': timestamp, 'x-bv-signature': sign(sender.secret, timestamp, body) },
          body,
          signal: AbortSignal.timeout(opts.timeoutMs ?? 5000),
        });
        await res.arrayBuffer().catch(() => undefined);
        if (!res.ok) error = `HTTP ${res.status}`;
      } catch (e) {
        error = (e as Error).message;
      }
    }
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
