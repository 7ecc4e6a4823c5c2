// Soak test: the real server process on PostgreSQL under mixed load over loopback HTTP for
// SOAK_SECONDS (default 600): single lookups, bulk lookups (100 inputs), admin changes and
// dispatches handed off to a loopback receiver. Every 10 s it records throughput, p99 latency,
// errors and the server's RSS.
//   BENCH_DATABASE_URL=postgres://… npm run bench:soak
// Results: bench/results/soak.json. Exits 1 on any error or when RSS keeps growing.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { openPostgres, queryRows, sql } from '../src/db/client.js';
import { ManualClock } from '../src/lib/clock.js';
import { AUDIENCE, ISSUER, makeKeys, token } from '../test/helpers/app.js';
import { receiver, setUp } from '../test/helpers/network.js';
import { startServer } from '../test/helpers/processes.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const SECONDS = Number(process.env.SOAK_SECONDS ?? 600);
const CONCURRENCY = Number(process.env.SOAK_CONCURRENCY ?? 8);
const base = process.env.BENCH_DATABASE_URL;
if (!base) {
  console.error('BENCH_DATABASE_URL is required (the soak test runs against PostgreSQL)');
  process.exit(2);
}

type Op = 'lookup' | 'bulk' | 'admin' | 'dispatch';
const MIX: [Op, number][] = [
  ['lookup', 0.6],
  ['bulk', 0.1],
  ['admin', 0.1],
  ['dispatch', 0.2],
];

function pick(): Op {
  let r = Math.random();
  for (const [op, w] of MIX) if ((r -= w) < 0) return op;
  return 'lookup';
}

const p = (xs: number[], q: number) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))]! : 0);

