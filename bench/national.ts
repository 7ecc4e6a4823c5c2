// Shared by the benchmarks on the national data set (lookup, CSV): the data set loaded into a fresh
// database, addresses drawn from the postcode mapping, the server started as `npm start` runs it
// (pinned to core 0, the load generator to core 1), and autocannon runs.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { openDatabase } from '../src/db/client.js';
import { decodeText, splitLines } from '../src/lib/text-file.js';
import { systemClock, today } from '../src/lib/clock.js';
import { generateDemoAuthorities } from '../src/modules/authorities/demo-authorities.js';
import { importPostcodes } from '../src/modules/postcodes/postcodes.import.js';
import { importGv100ad } from '../src/modules/regions/gv100ad.import.js';
import { parseGv100ad } from '../src/modules/regions/gv100ad.parser.js';

export const here = path.dirname(fileURLToPath(import.meta.url));
export const root = path.resolve(here, '..');
export const shared = process.env.BV_SHARED_DATA ?? path.resolve(root, '../shared/data');
export const EDITION = path.join(shared, 'gv100ad/GV100AD_30112025.txt');
export const POSTCODES = path.join(shared, 'postcodes/zuordnung_plz_ort.csv');
export const DURATION = Number(process.env.BENCH_SECONDS ?? 10);
export const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 8);
export const actor = { id: 'bench' };

for (const f of [EDITION, POSTCODES]) {
  if (!fs.existsSync(f)) {
    console.error(`needs ${f} (set BV_SHARED_DATA)`);
    process.exit(1);
  }
}

/** Loads the national data set into an empty database. */
export async function prepare(settings: { databaseUrl?: string; dataDir: string }) {
  const db = await openDatabase({ databaseUrl: settings.databaseUrl, databasePoolSize: 2, dataDir: settings.dataDir }, 'bench prepare');
  try {
    await db.migrate();
    await importGv100ad(db.db, systemClock, { bytes: fs.readFileSync(EDITION), fileName: 'GV100AD_30112025.txt', actor });
    await importPostcodes(db.db, systemClock, { bytes: fs.readFileSync(POSTCODES), fileName: 'zuordnung_plz_ort.csv', actor });
    return await generateDemoAuthorities(db.db, systemClock, { at: today(systemClock), actor });
  } finally {
    await db.close();
  }
}

/** Addresses from the postcode mapping: real postcode + locality pairs, invented street and number. */
export function addresses(n: number) {
  const lines = fs.readFileSync(POSTCODES, 'utf8').trim().split('\n').slice(1);
  const out: { street: string; houseNumber: string; postalCode: string; city: string }[] = [];
  let seed = 42;
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let i = 0; i < n; i++) {
    const f = lines[Math.floor(rnd() * lines.length)]!.split(',');
    out.push({ street: 'Hauptstraße', houseNumber: String(1 + Math.floor(rnd() * 150)), postalCode: f[3]!.padStart(5, '0'), city: f[2]! });
  }
  return out;
}

/** Request bodies for the public register reads, keys taken from the edition and the postcode mapping. */
export function registerBodies(): Record<string, string[]> {
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



/** The request bodies of the lookup benchmark and the profiles: one kind of request each. */
export function workloads() {
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
  return { single, bulk, trivial: [JSON.stringify({ query: '{ __typename }' })], register: registerBodies() };
}

export function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : -1;
}

// On a 2-core machine the load generator and the server compete for CPU; pinning the server to
// core 0 and this process (autocannon) to core 1 measures the server, not the contention.
export const pin = spawnSync('taskset', ['--version']).status === 0 && os.cpus().length >= 2;
if (pin) spawnSync('taskset', ['-cp', '1', String(process.pid)]);

// The server as `npm start` runs it: compiled under plain node when build/ is current, else under
// tsx; BENCH_RUNTIME=tsx|node forces one (node needs `npm run build` first).
export const RUNTIME = process.env.BENCH_RUNTIME ?? (fs.existsSync(path.join(root, 'build/.built')) ? 'node' : 'tsx');
const serverArgs = RUNTIME === 'node' ? ['build/src/main.js'] : ['--import', 'tsx', 'src/main.ts'];

/** Starts the server; nodeArgs go to node before the entry (e.g. --cpu-prof for bench/profile.ts). */
export async function startServer(env: Record<string, string>, nodeArgs: string[] = []): Promise<{ child: ChildProcess; url: string }> {
  const argv = [...nodeArgs, ...serverArgs];
  const [cmd, args] = pin ? ['taskset', ['-c', '0', process.execPath, ...argv]] : [process.execPath, argv];
  const child = spawn(cmd as string, args as string[], {
    cwd: root,
    env: { ...process.env, ...env, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info', SEED_DEMO: 'false', NODE_ENV: 'development', RATE_LIMITS: 'off' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let buf = '';
    child.stdout!.on('data', (d) => {
      buf += d;
      const m = /"url":"(http:\/\/[^"]+)\/graphql".*"msg":"ready"/.exec(buf);
      if (m) resolve({ child, url: m[1]! });
    });
    child.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
}

/** CPU time (user + system, all threads) a process has used, in ms. */
export function cpuMs(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
  // utime and stime are fields 14 and 15 of stat, 12 and 13 after the command name; clock ticks of 10 ms.
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

export interface Measured {
  requestsPerSec: number;
  /** the server's CPU time per request (when its pid was given): throughput's noise-free counterpart */
  cpuUsPerRequest?: number;
  itemsPerSec: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  errors: number;
  non2xx: number;
}

export async function load(url: string, token: string, bodies: string[], itemsPerRequest: number, connections = CONNECTIONS, seconds = DURATION, pid?: number): Promise<Measured> {
  let i = 0;
  const cpu0 = pid ? cpuMs(pid) : 0;
  const result = await autocannon({
    url: `${url}/graphql`,
    method: 'POST',
    connections,
    duration: seconds,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    requests: [{ setupRequest: (req) => ({ ...req, body: bodies[i++ % bodies.length] }) }],
  });
  const cpu = pid ? cpuMs(pid) - cpu0 : 0;
  return {
    requestsPerSec: Math.round(result.requests.average),
    ...(pid && result.requests.total ? { cpuUsPerRequest: Math.round((cpu * 1000) / result.requests.total) } : {}),
    itemsPerSec: Math.round(result.requests.average * itemsPerRequest),
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

export async function check(url: string, token: string, body: string) {
  const res = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body });
  const json = (await res.json()) as { errors?: unknown[]; data?: unknown };
  if (json.errors) throw new Error(`query failed: ${JSON.stringify(json.errors)}`);
  return json.data;
}
