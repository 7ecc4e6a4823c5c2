// Hostile-traffic benchmark: the real server process with its default limits and rate limits, on the
// embedded database (PostgreSQL when BENCH_DATABASE_URL is set), for HOSTILE_SECONDS (default 300).
// Attackers, each with a token subject of its own (so each reaches the code it attacks, up to its
// quota), send what issue #13 names at the documented limits: Unicode that grows under NFKD, nested
// lists at and beyond the work budget, a fresh document per request, huge PEM input, oversized
// bodies, NUL in variables, malformed JSON, and floods (anonymous, sharing the loopback address's
// quota, and as a client). Separate normal clients send single lookups, paced below their quota.
// Every 10 s it records the normal lookups' p50/p99 and errors, the attack answers by class and
// status, the slowest /healthz, the server's longest event-loop delay and its RSS.
//   npm run bench:hostile                       (HOSTILE_SECONDS=60 for a dry run)
// Results: bench/results/hostile.json. Exits 1 when the server dies, a normal lookup fails, an attack
// gets a 5xx or no answer, or RSS in the last third exceeds the middle third by more than 15 %.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { defaultHttpLimits } from '../src/config.js';
import { openPglite, openPostgres, queryRows, sql, type Database } from '../src/db/client.js';
import { ManualClock } from '../src/lib/clock.js';
import { AUDIENCE, ISSUER, makeKeys, token, type TestKeys } from '../test/helpers/app.js';
import { BULK_LOOKUP, CHALLENGE, freshDocument, growing, growingAddress, hugePems, JUNK_PROOF, largestPageWithin, LOOKUP, NESTED_AUTHORITIES, NESTED_REGIONS, nulCases, REGION_SEARCH, UPLOAD } from '../test/helpers/attacks.js';
import { eventLoopLagMaxMs, healthProbe, oversizedPost, rssOf } from '../test/helpers/hostile.js';
import { setUp } from '../test/helpers/network.js';
import { startServer } from '../test/helpers/processes.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const SECONDS = Number(process.env.HOSTILE_SECONDS ?? 300);
const NORMAL_CLIENTS = 4;
/** Each normal client sends at most this many lookups a second (its quota is 100). */
const NORMAL_RATE = 20;
const WINDOW_MS = 10_000;

interface Answer {
  status: number;
  body: { data?: any; errors?: { message: string; extensions?: { code?: string } }[] };
}

async function post(url: string, body: string, bearer?: string): Promise<Answer> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
    body,
  });
  const text = await res.text();
  let parsed: Answer['body'] = {};
  try {
    parsed = JSON.parse(text) as Answer['body'];
  } catch {
    /* a non-JSON answer is recorded by its status */
  }
  return { status: res.status, body: parsed };
}

const call = (url: string, query: string, variables: Record<string, unknown>, bearer?: string) => post(url, JSON.stringify({ query, variables }), bearer);

/** "200", "200 BAD_USER_INPUT", "400 QUERY_LIMIT_EXCEEDED", "429 RATE_LIMITED", … */
const outcome = (a: Answer) => `${a.status}${a.body.errors?.[0]?.extensions?.code ? ` ${a.body.errors[0].extensions.code}` : ''}`;

