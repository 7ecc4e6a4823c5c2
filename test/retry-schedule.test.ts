// The retry schedule (issue #15): an endpoint that is down is waited out on a schedule spanning more
// than a day; paper comes only after its last step; a recovery before then ends electronically. The
// clock is moved, the receiver is real HTTP on loopback, both database engines.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app/app.js';
import { ConfigError, loadConfig } from '../src/config.js';
import type { Database } from '../src/db/client.js';
import { ManualClock } from '../src/lib/clock.js';
import { findDelivery } from '../src/modules/delivery/deliveries.service.js';
import { dispatchOnce } from '../src/modules/delivery/dispatcher.js';
import { dispatch } from '../src/modules/delivery/intake.service.js';
import type { DispatcherSettings } from '../src/modules/delivery/outbox.js';
import { printAdapter } from '../src/modules/delivery/print.adapter.js';
import { retryDelay, type RetryPolicy } from '../src/modules/delivery/retry.js';
import { transportAdapter } from '../src/modules/delivery/transport.adapter.js';
import type { Directory } from '../src/modules/directory/directory.js';
import { makeServiceContext } from '../src/modules/directory/context.js';
import { gql, makeKeys, testApp, token } from './helpers/app.js';
import { forEachEngine } from './helpers/engines.js';
import { testActor } from './helpers/fixtures.js';
import { receiver, setUp } from './helpers/network.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

/** The configuration problems a set of variables gives. */
function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
    return [];
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    return e.problems;
  }
}

