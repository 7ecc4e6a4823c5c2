// The dispatcher: passes over the outbox (claim, hand off outside any transaction, book), run on an
// interval until the outbox is empty; it stops cleanly (finishes the pass). Each hand-off has a time
// budget: over it, it is aborted (the adapter's worker terminated) and counts as a crash.
import type { Db } from '../../db/client.js';
import { retryWhileUnavailable } from '../../db/availability.js';
import type { Clock } from '../../lib/clock.js';
import { emitDomainEvent } from '../../lib/events.js';
import { failpoint } from '../../lib/failpoint.js';
import { loggableError, type Logger } from '../../lib/logger.js';
import { HandOffCrash, HandOffTimeout, type Adapter, type Adapters } from './adapter.js';
import type { Receipt } from './receipt.js';
import { findDelivery, type DeliveryRow } from './deliveries.service.js';
import { recordEndpointOutcome, recovered, warnsAt } from './endpoint-health.js';
import { book, claim, DEFAULT_HANDOFF_TIMEOUT_MS, type DispatcherSettings } from './outbox.js';
import { sendWebhooksOnce } from './webhooks.js';

/** What one pass works with. */
interface Pass {
  db: Db;
  clock: Clock;
  adapters: Adapters;
  settings: DispatcherSettings;
  log?: Logger;
}

/** One pass: claim, hand off, record. Returns how many deliveries were worked on. */
export async function dispatchOnce(db: Db, clock: Clock, adapters: Adapters, s: DispatcherSettings, log?: Logger): Promise<number> {
  const pass: Pass = { db, clock, adapters, settings: s, log };
  const { ids, quarantined } = await claim(db, clock.now(), s);
  for (const q of quarantined) emitDomainEvent('delivery', 'FAILED', q.channel);
  // Hand-offs wait on the network: several run at once; each is booked on its own.
  const queue = [...ids];
  const worker = async () => {
    for (let id = queue.shift(); id !== undefined; id = queue.shift()) await handOne(pass, id);
  };
  await Promise.all(Array.from({ length: Math.min(s.concurrency ?? 8, ids.length) }, worker));
  return ids.length + quarantined.length;
}

interface Outcome {
  ok: boolean;
  detail: string;
  crashed: boolean;
  receipt?: Receipt;
}

/** Runs one hand-off within its budget; an adapter that ignores the abort is left behind, not awaited. */
async function attempt(adapter: Adapter, d: DeliveryRow, budgetMs: number): Promise<Outcome> {
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const e = new HandOffTimeout(budgetMs);
      abort.abort(e);
      reject(e);
    }, budgetMs);
  });
  try {
    const done = await Promise.race([adapter.handOff(d, abort.signal), deadline]);
    return typeof done === 'string' ? { ok: true, detail: done, crashed: false } : { ok: true, detail: done.detail, receipt: done.receipt, crashed: false };
  } catch (e) {
    return { ok: false, detail: e instanceof Error ? e.message : String(e), crashed: e instanceof HandOffCrash };
  } finally {
    clearTimeout(timer);
  }
}

async function handOne(pass: Pass, id: string): Promise<void> {
  const { db, clock, adapters, settings } = pass;
  const d = await findDelivery(db, id);
  const started = clock.now();
  const { ok, detail, crashed, receipt } = await attempt(adapters[d.channel]!, d, settings.handOffTimeoutMs ?? DEFAULT_HANDOFF_TIMEOUT_MS);
  const finished = clock.now();
  if (ok) await failpoint('dispatch.afterHandOff');
  // The hand-off happened: its record must survive a database outage shorter than the lease, or the
  // delivery would be handed off again once the lease ran out.
  const booking = { db, settings, delivery: d, ok, detail, started, finished, canPrint: !!adapters.PRINT, crashed, receipt };
  const status = await retryWhileUnavailable(() => book(booking), started.getTime() + settings.leaseMs - 5_000);
  if (status) emitDomainEvent('delivery', status, status === 'REROUTED_TO_PRINT' ? 'PRINT' : d.channel);
  // Our own worker crashing says nothing about the receiver's endpoint.
  if (status && d.channel === 'ELECTRONIC' && !crashed) await noteEndpoint(pass, d, { ok, detail, at: finished });
}

/** Counts the attempt against the recipient's data centre; warns as failures in a row cross thresholds. */
async function noteEndpoint({ db, log }: Pass, d: DeliveryRow, outcome: { ok: boolean; detail: string; at: Date }): Promise<void> {
  try {
    const s = await recordEndpointOutcome(db, d.recipientKey, outcome);
    if (!s) return;
    emitDomainEvent('endpoint', s.dataCenterCode, outcome.ok ? 'ok' : 'failed');
    const fields = { dataCenter: s.dataCenterCode, consecutiveFailures: s.consecutiveFailures };
    if (!outcome.ok && warnsAt(s.consecutiveFailures)) log?.warn({ ...fields, lastFailure: outcome.detail }, `endpoint of data centre ${s.dataCenterCode} failed ${s.consecutiveFailures} times in a row`);
    if (recovered(s)) log?.info({ ...fields, failedBefore: s.before }, `endpoint of data centre ${s.dataCenterCode} works again after ${s.before} failures in a row`);
  } catch (err) {
    // Health is advice: the attempt is booked already, and the pass goes on.
    log?.warn({ err: loggableError(err), delivery: d.id }, 'could not note the endpoint outcome');
  }
}

export function startDispatcher(db: Db, clock: Clock, adapters: Adapters, settings: DispatcherSettings, intervalMs: number, log: Logger) {
  let stopped = false;
  let running: Promise<void> | undefined;
  const pass = async () => {
    while (!stopped && (await dispatchOnce(db, clock, adapters, settings, log)) > 0);
    while (!stopped && (await sendWebhooksOnce(db, clock, { outbound: settings.outbound })) > 0);
  };
  const timer = setInterval(() => {
    if (running) return;
    running = pass()
      .catch((err: unknown) => log.error({ err: loggableError(err) }, 'dispatch pass failed'))
      .finally(() => (running = undefined));
  }, intervalMs);
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
