// A poison message cannot freeze the server: letters are rendered in worker threads with a time
// budget, and a delivery whose hand-off keeps crashing, timing out or never finishing (the process
// died during it) ends FAILED with the reason instead of being retried for ever.
import 'reflect-metadata';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import type { Database } from '../src/db/client.js';
import { ManualClock } from '../src/lib/clock.js';
import { updateAuthority } from '../src/modules/authorities/authorities.service.js';
import type { Directory } from '../src/modules/directory/directory.js';
import { makeServiceContext } from '../src/modules/directory/context.js';
import { attemptsOf, findDelivery } from '../src/modules/delivery/deliveries.service.js';
import { dispatchOnce } from '../src/modules/delivery/dispatcher.js';
import { claim, type DispatcherSettings } from '../src/modules/delivery/outbox.js';
import { exponentialRetry } from '../src/modules/delivery/retry.js';
import { printAdapter } from '../src/modules/delivery/print.adapter.js';
import { transportAdapter } from '../src/modules/delivery/transport.adapter.js';
import { sendWebhooksOnce } from '../src/modules/delivery/webhooks.js';
import { WorkerPool } from '../src/modules/delivery/workers.js';
import { makeKeys, serve, testApp, token } from './helpers/app.js';
import { forEachEngine } from './helpers/engines.js';
import { testActor } from './helpers/fixtures.js';
import { receiver, setUp } from './helpers/network.js';

const admin = { subject: 'admin', role: 'ADMIN' as const, scope: null };
const SENDER = 'ags:05766044';
const BUDGET_MS = 3000;

/** The value of one sample line of /metrics; 0 when absent. */
function sample(text: string, name: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line ? Number(line.slice(name.length + 1)) : 0;
}

