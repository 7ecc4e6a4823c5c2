// Hostile callers against the real server process (issue #13): each attack class runs with bounded
// concurrency while a separate thread asks /healthz every 100 ms. Every answer must be a clear answer
// or the documented refusal, /healthz must answer within 1 s throughout, memory must stay bounded,
// and nothing may be stored. Rate limits are off here so that every request reaches the code under
// attack (floods are the benchmark's part: bench/hostile.bench.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultHttpLimits } from '../src/config.js';
import { queryRows, sql } from '../src/db/client.js';
import { ManualClock } from '../src/lib/clock.js';
import { boundedDocumentCache } from '../src/graphql/document-cache.js';
import { MAX_UPLOAD_CERTIFICATES, readCertificates } from '../src/modules/certificates/inspect.js';
import { AUDIENCE, ISSUER, makeKeys, token } from './helpers/app.js';
import {
  BULK_LOOKUP,
  CHALLENGE,
  freshDocument,
  growing,
  growingAddress,
  hugePems,
  JUNK_PROOF,
  largestPageWithin,
  LOOKUP,
  NESTED_AUTHORITIES,
  NESTED_REGIONS,
  nulCases,
  REGION_SEARCH,
  UPLOAD,
} from './helpers/attacks.js';
import { forEachEngine } from './helpers/engines.js';
import { eventLoopLagMaxMs, healthProbe, inParallel, oversizedPost, rssOf, serverHeap, serverStore, type ProbeResult, type ServerStore } from './helpers/hostile.js';
import { setUp } from './helpers/network.js';
import { startServer, type ServerProcess } from './helpers/processes.js';

/** /healthz must answer within this while an attack runs. */
const HEALTH_MS = 1000;
/** Resident memory may grow by at most this from warm-up to the end of an attack. */
const RSS_GROWTH_BYTES = 100 * 1024 * 1024;
const CONCURRENCY = 8;

type Answer = { status: number; body: { data?: any; errors?: { message: string; extensions?: { code?: string } }[] } };

/** The error codes of an answer ('OK' when it has none). */
const codes = (a: Answer) => (a.body.errors?.length ? [...new Set(a.body.errors.map((e) => e.extensions?.code ?? 'NONE'))] : ['OK']);

