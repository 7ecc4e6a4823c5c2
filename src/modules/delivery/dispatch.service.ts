// Dispatch: a delivery and its outbox entry are written in one transaction (idempotent per sender
// and key); dispatchers claim outbox entries with FOR UPDATE SKIP LOCKED and a lease, hand them to
// an adapter outside any transaction, and record every attempt. A crash between hand-off and
// bookkeeping leaves the lease to expire: the delivery is handed off again (at least once; the
// delivery id is the receiver's de-duplication key).
import { createHash, randomUUID } from 'node:crypto';
import { and, asc, eq, inArray, isNull, lte, or, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { deliveries, deliveryAttempts, deliveryOutbox } from '../../db/schema.js';
import type { Clock } from '../../lib/clock.js';
import { badInput, conflict, forbidden, notFound } from '../../lib/errors.js';
import type { Principal } from '../auth/principal.js';
import type { DirectoryIndex } from '../directory/directory-index.js';
import type { RawLookupInput } from '../jurisdictions/lookup.js';
import { decideRoute, type RoutingDecision } from '../routing/route.service.js';
import { retryWhileUnavailable } from '../../db/availability.js';
import { failpoint } from '../../lib/failpoint.js';
import { emitDomainEvent } from '../../lib/events.js';
import { queueStatusNotification } from './webhooks.js';

export type DeliveryRow = typeof deliveries.$inferSelect;

export interface DispatchInput {
  idempotencyKey: string;
  senderKey: string;
  messageType: string;
  recipient?: RawLookupInput | null;
  recipientKey?: string | null;
  reference: string;
  payload: string;
  fileName: string;
  contentType: string;
}

export interface DispatchSettings {
  maxPayloadBytes: number;
}

function canonical(input: DispatchInput): string {
  const { idempotencyKey: _k, ...rest } = input;
  return JSON.stringify(rest, Object.keys(rest).sort());
}

export async function dispatch(
  db: Db,
  ix: DirectoryIndex,
  clock: Clock,
  principal: Principal,
  input: DispatchInput,
  settings: DispatchSettings,
): Promise<DeliveryRow> {
  if (!/^[\x21-\x7e]{8,200}$/.test(input.idempotencyKey)) throw badInput('input.idempotencyKey', 'must be 8 to 200 printable characters');
  if (principal.role === 'CLIENT' && principal.scope !== input.senderKey) {
    throw forbidden(`A CLIENT may only send as its own authority ${principal.scope}, not ${input.senderKey}`);
  }
  if (!ix.authoritiesByKey.has(input.senderKey)) throw badInput('input.senderKey', `no authority with key ${input.senderKey}`);
  if (!input.reference.trim()) throw badInput('input.reference', 'must not be empty');
  if (!input.fileName.trim() || /[\\/]/.test(input.fileName)) throw badInput('input.fileName', 'must be a plain file name');
  if (!/^[\w.+-]+\/[\w.+-]+$/.test(input.contentType)) throw badInput('input.contentType', `"${input.contentType}" is not a media type`);
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(input.payload)) throw badInput('input.payload', 'must be base64');
  const size = Buffer.byteLength(input.payload, 'base64');
  if (size === 0) throw badInput('input.payload', 'is empty');
  if (size > settings.maxPayloadBytes) throw badInput('input.payload', `${size} bytes exceed the limit of ${settings.maxPayloadBytes}`);
  const hash = createHash('sha256').update(canonical(input)).digest('hex');

  const existing = async () => {
    const [row] = await db
      .select()
      .from(deliveries)
      .where(and(eq(deliveries.senderKey, input.senderKey), eq(deliveries.idempotencyKey, input.idempotencyKey)));
    if (row && row.contentHash !== hash) {
      throw conflict(`Idempotency key ${input.idempotencyKey} was used for another message (delivery ${row.id})`, { deliveryId: row.id });
    }
    return row;
  };
  const before = await existing();
  if (before) return before;

  const decision: RoutingDecision = await decideRoute(db, ix, { recipient: input.recipient, recipientKey: input.recipientKey, messageType: input.messageType }, clock.now());
  if (!decision.routed) throw badInput(input.recipientKey ? 'input.recipientKey' : 'input.recipient', decision.reasons.join(' '), { candidates: decision.lookup?.candidates.map((c) => c.ags) ?? [] });
  const now = clock.now();
  const id = randomUUID();
  try {
    return await db.transaction(async (tx) => {
      const [row] = await tx
        .insert(deliveries)
        .values({
          id,
          idempotencyKey: input.idempotencyKey,
          senderKey: input.senderKey,
          contentHash: hash,
          messageType: input.messageType,
          recipient: input.recipient ?? { recipientKey: input.recipientKey },
          recipientKey: decision.authority!.key,
          reference: input.reference.trim(),
          fileName: input.fileName,
          contentType: input.contentType,
          payload: input.payload,
          payloadSize: size,
          channel: decision.channel!,
          decision: { channel: decision.channel, reasons: decision.reasons, endpointUrl: decision.transport?.endpointUrl ?? null, certificate: decision.transport?.certificate.thumbprintSha256 ?? null },
          status: 'PENDING',
          createdAt: now,
          updatedAt: now,
        })
        .returning();
      await tx.insert(deliveryOutbox).values({ deliveryId: id, availableAt: now });
      await queueStatusNotification(tx, row!, 'PENDING', now);
      return row!;
    }).then((row) => {
      emitDomainEvent('delivery', 'PENDING', row.channel);
      return row;
    });
  } catch (e) {
    // The same key sent twice at once: the unique index lets one in; the other gets the winner's row.
    const winner = await existing();
    if (winner) return winner;
    throw e;
  }
}

