// How each data centre's endpoint fares with real hand-offs. Every electronic attempt (crashes of
// our own hand-off workers aside) is noted against the data centre hosting the recipient: failures
// in a row, reset by a success. Kept in the database, so every instance sees (and reports) the same.
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { authorities, dataCenters, deliveries, deliveryOutbox, endpointHealth, tenants } from '../../db/schema.js';
import { notFound } from '../../lib/errors.js';
import type { Principal } from '../auth/principal.js';
import { checkDataCenterAccess } from '../tenants/tenants.service.js';

export interface EndpointOutcome {
  ok: boolean;
  detail: string;
  at: Date;
}

export interface EndpointState {
  dataCenterCode: string;
  /** failures in a row after this outcome */
  consecutiveFailures: number;
  /** and before it */
  before: number;
}

/** Failures in a row at which a warning is logged: the first few, then every hundred. */
const WARN_AT = [3, 10, 30, 100];

export const warnsAt = (failures: number): boolean => WARN_AT.includes(failures) || (failures > 100 && failures % 100 === 0);

/** A success after at least the first warning: worth saying that it is over. */
export const recovered = (s: EndpointState): boolean => s.consecutiveFailures === 0 && s.before >= WARN_AT[0]!;

/** The data centre hosting an authority now, if any. */
async function hostOf(db: Db, authorityKey: string) {
  const [dc] = await db
    .select({ id: dataCenters.id, code: dataCenters.code })
    .from(authorities)
    .innerJoin(tenants, eq(tenants.code, authorities.tenantCode))
    .innerJoin(dataCenters, eq(dataCenters.id, tenants.dataCenterId))
    .where(eq(authorities.key, authorityKey));
  return dc;
}

/** Notes an electronic attempt against the recipient's data centre; undefined when no data centre hosts it. */
export async function recordEndpointOutcome(db: Db, recipientKey: string | null, o: EndpointOutcome): Promise<EndpointState | undefined> {
  const dc = recipientKey ? await hostOf(db, recipientKey) : undefined;
  if (!dc) return undefined;
  const h = endpointHealth;
  return db.transaction(async (tx) => {
    await tx.insert(h).values({ dataCenterId: dc.id }).onConflictDoNothing();
    const [row] = await tx.select({ n: h.consecutiveFailures }).from(h).where(eq(h.dataCenterId, dc.id)).for('update');
    const before = row!.n;
    const after = o.ok ? 0 : before + 1;
    const change = o.ok ? { consecutiveFailures: 0, lastSuccessAt: o.at } : { consecutiveFailures: after, lastFailureAt: o.at, lastFailureReason: o.detail.slice(0, 2000) };
    await tx.update(h).set(change).where(eq(h.dataCenterId, dc.id));
    return { dataCenterCode: dc.code, consecutiveFailures: after, before };
  });
}

export interface EndpointHealthView {
  dataCenterCode: string;
  consecutiveFailures: number;
  lastSuccessAt: Date | null;
  lastFailureAt: Date | null;
  lastFailureReason: string | null;
  /** electronic deliveries to its authorities in the outbox */
  deliveriesWaiting: number;
  /** the earliest planned attempt among them */
  nextAttemptAt: Date | null;
}

/** Electronic deliveries waiting per data centre (by id), and the earliest planned attempt. */
async function waitingBy(db: Db, dataCenterIds: number[]) {
  if (!dataCenterIds.length) return new Map<number, { n: number; next: Date }>();
  const rows = await db
    .select({ id: tenants.dataCenterId, n: sql`count(*)::int`.mapWith(Number), next: sql`min(${deliveryOutbox.availableAt})`.mapWith(deliveryOutbox.availableAt) })
    .from(deliveryOutbox)
    .innerJoin(deliveries, eq(deliveries.id, deliveryOutbox.deliveryId))
    .innerJoin(authorities, eq(authorities.key, deliveries.recipientKey))
    .innerJoin(tenants, eq(tenants.code, authorities.tenantCode))
    .where(and(eq(deliveries.channel, 'ELECTRONIC'), inArray(tenants.dataCenterId, dataCenterIds)))
    .groupBy(tenants.dataCenterId);
  return new Map(rows.map((r) => [r.id, { n: r.n, next: r.next }]));
}

/**
 * Endpoint health for ADMIN (every data centre, or the one named) or a DATA_CENTER (its own only;
 * the code may be left out). Most failures in a row first.
 */
export async function endpointHealthOf(db: Db, p: Principal, code?: string | null): Promise<EndpointHealthView[]> {
  const wanted = code ?? (p.role === 'DATA_CENTER' ? p.scope! : undefined);
  if (wanted !== undefined) checkDataCenterAccess(p, wanted, 'read the endpoint health of');
  else if (p.role !== 'ADMIN') checkDataCenterAccess(p, '(all)', 'read the endpoint health of');
  const rows = await db
    .select({ id: dataCenters.id, code: dataCenters.code, h: endpointHealth })
    .from(dataCenters)
    .leftJoin(endpointHealth, eq(endpointHealth.dataCenterId, dataCenters.id))
    .where(wanted !== undefined ? eq(dataCenters.code, wanted) : undefined)
    .orderBy(asc(dataCenters.code));
  if (wanted !== undefined && !rows.length) throw notFound(`No data centre ${wanted}`);
  const waiting = await waitingBy(db, rows.map((r) => r.id));
  const views = rows.map(({ id, code: dataCenterCode, h }) => ({
    dataCenterCode,
    consecutiveFailures: h?.consecutiveFailures ?? 0,
    lastSuccessAt: h?.lastSuccessAt ?? null,
    lastFailureAt: h?.lastFailureAt ?? null,
    lastFailureReason: h?.lastFailureReason ?? null,
    deliveriesWaiting: waiting.get(id)?.n ?? 0,
    nextAttemptAt: waiting.get(id)?.next ?? null,
  }));
  return views.sort((a, b) => b.consecutiveFailures - a.consecutiveFailures);
}
