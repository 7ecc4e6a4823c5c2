// Errors a careless or hostile caller meets: request errors answer 400 without internals in production,
// concurrent creates of the same key are a CONFLICT on both engines, and behind trusted proxies each
// caller gets its own rate-limit bucket and log address.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultHttpLimits } from '../src/config.js';
import type { Database } from '../src/db/client.js';
import { openPglite } from '../src/db/client.js';
import { clientAddress, parseTrustedProxies } from '../src/http/client-address.js';
import { createLogger } from '../src/lib/logger.js';
import { ManualClock } from '../src/lib/clock.js';
import { loadDemoSeed } from '../seed/load.js';
import { gql, makeKeys, serve, testApp, token } from './helpers/app.js';
import { forEachEngine } from './helpers/engines.js';
import { testActor } from './helpers/fixtures.js';

const clock = new ManualClock('2026-11-22T10:00:00Z');

describe('request errors in production [pglite]', () => {
  let database: Database;
  let served: Awaited<ReturnType<typeof serve>>;
  beforeAll(async () => {
    database = await openPglite({});
    await database.migrate();
    const keys = await makeKeys();
    served = await serve(testApp(database, clock, keys, ['ES256'], { limits: { ...defaultHttpLimits(true), maxTokens: 50 }, production: true }));
  });
  afterAll(async () => {
    await served?.close();
    await database?.close();
  });
  const post = async (body: string) => {
    const r = await fetch(`${served.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    return { status: r.status, text: await r.text() };
  };

  it('a malformed JSON body is 400 BAD_REQUEST and does not echo the parser or the body', async () => {
    const r = await post('{"query": "{ __typename , "secret": "Geheimweg 13"');
    expect(r.status).toBe(400);
    expect(JSON.parse(r.text)).toEqual({ errors: [{ message: 'POST body sent invalid JSON.', extensions: { code: 'BAD_REQUEST' } }] });
  });

  it('the token limit is 400 like the other limits, for legacy application/json clients too', async () => {
    const r = await post(JSON.stringify({ query: `{ ${'__typename '.repeat(100)} }` }));
    expect(r.status).toBe(400);
    expect(JSON.parse(r.text).errors[0].extensions.code).toBe('QUERY_LIMIT_EXCEEDED');
  });
});

forEachEngine('concurrent creates of one key', (engine) => {
  let database: Database;
  let app: ReturnType<typeof testApp>;
  let admin: string;
  beforeAll(async () => {
    database = await engine.open();
    await loadDemoSeed(database.db, clock, testActor);
    const keys = await makeKeys();
    app = testApp(database, clock, keys);
    admin = await token(keys, { role: 'ADMIN', now: clock.now() });
  });
  afterAll(async () => {
    await database?.close();
  });

  it('one wins, every other is a CONFLICT (never an unexpected error), for each kind of key', async () => {
    const creates = [
      `mutation { createTask(code: "RACE", name: "Wettlauf") { code } }`,
      `mutation { createDataCenter(input: { code: "race-dc", name: "RZ" }) { code } }`,
      `mutation { createAuthority(input: { key: "ags:05766020", kind: ENFORCEMENT, name: "Detmold", postalAddress: { street: "Markt", houseNumber: "5", postalCode: "32756", city: "Detmold" } }) { key } }`,
      `mutation { createTenant(input: { code: "race-t", name: "Mandant", dataCenterCode: "race-dc" }) { code } }`,
    ];
    for (const m of creates) {
      const answers = await Promise.all(Array.from({ length: 8 }, () => gql(app, m, {}, admin)));
      const codes = answers.map((a) => a.body.errors?.[0]?.extensions?.code ?? 'OK');
      expect(codes.filter((c) => c === 'OK'), m).toHaveLength(1);
      expect(codes.filter((c) => c !== 'OK').every((c) => c === 'CONFLICT'), `${m}: ${codes.join(',')}`).toBe(true);
    }
  });
});

describe('trusted proxies', () => {
  it('without TRUSTED_PROXIES the socket peer is the caller, whatever X-Forwarded-For says', () => {
    expect(clientAddress('10.0.0.5', '203.0.113.9', undefined)).toBe('10.0.0.5');
  });
  it('a hop count takes the address the last trusted proxy saw', () => {
    const one = parseTrustedProxies('1');
    expect(clientAddress('10.0.0.5', '198.51.100.1, 203.0.113.9', one)).toBe('203.0.113.9');
    expect(clientAddress('10.0.0.5', '198.51.100.1, 203.0.113.9', parseTrustedProxies('2'))).toBe('198.51.100.1');
    expect(clientAddress('::ffff:10.0.0.5', undefined, one)).toBe('10.0.0.5');
  });
  it('an address list skips only listed proxies; a spoofed entry left of the caller is ignored', () => {
    const list = parseTrustedProxies('10.0.0.0/8, 127.0.0.1');
    expect(clientAddress('127.0.0.1', '6.6.6.6, 203.0.113.9, 10.1.1.1', list)).toBe('203.0.113.9');
    expect(clientAddress('192.0.2.7', '203.0.113.9', list)).toBe('192.0.2.7');
    expect(clientAddress('127.0.0.1', `${'1.2.3.4, '.repeat(5000)}203.0.113.9`, list)).toBe('203.0.113.9');
  });
  it('a malformed setting is refused', () => {
    expect(() => parseTrustedProxies('10.0.0.0/99')).toThrow(/invalid prefix/);
    expect(() => parseTrustedProxies('proxy.example')).toThrow(/neither a hop count nor an IP/);
  });

  it('behind a trusted proxy each forwarded caller has its own rate-limit bucket and log address', async () => {
    const database = await openPglite({});
    await database.migrate();
    const lines: Record<string, unknown>[] = [];
    const log = createLogger('debug', { write: (s: string) => void lines.push(JSON.parse(s)) });
    const keys = await makeKeys();
    const limits = { ...defaultHttpLimits(false), rateLimits: { ANONYMOUS: 3 } };
    const trusting = await serve(testApp(database, clock, keys, ['ES256'], { limits: { ...limits, trustedProxies: parseTrustedProxies('127.0.0.1') }, log }));
    const naive = await serve(testApp(database, clock, keys, ['ES256'], { limits }));
    try {
      const ask = (url: string, client: string) =>
        fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': client }, body: '{"query":"{ __typename }"}' }).then((r) => r.status);
      const statuses = async (url: string) => {
        const out: number[] = [];
        for (const client of ['198.51.100.1', '198.51.100.2', '198.51.100.3', '198.51.100.4']) for (let i = 0; i < 3; i++) out.push(await ask(url, client));
        return out;
      };
      expect((await statuses(trusting.url)).every((s) => s === 200)).toBe(true);
      expect((await statuses(naive.url)).filter((s) => s === 429).length).toBe(9); // all share the proxy's bucket
      expect(lines.filter((l) => l.msg === 'request').map((l) => l.client)).toContain('198.51.100.4');
    } finally {
      await trusting.close();
      await naive.close();
      await database.close();
    }
  });
});
