// The outbound URL policy end to end: refused when saved (data-centre endpoints, webhooks, the print
// centre), refused at connect time after DNS, and redirects never followed — all on loopback.
import 'reflect-metadata';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { ConfigError, loadConfig } from '../src/config.js';
import type { Database } from '../src/db/client.js';
import { webhookOutbox } from '../src/db/schema.js';
import { ManualClock } from '../src/lib/clock.js';
import { EMPTY_ALLOWLIST, outboundPolicy, parseAllowlist, type OutboundPolicy, type Resolver } from '../src/lib/url-policy.js';
import { findAuthority, updateAuthority } from '../src/modules/authorities/authorities.service.js';
import { attemptsOf, findDelivery } from '../src/modules/delivery/deliveries.service.js';
import { dispatchOnce } from '../src/modules/delivery/dispatcher.js';
import { dispatch } from '../src/modules/delivery/intake.service.js';
import type { DispatcherSettings } from '../src/modules/delivery/outbox.js';
import { exponentialRetry } from '../src/modules/delivery/retry.js';
import { printAdapter } from '../src/modules/delivery/print.adapter.js';
import { transportAdapter } from '../src/modules/delivery/transport.adapter.js';
import { sendWebhooksOnce } from '../src/modules/delivery/webhooks.js';
import { makeServiceContext } from '../src/modules/directory/context.js';
import type { Directory } from '../src/modules/directory/directory.js';
import { createDataCenter, findDataCenter, updateDataCenter } from '../src/modules/tenants/tenants.service.js';
import { forEachEngine } from './helpers/engines.js';
import { testActor } from './helpers/fixtures.js';
import { openNetwork, type receiver } from './helpers/network.js';
import { LOCAL, NEVER } from './helpers/outbound-spellings.js';

const admin = { subject: 'admin', role: 'ADMIN' as const, scope: null };
const SECRET = 'a-secret-of-16-chars';
const PROD_ENV = { NODE_ENV: 'production', AUTH_JWKS: '/etc/jwks.json', AUTH_ISSUER: 'i', AUTH_AUDIENCE: 'a', HANDOFF_SIGNING_KEYS: '/etc/bv/handoff.pem' };

