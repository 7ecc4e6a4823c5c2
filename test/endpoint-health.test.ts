// A data centre whose endpoint keeps failing is warned (issue #15): failures in a row per data
// centre, a log warning as they cross thresholds, a Prometheus gauge, a query for ADMIN and the data
// centre itself; and a data centre can test its own endpoint. Real HTTP on loopback, both engines.
import { Writable } from 'node:stream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { App } from '../src/app/app.js';
import { queryRows, type Database } from '../src/db/client.js';
import { renderMetrics } from '../src/http/metrics.js';
import { ManualClock } from '../src/lib/clock.js';
import { createLogger } from '../src/lib/logger.js';
import { HandOffCrash } from '../src/modules/delivery/adapter.js';
import { dispatchOnce } from '../src/modules/delivery/dispatcher.js';
import { dispatch } from '../src/modules/delivery/intake.service.js';
import type { DispatcherSettings } from '../src/modules/delivery/outbox.js';
import { transportAdapter } from '../src/modules/delivery/transport.adapter.js';
import type { Directory } from '../src/modules/directory/directory.js';
import { makeServiceContext } from '../src/modules/directory/context.js';
import { createDataCenter } from '../src/modules/tenants/tenants.service.js';
import { gql, makeKeys, testApp, token, type TestKeys } from './helpers/app.js';
import { forEachEngine } from './helpers/engines.js';
import { testActor } from './helpers/fixtures.js';
import { receiver, setUp } from './helpers/network.js';

const MIN = 60_000;
const admin = { subject: 'admin', role: 'ADMIN' as const, scope: null };

function memoryLog() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l));
      done();
    },
  });
  return { log: createLogger('info', stream), lines };
}

/** The value of one sample line of the metrics text; undefined when absent. */
function sample(text: string, name: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(name.length + 1));
}

const HEALTH = `query($c: String) { endpointHealth(dataCenterCode: $c) { dataCenterCode consecutiveFailures lastSuccessAt lastFailureAt lastFailureReason deliveriesWaiting nextAttemptAt } }`;
const TEST = `mutation($c: String!) { testDataCenterEndpoint(dataCenterCode: $c) { ok dataCenterCode endpointUrl certificateThumbprint testId httpStatus detail startedAt durationMs } }`;