async function main() {
  const name = `bv_soak_${randomBytes(4).toString('hex')}`;
  const admin = postgres(base!, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const u = new URL(base!);
  u.pathname = `/${name}`;
  const url = u.toString();
  const rx = await receiver();
  const keys = await makeKeys();
  const d = await openPostgres(url, 2);
  await d.migrate();
  const net = await setUp(d, new ManualClock(new Date().toISOString()), rx.url);
  await rx.setKey(net.privateJwk);
  const agsList = (await queryRows<{ ags: string }>(d.db, sql`select ags from regions where level = 'MUNICIPALITY' and ags is not null`)).map((r) => r.ags);
  await d.close();

  const server = await startServer({
    DATABASE_URL: url,
    SEED_DEMO: 'false',
    AUTH_JWKS: keys.jwksFile,
    AUTH_ISSUER: ISSUER,
    AUTH_AUDIENCE: AUDIENCE,
    LOG_LEVEL: 'info',
    DISPATCH_INTERVAL_MS: '200',
    RATE_LIMITS: 'off',
  });
  const pid = server.child.pid!;
  const rss = () => Number(/VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024;
  const client = await token(keys, { role: 'CLIENT', scope: 'ags:05766044', expiresIn: SECONDS + 600 });
  const adminToken = await token(keys, { role: 'ADMIN', expiresIn: SECONDS + 600 });
  const call = async (bearer: string, query: string, variables: Record<string, unknown>) => {
    const res = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as { errors?: { message: string }[] };
    if (res.status !== 200 || body.errors) throw new Error(`${res.status} ${JSON.stringify(body.errors)}`);
    return body;
  };
  const randomAgs = () => agsList[Math.floor(Math.random() * agsList.length)]!;
  let version = 1;
  let seq = 0;
  const run: Record<Op, () => Promise<unknown>> = {
    lookup: () => call(client, `query($a: String) { responsibleAuthority(input: { ags: $a }) { status authority { key } } }`, { a: randomAgs() }),
    bulk: () => call(client, `query($i: [JurisdictionInput!]!) { responsibleAuthorities(inputs: $i) { status } }`, { i: Array.from({ length: 100 }, () => ({ ags: randomAgs() })) }),
    admin: async () => {
      // One writer at a time keeps expectedVersion right; the change reaches the index through NOTIFY.
      const r = (await call(adminToken, `mutation($v: Int!, $n: String!) { updateAuthority(key: "ags:05766044", expectedVersion: $v, input: { name: $n }) { version } }`, {
        v: version,
        n: `Lemgo ${seq}`,
      })) as { data: { updateAuthority: { version: number } } };
      version = r.data.updateAuthority.version;
    },
    dispatch: () =>
      call(client, `mutation($i: DispatchInput!) { dispatch(input: $i) { id } }`, {
        i: { idempotencyKey: `soak-${++seq}-${Date.now()}`, senderKey: 'ags:05766044', messageType: '100', recipientKey: 'ags:05766020', reference: `S-${seq}`, payload: randomBytes(2048).toString('base64'), fileName: 'x.xml', contentType: 'application/xml' },
      }),
  };

  const samples: Record<string, unknown>[] = [];
  let window: Record<Op, number[]> = { lookup: [], bulk: [], admin: [], dispatch: [] };
  let errors = 0;
  const errorSamples: string[] = [];
  let adminBusy = false;
  const started = Date.now();
  const end = started + SECONDS * 1000;
  let dispatched = 0;
  const worker = async () => {
    while (Date.now() < end) {
      let op = pick();
      if (op === 'admin' && adminBusy) op = 'lookup';
      if (op === 'admin') adminBusy = true;
      const t0 = performance.now();
      try {
        await run[op]();
        window[op].push(performance.now() - t0);
        if (op === 'dispatch') dispatched++;
      } catch (e) {
        errors++;
        if (errorSamples.length < 10) errorSamples.push(`${op}: ${(e as Error).message}`);
      } finally {
        if (op === 'admin') adminBusy = false;
      }
    }
  };
  const sampler = setInterval(() => {
    const all = Object.values(window).flat();
    const s = {
      t: Math.round((Date.now() - started) / 1000),
      requestsPerSecond: Math.round(all.length / 10),
      p99Ms: Math.round(p(all, 0.99) * 10) / 10,
      p99ByOp: Object.fromEntries(Object.entries(window).map(([k, v]) => [k, Math.round(p(v, 0.99) * 10) / 10])),
      errors,
      rssMiB: Math.round(rss() / 1048576),
      handedOff: rx.received.length,
    };
    samples.push(s);
    console.log(JSON.stringify(s));
    window = { lookup: [], bulk: [], admin: [], dispatch: [] };
  }, 10_000);
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  clearInterval(sampler);
  // Let the dispatcher drain, then compare.
  const drainUntil = Date.now() + 60_000;
  while (rx.received.length < dispatched && Date.now() < drainUntil) await new Promise((r) => setTimeout(r, 500));
  const duplicates = rx.deliveryIds().length - new Set(rx.deliveryIds()).size;
  await server.stop();
  await rx.close();
  await admin.unsafe(`drop database if exists ${name} with (force)`);
  await admin.end();

  const third = Math.floor(samples.length / 3);
  const avg = (xs: Record<string, unknown>[]) => xs.reduce((a, s) => a + (s.rssMiB as number), 0) / Math.max(1, xs.length);
  const middle = avg(samples.slice(third, 2 * third));
  const last = avg(samples.slice(2 * third));
  const growth = middle ? (last - middle) / middle : 0;
  const result = {
    at: new Date().toISOString(),
    machine: `${process.platform} ${process.arch}, node ${process.version}`,
    seconds: SECONDS,
    concurrency: CONCURRENCY,
    mix: Object.fromEntries(MIX),
    totalRequests: samples.reduce((a, s) => a + (s.requestsPerSecond as number) * 10, 0),
    errors,
    errorSamples,
    dispatched,
    handedOff: rx.received.length,
    duplicateHandOffs: duplicates,
    rssMiB: { first: samples[0]?.rssMiB, middleThirdAvg: Math.round(middle), lastThirdAvg: Math.round(last), max: Math.max(...samples.map((s) => s.rssMiB as number)) },
    rssGrowthLastVsMiddleThird: Math.round(growth * 1000) / 10 + ' %',
    p99MsOverall: Math.max(...samples.map((s) => s.p99Ms as number)),
    samples,
  };
  fs.mkdirSync(path.join(here, 'results'), { recursive: true });
  fs.writeFileSync(path.join(here, 'results', 'soak.json'), JSON.stringify(result, null, 2) + '\n');
  console.log(JSON.stringify({ ...result, samples: undefined }, null, 2));
  if (errors || growth > 0.15 || dispatched !== rx.received.length - duplicates) process.exit(1);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