describe('retry schedule settings', () => {
  it('by default an electronic delivery is retried for more than a day before paper, a print job for almost four days', () => {
    const { retry } = loadConfig({}).dispatch;
    expect(retry.ELECTRONIC).toEqual([MIN, 5 * MIN, 30 * MIN, 2 * HOUR, 6 * HOUR, 12 * HOUR, DAY]);
    expect(sum(retry.ELECTRONIC)).toBeGreaterThanOrEqual(DAY);
    expect(sum(retry.PRINT)).toBeGreaterThan(3.5 * DAY);
    expect(loadConfig({}).deprecations).toEqual([]);
  });

  it('reads steps in s, m, h and d, in any order, with spaces around the commas', () => {
    const c = loadConfig({ DELIVERY_RETRY_SCHEDULE: ' 30s, 2h ,1d,5m ', PRINT_RETRY_SCHEDULE: '7d' });
    expect(c.dispatch.retry).toEqual({ ELECTRONIC: [30_000, 2 * HOUR, DAY, 5 * MIN], PRINT: [7 * DAY] });
    expect(loadConfig({ DELIVERY_RETRY_SCHEDULE: '168h' }).dispatch.retry.ELECTRONIC).toEqual([7 * DAY]);
  });

  it('refuses a bad schedule naming the variable, the step and the rule', () => {
    const bad = (v: string) => problems({ DELIVERY_RETRY_SCHEDULE: v });
    const notADuration = 'is not a duration: a whole number followed by s, m, h or d (e.g. 30m)';
    expect(bad('')).toEqual(['DELIVERY_RETRY_SCHEDULE: must list at least one delay, e.g. 1m,5m,30m']);
    expect(bad('1m,5x')).toEqual([`DELIVERY_RETRY_SCHEDULE: step 2 "5x" ${notADuration}`]);
    expect(bad('1m,,5m')).toEqual([`DELIVERY_RETRY_SCHEDULE: step 2 "" ${notADuration}`]);
    for (const v of ['1.5h', '-1m', '1m 5m', 'm', '5', '1M', '１m']) expect(bad(v), v).toEqual([`DELIVERY_RETRY_SCHEDULE: step 1 "${v}" ${notADuration}`]);
    expect(bad('0s')).toEqual(['DELIVERY_RETRY_SCHEDULE: step 1 "0s" must be longer than zero']);
    expect(bad('1m,8d')).toEqual(['DELIVERY_RETRY_SCHEDULE: step 2 "8d" is longer than 7d']);
    expect(bad('169h')).toEqual(['DELIVERY_RETRY_SCHEDULE: step 1 "169h" is longer than 7d']);
    expect(bad(Array(21).fill('1m').join(','))).toEqual(['DELIVERY_RETRY_SCHEDULE: at most 20 steps, got 21']);
    // The length is checked before anything is parsed.
    expect(bad('1m,'.repeat(200))).toEqual(['DELIVERY_RETRY_SCHEDULE: at most 400 characters, got 600']);
    expect(problems({ PRINT_RETRY_SCHEDULE: '1m,2w' })).toEqual([`PRINT_RETRY_SCHEDULE: step 2 "2w" ${notADuration}`]);
  });

  it('old configurations start: MAX_TRANSPORT_ATTEMPTS keeps its number of attempts on the new spacing, and says it is deprecated', () => {
    const five = loadConfig({ MAX_TRANSPORT_ATTEMPTS: '5' });
    expect(five.dispatch.retry.ELECTRONIC).toEqual([MIN, 5 * MIN, 30 * MIN, 2 * HOUR]);
    expect(five.deprecations).toEqual([
      'MAX_TRANSPORT_ATTEMPTS=5 is deprecated: it now means the retry schedule "1m,5m,30m,2h" (paper after 2.6 h); set DELIVERY_RETRY_SCHEDULE instead',
    ]);
    expect(loadConfig({ MAX_TRANSPORT_ATTEMPTS: '10' }).dispatch.retry.ELECTRONIC).toEqual([MIN, 5 * MIN, 30 * MIN, 2 * HOUR, 6 * HOUR, 12 * HOUR, DAY, DAY, DAY]);
    expect(loadConfig({ MAX_TRANSPORT_ATTEMPTS: '100' }).dispatch.retry.ELECTRONIC).toHaveLength(20);
    const one = loadConfig({ MAX_TRANSPORT_ATTEMPTS: '1' });
    expect(one.dispatch.retry.ELECTRONIC).toEqual([]);
    expect(one.deprecations[0]).toMatch(/means the retry schedule no retries \(paper after 0 s\)/);
    expect(loadConfig({ MAX_TRANSPORT_ATTEMPTS: '5' }).dispatch.retry.PRINT).toEqual(loadConfig({}).dispatch.retry.PRINT);
    expect(problems({ MAX_TRANSPORT_ATTEMPTS: '5', DELIVERY_RETRY_SCHEDULE: '1m' })).toEqual([
      'MAX_TRANSPORT_ATTEMPTS: deprecated and replaced by DELIVERY_RETRY_SCHEDULE; set only DELIVERY_RETRY_SCHEDULE',
    ]);
  });
});

describe('retry delays', () => {
  const policy: RetryPolicy = { ELECTRONIC: [MIN, HOUR], PRINT: [5 * MIN] };

  it('vary by at most ±10 % around the step, and end with the schedule', () => {
    expect(retryDelay(policy, 'ELECTRONIC', 1, () => 0)).toBe(54_000);
    expect(retryDelay(policy, 'ELECTRONIC', 1, () => 0.5)).toBe(MIN);
    expect(retryDelay(policy, 'ELECTRONIC', 1, () => 0.999_999)).toBe(66_000);
    expect(retryDelay(policy, 'ELECTRONIC', 2, () => 0)).toBe(0.9 * HOUR);
    expect(retryDelay(policy, 'ELECTRONIC', 3)).toBeUndefined();
    expect(retryDelay(policy, 'PRINT', 1, () => 1)).toBe(5.5 * MIN);
    expect(retryDelay(policy, 'PRINT', 2)).toBeUndefined();
    expect(retryDelay({ ...policy, jitter: 0 }, 'ELECTRONIC', 2, () => 0)).toBe(HOUR);
  });
});

