// Benchmark: the CSV CLI (`npm run cli -- resolve`) on the national data set, in the main thread
// (--workers 0) and on one worker per core, against GraphQL bulk resolution (`responsibleAuthorities`,
// 1,000 addresses per request, 2 connections) measured in the same run; the same addresses
// drawn from the postcode mapping. Wall time includes the CLI's start-up (reading the directory); the
// start-up alone is timed on a one-row file, and the steady rate (warm code, lazily built indexes
// in place: what a file of millions of rows sees, as GraphQL bulk is measured on a warm server) from
// the wall times of a third of the file and all of it. Prints rows/s, the ratios to the bulk
// addresses/s, peak RSS and the estimate for the 70.8 million records of the 2018 reconciliation
// (start-up + records at the steady rate). Results: bench/results/csv.json.
//   npm run bench:csv        (BENCH_CSV_ROWS, default 300000)
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { signDevToken } from '../src/modules/auth/dev-keys.js';
import { addresses, here, load, pin, prepare, root, RUNTIME, startServer } from './national.js';

const ROWS = Number(process.env.BENCH_CSV_ROWS ?? 300_000);
const RECONCILIATION_RECORDS = 70_800_000;

function writeInput(file: string): void {
  const out = fs.openSync(file, 'w');
  fs.writeSync(out, 'id,street,houseNumber,postalCode,city\n');
  const all = addresses(ROWS);
  for (let i = 0; i < all.length; i += 10_000) {
    const lines = all.slice(i, i + 10_000).map((a, k) => `${i + k},${a.street},${a.houseNumber},${a.postalCode},${a.city}\n`);
    fs.writeSync(out, lines.join(''));
  }
  fs.closeSync(out);
}