forEachEngine('endpoint health and endpoint tests', (engine) => {
  const clock = new ManualClock('2026-11-22T10:00:00Z');
  const settings: DispatcherSettings = { name: 'health', batchSize: 10, leaseMs: 60_000, retry: { ELECTRONIC: Array(10).fill(MIN), PRINT: [MIN], jitter: 0 } };
  const mem = memoryLog();
  let database: Database;
  let rx: Awaited<ReturnType<typeof receiver>>;
  let directory: Directory;
  let app: App;
  let thumbprint: string;
  let keys: TestKeys;
  const tokens: Record<string, string> = {};

  const pass = () => dispatchOnce(database.db, clock, { ELECTRONIC: transportAdapter(database.db, () => directory.get(), clock, 5000) }, settings, mem.log);
  const send = (n: number) =>
    dispatch(makeServiceContext({ db: database.db, clock, principal: admin, actor: testActor, directory }), {
      idempotencyKey: `health-${String(n).padStart(4, '0')}`,
      senderKey: 'ags:05766044',
      messageType: '100',
      recipientKey: 'ags:05766020',
      reference: `VH-${n}/2026`,
      payload: Buffer.from(`<m n="${n}"/>`).toString('base64'),
      fileName: 'm.xml',
      contentType: 'application/xml',
    }, { maxPayloadBytes: 1024 });
  const call = (who: string, query: string, c?: string) => gql(app, query, { c }, tokens[who]);
  const health = async (who: string, c?: string) => {
    const res = await call(who, HEALTH, c);
    expect(res.body.errors, who).toBeUndefined();
    return res.body.data!.endpointHealth as Record<string, unknown>[];
  };
  const codeOf = (res: Awaited<ReturnType<typeof gql>>) => res.body.errors?.map((e) => e.extensions?.code);
  const metrics = () => renderMetrics(database, () => 1, clock.now());
  const iso = (t: Date) => t.toISOString();

  beforeAll(async () => {
    database = await engine.open();
    rx = await receiver();
    const net = await setUp(database, clock, rx.url);
    directory = net.directory;
    thumbprint = net.thumbprint;
    await rx.setKey(net.privateJwk);
    await createDataCenter(makeServiceContext({ db: database.db, clock, principal: admin, actor: testActor, directory }), { code: 'other', name: 'Other RZ' });
    keys = await makeKeys();
    app = testApp(database, clock, keys, ['ES256'], { directory, transportTimeoutMs: 5000 });
    const t = (role: string, scope?: string) => token(keys, { role, scope, now: clock.now(), expiresIn: 86_400, sub: `${role}:${scope ?? '-'}` });
    tokens.ADMIN = await t('ADMIN');
    tokens.KRZ = await t('DATA_CENTER', 'krz');
    tokens.OTHER = await t('DATA_CENTER', 'other');
    tokens.MANAGER = await t('TENANT_MANAGER', 'lippe');
    tokens.CLIENT = await t('CLIENT', 'ags:05766044');
  });
  afterAll(async () => {
    await rx?.close();
    await database?.close();
  });

  it('counts failures in a row per data centre, warns as they cross a threshold, resets on success; query and metric agree', async () => {
    // The counters belong to the process (both engines' suites): compared with their values before.
    const counted = async (outcome: string) => sample(await metrics(), `bv_endpoint_attempts_total{data_center="krz",outcome="${outcome}"}`) ?? 0;
    const failedBefore = await counted('failed');
    const okBefore = await counted('ok');
    rx.setMode('fail');
    await send(1);
    await send(2);
    expect(await pass()).toBe(2);
    clock.advance(MIN);
    expect(await pass()).toBe(2);
    const warnings = mem.lines.filter((l) => l.level === 40);
    expect(warnings).toEqual([expect.objectContaining({ msg: 'endpoint of data centre krz failed 3 times in a row', dataCenter: 'krz', consecutiveFailures: 3, lastFailure: 'endpoint answered HTTP 503' })]);

    const krz = { dataCenterCode: 'krz', consecutiveFailures: 4, lastSuccessAt: null, lastFailureAt: iso(clock.now()), lastFailureReason: 'endpoint answered HTTP 503', deliveriesWaiting: 2, nextAttemptAt: iso(new Date(clock.now().getTime() + MIN)) };
    expect(await health('KRZ')).toEqual([krz]); // its own, without naming it
    expect(await health('KRZ', 'krz')).toEqual([krz]);
    const quiet = { dataCenterCode: 'other', consecutiveFailures: 0, lastSuccessAt: null, lastFailureAt: null, lastFailureReason: null, deliveriesWaiting: 0, nextAttemptAt: null };
    expect(await health('ADMIN')).toEqual([krz, quiet]); // most failures first

    let text = await metrics();
    expect(sample(text, 'bv_endpoint_consecutive_failures{data_center="krz"}')).toBe(4);
    expect(sample(text, 'bv_endpoint_consecutive_failures{data_center="other"}')).toBe(0);
    expect(sample(text, 'bv_endpoint_attempts_total{data_center="krz",outcome="failed"}')).toBe(failedBefore + 4);

    rx.setMode('ok');
    clock.advance(MIN);
    expect(await pass()).toBe(2);
    expect(await health('KRZ')).toEqual([{ ...krz, consecutiveFailures: 0, lastSuccessAt: iso(clock.now()), deliveriesWaiting: 0, nextAttemptAt: null }]);
    expect(mem.lines.filter((l) => l.level === 40)).toHaveLength(1);
    expect(mem.lines.find((l) => l.failedBefore)).toMatchObject({ level: 30, msg: 'endpoint of data centre krz works again after 4 failures in a row', dataCenter: 'krz' });
    text = await metrics();
    expect(sample(text, 'bv_endpoint_consecutive_failures{data_center="krz"}')).toBe(0);
    expect(sample(text, 'bv_endpoint_attempts_total{data_center="krz",outcome="ok"}')).toBe(okBefore + 2);
  });

  it("our own hand-off crashing does not count against the data centre's endpoint", async () => {
    const d = await send(3);
    const crashing = { ELECTRONIC: { handOff: async () => { throw new HandOffCrash('the hand-off worker crashed: test'); } } };
    await dispatchOnce(database.db, clock, crashing, settings, mem.log);
    expect((await health('KRZ'))[0]).toMatchObject({ consecutiveFailures: 0, deliveriesWaiting: 1 });
    clock.advance(MIN);
    await pass();
    expect((await health('KRZ'))[0]).toMatchObject({ consecutiveFailures: 0, deliveriesWaiting: 0, lastSuccessAt: iso(clock.now()) });
    expect(rx.deliveryIds()).toContain(d.id);
  });

  it('a data centre reads its own endpoint health only; other roles not at all', async () => {
    expect(codeOf(await call('OTHER', HEALTH, 'krz'))).toEqual(['FORBIDDEN']);
    expect(JSON.stringify((await call('OTHER', HEALTH, 'krz')).body.data)).not.toMatch(/503|krz/);
    expect(await health('OTHER')).toEqual([expect.objectContaining({ dataCenterCode: 'other' })]);
    expect(codeOf(await call('MANAGER', HEALTH, 'krz'))).toEqual(['FORBIDDEN']);
    expect(codeOf(await call('CLIENT', HEALTH))).toEqual(['FORBIDDEN']);
    expect(codeOf(await call('ADMIN', HEALTH, 'nowhere'))).toEqual(['NOT_FOUND']);
    expect(codeOf(await call('ADMIN', HEALTH, 'x'.repeat(65)))).toEqual(['BAD_USER_INPUT']);
  });

  it('a data centre tests its own endpoint through the real transport; nothing is stored and nothing goes to paper', async () => {
    const count = async (table: string) => Number((await queryRows<{ n: number }>(database.db, sql.raw(`select count(*)::int as n from ${table}`)))[0]!.n);
    const before = { deliveries: await count('deliveries'), outbox: await count('delivery_outbox'), health: await health('KRZ') };
    const res = await call('KRZ', TEST, 'krz');
    expect(res.body.errors).toBeUndefined();
    const r = res.body.data!.testDataCenterEndpoint;
    expect(r).toMatchObject({ ok: true, dataCenterCode: 'krz', endpointUrl: rx.url, certificateThumbprint: thumbprint, httpStatus: 202, startedAt: iso(clock.now()) });
    // This receiver answers without a receipt; the reference receiver's is checked in handoff-signing.test.ts.
    expect(r.detail).toMatch(/^endpoint answered HTTP 202; no valid receipt: /);
    expect(r.testId).toMatch(/^[0-9a-f-]{36}$/);
    // The receiver decrypted it with the data centre's key: it was encrypted for its active certificate.
    const got = rx.received.at(-1)!;
    expect(got.headers).toMatchObject({ 'x-delivery-id': r.testId, 'x-message-type': 'test', 'x-test': 'true', 'content-type': 'application/jwt', 'x-handoff-version': '1' });
    expect(JSON.parse(got.plaintext)).toEqual({ test: true, testId: r.testId, dataCenter: 'krz', at: iso(clock.now()) });
    expect({ deliveries: await count('deliveries'), outbox: await count('delivery_outbox'), health: await health('KRZ') }).toEqual(before);

    // One at a time, and not again within the cool-down: CONFLICT, nothing sent.
    const sent = rx.started();
    const again = await call('KRZ', TEST, 'krz');
    expect(codeOf(again)).toEqual(['CONFLICT']);
    expect(again.body.errors![0]!.message).toMatch(/^An endpoint test of data centre krz is running or ended less than 10 s ago; try again after /);
    expect(rx.started()).toBe(sent);

    // A failing endpoint is an outcome, not an error; endpoint health stays as it was.
    clock.advance(10_000);
    rx.setMode('fail');
    const failed = await call('ADMIN', TEST, 'krz');
    expect(failed.body.data!.testDataCenterEndpoint).toMatchObject({ ok: false, httpStatus: 503, detail: 'endpoint answered HTTP 503' });
    expect((await health('KRZ'))[0]!.consecutiveFailures).toBe(0);
    rx.setMode('ok');
  });

  it('tests only its own data centre; a data centre without endpoint or certificate is told so', async () => {
    const sent = rx.started();
    clock.advance(10_000);
    expect(codeOf(await call('OTHER', TEST, 'krz'))).toEqual(['FORBIDDEN']);
    expect(codeOf(await call('CLIENT', TEST, 'krz'))).toEqual(['FORBIDDEN']);
    expect(codeOf(await call('MANAGER', TEST, 'krz'))).toEqual(['FORBIDDEN']);
    expect(codeOf(await call('ADMIN', TEST, 'nowhere'))).toEqual(['NOT_FOUND']);
    expect(rx.started()).toBe(sent);
    // In production the outbound policy refuses the loopback endpoint at connect time, as for deliveries.
    const production = testApp(database, clock, keys, ['ES256'], { directory, production: true, transportTimeoutMs: 5000 });
    const refused = await gql(production, TEST, { c: 'krz' }, tokens.KRZ);
    expect(refused.body.data!.testDataCenterEndpoint).toMatchObject({ ok: false, httpStatus: null, detail: expect.stringMatching(/^endpoint not contacted: .*http/) });
    expect(rx.started()).toBe(sent);
    const own = await call('OTHER', TEST, 'other');
    expect(own.body.data!.testDataCenterEndpoint).toMatchObject({ ok: false, endpointUrl: null, certificateThumbprint: null, httpStatus: null, detail: 'data centre other has no transport endpoint' });
  });
});
