// Benchmark: jurisdiction lookups over real HTTP on loopback, on the national data set (GV100AD
// 2025 + postcode mapping + one demo authority per Gemeindeverband), on PGlite and on PostgreSQL.
//   npm run bench:lookup            (PostgreSQL too when BENCH_DATABASE_URL is set)
// Measures, against one server process: a trivial query `{ __typename }`, single lookups
// (`responsibleAuthority`, a different address each request) and bulk lookups
// (`responsibleAuthorities`, 1,000 addresses per request), public register reads (`municipality`,
// `region`, `regions` by parent and by name prefix, `postalCode`); throughput, p50/p99 latency,
// each kind's ratio to the trivial query measured beside it (see PAIRS), server RSS.
// Results: bench/results/lookup.json.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { signDevToken } from '../src/modules/auth/dev-keys.js';
import { check, CONNECTIONS, DURATION, here, load, pin, prepare, rssMb, RUNTIME, startServer, workloads, type Measured } from './national.js';

// A shared virtual machine's speed drifts by 2× within a minute (the same trivial query cost 147 to
// 330 µs of CPU in consecutive 5-s runs), so long runs one after another compare different machines.
// Each kind is measured in PAIRS short slices next to the trivial query, the order alternating, and
// the ratio is the median of the pairs' ratios.
const PAIRS = Number(process.env.BENCH_PAIRS ?? 8);
const SLICE = Number(process.env.BENCH_SLICE_SECONDS ?? 2);
// BENCH_KINDS=single,bulk measures only those kinds (a quick check while working; record full runs).
const ONLY = process.env.BENCH_KINDS?.split(',');

interface Paired {
  /** the kind's median slice (by items per second) */
  median: Measured;
  /** median over the pairs of: the kind's items per second ÷ the trivial query's requests per second */
  vsTrivial: number;
  /** the lowest and highest pair ratio */
  range: [number, number];
  /** the same by the server's CPU per request: trivial's CPU ÷ the kind's CPU per item */
  cpuVsTrivial: number;
  trivialRuns: Measured[];
  runs: Measured[];
}

const middle = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const middleRun = (runs: Measured[]) => [...runs].sort((a, b) => a.itemsPerSec - b.itemsPerSec)[Math.floor(runs.length / 2)]!;
const round3 = (x: number) => Number(x.toFixed(3));

async function pairs(trivial: () => Promise<Measured>, kind: () => Promise<Measured>): Promise<Paired> {
  const trivialRuns: Measured[] = [];
  const runs: Measured[] = [];
  for (let i = 0; i < PAIRS; i++) {
    if (i % 2 === 0) trivialRuns.push(await trivial());
    runs.push(await kind());
    if (i % 2 === 1) trivialRuns.push(await trivial());
  }
  const ratios = runs.map((k, i) => k.itemsPerSec / trivialRuns[i]!.requestsPerSec);
  const cpu = runs.map((k, i) => trivialRuns[i]!.cpuUsPerRequest! / (k.cpuUsPerRequest! / (k.itemsPerSec / k.requestsPerSec || 1)));
  return { median: middleRun(runs), vsTrivial: round3(middle(ratios)), range: [round3(Math.min(...ratios)), round3(Math.max(...ratios))], cpuVsTrivial: round3(middle(cpu)), trivialRuns, runs };
}

