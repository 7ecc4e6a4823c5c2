// The recipient's answer to a delivery: ACCEPTED or REJECTED (with a reason), once, after it was
// handed off or delivered. The sender reads it on the delivery and is told by its webhook.
import { eq } from 'drizzle-orm';
import { deliveries } from '../../db/schema.js';
import { badInput, conflict, notFound } from '../../lib/errors.js';
import { emitDomainEvent } from '../../lib/events.js';
import { writeAudit } from '../audit/audit.service.js';
import type { Principal } from '../auth/principal.js';
import type { ServiceContext } from '../directory/context.js';
import type { DirectoryIndex } from '../directory/directory-index.js';
import type { DeliveryRow } from './deliveries.service.js';
import { queueStatusNotification } from './webhooks.js';

export type DeliveryOutcome = 'ACCEPTED' | 'REJECTED';

export interface Acknowledgement {
  id: string;
  outcome: DeliveryOutcome;
  reason?: string | null;
}

const ACKNOWLEDGEABLE: readonly string[] = ['DELIVERED', 'HANDED_OFF'];

/** The recipient authority's CLIENT, or the DATA_CENTER hosting the recipient's tenant (now). */
export function isRecipient(p: Principal, d: DeliveryRow, ix: DirectoryIndex): boolean {
  if (!d.recipientKey) return false;
  if (p.role === 'CLIENT') return p.scope === d.recipientKey;
  if (p.role !== 'DATA_CENTER') return false;
  const tenantCode = ix.authoritiesByKey.get(d.recipientKey)?.tenantCode;
  const tenant = tenantCode ? ix.tenants.get(tenantCode) : undefined;
  return !!tenant && ix.dataCenters.get(tenant.dataCenterId)?.code === p.scope;
}

function checkReason(a: Acknowledgement): string | null {
  const reason = a.reason?.trim() || null;
  if (a.outcome === 'REJECTED' && !reason) throw badInput('reason', 'is required to reject a delivery: say why');
  return reason;
}

export async function acknowledgeDelivery(ctx: ServiceContext, a: Acknowledgement): Promise<DeliveryRow> {
  const reason = checkReason(a);
  const ix = await ctx.directory.get();
  const now = ctx.clock.now();
  const row = await ctx.db.transaction(async (tx) => {
    const [d] = await tx.select().from(deliveries).where(eq(deliveries.id, a.id)).for('update');
    // Anyone but the recipient learns nothing, not even that the delivery exists.
    if (!d || !isRecipient(ctx.principal, d, ix)) throw notFound(`No delivery ${a.id}`);
    if (d.acknowledgedAt) throw conflict(`Delivery ${d.id} was already ${d.status} at ${d.acknowledgedAt.toISOString()}; an acknowledgement is given once`);
    if (!ACKNOWLEDGEABLE.includes(d.status)) throw conflict(`Delivery ${d.id} is ${d.status}; only a DELIVERED or HANDED_OFF delivery can be acknowledged`);
    const [updated] = await tx
      .update(deliveries)
      .set({ status: a.outcome, acknowledgedAt: now, acknowledgedBy: ctx.actor.id, acknowledgementReason: reason, updatedAt: now })
      .where(eq(deliveries.id, d.id))
      .returning();
    await writeAudit(tx, ctx.clock, ctx.actor, { action: 'ACKNOWLEDGE_DELIVERY', entityType: 'Delivery', entityId: d.id, before: { status: d.status }, after: { status: a.outcome, reason } });
    await queueStatusNotification(tx, d, a.outcome, now, reason ? { reason } : {});
    return updated!;
  });
  emitDomainEvent('delivery', a.outcome, row.channel);
  return row;
}
