// Intake: a message is checked, routed, and accepted as a delivery together with its outbox entry
// in one transaction (idempotent per sender and key). Dispatchers take it from the outbox later.
import { createHash, randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { deliveries, deliveryOutbox } from '../../db/schema.js';
import { badInput, conflict, forbidden } from '../../lib/errors.js';
import { emitDomainEvent } from '../../lib/events.js';
import type { Principal } from '../auth/principal.js';
import type { ServiceContext } from '../directory/context.js';
import type { DirectoryIndex } from '../directory/directory-index.js';
import type { RawLookupInput } from '../jurisdictions/lookup.js';
import { decideRoute, type RoutingDecision } from '../routing/route.service.js';
import type { DeliveryRow } from './deliveries.service.js';
import { queueStatusNotification } from './webhooks.js';

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

/** A checked and routed message, ready to be written. */
interface Acceptance {
  input: DispatchInput;
  /** of the canonical input: tells a repeated message from another one under the same key */
  hash: string;
  size: number;
  decision: RoutingDecision;
  now: Date;
}

function canonical(input: DispatchInput): string {
  const { idempotencyKey: _k, ...rest } = input;
  return JSON.stringify(rest, Object.keys(rest).sort());
}

/** Checks the message and who sends it; returns the payload's size in bytes. */
function checkMessage(ix: DirectoryIndex, principal: Principal, input: DispatchInput, settings: DispatchSettings): number {
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
  return size;
}

/** The delivery already accepted under this sender and key, if any; a different message under it is a conflict. */
async function acceptedBefore(db: Db, input: DispatchInput, hash: string): Promise<DeliveryRow | undefined> {
  const [row] = await db
    .select()
    .from(deliveries)
    .where(and(eq(deliveries.senderKey, input.senderKey), eq(deliveries.idempotencyKey, input.idempotencyKey)));
  if (row && row.contentHash !== hash) {
    throw conflict(`Idempotency key ${input.idempotencyKey} was used for another message (delivery ${row.id})`, { deliveryId: row.id });
  }
  return row;
}

export async function dispatch(
  ctx: ServiceContext,
  input: DispatchInput,
  settings: DispatchSettings,
): Promise<DeliveryRow> {
  const { db, clock } = ctx;
  const ix = await ctx.directory.get();
  const size = checkMessage(ix, ctx.principal, input, settings);
  const hash = createHash('sha256').update(canonical(input)).digest('hex');
  const before = await acceptedBefore(db, input, hash);
  if (before) return before;

  const decision: RoutingDecision = await decideRoute(db, ix, { recipient: input.recipient, recipientKey: input.recipientKey, messageType: input.messageType }, clock.now());
  if (!decision.routed) throw badInput(input.recipientKey ? 'input.recipientKey' : 'input.recipient', decision.reasons.join(' '), { candidates: decision.lookup?.candidates.map((c) => c.ags) ?? [] });
  try {
    const row = await accept(db, { input, hash, size, decision, now: clock.now() });
    emitDomainEvent('delivery', 'PENDING', row.channel);
    return row;
  } catch (e) {
    // The same key sent twice at once: the unique index lets one in; the other gets the winner's row.
    const winner = await acceptedBefore(db, input, hash);
    if (winner) return winner;
    throw e;
  }
}

/** Writes the delivery, its outbox entry and the sender's notification in one transaction. */
async function accept(db: Db, a: Acceptance): Promise<DeliveryRow> {
  const { input, decision, now } = a;
  const id = randomUUID();
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(deliveries)
      .values({
        id,
        idempotencyKey: input.idempotencyKey,
        senderKey: input.senderKey,
        contentHash: a.hash,
        messageType: input.messageType,
        recipient: input.recipient ?? { recipientKey: input.recipientKey },
        recipientKey: decision.authority!.key,
        reference: input.reference.trim(),
        fileName: input.fileName,
        contentType: input.contentType,
        payload: input.payload,
        payloadSize: a.size,
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
  });
}
