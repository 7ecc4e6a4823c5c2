// Benchmark: jurisdiction lookups over real HTTP on loopback, on the national data set (GV100AD
// 2025 + postcode mapping + one demo authority per Gemeindeverband), on PGlite and on PostgreSQL.
//   npm run bench:lookup            (PostgreSQL too when BENCH_DATABASE_URL is set)
// Measures, against one server process: a trivial query `{ __typename }`, single lookups
// (`responsibleAuthority`, a different address each request) and bulk lookups
// (`responsibleAuthorities`, 1,000 addresses per request), public register reads (`municipality`,
// `region`, `regions` by parent and by name prefix, `postalCode`); throughput, p50/p99 latency,
// each kind's ratio to the trivial query of the same run, server RSS.
// Results: bench/results/lookup.json.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { decodeText, splitLines } from '../src/lib/text-file.js';
import { signDevToken } from '../src/modules/auth/dev-keys.js';
import { parseGv100ad } from '../src/modules/regions/gv100ad.parser.js';
import { addresses, check, CONNECTIONS, DURATION, EDITION, here, load, pin, POSTCODES, prepare, rssMb, RUNTIME, startServer, type Measured } from './national.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

/** Request bodies for the public register reads, keys taken from the edition and the postcode mapping. */
function registerBodies(): Record<string, string[]> {
  const records = parseGv100ad(splitLines(decodeText(fs.readFileSync(EDITION)).text), 'GV100AD').records;
  const pick = <T>(list: T[], n: number) => Array.from({ length: n }, (_, i) => list[Math.floor((i * list.length) / n)]!);
  const municipalities = records.filter((r) => r.level === 'MUNICIPALITY');
  const districts = records.filter((r) => r.level === 'DISTRICT').map((r) => r.ars);
  const postcodes = [...new Set(fs.readFileSync(POSTCODES, 'utf8').trim().split('\n').slice(1).map((l) => l.split(',')[3]!.padStart(5, '0')))];
  const body = (query: string, values: string[]) => values.map((v) => JSON.stringify({ query, variables: { v } }));
  return {
    municipality: body(
      'query($v: String!) { municipality(ags: $v) { ags ars name type population district { name } state { name } } }',
      pick(municipalities, 2000).map((m) => m.ags!),
    ),
    region: body('query($v: String!) { region(ars: $v) { level ars name parent { ars name } } }', pick(records, 2000).map((r) => r.ars)),
    regionsByParent: body(
      'query($v: String) { regions(parentArs: $v, level: MUNICIPALITY, first: 20) { totalCount edges { cursor node { ars name } } pageInfo { hasNextPage endCursor } } }',
      districts,
    ),
    regionsByName: body(
      'query($v: String) { regions(name: $v, first: 20) { totalCount edges { cursor node { level ars name } } pageInfo { hasNextPage endCursor } } }',
      pick(municipalities, 2000).map((m) => m.name.slice(0, 4)),
    ),
    postalCode: body('query($v: String!) { postalCode(postcode: $v) { postcode ags locality municipality { name } } }', pick(postcodes, 2000)),
  };
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
    const addr = addresses(20_000);
    const single = addr.map((a) =>
      JSON.stringify({
        query: 'query($i: JurisdictionInput!) { responsibleAuthority(input: $i) { status authority { key name postalAddress { street houseNumber postalCode city } } } }',
        variables: { i: { address: a, messageType: '100' } },
      }),
    );
    const bulk = Array.from({ length: 20 }, (_, k) =>
      JSON.stringify({
        query: 'query($i: [JurisdictionInput!]!) { responsibleAuthorities(inputs: $i) { status authority { key name postalAddress { street houseNumber postalCode city } } } }',
        variables: { i: addr.slice(k * 1000, (k + 1) * 1000).map((a) => ({ address: a })) },
      }),
    );
    const trivial = [JSON.stringify({ query: '{ __typename }' })];
    const register = registerBodies();
    const sample = (await check(server.url, token, single[0]!)) as { responsibleAuthority: { status: string } };
    if (sample.responsibleAuthority.status !== 'RESOLVED') throw new Error(`sample lookup: ${JSON.stringify(sample)}`);
    for (const bodies of Object.values(register)) await check(server.url, token, bodies[0]!);
    // Warm-up (JIT, compiled queries), then ROUNDS interleaved rounds of trivial, single and the
    // register reads; medians.
    await load(server.url, token, single, 1);
    await load(server.url, token, trivial, 1);
    for (const bodies of Object.values(register)) await load(server.url, token, bodies, 1, CONNECTIONS, 2);
    const trivialRuns: Measured[] = [];
    const singleRuns: Measured[] = [];
    const registerRuns: Record<string, Measured[]> = Object.fromEntries(Object.keys(register).map((k) => [k, []]));
    for (let round = 0; round < ROUNDS; round++) {
      trivialRuns.push(await load(server.url, token, trivial, 1));
      singleRuns.push(await load(server.url, token, single, 1));
      for (const [kind, bodies] of Object.entries(register)) registerRuns[kind]!.push(await load(server.url, token, bodies, 1));
    }
    const bulkRun = await load(server.url, token, bulk, 1000, 2);
    const rssAfter = rssMb(server.child.pid!);
    const median = (runs: Measured[]) => [...runs].sort((a, b) => a.requestsPerSec - b.requestsPerSec)[Math.floor(runs.length / 2)]!;
    const t = median(trivialRuns);
    const s = median(singleRuns);
    const ratio = (m: Measured) => Number((m.requestsPerSec / t.requestsPerSec).toFixed(3));
    const registerReads = Object.fromEntries(
      Object.entries(registerRuns).map(([kind, runs]) => {
        const m = median(runs);
        return [kind, { ...m, vsTrivial: ratio(m) }];
      }),
    );
    return {
      engine,
      dataSet: { edition: '2025-11-30', demoAuthorities: demo.created, jurisdictions: demo.jurisdictionsCreated },
      trivial: t,
      single: s,
      singleVsTrivial: ratio(s),
      registerReads,
      bulk: bulkRun,
      bulkAddressesPerTrivialRequest: Number((bulkRun.itemsPerSec / t.requestsPerSec).toFixed(1)),
      loadAverage: os.loadavg().map((l) => Number(l.toFixed(2))),
      serverRssMb: { idleWithDataSet: rssIdle, afterLoad: rssAfter },
      runs: { trivial: trivialRuns, single: singleRuns, ...registerRuns },
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
  settings: { runtime: RUNTIME, durationSeconds: DURATION, rounds: ROUNDS, connections: CONNECTIONS, bulkConnections: 2, bulkBatch: 1000, pinnedCores: pin },
  results,
};
fs.mkdirSync(path.join(here, 'results'), { recursive: true });
fs.writeFileSync(path.join(here, 'results', 'lookup.json'), JSON.stringify(out, null, 2) + '\n');
for (const r of results) {
  console.log(
    `[${r.engine}] trivial ${r.trivial.requestsPerSec} req/s | single ${r.single.requestsPerSec} req/s (p50 ${r.single.latencyP50Ms} ms, p99 ${r.single.latencyP99Ms} ms, ${r.singleVsTrivial} × trivial) | bulk ${r.bulk.itemsPerSec} addresses/s = ${r.bulkAddressesPerTrivialRequest} per trivial request (p99 ${r.bulk.latencyP99Ms} ms) | RSS ${r.serverRssMb.idleWithDataSet} → ${r.serverRssMb.afterLoad} MB | load average ${r.loadAverage.join(' ')}`,
  );
  for (const [kind, m] of Object.entries(r.registerReads)) {
    console.log(`[${r.engine}, ${RUNTIME}]   ${kind}: ${m.requestsPerSec} req/s (p50 ${m.latencyP50Ms} ms, p99 ${m.latencyP99Ms} ms) = ${m.vsTrivial} × trivial`);
  }
  const all = [r.trivial, r.single, r.bulk, ...Object.values(r.registerReads)];
  console.log(`[${r.engine}]   errors ${all.reduce((n, m) => n + m.errors, 0)}, non-2xx ${all.reduce((n, m) => n + m.non2xx, 0)}`);
}
