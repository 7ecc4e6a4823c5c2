// Where the server's memory goes, step by step in one process on the national data set (PGlite):
// the modules, the embedded database, the directory snapshot and index (with its register rows),
// a second index while one is live (what a reload costs at its peak). Each step after a full GC.
//   node --expose-gc --import tsx bench/memory.bench.ts       (or on build/ with BENCH_RUNTIME=node)
// Results: bench/results/memory.json.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { here, prepare } from './national.js';

// The data set is loaded by a child process, so that this one starts clean.
if (process.argv[2] === '--prepare') {
  await prepare({ dataDir: process.argv[3]! });
  process.exit(0);
}

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');
const mb = (n: number) => Math.round(n / 2 ** 20);
const steps: Record<string, Record<string, number>> = {};
function note(step: string) {
  gc!();
  const m = process.memoryUsage();
  steps[step] = { rss: mb(m.rss), heapUsed: mb(m.heapUsed), external: mb(m.external), arrayBuffers: mb(m.arrayBuffers) };
  console.log(`${step.padEnd(44)} rss ${steps[step]!.rss} MB, heap ${steps[step]!.heapUsed} MB, external ${steps[step]!.external} MB`);
}

note('node');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bv-memory-bench-'));
try {
  const child = spawnSync(process.execPath, [...process.execArgv.filter((a) => a !== '--expose-gc'), process.argv[1]!, '--prepare', dataDir], { stdio: 'inherit' });
  if (child.status !== 0) throw new Error('preparing the data set failed');
  const { openDatabase } = await import('../src/db/client.js');
  const { createApp } = await import('../src/app/app.js');
  const { readDirectorySnapshot, buildDirectoryIndex } = await import('../src/modules/directory/load-index.js');
  void createApp;
  note('server modules loaded');
  const db = await openDatabase({ databaseUrl: undefined, dataDir, databasePoolSize: 2 }, 'memory bench');
  note('PGlite open on the national data set');
  let snapshot: Awaited<ReturnType<typeof readDirectorySnapshot>> | undefined = await readDirectorySnapshot(db.db);
  note('+ directory snapshot (plain rows)');
  const index = buildDirectoryIndex(snapshot);
  note('+ index built from it');
  snapshot = undefined;
  note('index alone (snapshot released)');
  const second = buildDirectoryIndex(await readDirectorySnapshot(db.db));
  note('+ a second index (a reload before the swap)');
  void index.version;
  void second.version;
  await db.close();
  note('database closed');
  fs.mkdirSync(path.join(here, 'results'), { recursive: true });
  fs.writeFileSync(path.join(here, 'results', 'memory.json'), JSON.stringify({ date: new Date().toISOString(), node: process.version, steps }, null, 2) + '\n');
} finally {
  fs.rmSync(dataDir, { recursive: true, force: true });
}