/** One CLI run: wall time and the peak RSS of its process (main thread and workers). */
async function cli(dataDir: string, input: string, output: string, workers: number, rows = ROWS) {
  const args = RUNTIME === 'node' ? ['build/src/cli/main.js'] : ['--import', 'tsx', 'src/cli/main.ts'];
  const all = ['resolve', input, '--out', output, '--workers', String(workers), '--at', '2026-11-22'];
  // The benchmark itself is pinned to one core; the CLI may use them all.
  const [cmd, argv] = pin ? ['taskset', ['-c', `0-${os.cpus().length - 1}`, process.execPath, ...args, ...all]] : [process.execPath, [...args, ...all]];
  const started = performance.now();
  const child = spawn(cmd as string, argv as string[], { cwd: root, env: { ...process.env, DATA_DIR: dataDir, SEED_DEMO: 'false' }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  let peak = 0;
  const poll = setInterval(() => {
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (m) peak = Math.max(peak, Math.round(Number(m[1]) / 1024));
    } catch {
      /* ended */
    }
  }, 100);
  const code = await new Promise<number | null>((r) => child.on('exit', r));
  clearInterval(poll);
  if (code !== 0) throw new Error(`resolve --workers ${workers} failed: ${stderr}`);
  const seconds = (performance.now() - started) / 1000;
  return { workers, seconds: Number(seconds.toFixed(2)), rowsPerSec: Math.round(rows / seconds), peakRssMb: peak };
}

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bv-csv-bench-'));
try {
  await prepare({ dataDir });
  const input = path.join(dataDir, 'addresses.csv');
  writeInput(input);
  // The start-up (opening the database, reading the directory, an index per worker) is the wall time
  // of a one-row file. The steady rate, what a file of millions of rows sees once the code is warm
  // and the lazily built indexes exist, is the marginal one: the rows between a third of the file and
  // all of it over the difference of the two wall times. Each run is the faster of two (the machine's
  // speed drifts).
  const oneRow = path.join(dataDir, 'one.csv');
  const third = path.join(dataDir, 'third.csv');
  const lines = fs.readFileSync(input, 'utf8').split('\n');
  fs.writeFileSync(oneRow, lines.slice(0, 2).join('\n') + '\n');
  const THIRD = Math.floor(ROWS / 3);
  fs.writeFileSync(third, lines.slice(0, THIRD + 1).join('\n') + '\n');
  const faster = async (file: string, workers: number, rows: number) => {
    const a = await cli(dataDir, file, path.join(dataDir, `out-${workers}.csv`), workers, rows);
    const b = await cli(dataDir, file, path.join(dataDir, `out-${workers}.csv`), workers, rows);
    return a.seconds <= b.seconds ? a : b;
  };
  const runs = [];
  for (const workers of [0, os.cpus().length]) {
    const startUp = (await faster(oneRow, workers, 1)).seconds;
    const part = await faster(third, workers, THIRD);
    const run = await faster(input, workers, ROWS);
    runs.push({
      ...run,
      startUpSeconds: startUp,
      rowsPerSecAfterStartUp: Math.round(ROWS / Math.max(run.seconds - startUp, 0.001)),
      steadyRowsPerSec: Math.round((ROWS - THIRD) / Math.max(run.seconds - part.seconds, 0.001)),
    });
  }
  const same = fs.readFileSync(path.join(dataDir, 'out-0.csv')).equals(fs.readFileSync(path.join(dataDir, `out-${os.cpus().length}.csv`)));
  if (!same) throw new Error('the outputs of the main thread and the workers differ');

  // GraphQL bulk on the same data set, same addresses, with its trivial baseline.
  const server = await startServer({ DATA_DIR: dataDir });
  let trivial, bulk;
  try {
    const token = await signDevToken(dataDir, { role: 'CLIENT', scope: 'demo:057660044', ttl: 3600 });
    const addr = addresses(20_000);
    const bodies = Array.from({ length: 20 }, (_, k) =>
      JSON.stringify({
        query: 'query($i: [JurisdictionInput!]!) { responsibleAuthorities(inputs: $i) { status authority { key name postalAddress { street houseNumber postalCode city } } } }',
        variables: { i: addr.slice(k * 1000, (k + 1) * 1000).map((a) => ({ address: a })) },
      }),
    );
    await load(server.url, token, bodies, 1000, 2);
    trivial = await load(server.url, token, [JSON.stringify({ query: '{ __typename }' })], 1);
    bulk = await load(server.url, token, bodies, 1000, 2);
  } finally {
    server.child.kill('SIGTERM');
    await new Promise((r) => server.child.on('exit', r));
  }
  const best = runs.at(-1)!;
  const out = {
    date: new Date().toISOString(),
    machine: { cpus: os.cpus().length, node: process.version, loadAverage: os.loadavg().map((l) => Number(l.toFixed(2))) },
    settings: { rows: ROWS, runtime: RUNTIME, pinnedServer: pin },
    cli: runs,
    graphql: { trivialRequestsPerSec: trivial.requestsPerSec, bulkAddressesPerSec: bulk.itemsPerSec, bulkP99Ms: bulk.latencyP99Ms },
    workersVsBulk: Number((best.rowsPerSec / bulk.itemsPerSec).toFixed(2)),
    workersVsBulkAfterStartUp: Number((best.rowsPerSecAfterStartUp / bulk.itemsPerSec).toFixed(2)),
    workersVsBulkSteady: Number((best.steadyRowsPerSec / bulk.itemsPerSec).toFixed(2)),
    workersVsMainThread: Number((best.rowsPerSec / runs[0]!.rowsPerSec).toFixed(2)),
    reconciliationHours: Number(((best.startUpSeconds + RECONCILIATION_RECORDS / best.steadyRowsPerSec) / 3600).toFixed(2)),
  };
  fs.mkdirSync(path.join(here, 'results'), { recursive: true });
  fs.writeFileSync(path.join(here, 'results', 'csv.json'), JSON.stringify(out, null, 2) + '\n');
  for (const r of runs) {
    console.log(`[csv, ${RUNTIME}] --workers ${r.workers}: ${ROWS} rows in ${r.seconds} s = ${r.rowsPerSec} rows/s; start-up ${r.startUpSeconds} s, after it ${r.rowsPerSecAfterStartUp} rows/s, steady ${r.steadyRowsPerSec} rows/s; peak RSS ${r.peakRssMb} MB`);
  }
  console.log(`[graphql] trivial ${trivial.requestsPerSec} req/s, bulk ${bulk.itemsPerSec} addresses/s (p99 ${bulk.latencyP99Ms} ms per 1,000)`);
  console.log(`workers ÷ bulk ${out.workersVsBulk} (after start-up ${out.workersVsBulkAfterStartUp}, steady ${out.workersVsBulkSteady}) | workers ÷ main thread ${out.workersVsMainThread} | identical output | 70.8 million records ≈ ${out.reconciliationHours} h | load average ${out.machine.loadAverage.join(' ')}`);
} finally {
  fs.rmSync(dataDir, { recursive: true, force: true });
}