forEachEngine('poison messages', (engine) => {
  let database: Database;
  let directory: Directory;
  let served: Awaited<ReturnType<typeof serve>>;
  let rx: Awaited<ReturnType<typeof receiver>>;
  let hook: http.Server;
  let keys: Awaited<ReturnType<typeof makeKeys>>;
  const clock = new ManualClock('2026-11-22T10:00:00Z');
  const spool = fs.mkdtempSync(path.join(os.tmpdir(), 'bv-poison-'));
  const notified: { deliveryId: string; status: string }[] = [];
  const pool = new WorkerPool({ size: 2, tasks: new URL('./helpers/poison-tasks.ts', import.meta.url) });
  const settings: DispatcherSettings = { name: 'poison', batchSize: 10, leaseMs: 60_000, retry: exponentialRetry(10, 1000), handOffTimeoutMs: BUDGET_MS, maxCrashes: 3 };
  const adapters = () => ({
    ELECTRONIC: transportAdapter(database.db, () => directory.get(), clock, 2000, { offload: pool }),
    PRINT: printAdapter(() => directory.get(), clock, { spoolDir: spool, timeoutMs: 2000, offload: pool }),
  });

  beforeAll(async () => {
    database = await engine.open();
    rx = await receiver();
    const net = await setUp(database, clock, rx.url);
    directory = net.directory;
    await rx.setKey(net.privateJwk);
    keys = await makeKeys();
    served = await serve(testApp(database, clock, keys, ['ES256'], { directory }));
    hook = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => (notified.push(JSON.parse(body)), res.writeHead(204).end()));
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    const ctx = makeServiceContext({ db: database.db, clock, principal: admin, actor: testActor, directory });
    const sender = (await directory.get()).authoritiesByKey.get(SENDER)!;
    await updateAuthority(ctx, SENDER, sender.version, { webhookUrl: `http://127.0.0.1:${(hook.address() as { port: number }).port}/hook`, webhookSecret: 'a-long-webhook-secret-123' });
    // Both workers started before the clock of any budget runs (a cold start takes a second or two).
    const base = { deliveryId: 'warm', sender: { name: 'A', street: null, houseNumber: null, poBox: null, postcode: '1', city: 'B' }, messageType: '999', date: '01.01.2026', enclosure: { fileName: 'x', contentType: 'text/plain', bytes: new Uint8Array(1) } };
    await Promise.all([pool.run('letter', { ...base, recipient: base.sender, reference: 'warm' }), pool.run('letter', { ...base, recipient: base.sender, reference: 'warm' })]);
  });
  afterAll(async () => {
    await pool.close();
    await served?.close();
    hook?.close();
    await rx?.close();
    await database?.close();
    fs.rmSync(spool, { recursive: true, force: true });
  });

  /** A GraphQL call over HTTP as the sender's CLIENT (a fresh token: the test clock moves on). */
  const asSender = async (query: string, variables: Record<string, unknown>) => {
    const bearer = await token(keys, { role: 'CLIENT', scope: SENDER, now: clock.now() });
    const res = await fetch(`${served.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as { data?: Record<string, any>; errors?: unknown };
    if (!body.data) throw new Error(JSON.stringify(body.errors));
    return body.data;
  };

  /** Dispatches; 103 goes to print (the recipient does not take it electronically). */
  const send = async (n: number, reference: string, messageType = '103'): Promise<{ id: string; channel: string }> => {
    const i = { idempotencyKey: `poison-${String(n).padStart(4, '0')}`, senderKey: SENDER, messageType, recipientKey: 'ags:05766020', reference, payload: 'PHgvPg==', fileName: 'x.xml', contentType: 'application/xml' };
    return (await asSender(`mutation($i: DispatchInput!) { dispatch(input: $i) { id channel } }`, { i })).dispatch;
  };

  /** What the sender sees of a delivery. */
  const seenBySender = async (id: string): Promise<{ status: string; reasons: string[]; attempts: { ok: boolean; detail: string }[] }> =>
    (await asSender(`query($id: ID!) { delivery(id: $id) { status reasons attempts { ok detail } } }`, { id })).delivery;

  /** Runs fn while probing /healthz every 50 ms; returns the slowest answer in ms. */
  const probing = async (fn: () => Promise<unknown>) => {
    let slowest = 0;
    let done = false;
    const probe = (async () => {
      while (!done) {
        const t = performance.now();
        const res = await fetch(`${served.url}/healthz`, { signal: AbortSignal.timeout(5000) });
        expect(res.status).toBe(200);
        slowest = Math.max(slowest, performance.now() - t);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    try {
      await fn();
    } finally {
      done = true;
      await probe;
    }
    return slowest;
  };

  it('a letter that hangs its renderer is aborted after the budget while /healthz answers; after three tries the delivery is FAILED, and the sender sees why', async () => {
    const metricsBefore = await (await fetch(`${served.url}/metrics`)).text();
    const poison = await send(1, 'HANG-VH-1/2026');
    const healthy = await send(2, 'VH-2/2026');
    expect([poison.channel, healthy.channel]).toEqual(['PRINT', 'PRINT']);
    const slowest = await probing(async () => {
      for (let pass = 0; pass < 3; pass++) {
        const t = performance.now();
        await dispatchOnce(database.db, clock, adapters(), settings);
        expect(performance.now() - t).toBeLessThan(BUDGET_MS + 15_000); // aborted: the budget, plus a cold worker start on a loaded machine
        clock.advance(60_000); // past the backoff
      }
    });
    expect(slowest).toBeLessThan(1000);
    // The healthy letter went out in the first pass, beside the hanging one.
    expect((await findDelivery(database.db, healthy.id)).status).toBe('HANDED_OFF');
    const seen = await seenBySender(poison.id);
    expect(seen.status).toBe('FAILED');
    expect(seen.attempts).toEqual(Array(3).fill({ ok: false, detail: `the hand-off took longer than ${BUDGET_MS} ms and was aborted` }));
    expect(seen.reasons.at(-1)).toBe(`Quarantined after 3 hand-offs in a row that crashed, timed out or did not finish; the last: the hand-off took longer than ${BUDGET_MS} ms and was aborted`);
    expect(await dispatchOnce(database.db, clock, adapters(), settings)).toBe(0); // not retried any more
    await sendWebhooksOnce(database.db, clock);
    expect(notified.filter((n) => n.deliveryId === poison.id).map((n) => n.status)).toEqual(['PENDING', 'RETRYING', 'FAILED']);
    const metricsAfter = await (await fetch(`${served.url}/metrics`)).text();
    const failed = 'bv_delivery_events_total{status="FAILED",channel="PRINT"}';
    expect(sample(metricsAfter, failed) - sample(metricsBefore, failed)).toBe(1);
  }, 60_000);

  it('a worker that crashes fails its attempt; three crashes in a row quarantine the delivery', async () => {
    const poison = await send(3, 'CRASH-VH-3/2026');
    // A roomy budget: on a loaded machine a cold worker must not be taken for a hang before it crashes.
    const roomy = { ...settings, handOffTimeoutMs: 30_000 };
    for (let pass = 0; pass < 3; pass++) {
      await dispatchOnce(database.db, clock, adapters(), roomy);
      clock.advance(60_000);
    }
    const seen = await seenBySender(poison.id);
    expect(seen.status).toBe('FAILED');
    expect(seen.attempts.map((a) => a.detail)).toEqual(Array(3).fill('the hand-off worker crashed: it stopped with exit code 70'));
    expect(seen.reasons.at(-1)).toMatch(/^Quarantined after 3 hand-offs in a row .* the last: the hand-off worker crashed/);
    // The pool replaced its workers: the next letter is rendered as usual.
    const next = await send(4, 'VH-4/2026');
    await dispatchOnce(database.db, clock, adapters(), settings);
    expect((await findDelivery(database.db, next.id)).status).toBe('HANDED_OFF');
  }, 60_000);

  it('claims left unfinished (the process died during the hand-off) count towards quarantine once their lease ran out', async () => {
    const stuck = await send(5, 'VH-5/2026', '100'); // electronic
    const recovers = await send(6, 'VH-6/2026', '100');
    // Two dispatchers claim both, then die before booking; each time the lease runs out.
    for (const name of ['died-1', 'died-2']) {
      expect((await claim(database.db, clock.now(), { ...settings, name })).ids.sort()).toEqual([stuck.id, recovers.id].sort());
      clock.advance(settings.leaseMs + 1);
    }
    // A third one takes only the first (its second unfinished hand-off is booked then) and dies too.
    const third = await claim(database.db, clock.now(), { ...settings, name: 'died-3', batchSize: 1 });
    const [first] = third.ids;
    expect(third.quarantined).toEqual([]);
    clock.advance(settings.leaseMs + 1);
    const other = first === stuck.id ? recovers : stuck;
    // A running dispatcher sees the third unfinished hand-off of `first` and gives up on it; `other`
    // has two, and is handed off.
    expect(await dispatchOnce(database.db, clock, adapters(), settings)).toBe(2);
    const gaveUp = await seenBySender(first!);
    expect(gaveUp.status).toBe('FAILED');
    // The sender reads that it did not finish, not which dispatcher (host and process) held it.
    expect(gaveUp.attempts.map((a) => a.detail)).toEqual(Array(3).fill(expect.stringMatching(/^did not finish: the hand-off was interrupted at \S+ \(the server stopped or hung\)$/)));
    const full = await attemptsOf(database.db, first!);
    expect(full.map((a) => a.detail)).toEqual([
      expect.stringMatching(/^did not finish: the lease of died-1 ran out at .* without a booking/),
      expect.stringMatching(/^did not finish: the lease of died-2 ran out/),
      expect.stringMatching(/^did not finish: the lease of died-3 ran out/),
    ]);
    expect(gaveUp.reasons.at(-1)).toMatch(/^Quarantined after 3 hand-offs in a row that crashed, timed out or did not finish; the last: did not finish/);
    const delivered = await seenBySender(other.id);
    expect(delivered.status).toBe('HANDED_OFF');
    expect(delivered.attempts.map((a) => a.ok)).toEqual([false, false, true]);
  });

  it('counts crashes in a row: an ordinary failure in between starts the count again', async () => {
    const d = await send(7, 'VH-7/2026', '100');
    const died = async (name: string) => {
      await claim(database.db, clock.now(), { ...settings, name });
      clock.advance(settings.leaseMs + 1);
    };
    await died('died-1');
    await died('died-2');
    rx.setMode('fail');
    await dispatchOnce(database.db, clock, adapters(), settings); // books died-2's hand-off as unfinished, then gets a 503
    rx.setMode('ok');
    clock.advance(60_000);
    await died('died-3');
    await died('died-4');
    await died('died-5'); // finds died-4's unfinished hand-off: the second in a row since the 503
    expect((await findDelivery(database.db, d.id)).status).toBe('RETRYING');
    const last = await claim(database.db, clock.now(), { ...settings, name: 'died-6' }); // the third
    expect(last.quarantined).toEqual([{ id: d.id, channel: 'ELECTRONIC' }]);
    const seen = await seenBySender(d.id);
    expect(seen.status).toBe('FAILED');
    expect(seen.attempts.map((a) => (a.ok ? 'ok' : a.detail.startsWith('did not finish') ? 'unfinished' : a.detail))).toEqual([
      'unfinished',
      'unfinished',
      "the recipient's data centre answered HTTP 503",
      'unfinished',
      'unfinished',
      'unfinished',
    ]);
  });

  it('exports the event-loop delay, which shows a blocked loop', async () => {
    await (await fetch(`${served.url}/metrics`)).text(); // starts a new measuring period
    // After a reset Node's delay histogram records from its second tick on (the first only sets its
    // reference time): let it tick before blocking, or the block falls into that first interval.
    await new Promise((r) => setTimeout(r, 50));
    const until = Date.now() + 600;
    while (Date.now() < until); // blocks the loop for 600 ms
    await new Promise((r) => setTimeout(r, 50)); // the delay is sampled when the loop runs again
    const text = await (await fetch(`${served.url}/metrics`)).text();
    expect(text).toMatch(/^# TYPE bv_event_loop_lag_seconds gauge$/m);
    expect(sample(text, 'bv_event_loop_lag_seconds{quantile="max"}')).toBeGreaterThanOrEqual(0.25);
    expect(sample(text, 'bv_event_loop_lag_seconds{quantile="0.99"}')).toBeGreaterThan(0);
  });
});

describe('hand-off settings', () => {
  it('default to a 30 s budget and three crashes; a budget must fit the lease and outlast the transport timeout', () => {
    expect(loadConfig({}).dispatch).toMatchObject({ handOffTimeoutMs: 30_000, handOffMaxCrashes: 3 });
    expect(loadConfig({ HANDOFF_TIMEOUT_MS: '60000', HANDOFF_MAX_CRASHES: '5' }).dispatch).toMatchObject({ handOffTimeoutMs: 60_000, handOffMaxCrashes: 5 });
    expect(() => loadConfig({ HANDOFF_TIMEOUT_MS: '300000' })).toThrow(/HANDOFF_TIMEOUT_MS: must be shorter than DISPATCH_LEASE_MS/);
    expect(() => loadConfig({ HANDOFF_TIMEOUT_MS: '5000' })).toThrow(/HANDOFF_TIMEOUT_MS: must be longer than TRANSPORT_TIMEOUT_MS/);
    expect(() => loadConfig({ HANDOFF_MAX_CRASHES: '0' })).toThrow(/HANDOFF_MAX_CRASHES/);
  });
});
