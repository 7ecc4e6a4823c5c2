// Benchmark: full import of a GV100AD edition into an empty database, PGlite (file-backed, as
// `npm start` uses it) and PostgreSQL (BENCH_DATABASE_URL). Each run is a fresh child process,
// so the peak RSS is the import's own. Results go to bench/results/import.json.
//   npm run bench:import -- [file] [runs]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const file = path.resolve(process.argv[2] ?? path.join(root, '../shared/data/gv100ad/GV100AD_30112025.txt'));
const runs = Number(process.argv[3] ?? 3);
const pgUrl = process.env.BENCH_DATABASE_URL;

if (!fs.existsSync(file)) {
  console.error(`GV100AD file not found: ${file}`);
  process.exit(1);
}

/** The worker: open, migrate, import, report time and peak RSS as JSON on the last line. */
const WORKER = `
  import fs from 'node:fs';
  import { openDatabase } from './src/db/client.ts';
  import { importGv100ad } from './src/modules/regions/gv100ad.import.ts';
  import { systemClock } from './src/lib/clock.ts';
  const [file, dataDir, url] = process.argv.slice(-3);
  const t0 = performance.now();
  const db = await openDatabase({ databaseUrl: url === '-' ? undefined : url, databasePoolSize: 2, dataDir }, 'bench');
  await db.migrate();
  const t1 = performance.now();
  const r = await importGv100ad(db.db, systemClock, { bytes: fs.readFileSync(file), fileName: file, actor: { id: 'bench' } });
  const t2 = performance.now();
  await db.close();
  console.log(JSON.stringify({ openMigrateMs: Math.round(t1 - t0), importMs: Math.round(t2 - t1), records: Object.values(r.counts).reduce((a, b) => a + b, 0), peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024) }));
`;

interface Run {
  openMigrateMs: number;
  importMs: number;
  records: number;
  peakRssMb: number;
}

function runOnce(dataDir: string, url: string | undefined): Run {
  const res = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', WORKER, '--', file, dataDir, url ?? '-'], {
    cwd: root,
    encoding: 'utf8',
  });
  if (res.status !== 0) throw new Error(`worker failed:\n${res.stderr}`);
  return JSON.parse(res.stdout.trim().split('\n').at(-1)!);
}

async function freshPostgres(base: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `bv_bench_${process.pid}_${Date.now()}`;
  const admin = postgres(base, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const u = new URL(base);
  u.pathname = `/${name}`;
  return { url: u.toString(), drop: async () => { await admin.unsafe(`drop database ${name} with (force)`); await admin.end(); } };
}

const results: Record<string, Run[]> = { pglite: [], postgres: [] };
for (let i = 0; i < runs; i++) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bv-bench-'));
  try {
    results.pglite!.push(runOnce(dir, undefined));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  console.log('pglite', JSON.stringify(results.pglite!.at(-1)));
  if (pgUrl) {
    const fresh = await freshPostgres(pgUrl);
    try {
      results.postgres!.push(runOnce(os.tmpdir(), fresh.url));
    } finally {
      await fresh.drop();
    }
    console.log('postgres', JSON.stringify(results.postgres!.at(-1)));
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const summary = Object.fromEntries(
  Object.entries(results)
    .filter(([, r]) => r.length)
    .map(([engine, r]) => [
      engine,
      {
        runs: r.length,
        importSecondsMedian: median(r.map((x) => x.importMs)) / 1000,
        importSecondsMax: Math.max(...r.map((x) => x.importMs)) / 1000,
        openMigrateSecondsMedian: median(r.map((x) => x.openMigrateMs)) / 1000,
        peakRssMbMax: Math.max(...r.map((x) => x.peakRssMb)),
        records: r[0]!.records,
      },
    ]),
);
const out = {
  date: new Date().toISOString(),
  file: path.basename(file),
  machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memGb: Math.round(os.totalmem() / 2 ** 30), node: process.version },
  summary,
  runs: results,
};
fs.mkdirSync(path.join(here, 'results'), { recursive: true });
fs.writeFileSync(path.join(here, 'results', 'import.json'), JSON.stringify(out, null, 2) + '\n');
console.log(JSON.stringify(summary, null, 2));
