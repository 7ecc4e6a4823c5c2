// Benchmark: the lookup itself, in process, without HTTP or GraphQL (#17): µs per address for
// `lookupOne` and `lookupMany` over the national data set's index, the lookup benchmark's 20,000
// addresses (postcode, city, street, house number; message type 100), ROUNDS rounds, the fastest and
// the median round, and the median of single calls (robust against the machine's drift).
//   npx tsx bench/resolve.bench.ts          (BENCH_ROUNDS, default 8; run on a quiet machine)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type * as Client from '../src/db/client.js';
import type * as LoadIndex from '../src/modules/directory/load-index.js';
import type * as Lookup from '../src/modules/jurisdictions/lookup.js';
import type { RawLookupInput } from '../src/modules/jurisdictions/lookup.js';
import { addresses, prepare, root, RUNTIME } from './national.js';

// The code measured is the compiled build when it is current (as the server runs it), else the
// sources under tsx; BENCH_RUNTIME=tsx|node forces one.
const from = (module: string) => (RUNTIME === 'node' ? path.join(root, 'build/src', `${module}.js`) : `../src/${module}.js`);
const { openDatabase } = (await import(from('db/client'))) as typeof Client;
const { loadDirectoryIndex } = (await import(from('modules/directory/load-index'))) as typeof LoadIndex;
const { lookupMany, lookupOne } = (await import(from('modules/jurisdictions/lookup'))) as typeof Lookup;

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 8);
const AT = '2026-11-22';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bv-resolve-bench-'));
try {
  await prepare({ dataDir });
  const db = await openDatabase({ dataDir, databasePoolSize: 1 } as Parameters<typeof openDatabase>[0], 'resolve bench');
  const ix = await loadDirectoryIndex(db.db);
  await db.close();
  const raws: RawLookupInput[] = addresses(20_000).map((a) => ({ address: a, messageType: '100' }));
  const now = new Date();
  const one: number[] = [];
  const many: number[] = [];
  const calls: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    let t = performance.now();
    for (const raw of raws) lookupOne(ix, raw, AT, now);
    one.push(((performance.now() - t) * 1000) / raws.length);
    t = performance.now();
    for (let k = 0; k < raws.length; k += 1000) lookupMany(ix, raws.slice(k, k + 1000), AT, 1000, now);
    many.push(((performance.now() - t) * 1000) / raws.length);
  }
  for (const raw of raws) {
    const t = performance.now();
    lookupOne(ix, raw, AT, now);
    calls.push((performance.now() - t) * 1000);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const f = (x: number) => x.toFixed(1);
  console.log(`[${RUNTIME}] lookupOne: fastest round ${f(Math.min(...one))} µs, median round ${f(median(one))} µs per address`);
  console.log(`lookupMany: fastest round ${f(Math.min(...many))} µs, median round ${f(median(many))} µs per address`);
  console.log(`single calls: median ${f(median(calls))} µs | load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
} finally {
  fs.rmSync(dataDir, { recursive: true, force: true });
}