export async function findDelivery(db: Db, id: string): Promise<DeliveryRow> {
  const [row] = await db.select().from(deliveries).where(eq(deliveries.id, id));
  if (!row) throw notFound(`No delivery ${id}`);
  return row;
}

export async function attemptsOf(db: Db, id: string) {
  return db.select().from(deliveryAttempts).where(eq(deliveryAttempts.deliveryId, id)).orderBy(asc(deliveryAttempts.id));
}

export interface Adapter {
  /** throws on failure; the message becomes the attempt's detail */
  handOff(delivery: DeliveryRow): Promise<string>;
}

export interface DispatcherSettings {
  name: string;
  batchSize: number;
  leaseMs: number;
  maxTransportAttempts: number;
  /** first retry delay; doubles each time, with ±50 % jitter */
  backoffMs: number;
  /** hand-offs in flight at once within a batch (default 8) */
  concurrency?: number;
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

/** One pass: claim, hand off, record. Returns how many deliveries were worked on. */
export async function dispatchOnce(db: Db, clock: Clock, adapters: Record<string, Adapter>, s: DispatcherSettings): Promise<number> {
  const ids = await claim(db, clock.now(), s);
  // Hand-offs wait on the network: several run at once; each is booked on its own.
  const queue = [...ids];
  const worker = async () => {
    for (let id = queue.shift(); id !== undefined; id = queue.shift()) await handOne(db, clock, adapters, s, id);
  };
  await Promise.all(Array.from({ length: Math.min(s.concurrency ?? 8, ids.length) }, worker));
  return ids.length;
}

async function handOne(db: Db, clock: Clock, adapters: Record<string, Adapter>, s: DispatcherSettings, id: string): Promise<void> {
  const d = await findDelivery(db, id);
  const started = clock.now();
  let ok = true;
  let detail: string;
  try {
    detail = await adapters[d.channel]!.handOff(d);
  } catch (e) {
    ok = false;
    detail = e instanceof Error ? e.message : String(e);
  }
  const finished = clock.now();
  if (ok) await failpoint('dispatch.afterHandOff');
  // The hand-off happened: its record must survive a database outage shorter than the lease, or the
  // delivery would be handed off again once the lease ran out.
  const status = await retryWhileUnavailable(() => book(db, s, d, id, ok, detail, started, finished, adapters), started.getTime() + s.leaseMs - 5_000);
  if (status) emitDomainEvent('delivery', status, status === 'REROUTED_TO_PRINT' ? 'PRINT' : d.channel);
}

async function book(
  db: Db,
  s: DispatcherSettings,
  d: DeliveryRow,
  id: string,
  ok: boolean,
  detail: string,
  started: Date,
  finished: Date,
  adapters: Record<string, Adapter>,
): Promise<string | undefined> {
  return db.transaction(async (tx) => {
    // A retried booking whose first try did commit finds its outbox entry gone or re-leased: nothing to do.
    const [mine] = await tx
      .select({ id: deliveryOutbox.deliveryId })
      .from(deliveryOutbox)
      .where(and(eq(deliveryOutbox.deliveryId, id), eq(deliveryOutbox.leasedBy, s.name)))
      .for('update');
    if (!mine) return undefined;
    await tx.insert(deliveryAttempts).values({ deliveryId: id, channel: d.channel, startedAt: started, finishedAt: finished, ok, detail, dispatcher: s.name });
    const attempts = d.attempts + 1;
    if (ok) {
      await tx.update(deliveries).set({ status: 'HANDED_OFF', attempts, handedOffAt: finished, updatedAt: finished }).where(eq(deliveries.id, id));
      await tx.delete(deliveryOutbox).where(eq(deliveryOutbox.deliveryId, id));
      await queueStatusNotification(tx, d, 'HANDED_OFF', finished);
      return 'HANDED_OFF';
    }
    if (d.channel === 'ELECTRONIC' && attempts >= s.maxTransportAttempts && adapters.PRINT) {
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
  });
}