async function runEngine(engine: 'pglite' | 'postgres') {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bv-lookup-bench-'));
  let databaseUrl: string | undefined;
  let dropDb: (() => Promise<void>) | undefined;
  if (engine === 'postgres') {
    const base = process.env.BENCH_DATABASE_URL!;
    const name = `bv_bench_${process.pid}`;
    const admin = postgres(base, { max: 1, onnotice: () => {} });
    await admin.unsafe(`drop database if exists ${name}`);
    await admin.unsafe(`create database ${name}`);
    const u = new URL(base);
    u.pathname = `/${name}`;
    databaseUrl = u.toString();
    dropDb = async () => {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    };
  }
  const t0 = performance.now();
  const demo = await prepare({ databaseUrl, dataDir });
  console.log(`[${engine}] national data set loaded in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${demo.created} demo authorities, ${demo.electronic} electronic`);
  const server = await startServer({ DATA_DIR: dataDir, ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) });
  try {
    const token = await signDevToken(dataDir, { role: 'CLIENT', scope: 'demo:057660044', ttl: 3600 });
    const rssIdle = rssMb(server.child.pid!);
    const { single, bulk, trivial, register } = workloads();
    const sample = (await check(server.url, token, single[0]!)) as { responsibleAuthority: { status: string } };
    if (sample.responsibleAuthority.status !== 'RESOLVED') throw new Error(`sample lookup: ${JSON.stringify(sample)}`);
    for (const bodies of Object.values(register)) await check(server.url, token, bodies[0]!);
    // Warm-up (JIT, compiled queries), then each kind in PAIRS short pairs with the trivial query.
    await load(server.url, token, single, 1);
    await load(server.url, token, trivial, 1);
    for (const bodies of Object.values(register)) await load(server.url, token, bodies, 1, CONNECTIONS, 2);
    const pid = server.child.pid!;
    const measure = (bodies: string[], items: number, connections: number) => load(server.url, token, bodies, items, connections, SLICE, pid);
    const kinds: Record<string, { bodies: string[]; items: number; connections: number }> = {
      single: { bodies: single, items: 1, connections: CONNECTIONS },
      ...Object.fromEntries(Object.entries(register).map(([k, bodies]) => [k, { bodies, items: 1, connections: CONNECTIONS }])),
      bulk: { bodies: bulk, items: 1000, connections: 2 },
    };
    for (const k of ONLY ?? []) if (!kinds[k]) throw new Error(`BENCH_KINDS: unknown kind ${k}; known: ${Object.keys(kinds).join(', ')}`);
    const paired: Record<string, Paired> = {};
    for (const [kind, k] of Object.entries(kinds)) if (!ONLY || ONLY.includes(kind)) paired[kind] = await pairs(() => measure(trivial, 1, CONNECTIONS), () => measure(k.bodies, k.items, k.connections));
    const rssAfter = rssMb(server.child.pid!);
    const { single: s, bulk: b, ...registerReads } = paired;
    return {
      engine,
      dataSet: { edition: '2025-11-30', demoAuthorities: demo.created, jurisdictions: demo.jurisdictionsCreated },
      trivial: middleRun(Object.values(paired).flatMap((p) => p.trivialRuns)),
      single: s!,
      registerReads,
      bulk: b!,
      loadAverage: os.loadavg().map((l) => Number(l.toFixed(2))),
      serverRssMb: { idleWithDataSet: rssIdle, afterLoad: rssAfter },
    };
  } finally {
    server.child.kill('SIGTERM');
    await new Promise((r) => server.child.on('exit', r));
    await dropDb?.();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

const results = [await runEngine('pglite')];
if (process.env.BENCH_DATABASE_URL) results.push(await runEngine('postgres'));
const out = {
  date: new Date().toISOString(),
  machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memGb: Math.round(os.totalmem() / 2 ** 30), node: process.version },
  settings: { kinds: ONLY ?? 'all', runtime: RUNTIME, durationSeconds: DURATION, pairs: PAIRS, sliceSeconds: SLICE, connections: CONNECTIONS, bulkConnections: 2, bulkBatch: 1000, pinnedCores: pin },
  results,
};
fs.mkdirSync(path.join(here, 'results'), { recursive: true });
fs.writeFileSync(path.join(here, 'results', ONLY ? 'lookup-partial.json' : 'lookup.json'), JSON.stringify(out, null, 2) + '\n');
for (const r of results) {
  const t = r.trivial;
  console.log(`[${r.engine}, ${RUNTIME}] trivial ${t.requestsPerSec} req/s (${t.cpuUsPerRequest} µs CPU each) | RSS ${r.serverRssMb.idleWithDataSet} → ${r.serverRssMb.afterLoad} MB | load average ${r.loadAverage.join(' ')}`);
  for (const [kind, p] of Object.entries({ single: r.single, ...r.registerReads, bulk: r.bulk })) {
    if (!p) continue;
    const m = p.median;
    const unit = kind === 'bulk' ? 'addresses per trivial request' : '× trivial';
    console.log(`[${r.engine}]   ${kind}: ${m.itemsPerSec} items/s (p50 ${m.latencyP50Ms} ms, p99 ${m.latencyP99Ms} ms) = ${p.vsTrivial} ${unit} (pairs ${p.range.join('–')}; by CPU ${p.cpuVsTrivial})`);
  }
  const all = Object.values({ single: r.single, ...r.registerReads, bulk: r.bulk }).flatMap((p) => (p ? [...p.runs, ...p.trivialRuns] : []));
  console.log(`[${r.engine}]   errors ${all.reduce((n, m) => n + m.errors, 0)}, non-2xx ${all.reduce((n, m) => n + m.non2xx, 0)}`);
}