forEachEngine('an endpoint outage waited out on the retry schedule', (engine) => {
  const clock = new ManualClock('2026-11-22T10:00:00Z');
  // The default schedule, exactly (no jitter), so each attempt's instant can be predicted.
  const STEPS = loadConfig({}).dispatch.retry.ELECTRONIC;
  const settings: DispatcherSettings = { name: 'outage', batchSize: 10, leaseMs: 60_000, retry: { ELECTRONIC: STEPS, PRINT: [MIN], jitter: 0 } };
  const spool = fs.mkdtempSync(path.join(os.tmpdir(), 'bv-retry-spool-'));
  const admin = { subject: 'admin', role: 'ADMIN' as const, scope: null };
  let database: Database;
  let rx: Awaited<ReturnType<typeof receiver>>;
  let directory: Directory;
  let app: App;
  let bearer: string;

  const adapters = (print = printAdapter(() => directory.get(), clock, { spoolDir: spool, timeoutMs: 5000 })) => ({
    ELECTRONIC: transportAdapter(database.db, () => directory.get(), clock, 5000),
    PRINT: print,
  });
  const pass = (s: DispatcherSettings = settings, a = adapters()) => dispatchOnce(database.db, clock, a, s);
  const send = (n: number, messageType = '100') =>
    dispatch(makeServiceContext({ db: database.db, clock, principal: admin, actor: testActor, directory }), {
      idempotencyKey: `outage-${String(n).padStart(4, '0')}`,
      senderKey: 'ags:05766044',
      messageType,
      recipientKey: 'ags:05766020',
      reference: `VH-${n}/2026`,
      payload: Buffer.from(`<xamtshilfe.100 n="${n}"/>`).toString('base64'),
      fileName: `ersuchen-${n}.xml`,
      contentType: 'application/xml',
    }, { maxPayloadBytes: 1024 * 1024 });
  const viaApi = async (id: string) => {
    const q = `query($id: ID!) { delivery(id: $id) { status channel nextAttemptAt attempts { channel startedAt ok } } }`;
    const res = await gql(app, q, { id }, bearer);
    expect(res.body.errors).toBeUndefined();
    return res.body.data!.delivery as { status: string; channel: string; nextAttemptAt: string | null; attempts: { channel: string; startedAt: string; ok: boolean }[] };
  };
  const iso = (t: number) => new Date(t).toISOString();

  beforeAll(async () => {
    database = await engine.open();
    rx = await receiver();
    const net = await setUp(database, clock, rx.url);
    directory = net.directory;
    await rx.setKey(net.privateJwk);
    const keys = await makeKeys();
    app = testApp(database, clock, keys, ['ES256'], { directory });
    bearer = await token(keys, { role: 'ADMIN', now: clock.now(), expiresIn: 30 * 86_400 });
  });
  afterAll(async () => {
    await rx?.close();
    await database?.close();
    fs.rmSync(spool, { recursive: true, force: true });
  });

  it('a failing receiver: the attempts follow the schedule exactly, nextAttemptAt says when, paper only after the last step', async () => {
    rx.setMode('fail');
    const d = await send(1);
    const t0 = clock.now().getTime();
    expect(await viaApi(d.id)).toMatchObject({ status: 'PENDING', nextAttemptAt: iso(t0) }); // due at once
    const planned = [t0];
    for (const [i, step] of STEPS.entries()) {
      expect(await pass()).toBe(1);
      const next = planned.at(-1)! + step;
      planned.push(next);
      const v = await viaApi(d.id);
      expect(v, `after attempt ${i + 1}`).toMatchObject({ status: 'RETRYING', channel: 'ELECTRONIC', nextAttemptAt: iso(next) });
      expect(v.attempts).toHaveLength(i + 1);
      clock.set(new Date(next - 1));
      expect(await pass(), `1 ms before attempt ${i + 2}`).toBe(0);
      clock.set(new Date(next));
    }
    // The attempt after the last step fails too: now, and only now, it goes to paper.
    expect(await pass()).toBe(1);
    const rerouted = await viaApi(d.id);
    expect(rerouted).toMatchObject({ status: 'REROUTED_TO_PRINT', channel: 'PRINT', nextAttemptAt: iso(clock.now().getTime()) });
    expect(rerouted.attempts.map((a) => a.startedAt)).toEqual(planned.map(iso));
    expect(rerouted.attempts.every((a) => a.channel === 'ELECTRONIC' && !a.ok)).toBe(true);
    expect(planned.at(-1)! - planned[0]!).toBeGreaterThanOrEqual(DAY);
    expect(rx.started()).toBe(STEPS.length + 1);
    expect(fs.existsSync(path.join(spool, `${d.id}.json`))).toBe(false);
    expect(await pass()).toBe(1);
    expect(await viaApi(d.id)).toMatchObject({ status: 'HANDED_OFF', channel: 'PRINT', nextAttemptAt: null });
    expect(fs.existsSync(path.join(spool, `${d.id}.json`))).toBe(true);
  });

  it('an endpoint that recovers before the last step: HANDED_OFF electronically, no paper', async () => {
    rx.setMode('fail');
    const d = await send(2);
    for (const step of STEPS.slice(0, 3)) {
      await pass();
      clock.advance(step);
    }
    expect(await viaApi(d.id)).toMatchObject({ status: 'RETRYING', nextAttemptAt: iso(clock.now().getTime()) });
    rx.setMode('ok');
    expect(await pass()).toBe(1);
    const v = await viaApi(d.id);
    expect(v).toMatchObject({ status: 'HANDED_OFF', channel: 'ELECTRONIC', nextAttemptAt: null });
    expect(v.attempts.map((a) => a.ok)).toEqual([false, false, false, true]);
    expect(rx.deliveryIds()).toContain(d.id);
    expect(fs.existsSync(path.join(spool, `${d.id}.json`))).toBe(false);
  });

  it('a print centre that is down: print has its own schedule, counted from the re-routing, then FAILED', async () => {
    const centre = http.createServer((_req, res) => void res.writeHead(503).end());
    await new Promise<void>((r) => centre.listen(0, '127.0.0.1', r));
    try {
      const centerUrl = `http://127.0.0.1:${(centre.address() as { port: number }).port}/jobs`;
      const a = adapters(printAdapter(() => directory.get(), clock, { spoolDir: spool, centerUrl, timeoutMs: 5000 }));
      const s: DispatcherSettings = { ...settings, retry: { ELECTRONIC: [MIN], PRINT: [5 * MIN, HOUR], jitter: 0 } };
      rx.setMode('fail');
      const d = await send(3);
      const statuses: [string, string, string | null][] = [];
      for (const wait of [MIN, 0, 5 * MIN, HOUR]) {
        await pass(s, a);
        const v = await viaApi(d.id);
        statuses.push([v.status, v.channel, v.nextAttemptAt && String((Date.parse(v.nextAttemptAt) - clock.now().getTime()) / MIN)]);
        clock.advance(wait);
      }
      await pass(s, a);
      expect(statuses).toEqual([
        ['RETRYING', 'ELECTRONIC', '1'],
        ['REROUTED_TO_PRINT', 'PRINT', '0'], // the electronic schedule is done: to print at once
        ['REROUTED_TO_PRINT', 'PRINT', '5'], // print's first step, not its third
        ['REROUTED_TO_PRINT', 'PRINT', '60'],
      ]);
      const failed = await findDelivery(database.db, d.id);
      expect(failed).toMatchObject({ status: 'FAILED', channel: 'PRINT', attempts: 5 });
      expect((failed.decision as { reasons: string[] }).reasons.at(-1)).toBe('Failed after 5 attempts; the last: print centre answered HTTP 503');
      expect((await viaApi(d.id)).nextAttemptAt).toBeNull();
    } finally {
      centre.close();
    }
  });
});
