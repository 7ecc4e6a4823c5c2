// Prometheus metrics. Counters live in this process; gauges that describe shared state (outbox,
// certificate expiry) are read from the database at scrape time so every instance reports the same.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { sql } from 'drizzle-orm';
import { queryRows, type Database } from '../db/client.js';
import { onDomainEvent } from '../lib/events.js';

export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'bv_' });

export const httpRequests = new Counter({
  name: 'bv_http_requests_total',
  help: 'HTTP requests by path and status code',
  labelNames: ['path', 'status'] as const,
  registers: [registry],
});

export const operationDuration = new Histogram({
  name: 'bv_graphql_operation_duration_seconds',
  help: 'GraphQL operations by type, name and outcome (ok, error)',
  labelNames: ['operation', 'outcome'] as const,
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [registry],
});

export const lookups = new Counter({
  name: 'bv_lookups_total',
  help: 'Jurisdiction lookups by result status',
  labelNames: ['status'] as const,
  registers: [registry],
});

export const deliveryEvents = new Counter({
  name: 'bv_delivery_events_total',
  help: 'Deliveries reaching a status in this instance, by status and channel',
  labelNames: ['status', 'channel'] as const,
  registers: [registry],
});

export const endpointAttempts = new Counter({
  name: 'bv_endpoint_attempts_total',
  help: 'Electronic hand-off attempts booked in this instance, by data centre and outcome (ok, failed)',
  labelNames: ['data_center', 'outcome'] as const,
  registers: [registry],
});

onDomainEvent('lookup', (status, count) => lookups.inc({ status }, count));
onDomainEvent('delivery', (status, channel) => deliveryEvents.inc({ status, channel }));
onDomainEvent('endpoint', (dataCenter, outcome) => endpointAttempts.inc({ data_center: dataCenter, outcome }));

export const jobRuns = new Counter({
  name: 'bv_job_runs_total',
  help: 'Scheduled job runs by job and outcome (ok, error)',
  labelNames: ['job', 'outcome'] as const,
  registers: [registry],
});

export const rateLimited = new Counter({
  name: 'bv_rate_limited_total',
  help: 'Requests refused with 429, by role',
  labelNames: ['role'] as const,
  registers: [registry],
});

// Event-loop delay since the previous scrape: anything that blocks the loop (a runaway computation
// on the main thread) shows here as a large max, while /healthz would merely answer late.
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();
new Gauge({
  name: 'bv_event_loop_lag_seconds',
  help: 'Event-loop delay since the previous scrape, by quantile (and max)',
  labelNames: ['quantile'] as const,
  registers: [registry],
  collect() {
    const s = (ns: number) => (Number.isFinite(ns) ? ns / 1e9 : 0);
    for (const q of [0.5, 0.9, 0.99]) this.set({ quantile: String(q) }, s(loopDelay.percentile(q * 100)));
    this.set({ quantile: 'max' }, s(loopDelay.max));
    loopDelay.reset();
  },
});

const outbox = new Gauge({ name: 'bv_delivery_outbox', help: 'Deliveries waiting for hand-off, by channel', labelNames: ['channel'] as const, registers: [registry] });
const certExpiry = new Gauge({
  name: 'bv_certificate_expiry_seconds',
  help: 'Seconds until notAfter of each usable (pending, active, retiring) certificate',
  labelNames: ['data_center', 'usage', 'thumbprint'] as const,
  registers: [registry],
});
// Shared state like the outbox: every instance reports the database's count, whichever booked the attempts.
const endpointFailures = new Gauge({
  name: 'bv_endpoint_consecutive_failures',
  help: "Failed electronic attempts in a row to each data centre's endpoint (a success resets it)",
  labelNames: ['data_center'] as const,
  registers: [registry],
});
const databaseUp = new Gauge({ name: 'bv_database_up', help: '1 when the database answered the scrape queries', registers: [registry] });
const directoryVersion = new Gauge({ name: 'bv_directory_version', help: 'Version of the in-memory directory index', registers: [registry] });

/** Operation names come from clients: only plain names are labels, and only so many. */
const seenOperations = new Set<string>();
export function operationLabel(type: string, name: string | undefined): string {
  const label = `${type} ${name && /^\w{1,60}$/.test(name) ? name : 'anonymous'}`;
  if (seenOperations.has(label)) return label;
  if (seenOperations.size >= 500) return `${type} other`;
  seenOperations.add(label);
  return label;
}

export async function renderMetrics(database: Database, directoryVersionOf: () => number | undefined, now: Date): Promise<string> {
  outbox.reset();
  certExpiry.reset();
  endpointFailures.reset();
  try {
    const rows = await queryRows<{ channel: string; n: number }>(
      database.db,
      sql`select d.channel, count(*)::int as n from delivery_outbox o join deliveries d on d.id = o.delivery_id group by d.channel`,
    );
    for (const ch of ['ELECTRONIC', 'PRINT']) outbox.set({ channel: ch }, rows.find((r) => r.channel === ch)?.n ?? 0);
    const certs = await queryRows<{ code: string; usage: string; thumbprint: string; not_after: string | Date }>(
      database.db,
      sql`select dc.code, c.usage, c.thumbprint_sha256 as thumbprint, c.not_after from certificates c join data_centers dc on dc.id = c.data_center_id
          where c.status in ('PENDING', 'ACTIVE', 'RETIRING') and c.revoked_at is null`,
    );
    for (const c of certs) {
      certExpiry.set({ data_center: c.code, usage: c.usage, thumbprint: c.thumbprint }, Math.round((new Date(c.not_after).getTime() - now.getTime()) / 1000));
    }
    const health = await queryRows<{ code: string; n: number }>(
      database.db,
      sql`select dc.code, coalesce(h.consecutive_failures, 0)::int as n from data_centers dc left join endpoint_health h on h.data_center_id = dc.id`,
    );
    for (const h of health) endpointFailures.set({ data_center: h.code }, Number(h.n));
    databaseUp.set(1);
  } catch {
    databaseUp.set(0);
  }
  const v = directoryVersionOf();
  if (v !== undefined) directoryVersion.set(v);
  return registry.metrics();
}
