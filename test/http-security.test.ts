// Limits, CSRF, introspection, masking, rate limits and GraphQL-over-HTTP behaviour, over real HTTP.
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/lib/logger.js';
import { defaultHttpLimits, type HttpLimits } from '../src/config.js';
import type { Database } from '../src/db/client.js';
import { Directory } from '../src/modules/directory/directory.js';
import { makeKeys, serve, testApp, token, type TestKeys } from './helpers/app.js';
import { engines } from './helpers/engines.js';
import { clock } from './helpers/fixtures.js';

const GRAPHQL_RESPONSE = 'application/graphql-response+json';

interface Served {
  url: string;
  close(): Promise<void>;
}

async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: GRAPHQL_RESPONSE, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = { raw: text };
  }
  return { status: res.status, headers: res.headers, body: json };
}

const messages = (body: any): string => (body.errors ?? []).map((e: any) => e.message).join(' | ');

describe('HTTP and GraphQL limits [pglite]', () => {
  let database: Database;
  let keys: TestKeys;
  let dev: Served;
  let prod: Served;
  let limited: Served;
  const c = clock();
  const limits: HttpLimits = { ...defaultHttpLimits(true), maxDepth: 6, maxAliases: 3, maxTokens: 400, maxCost: 300, maxBatch: 3, maxBodyBytes: 64 * 1024 };

  beforeAll(async () => {
    database = await engines()[0]!.open();
    keys = await makeKeys();
    dev = await serve(testApp(database, c, keys, ['ES256'], { limits: { ...limits, introspection: true, suggestions: true }, graphiql: true }));
    prod = await serve(testApp(database, c, keys, ['ES256'], { limits, production: true }));
    limited = await serve(testApp(database, c, keys, ['ES256'], { limits: { ...limits, rateLimits: { ANONYMOUS: 3, CLIENT: 5, ADMIN: 100 } } }));
  });
  afterAll(async () => {
    await Promise.all([dev?.close(), prod?.close(), limited?.close()]);
    await database?.close();
  });

  it('refuses a query deeper than the limit, naming the limit; a query within it runs', async () => {
    const deep = `{ municipality(ags: "05766020") { district { parent { parent { parent { parent { parent { name } } } } } } } }`;
    const res = await post(prod.url, { query: deep });
    expect(res.status).toBe(400);
    expect(messages(res.body)).toMatch(/depth limit of 6 exceeded/i);
    const ok = await post(prod.url, { query: `{ municipality(ags: "05766020") { district { name } } }` });
    expect(ok.status).toBe(200);
    expect(ok.body.errors).toBeUndefined();
  });

  it('refuses too many aliases, too many tokens and too high a cost', async () => {
    const aliases = `{ ${[1, 2, 3, 4].map((i) => `a${i}: municipality(ags: "05766020") { name }`).join(' ')} }`;
    expect(messages((await post(prod.url, { query: aliases })).body)).toMatch(/aliases limit of 3 exceeded/i);
    const tokens = `{ ${Array.from({ length: 500 }, () => '__typename').join(' ')} }`;
    const t = await post(prod.url, { query: tokens });
    expect(t.status).toBe(400);
    expect(messages(t.body)).toMatch(/token limit of 400 exceeded/i);
    const costly = `{ regions(first: 200) { edges { node { name ars ags seat typeCode typeName validFrom validTo edition source parent { name ars ags seat typeCode } } } } }`;
    const k = await post(prod.url, { query: costly });
    expect(k.status).toBe(400);
    expect(messages(k.body)).toMatch(/cost limit of 300 exceeded/i);
  });

  it('refuses a list argument beyond its maximum (literal or variable, it counts into the cost)', async () => {
    const literal = await post(prod.url, { query: `{ regions(first: 100000) { totalCount } }` });
    expect(messages(literal.body)).toMatch(/cost limit of 300 exceeded/i);
    const variable = await post(prod.url, { query: `query($n: Int) { regions(first: $n) { edges { node { name } } } }`, variables: { n: 100000 } });
    expect(variable.status).toBe(400);
    expect(variable.body.errors[0].extensions.code).toBe('QUERY_LIMIT_EXCEEDED');
    expect(messages(variable.body)).toMatch(/cost limit of 300 exceeded/i);
    // Within the cost budget but beyond the field's own maximum: the resolver says so.
    const res = await post(prod.url, { query: `query($n: Int) { regions(first: $n) { totalCount } }`, variables: { n: 250 } });
    expect(res.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(messages(res.body)).toMatch(/first: must be between 1 and 200/);
  });

  it('answers 413 to a body over the limit, with or without a Content-Length', async () => {
    const big = JSON.stringify({ query: `{ __typename }`, variables: { pad: 'x'.repeat(70 * 1024) } });
    const res = await post(prod.url, big);
    expect(res.status).toBe(413);
    expect(res.body.errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
    expect(messages(res.body)).toMatch(/exceeds the limit of 65536 bytes/);
    // Chunked: the size is only known while reading.
    const chunked = await new Promise<number>((resolve, reject) => {
      const u = new URL(`${prod.url}/graphql`);
      import('node:http').then(({ request }) => {
        const req = request({ host: u.hostname, port: u.port, path: u.pathname, method: 'POST', headers: { 'content-type': 'application/json' } }, (r) => {
          r.resume();
          resolve(r.statusCode!);
        });
        req.on('error', reject);
        for (let i = 0; i < 80; i++) req.write('x'.repeat(1024));
        req.end();
      });
    });
    expect(chunked).toBe(413);
  });

  it('runs batches up to the limit and refuses larger ones', async () => {
    const op = { query: `{ municipality(ags: "05766020") { ags } }` };
    const ok = await post(prod.url, [op, op, op]);
    expect(ok.status).toBe(200);
    expect(ok.body).toHaveLength(3);
    const tooMany = await post(prod.url, [op, op, op, op]);
    expect(tooMany.status).toBeGreaterThanOrEqual(400);
    expect(messages(tooMany.body)).toMatch(/batch.*(limit|exceed)|exceed.*batch/i);
  });

  it('introspection and field suggestions are off in production and on in development', async () => {
    const intro = `{ __schema { queryType { name } } }`;
    const p = await post(prod.url, { query: intro });
    expect(p.status).toBe(400);
    expect(messages(p.body)).toMatch(/introspection/i);
    const page = await fetch(`${prod.url}/graphql`, { headers: { accept: 'text/html', 'x-graphql-yoga-csrf': '1' } });
    expect(await page.text()).not.toMatch(/graphiql/i);
    const devPage = await fetch(`${dev.url}/graphql`, { headers: { accept: 'text/html', 'x-graphql-yoga-csrf': '1' } });
    expect(await devPage.text()).toMatch(/graphiql/i);
    const d = await post(dev.url, { query: intro });
    expect(d.body.data.__schema.queryType.name).toBe('Query');
    const typo = `{ municipalty(ags: "05766020") { name } }`;
    expect(messages((await post(dev.url, { query: typo })).body)).toMatch(/Did you mean "municipality"/);
    const masked = messages((await post(prod.url, { query: typo })).body);
    expect(masked).toMatch(/Cannot query field "municipalty"/);
    expect(masked).not.toMatch(/Did you mean|municipality"/);
  });

  it('masks unexpected errors: no message, no stack, a request id to find the log line', async () => {
    const broken = new Directory(database, { pollMs: 0 });
    broken.get = async () => {
      throw new Error('secret internal detail at /srv/app/index.ts:42');
    };
    const lines: Record<string, any>[] = [];
    const log = createLogger('info', new Writable({ write: (chunk, _e, done) => (lines.push(JSON.parse(chunk.toString())), done()) }));
    const s = await serve(testApp(database, c, keys, ['ES256'], { limits, directory: broken, log }));
    try {
      const admin = await token(keys, { role: 'ADMIN', now: c.now() });
      const res = await post(s.url, { query: `{ authority(key: "ags:05766020") { name } }` }, { authorization: `Bearer ${admin}`, 'x-request-id': 'trace-123' });
      expect(res.body.errors).toHaveLength(1);
      expect(res.body.errors[0].message).toBe('Unexpected error.');
      expect(res.body.errors[0].extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR', requestId: 'trace-123' });
      expect(JSON.stringify(res.body)).not.toMatch(/secret|index\.ts|at /);
      expect(res.headers.get('x-request-id')).toBe('trace-123');
      // The original goes to the log, under the same request id.
      const logged = lines.find((l) => l.msg === 'unexpected error');
      expect(logged).toMatchObject({ requestId: 'trace-123', level: 50 });
      expect(logged!.err.message).toMatch(/secret internal detail/);
    } finally {
      await s.close();
    }
  });

  it('CSRF: refuses simple browser requests without a preflight-forcing header, accepts API clients', async () => {
    const get = await fetch(`${prod.url}/graphql?query=${encodeURIComponent('{ __typename }')}`);
    expect(get.status).toBe(403);
    expect(await get.text()).toMatch(/CSRF/);
    const form = await fetch(`${prod.url}/graphql`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ query: '{ __typename }' }) });
    expect(form.status).toBe(403);
    const withHeader = await fetch(`${prod.url}/graphql?query=${encodeURIComponent('{ __typename }')}`, { headers: { 'x-graphql-yoga-csrf': '1' } });
    expect(withHeader.status).toBe(200);
    const bearer = await token(keys, { role: 'ADMIN', now: c.now() });
    const withToken = await fetch(`${prod.url}/graphql?query=${encodeURIComponent('{ me { role } }')}`, { headers: { authorization: `Bearer ${bearer}` } });
    expect(((await withToken.json()) as any).data.me.role).toBe('ADMIN');
  });

  it('rate limits per principal: 429 with Retry-After, other principals unaffected', async () => {
    const a = await token(keys, { role: 'CLIENT', scope: 'ags:05766020', sub: 'client-a', now: c.now() });
    const b = await token(keys, { role: 'CLIENT', scope: 'ags:05766020', sub: 'client-b', now: c.now() });
    const q = { query: `{ me { subject } }` };
    for (let i = 0; i < 5; i++) expect((await post(limited.url, q, { authorization: `Bearer ${a}` })).status).toBe(200);
    const refused = await post(limited.url, q, { authorization: `Bearer ${a}` });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(refused.body.errors[0].extensions.code).toBe('RATE_LIMITED');
    expect(messages(refused.body)).toMatch(/5 requests per minute/);
    const other = await post(limited.url, q, { authorization: `Bearer ${b}` });
    expect(other.body.data.me.subject).toBe('client-b');
    // Anonymous callers share their address's quota.
    const anon = { query: `{ municipality(ags: "05766020") { ags } }` };
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await post(limited.url, anon)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
  });
});

describe('GraphQL over HTTP [pglite]', () => {
  let database: Database;
  let keys: TestKeys;
  let s: Served;
  const c = clock();

  beforeAll(async () => {
    database = await engines()[0]!.open();
    keys = await makeKeys();
    s = await serve(testApp(database, c, keys));
  });
  afterAll(async () => {
    await s?.close();
    await database?.close();
  });

  const get = (params: Record<string, string>, headers: Record<string, string> = {}) =>
    fetch(`${s.url}/graphql?${new URLSearchParams(params)}`, { headers: { 'x-graphql-yoga-csrf': '1', ...headers } });

  it('GET runs queries and answers application/graphql-response+json when asked', async () => {
    const res = await get({ query: `query Q($ags: String!) { municipality(ags: $ags) { ags } }`, variables: JSON.stringify({ ags: '05766020' }) }, { accept: GRAPHQL_RESPONSE });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/graphql-response\+json/);
    expect(await res.json()).toEqual({ data: { municipality: null } });
  });

  it('GET refuses mutations with 405 and Allow: POST', async () => {
    const res = await get({ query: `mutation { createTask(code: "X", name: "x") { code } }` }, { accept: GRAPHQL_RESPONSE });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toMatch(/POST/);
  });

  it('request errors are 4xx with graphql-response+json: parse, validation, missing query, bad JSON, bad media type', async () => {
    const parse = await post(s.url, { query: `{ municipality(ags: ` });
    expect(parse.status).toBe(400);
    expect(parse.body.data).toBeUndefined();
    expect(parse.headers.get('content-type')).toMatch(/graphql-response\+json/);
    const invalid = await post(s.url, { query: `{ nope }` });
    expect(invalid.status).toBe(400);
    expect((await post(s.url, { variables: {} })).status).toBe(400);
    expect((await post(s.url, '{"query": ')).status).toBe(400);
    const media = await fetch(`${s.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/xml', 'x-graphql-yoga-csrf': '1' }, body: '<q/>' });
    expect(media.status).toBe(415);
  });

  it('with Accept: application/json, request errors keep the legacy 200 for validation and 400 for parse', async () => {
    const invalid = await post(s.url, { query: `{ nope }` }, { accept: 'application/json' });
    expect(invalid.headers.get('content-type')).toMatch(/^application\/json/);
    expect([200, 400]).toContain(invalid.status);
    expect(invalid.body.errors[0].message).toMatch(/Cannot query field "nope"/);
  });

  it('a field error is 200 with data and errors side by side; an invalid token is 401', async () => {
    const res = await post(s.url, { query: `{ municipality(ags: "05766020") { ags } me { role } }` });
    expect(res.status).toBe(200);
    expect(res.body.data).toBeNull();
    expect(res.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    const bad = await post(s.url, { query: `{ me { role } }` }, { authorization: 'Bearer a.b.c' });
    expect(bad.status).toBe(401);
    expect(bad.headers.get('www-authenticate')).toMatch(/Bearer/);
  });

  it('while draining for shutdown, /readyz is 503 and responses close their connections', async () => {
    const app = testApp(database, c, keys);
    const d = await serve(app);
    try {
      expect((await fetch(`${d.url}/readyz`)).status).toBe(200);
      app.drain();
      const ready = await fetch(`${d.url}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toEqual({ status: 'stopping' });
      const res = await post(d.url, { query: `{ __typename }` });
      expect(res.status).toBe(200);
      expect(res.headers.get('connection')).toBe('close');
    } finally {
      await d.close();
    }
  });
});