forEachEngine('hostile callers against the real server', (engine) => {
  let s: ServerStore;
  let server: ServerProcess;
  let pid: number;
  let client: string;
  let dataCentre: string;
  let admin: string;
  let stored: Record<string, number>;
  const storedRows = async (d: Awaited<ReturnType<ServerStore['open']>>) =>
    (await queryRows<Record<string, number>>(
      d.db,
      sql`select (select count(*)::int from certificate_challenges) as challenges, (select count(*)::int from certificates) as certificates, (select count(*)::int from audit_log) as audit`,
    ))[0]!;

  beforeAll(async () => {
    s = await serverStore(engine);
    const d = await s.open();
    try {
      await setUp(d, new ManualClock(new Date().toISOString()), 'http://127.0.0.1:9/xta');
      stored = await storedRows(d);
    } finally {
      await d.close();
    }
    const keys = await makeKeys();
    server = await startServer({ ...s.env, SEED_DEMO: 'false', AUTH_JWKS: keys.jwksFile, AUTH_ISSUER: ISSUER, AUTH_AUDIENCE: AUDIENCE, RATE_LIMITS: 'off', DISPATCHER: 'false' });
    pid = server.child.pid!;
    client = await token(keys, { role: 'CLIENT', scope: 'ags:05766044', expiresIn: 3600 });
    dataCentre = await token(keys, { role: 'DATA_CENTER', scope: 'krz', sub: 'dc:krz', expiresIn: 3600 });
    admin = await token(keys, { role: 'ADMIN', sub: 'admin', expiresIn: 3600 });
  });
  afterAll(async () => {
    if (server?.child.exitCode === null) await server.stop();
    await s?.drop();
  });

  const call = async (query: string, variables: Record<string, unknown>, bearer?: string): Promise<Answer> => {
    const res = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    return { status: res.status, body: (await res.json()) as Answer['body'] };
  };

  /** Runs the attack with the probe; the probe's result, after checking it and that the server lives. */
  const underProbe = async (what: string, attack: () => Promise<void>): Promise<ProbeResult> => {
    await eventLoopLagMaxMs(server.url); // starts the server's lag window
    const probe = healthProbe(server.url, 100);
    let r: ProbeResult;
    try {
      await attack();
    } finally {
      r = await probe.stop();
    }
    const lag = await eventLoopLagMaxMs(server.url);
    console.log(`[hostile ${engine.name}] ${what}: ${r.probes} /healthz probes, slowest ${Math.round(r.maxMs)} ms; server's longest event-loop delay ${lag} ms`);
    expect(r.failures).toEqual([]);
    expect(r.probes).toBeGreaterThan(3);
    expect(r.maxMs, `slowest /healthz answer`).toBeLessThan(HEALTH_MS);
    expect(server.child.exitCode).toBeNull();
    expect(server.child.pid).toBe(pid);
    return r;
  };

  it('(a) Unicode that grows under NFKD, at the limits: lookups and anonymous region searches answer or refuse clearly, /healthz stays quick, memory stays bounded', { timeout: 300_000 }, async () => {
    // Lengths at the limit (200), under it (memoised keys ≤ 100) and just over it (refused).
    const lengthOf = (i: number) => [200, 100, 60, 200, 201][i % 5]!;
    const attack = async (i: number): Promise<Answer> => {
      const len = lengthOf(i);
      switch (i % 4) {
        case 0:
          return call(LOOKUP, { i: growingAddress(i, len) }, client);
        case 1:
          return call(LOOKUP, { i: { city: growing(len, i) } }, client);
        case 2:
          return call(BULK_LOOKUP, { i: Array.from({ length: 100 }, (_, k) => growingAddress(i * 100 + k, len)) }, client);
        default:
          return call(REGION_SEARCH, { n: growing(len, i) });
      }
    };
    const check = (a: Answer, i: number) => {
      const c = codes(a);
      if (lengthOf(i) > 200) {
        expect(c, JSON.stringify(a.body.errors)).toEqual(['BAD_USER_INPUT']);
        expect(a.body.errors![0]!.message).toMatch(/at most 200 characters, got 201/);
      } else {
        expect(c, JSON.stringify(a.body.errors)).toEqual(['OK']);
        expect(a.status).toBe(200);
      }
    };

    // Warm-up: every path, lengths and memo churn included, so code, caches and the heap settle first.
    (await inParallel(600, CONCURRENCY, attack)).forEach(check);
    const warm = rssOf(pid);
    const samples: number[] = [];
    const N = 2400;
    await underProbe('Unicode', async () => {
      const answers = await inParallel(N, CONCURRENCY, async (i) => {
        if (i % 200 === 0) samples.push(rssOf(pid));
        return attack(i);
      });
      answers.forEach(check);
    });
    const end = rssOf(pid);
    const mib = (b: number) => Math.round(b / 1048576);
    console.log(`[hostile ${engine.name}] Unicode: ${N} requests after 600 to warm up; RSS MiB warm ${mib(warm)}, every 200 requests ${samples.map(mib).join(' ')}, end ${mib(end)}; heap ${JSON.stringify(await serverHeap(server.url), (_, v) => (typeof v === 'number' ? mib(v) : v))}`);
    expect(end - warm).toBeLessThan(RSS_GROWTH_BYTES);
  });

  it('(b) nested lists with page sizes in variables, at and beyond the work budget, concurrently: answered or 400 QUERY_LIMIT_EXCEEDED', { timeout: 180_000 }, async () => {
    const pageLimit = (query: string, bearer?: string) => largestPageWithin(async (n) => (await call(query, { n }, bearer)).body.errors?.[0]?.message);
    const plans = [
      { query: NESTED_REGIONS, at: await pageLimit(NESTED_REGIONS), bearer: undefined },
      { query: NESTED_AUTHORITIES, at: await pageLimit(NESTED_AUTHORITIES, client), bearer: client },
    ];
    // Both within the page-size limit (200), so the budget is what refuses the larger ones.
    for (const p of plans) expect(p.at).toBeGreaterThan(1);
    for (const p of plans) expect(p.at).toBeLessThanOrEqual(200);
    let answered = 0;
    let refused = 0;
    await underProbe('work budget', async () => {
      await inParallel(400, CONCURRENCY, async (i) => {
        const p = plans[i % 2]!;
        const beyond = i % 4 >= 2;
        const a = await call(p.query, { n: beyond ? p.at + 1 + (i % 7) * 100 : p.at }, p.bearer);
        if (beyond) {
          expect(a.status).toBe(400);
          expect(codes(a)).toEqual(['QUERY_LIMIT_EXCEEDED']);
          refused++;
        } else {
          expect(codes(a), JSON.stringify(a.body.errors)).toEqual(['OK']);
          answered++;
        }
      });
    });
    expect([answered, refused]).toEqual([200, 200]);
  });

  it('(b) a fresh document for every request, at the alias, depth and token limits: answered, and /healthz stays quick', { timeout: 180_000 }, async () => {
    // Every request its own text (see freshDocument), anonymous; a few first to warm up.
    await inParallel(10, CONCURRENCY, async (i) => expect(codes(await call(freshDocument(100_000 + i), { n: 1 }))).toEqual(['OK']));
    await underProbe('fresh documents', async () => {
      await inParallel(200, CONCURRENCY, async (i) => {
        const a = await call(freshDocument(i), { n: 1 });
        expect(codes(a), JSON.stringify(a.body.errors)).toEqual(['OK']);
        expect(Object.keys(a.body.data)).toHaveLength(28);
      });
    });
  });

  it('(b) unique documents, plain and padded with a comment: the parse caches stay bounded', { timeout: 240_000 }, async () => {
    // Each parsed document holds ~80 bytes per character of its text: fresh documents (~0.75 MB each)
    // and ones padded with a 200 KB comment (~1 MB) would each stay in a cache that counts entries
    // (Yoga's default keeps 1,024), ~0.5 GB per 400 requests. First 400 to let the heap settle.
    const document = (i: number) => (i % 2 ? freshDocument(20_000 + i) : `${freshDocument(20_000 + i)} #${'x'.repeat(200_000)}`);
    const send = (from: number) => async (i: number) => expect(codes(await call(document(from + i), { n: 1 }))).toEqual(['OK']);
    await inParallel(400, 4, send(1_000_000));
    const warm = rssOf(pid);
    const samples: number[] = [];
    await underProbe('unique documents', async () => {
      await inParallel(400, 4, async (i) => {
        if (i % 50 === 0) samples.push(rssOf(pid));
        await send(0)(i);
      });
    });
    const end = rssOf(pid);
    const mib = (b: number) => Math.round(b / 1048576);
    console.log(`[hostile ${engine.name}] unique documents: RSS MiB warm ${mib(warm)}, every 50 requests ${samples.map(mib).join(' ')}, end ${mib(end)}`);
    expect(end - warm).toBeLessThan(RSS_GROWTH_BYTES);
  });

  it('(c) huge certificate input: over the byte limit, over the count limit and never-ending PEM blocks are refused quickly, and nothing is stored', { timeout: 180_000 }, async () => {
    const cases = await hugePems();
    expect(cases[0]!.pem.length).toBeGreaterThan(65536);
    expect(cases[1]!.pem.length).toBeLessThanOrEqual(65536);
    expect(cases[1]!.pem.split('BEGIN').length - 1).toBeGreaterThan(90);
    const certificates = async () => (await call(`{ dataCenter(code: "krz") { certificates { thumbprintSha256 } } }`, {}, admin)).body.data.dataCenter.certificates.length;
    const before = await certificates();

    let slowest = 0;
    await underProbe('certificates', async () => {
      await inParallel(240, CONCURRENCY, async (i) => {
        const c = cases[i % 3]!;
        const t = performance.now();
        if (i % 2 === 0) {
          const a = await call(CHALLENGE, { c: c.pem }, dataCentre);
          expect(codes(a)).toEqual(['BAD_USER_INPUT']);
          expect(a.body.errors![0]!.message).toMatch(c.reason);
        } else {
          const a = await call(UPLOAD, { c: c.pem, p: JUNK_PROOF }, dataCentre);
          if (c.byLimit) {
            expect(codes(a)).toEqual(['BAD_USER_INPUT']);
            expect(a.body.errors![0]!.message.replace(/^input\./, '')).toMatch(c.reason);
          } else {
            expect(codes(a)).toEqual(['OK']);
            expect(a.body.data.uploadCertificate).toMatchObject({ accepted: false, certificate: null });
            expect(a.body.data.uploadCertificate.reasons.join(' ')).toMatch(c.reason);
          }
        }
        slowest = Math.max(slowest, performance.now() - t);
      });
    });
    console.log(`[hostile ${engine.name}] certificates: slowest refusal ${Math.round(slowest)} ms`);
    expect(await certificates()).toBe(before);
  });

  it('(d) oversized bodies get 413 and NUL-bearing variables BAD_USER_INPUT, while /healthz answers', { timeout: 180_000 }, async () => {
    const limit = defaultHttpLimits(false).maxBodyBytes; // MAX_BODY_BYTES unset: payload limit × 4/3 + 1 MiB
    const nul = nulCases(client, dataCentre);
    for (const c of nul) await call(c.query, c.variables, c.bearer); // warm-up: each path once
    await underProbe('bodies and NUL', async () => {
      await inParallel(24, 3, async (i) => {
        // Declared length over the limit (refused before reading) and chunked (refused while counting).
        const a = await oversizedPost(server.url, limit + 1, i % 2 === 1);
        expect(a.status).toBe(413);
        expect(a.body).toContain('"code":"PAYLOAD_TOO_LARGE"');
      });
      await inParallel(400, CONCURRENCY, async (i) => {
        const c = nul[i % nul.length]!;
        const a = await call(c.query, c.variables, c.bearer);
        expect(codes(a)).toEqual(['BAD_USER_INPUT']);
        expect(a.body.errors![0]!.message).toMatch(new RegExp(`^${c.field.replace(/\./g, '\\.')}: control character U\\+0000 at position \\d+ is not allowed`));
      });
    });
  });

  it('after all attacks: the same process answers, and nothing was stored', { timeout: 120_000 }, async () => {
    expect(server.child.pid).toBe(pid);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect(await server.stop()).toBe(0);
    const d = await s.open();
    try {
      expect(await storedRows(d)).toEqual(stored);
      expect(stored).toMatchObject({ challenges: 0, certificates: 1 });
    } finally {
      await d.close();
    }
  });
});