/** A loopback server that counts requests and answers every one with `status` (and a Location). */
async function server(status: number, location?: string) {
  let hits = 0;
  const s = http.createServer((req, res) => {
    hits++;
    req.resume();
    req.on('end', () => res.writeHead(status, location ? { location } : {}).end('moved'));
  });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}/in`, port, hits: () => hits, close: () => new Promise<void>((r) => { s.closeAllConnections(); s.close(() => r()); }) };
}

/** DNS as a test wants it: only these names exist. */
const fakeDns = (table: Record<string, string>): Resolver => async (host) => {
  if (!table[host]) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
  return [{ address: table[host], family: 4 }];
};

/** Production's address rules over plain http, so a loopback receiver can stand in for an https one. */
const strictHttp = (resolve: Resolver, allow: string[] = []): OutboundPolicy => ({ ...outboundPolicy(true, parseAllowlist(allow)), httpsOnly: false, resolve });

describe('print centre URL (loadConfig)', () => {
  it('refuses every forbidden spelling in production, naming the variable and the reason', () => {
    for (const [url, reason] of [...NEVER, ...LOCAL]) {
      expect(() => loadConfig({ ...PROD_ENV, PRINT_CENTER_URL: url }), url).toThrow(ConfigError);
      expect(() => loadConfig({ ...PROD_ENV, PRINT_CENTER_URL: url }), url).toThrow(new RegExp(`PRINT_CENTER_URL: .*${reason.source}`));
    }
    for (const [url] of NEVER) expect(() => loadConfig({ PRINT_CENTER_URL: url }), url).toThrow(/PRINT_CENTER_URL: .*never contacted/);
    expect(loadConfig({ PRINT_CENTER_URL: 'http://127.0.0.1:9/jobs' }).dispatch.printCenterUrl).toBe('http://127.0.0.1:9/jobs');
  });

  it('OUTBOUND_ALLOWLIST admits a private print centre in production; a bad entry stops the start', () => {
    const c = loadConfig({ ...PROD_ENV, OUTBOUND_ALLOWLIST: '10.1.2.0/24, print.internal', PRINT_CENTER_URL: 'https://10.1.2.3/jobs' });
    expect(c.dispatch.printCenterUrl).toBe('https://10.1.2.3/jobs');
    expect(c.outbound).toMatchObject({ httpsOnly: true, localNetworks: 'allowlist', allowlist: { entries: ['10.1.2.0/24', 'print.internal'] } });
    expect(() => loadConfig({ ...PROD_ENV, OUTBOUND_ALLOWLIST: '10.1.2.0/24', PRINT_CENTER_URL: 'https://10.1.3.3/jobs' })).toThrow(/PRINT_CENTER_URL: .*10\.1\.3\.3 is a private address/);
    expect(() => loadConfig({ OUTBOUND_ALLOWLIST: '10.0.0.0/8,169.254.169.254' })).toThrow(/OUTBOUND_ALLOWLIST: "169\.254\.169\.254" is a link-local address, which is never contacted/);
    expect(loadConfig({}).outbound).toMatchObject({ httpsOnly: false, localNetworks: 'open' });
  });
});

forEachEngine('outbound URL policy', (engine) => {
  let database: Database;
  let directory: Directory;
  let rx: Awaited<ReturnType<typeof receiver>>;
  const clock = new ManualClock('2026-11-22T10:00:00Z');
  const spool = fs.mkdtempSync(path.join(os.tmpdir(), 'bv-spool-'));
  // Failed attempts are not due again within this file: each pass sees only the delivery just sent.
  const settings: DispatcherSettings = { name: 'test', batchSize: 50, leaseMs: 60_000, retry: exponentialRetry(3, 30 * 86_400_000) };
  let allowlist = EMPTY_ALLOWLIST;
  const ctx = (requireHttps: boolean) => makeServiceContext({ db: database.db, clock, principal: admin, actor: testActor, directory }, { requireHttps, allowlist });
  let n = 0;
  const send = () => {
    n++;
    const message = { idempotencyKey: `outbound-${String(n).padStart(4, '0')}`, senderKey: 'ags:05766044', messageType: '100', recipientKey: 'ags:05766020', reference: `OP-${n}`, payload: Buffer.from(`<m n="${n}"/>`).toString('base64'), fileName: 'm.xml', contentType: 'application/xml' };
    return dispatch(ctx(false), message as never, { maxPayloadBytes: 1024 * 1024 });
  };
  /** Points data centre krz at `url` (saved as development allows) and reloads the directory. */
  const pointEndpointAt = async (url: string) => {
    const dc = (await findDataCenter(database.db, 'krz'))!;
    await updateDataCenter(ctx(false), 'krz', dc.version, { endpoints: [url] });
    await directory.reload();
  };
  const setWebhook = async (url: string) => {
    const a = (await findAuthority(database.db, 'ags:05766044'))!;
    await updateAuthority(ctx(false), 'ags:05766044', a.version, { webhookUrl: url, webhookSecret: SECRET });
    await directory.reload();
  };

  beforeAll(async () => {
    ({ database, rx, directory } = await openNetwork(engine, clock));
  });
  afterEach(() => {
    allowlist = EMPTY_ALLOWLIST;
  });
  afterAll(async () => {
    await rx?.close();
    await database?.close();
    fs.rmSync(spool, { recursive: true, force: true });
  });

  it('production refuses every forbidden spelling as a data-centre endpoint, naming the field; nothing is written', async () => {
    const krz = (await findDataCenter(database.db, 'krz'))!;
    for (const [url, reason] of [...NEVER, ...LOCAL]) {
      const refused = { extensions: { code: 'BAD_USER_INPUT', argument: 'input.endpoints[1]' }, message: expect.stringMatching(reason) };
      await expect(createDataCenter(ctx(true), { code: 'rz-new', name: 'Neu', endpoints: ['https://xta.rz.example/', url] }), url).rejects.toMatchObject(refused);
      await expect(updateDataCenter(ctx(true), 'krz', krz.version, { endpoints: ['https://xta.rz.example/', url] }), url).rejects.toMatchObject(refused);
    }
    expect(await findDataCenter(database.db, 'rz-new')).toBeUndefined();
    expect(await findDataCenter(database.db, 'krz')).toMatchObject({ version: krz.version, endpoints: krz.endpoints });
    for (const [url, reason] of NEVER) await expect(createDataCenter(ctx(false), { code: 'rz-dev', name: 'Dev', endpoints: [url] }), url).rejects.toThrow(reason);
    // Development allows loopback, normalised as the URL parser spells it.
    expect((await createDataCenter(ctx(false), { code: 'rz-dev', name: 'Dev', endpoints: ['http://0x7f000001:8080/xta'] })).endpoints).toEqual(['http://127.0.0.1:8080/xta']);
  });

  it('production refuses every forbidden spelling as a webhook URL, naming the field; nothing is written', async () => {
    const before = (await findAuthority(database.db, 'ags:05766044'))!;
    for (const [url, reason] of [...NEVER, ...LOCAL]) {
      await expect(updateAuthority(ctx(true), 'ags:05766044', before.version, { webhookUrl: url, webhookSecret: SECRET }), url).rejects.toMatchObject({
        extensions: { code: 'BAD_USER_INPUT', argument: 'input.webhookUrl' },
        message: expect.stringMatching(reason),
      });
    }
    for (const [url, reason] of NEVER) await expect(updateAuthority(ctx(false), 'ags:05766044', before.version, { webhookUrl: url, webhookSecret: SECRET }), url).rejects.toThrow(reason);
    expect(await findAuthority(database.db, 'ags:05766044')).toMatchObject({ version: before.version, webhookUrl: before.webhookUrl });
  });

  it('the allowlist admits a private address (and a listed localhost name) in production, nothing else', async () => {
    allowlist = parseAllowlist(['10.1.2.0/24', 'xta.localhost']);
    const dc = await createDataCenter(ctx(true), { code: 'rz-intern', name: 'Intern', endpoints: ['https://10.1.2.3/xta', 'https://xta.localhost/'] });
    expect(dc.endpoints).toEqual(['https://10.1.2.3/xta', 'https://xta.localhost/']);
    await expect(updateDataCenter(ctx(true), 'rz-intern', dc.version, { endpoints: ['https://10.1.3.3/xta'] })).rejects.toThrow(/10\.1\.3\.3 is a private address/);
    await expect(updateDataCenter(ctx(true), 'rz-intern', dc.version, { endpoints: ['http://10.1.2.3/xta'] })).rejects.toThrow(/must use https/);
    const a = (await findAuthority(database.db, 'ags:05766044'))!;
    expect((await updateAuthority(ctx(true), 'ags:05766044', a.version, { webhookUrl: 'https://10.1.2.4/hook', webhookSecret: SECRET })).webhookUrl).toBe('https://10.1.2.4/hook');
    await setWebhook('http://127.0.0.1:9/none'); // back to a harmless hook for the next tests
  });

  it('at connect time a name resolving to a loopback address is refused in production; the receiver gets nothing', async () => {
    const dns = fakeDns({ 'xta.krz.test': '127.0.0.1' });
    await pointEndpointAt(`https://xta.krz.test:${new URL(rx.url).port}/xta`);
    const before = rx.started();
    const d = await send();
    const production = { ELECTRONIC: transportAdapter(database.db, () => directory.get(), clock, 2000, { outbound: { ...outboundPolicy(true), resolve: dns } }) };
    await dispatchOnce(database.db, clock, production, settings);
    expect(rx.started()).toBe(before);
    expect((await attemptsOf(database.db, d.id)).map((a) => [a.ok, a.detail])).toEqual([
      [false, 'endpoint not contacted: xta.krz.test (127.0.0.1) is a loopback address, contacted in production only when listed in OUTBOUND_ALLOWLIST'],
    ]);
    expect((await findDelivery(database.db, d.id)).status).toBe('RETRYING');
  });

  it('the address checked is the address connected to: an allowlisted name reaches exactly what the lookup returned', async () => {
    let lookups = 0;
    const dns: Resolver = async (host, o) => {
      lookups++;
      return fakeDns({ 'xta.krz.test': '127.0.0.1' })(host, o);
    };
    await pointEndpointAt(`http://xta.krz.test:${new URL(rx.url).port}/xta`);
    const refused = await send();
    await dispatchOnce(database.db, clock, { ELECTRONIC: transportAdapter(database.db, () => directory.get(), clock, 2000, { outbound: strictHttp(dns) }) }, settings);
    expect((await findDelivery(database.db, refused.id)).status).toBe('RETRYING');
    const admitted = await send();
    await dispatchOnce(database.db, clock, { ELECTRONIC: transportAdapter(database.db, () => directory.get(), clock, 2000, { outbound: strictHttp(dns, ['xta.krz.test']) }) }, settings);
    expect((await findDelivery(database.db, admitted.id)).status).toBe('HANDED_OFF');
    expect(rx.deliveryIds()).toContain(admitted.id); // the name exists only in our resolver: the socket used its answer
    expect(rx.deliveryIds()).not.toContain(refused.id);
    expect(lookups).toBe(2); // one resolution per attempt, none between check and connect
  });

  it('an endpoint answering a redirect is a failed attempt naming status and Location; the redirect target gets nothing', async () => {
    for (const status of [301, 302, 303, 307, 308]) {
      const hop = await server(status, rx.url);
      try {
        await pointEndpointAt(hop.url);
        const before = rx.started();
        const d = await send();
        await dispatchOnce(database.db, clock, { ELECTRONIC: transportAdapter(database.db, () => directory.get(), clock, 2000) }, settings);
        expect(hop.hits()).toBe(1);
        expect(rx.started()).toBe(before);
        expect((await attemptsOf(database.db, d.id)).map((a) => [a.ok, a.detail])).toEqual([[false, `endpoint answered HTTP ${status} redirecting to ${rx.url}; redirects are not followed`]]);
        const after = await findDelivery(database.db, d.id);
        expect(after.status).toBe('RETRYING');
        expect(after.handedOffAt).toBeNull();
      } finally {
        await hop.close();
      }
    }
  });

  it('the print centre answering 307 is a failed attempt; the target gets nothing', async () => {
    const target = await server(201);
    const hop = await server(307, target.url);
    try {
      const d = await dispatch(ctx(false), { idempotencyKey: 'outbound-print', senderKey: 'ags:05766044', messageType: '103', recipientKey: 'ags:05766020', reference: 'OP-print', payload: Buffer.from('<m/>').toString('base64'), fileName: 'm.xml', contentType: 'application/xml' } as never, { maxPayloadBytes: 1024 * 1024 });
      expect(d.channel).toBe('PRINT');
      await dispatchOnce(database.db, clock, { PRINT: printAdapter(() => directory.get(), clock, { spoolDir: spool, centerUrl: hop.url, timeoutMs: 5000 }) }, settings);
      expect([hop.hits(), target.hits()]).toEqual([1, 0]);
      expect((await attemptsOf(database.db, d.id)).map((a) => a.detail)).toEqual([`print centre answered HTTP 307 redirecting to ${target.url}; redirects are not followed`]);
      expect((await findDelivery(database.db, d.id)).status).toBe('RETRYING');
    } finally {
      await Promise.all([hop.close(), target.close()]);
    }
  });

  it('webhooks: a 307 is not followed and a name resolving to loopback is refused at connect time', async () => {
    const target = await server(204);
    const hop = await server(307, target.url);
    const errorOf = async (deliveryId: string) => (await database.db.select().from(webhookOutbox).where(eq(webhookOutbox.deliveryId, deliveryId)))[0]?.lastError;
    try {
      await database.db.delete(webhookOutbox); // only this test's notification
      await setWebhook(hop.url);
      const d = await send(); // queues the PENDING notification
      expect(await sendWebhooksOnce(database.db, clock, { backoffMs: 0 })).toBeGreaterThan(0);
      expect([hop.hits(), target.hits()]).toEqual([1, 0]);
      expect(await errorOf(d.id)).toBe(`HTTP 307 redirecting to ${target.url}; redirects are not followed`);

      await setWebhook(`http://hooks.sender.test:${target.port}/in`);
      const dns = fakeDns({ 'hooks.sender.test': '127.0.0.1' });
      await sendWebhooksOnce(database.db, clock, { backoffMs: 0, outbound: strictHttp(dns) });
      expect(target.hits()).toBe(0);
      expect(await errorOf(d.id)).toBe('hooks.sender.test (127.0.0.1) is a loopback address, contacted in production only when listed in OUTBOUND_ALLOWLIST');
      await sendWebhooksOnce(database.db, clock, { backoffMs: 0, outbound: strictHttp(dns, ['127.0.0.0/8']) });
      expect(target.hits()).toBe(1); // allowlisted: delivered, to the address the lookup checked
      expect(await errorOf(d.id)).toBeUndefined();
    } finally {
      await Promise.all([hop.close(), target.close()]);
    }
  });
});