/** A fresh database with the demo seed, a data centre and authorities; the AGS of its municipalities. */
async function prepare(): Promise<{ env: Record<string, string>; ags: string[]; drop(): Promise<void> }> {
  let database: Database;
  let env: Record<string, string>;
  let drop: () => Promise<void>;
  const base = process.env.BENCH_DATABASE_URL;
  if (base) {
    const name = `bv_hostile_${randomBytes(4).toString('hex')}`;
    const admin = postgres(base, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name}`);
    const u = new URL(base);
    u.pathname = `/${name}`;
    database = await openPostgres(u.toString(), 2);
    env = { DATABASE_URL: u.toString() };
    drop = async () => {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    };
  } else {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bv-hostile-bench-'));
    database = await openPglite({ dir, purpose: 'bench' });
    env = { DATA_DIR: dir };
    drop = async () => fs.rmSync(dir, { recursive: true, force: true });
  }
  await database.migrate();
  await setUp(database, new ManualClock(new Date().toISOString()), 'http://127.0.0.1:9/xta');
  const ags = (await queryRows<{ ags: string }>(database.db, sql`select ags from regions where level = 'MUNICIPALITY' and ags is not null`)).map((r) => r.ags);
  await database.close();
  return { env, ags, drop };
}

type Attack = (i: number) => Promise<string>;

interface Tokens {
  [name: string]: string;
}

/** The attack classes: each returns the outcome of one request. */
async function attacks(url: string, t: Tokens): Promise<Record<string, { lanes: number; run: Attack }>> {
  const pems = await hugePems();
  const nul = nulCases(t.nul!, t.nulCentre!);
  const regionsAt = await largestPageWithin(async (n) => (await call(url, NESTED_REGIONS, { n }, t.budget)).body.errors?.[0]?.message);
  const authoritiesAt = await largestPageWithin(async (n) => (await call(url, NESTED_AUTHORITIES, { n }, t.budget)).body.errors?.[0]?.message);
  const bodyLimit = defaultHttpLimits(false).maxBodyBytes;
  const len = (i: number) => [200, 100, 201][i % 3]!;
  return {
    unicode: {
      lanes: 2,
      run: async (i) =>
        outcome(
          i % 4 === 0 ? await call(url, LOOKUP, { i: growingAddress(i, len(i)) }, t.unicode)
          : i % 4 === 1 ? await call(url, LOOKUP, { i: { city: growing(len(i), i) } }, t.unicode)
          : i % 4 === 2 ? await call(url, BULK_LOOKUP, { i: Array.from({ length: 100 }, (_, k) => growingAddress(i * 100 + k, len(i))) }, t.unicode)
          : await call(url, REGION_SEARCH, { n: growing(len(i), i) }, t.unicode),
        ),
    },
    budget: {
      lanes: 2,
      run: async (i) => {
        const beyond = i % 4 >= 2 ? 1 + (i % 7) * 100 : 0;
        return outcome(i % 2 ? await call(url, NESTED_AUTHORITIES, { n: authoritiesAt + beyond }, t.budget) : await call(url, NESTED_REGIONS, { n: regionsAt + beyond }, t.budget));
      },
    },
    documents: { lanes: 1, run: async (i) => outcome(await call(url, freshDocument(i), { n: 1 }, t.documents)) },
    certificates: {
      lanes: 2,
      run: async (i) => {
        const c = pems[i % pems.length]!;
        return outcome(i % 2 ? await call(url, UPLOAD, { c: c.pem, p: JUNK_PROOF }, t.certificates) : await call(url, CHALLENGE, { c: c.pem }, t.certificates));
      },
    },
    bodies: { lanes: 1, run: async (i) => String((await oversizedPost(url, bodyLimit + 1, i % 2 === 1, { bearer: t.bodies })).status) },
    nul: {
      lanes: 1,
      run: async (i) => {
        const c = nul[i % nul.length]!;
        return outcome(await call(url, c.query, c.variables, c.bearer));
      },
    },
    malformedJson: { lanes: 1, run: async (i) => outcome(await post(url, i % 2 ? '{"query": "{ __typename }", "variables": {' : `{"query": "{ regions(name: \\"${'x'.repeat(i % 50)}`, t.malformed)) },
    floodAnonymous: { lanes: 3, run: async () => outcome(await call(url, '{ __typename }', {})) },
    // A principal with a small quota (DATA_CENTER, 600 a minute) flooding: 429 beyond it, others unaffected.
    floodPrincipal: { lanes: 2, run: async () => outcome(await call(url, '{ me { role } }', {}, t.flood)) },
  };
}

const p = (xs: number[], q: number) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))]! : 0);
const round1 = (x: number) => Math.round(x * 10) / 10;

interface Window {
  normal: number[];
  normalErrors: number;
  attacks: Record<string, Record<string, number>>;
}
const emptyWindow = (): Window => ({ normal: [], normalErrors: 0, attacks: {} });

/** A subject of its own for each attacker and each normal client: each has its own quota. */
async function tokens(keys: TestKeys): Promise<{ t: Tokens; normalTokens: string[] }> {
  const ttl = { expiresIn: SECONDS + 900 };
  const t: Tokens = {};
  for (const name of ['unicode', 'budget', 'documents', 'bodies', 'nul', 'malformed']) t[name] = await token(keys, { role: 'CLIENT', scope: 'ags:05766044', sub: `attacker:${name}`, ...ttl });
  t.certificates = await token(keys, { role: 'DATA_CENTER', scope: 'krz', sub: 'attacker:certificates', ...ttl });
  t.nulCentre = await token(keys, { role: 'DATA_CENTER', scope: 'krz', sub: 'attacker:nul-dc', ...ttl });
  t.flood = await token(keys, { role: 'DATA_CENTER', scope: 'krz', sub: 'attacker:flood', ...ttl });
  const normalTokens = await Promise.all(Array.from({ length: NORMAL_CLIENTS }, (_, k) => token(keys, { role: 'CLIENT', scope: 'ags:05766044', sub: `normal:${k}`, ...ttl })));
  return { t, normalTokens };
}

async function main() {
  const prepared = await prepare();
  const keys = await makeKeys();
  const server = await startServer({ ...prepared.env, SEED_DEMO: 'false', AUTH_JWKS: keys.jwksFile, AUTH_ISSUER: ISSUER, AUTH_AUDIENCE: AUDIENCE, DISPATCHER: 'false' });
  const pid = server.child.pid!;
  const { t, normalTokens } = await tokens(keys);
  const classes = await attacks(server.url, t);
  const loadBefore = os.loadavg();

  let window = emptyWindow();
  const totals = { normal: 0, normalErrors: 0, errorSamples: [] as string[], attacks: {} as Record<string, Record<string, number>>, unexpected: 0 };
  const samples: Record<string, unknown>[] = [];
  const started = Date.now();
  const end = started + SECONDS * 1000;
  const count = (cls: string, o: string) => {
    for (const m of [window.attacks, totals.attacks]) (m[cls] ??= {})[o] = (m[cls]![o] ?? 0) + 1;
    if (/^5|^no answer/.test(o)) totals.unexpected++;
  };
  const normalClient = async (bearer: string) => {
    while (Date.now() < end) {
      const t0 = performance.now();
      try {
        const a = await call(server.url, `query($a: String) { responsibleAuthority(input: { ags: $a }) { status authority { key } } }`, { a: prepared.ags[Math.floor(Math.random() * prepared.ags.length)] }, bearer);
        if (a.status !== 200 || a.body.errors || !a.body.data?.responsibleAuthority?.status) throw new Error(`${a.status} ${JSON.stringify(a.body.errors)}`);
        window.normal.push(performance.now() - t0);
        totals.normal++;
      } catch (e) {
        window.normalErrors++;
        totals.normalErrors++;
        if (totals.errorSamples.length < 10) totals.errorSamples.push((e as Error).message);
      }
      await new Promise((r) => setTimeout(r, Math.max(0, 1000 / NORMAL_RATE - (performance.now() - t0))));
    }
  };
  const attacker = async (cls: string, run: Attack, lane: number, lanes: number) => {
    for (let i = lane; Date.now() < end; i += lanes) {
      try {
        count(cls, await run(i));
      } catch (e) {
        count(cls, `no answer: ${(e as Error).message.slice(0, 60)}`);
      }
    }
  };

  let probe = healthProbe(server.url, 100);
  await eventLoopLagMaxMs(server.url);
  const sampler = setInterval(async () => {
    const w = window;
    window = emptyWindow();
    const health = await probe.stop();
    probe = healthProbe(server.url, 100);
    const alive = server.child.exitCode === null;
    const s = {
      t: Math.round((Date.now() - started) / 1000),
      normal: { lookups: w.normal.length, p50Ms: round1(p(w.normal, 0.5)), p99Ms: round1(p(w.normal, 0.99)), errors: w.normalErrors },
      attacks: w.attacks,
      healthzMaxMs: Math.round(health.maxMs),
      healthzFailures: health.failures.length,
      eventLoopLagMaxMs: alive ? await eventLoopLagMaxMs(server.url).catch(() => NaN) : NaN,
      rssMiB: alive ? Math.round(rssOf(pid) / 1048576) : NaN,
    };
    samples.push(s);
    console.log(JSON.stringify(s));
  }, WINDOW_MS);

  await Promise.all([
    ...normalTokens.map((b) => normalClient(b)),
    ...Object.entries(classes).flatMap(([cls, a]) => Array.from({ length: a.lanes }, (_, lane) => attacker(cls, a.run, lane, a.lanes))),
  ]);
  clearInterval(sampler);
  await probe.stop();
  const died = server.child.exitCode !== null || server.child.pid !== pid;
  const finalHealth = died ? 0 : (await fetch(`${server.url}/healthz`)).status;
  await server.stop();
  await prepared.drop();
  report({ samples, totals, died, finalHealth, loadBefore });
}

function report(r: { samples: Record<string, any>[]; totals: { normal: number; normalErrors: number; errorSamples: string[]; attacks: Record<string, Record<string, number>>; unexpected: number }; died: boolean; finalHealth: number; loadBefore: number[] }) {
  const { samples, totals } = r;
  const third = Math.floor(samples.length / 3);
  const avg = (xs: Record<string, any>[]) => xs.reduce((a, s) => a + (s.rssMiB as number), 0) / Math.max(1, xs.length);
  const middle = avg(samples.slice(third, 2 * third));
  const last = avg(samples.slice(2 * third));
  const growth = middle ? (last - middle) / middle : 0;
  const result = {
    at: new Date().toISOString(),
    machine: `${process.platform} ${process.arch}, ${os.cpus().length} cores, node ${process.version}; shared and loaded: load average ${r.loadBefore.map((x) => x.toFixed(1)).join('/')} before, ${os.loadavg().map((x) => x.toFixed(1)).join('/')} after`,
    engine: process.env.BENCH_DATABASE_URL ? 'postgres' : 'pglite',
    seconds: SECONDS,
    normalClients: { clients: NORMAL_CLIENTS, maxLookupsPerSecondEach: NORMAL_RATE },
    normal: {
      lookups: totals.normal,
      errors: totals.normalErrors,
      errorSamples: totals.errorSamples,
      p50MsWorstWindow: Math.max(...samples.map((s) => s.normal.p50Ms as number)),
      p99MsWorstWindow: Math.max(...samples.map((s) => s.normal.p99Ms as number)),
    },
    attacks: totals.attacks,
    attackAnswersUnexpected: totals.unexpected,
    healthzMaxMs: Math.max(...samples.map((s) => s.healthzMaxMs as number)),
    eventLoopLagMaxMs: Math.max(...samples.map((s) => (Number.isFinite(s.eventLoopLagMaxMs) ? (s.eventLoopLagMaxMs as number) : 0))),
    serverDied: r.died,
    finalHealthz: r.finalHealth,
    rssMiB: { first: samples[0]?.rssMiB, middleThirdAvg: Math.round(middle), lastThirdAvg: Math.round(last), max: Math.max(...samples.map((s) => s.rssMiB as number)) },
    rssGrowthLastVsMiddleThird: `${Math.round(growth * 1000) / 10} %`,
    samples,
  };
  fs.mkdirSync(path.join(here, 'results'), { recursive: true });
  fs.writeFileSync(path.join(here, 'results', 'hostile.json'), JSON.stringify(result, null, 2) + '\n');
  console.log(JSON.stringify({ ...result, samples: undefined }, null, 2));
  if (r.died || r.finalHealth !== 200 || totals.normalErrors || totals.unexpected || growth > 0.15) process.exit(1);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