describe('certificate input is read in linear time', () => {
  it('64 KiB of BEGIN lines without an END is refused in milliseconds, not by retrying every line to the end', () => {
    const text = Buffer.from('-----BEGIN CERTIFICATE-----\n'.repeat(Math.floor(65_536 / 28)));
    const times = Array.from({ length: 5 }, () => {
      const t = performance.now();
      expect(() => readCertificates(text, 'certificate', MAX_UPLOAD_CERTIFICATES)).toThrow(/PEM block has no END line/);
      return performance.now() - t;
    });
    expect(Math.min(...times)).toBeLessThan(10);
  });
});

describe('parse cache', () => {
  it('holds at most its characters of text, least recently used out first, and never a text too long to be worth keeping', () => {
    const cache = boundedDocumentCache<number>(100, 40);
    for (const [k, v] of [['a'.repeat(30), 1], ['b'.repeat(30), 2], ['c'.repeat(30), 3]] as const) cache.set(k, v);
    expect(cache.get('a'.repeat(30))).toBe(1); // now the most recently used
    cache.set('d'.repeat(30), 4); // 120 characters: the least recently used (b) goes
    expect(['a', 'b', 'c', 'd'].map((c) => cache.get(c.repeat(30)))).toEqual([1, undefined, 3, 4]);
    cache.set('e'.repeat(41), 5);
    expect(cache.get('e'.repeat(41))).toBeUndefined();
    expect(cache.get('c'.repeat(30))).toBe(3);
  });
});
