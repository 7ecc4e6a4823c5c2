// Profiles of the server under one kind of request each, on the national data set (#17):
//   npm run bench:profile                      every kind, CPU profiles
//   PROFILE_KINDS=single,trivial npm run bench:profile
//   PROFILE_HEAP=1 npm run bench:profile       one server through every kind, then a heap snapshot
//   PROFILE_DATA=/tmp/x keeps the prepared database between runs; PROFILE_NODE_ARGS adds node flags
// The server runs as `npm start` runs it (compiled under node when build/ is current), pinned to core 0
// like the lookup benchmark. CPU: `--cpu-prof` for each kind (warm-up, then PROFILE_SECONDS of load);
// prints the functions with the most self time in the measured window. Heap: `--heapsnapshot-signal`,
// snapshot after all kinds, summarised by constructor. Files stay in PROFILE_OUT for DevTools.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { signDevToken } from '../src/modules/auth/dev-keys.js';
import { load, prepare, rssMb, RUNTIME, startServer, workloads } from './national.js';
import { summariseCpuProfile, summariseHeapSnapshot } from './profile-summary.js';

const SECONDS = Number(process.env.PROFILE_SECONDS ?? 8);
// Extra node flags for the server, e.g. PROFILE_NODE_ARGS="--max-semi-space-size=8" to compare heap settings.
const NODE_ARGS = process.env.PROFILE_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
const out = process.env.PROFILE_OUT ?? fs.mkdtempSync(path.join(os.tmpdir(), 'bv-profile-'));
fs.mkdirSync(out, { recursive: true });
// The prepared database is kept between runs when PROFILE_DATA names a folder (17 s to load).
const dataDir = process.env.PROFILE_DATA ?? fs.mkdtempSync(path.join(os.tmpdir(), 'bv-profile-data-'));
if (!fs.existsSync(path.join(dataDir, '.bench-prepared'))) {
  await prepare({ dataDir });
  fs.writeFileSync(path.join(dataDir, '.bench-prepared'), '');
}
const { single, bulk, trivial, register } = workloads();
const kinds: Record<string, { bodies: string[]; items: number }> = {
  trivial: { bodies: trivial, items: 1 },
  single: { bodies: single, items: 1 },
  bulk: { bodies: bulk, items: 1000 },
  ...Object.fromEntries(Object.entries(register).map(([k, bodies]) => [k, { bodies, items: 1 }])),
};
const only = process.env.PROFILE_KINDS?.split(',') ?? Object.keys(kinds);
for (const k of only) if (!kinds[k]) throw new Error(`unknown kind ${k}; known: ${Object.keys(kinds).join(', ')}`);

async function stop(child: import('node:child_process').ChildProcess) {
  child.kill('SIGTERM');
  await new Promise((r) => child.on('exit', r));
}

async function loadKind(url: string, token: string, kind: string, seconds: number) {
  const { bodies, items } = kinds[kind]!;
  return load(url, token, bodies, items, items > 1 ? 2 : 8, seconds);
}

async function cpu() {
  for (const kind of only) {
    const dir = path.join(out, kind);
    fs.mkdirSync(dir, { recursive: true });
    const server = await startServer({ DATA_DIR: dataDir }, [...NODE_ARGS, '--cpu-prof', `--cpu-prof-dir=${dir}`]);
    const token = await signDevToken(dataDir, { role: 'CLIENT', scope: 'demo:057660044', ttl: 3600 });
    await loadKind(server.url, token, kind, 3);
    const m = await loadKind(server.url, token, kind, SECONDS);
    const rss = rssMb(server.child.pid!);
    await stop(server.child);
    const file = fs.readdirSync(dir).find((f) => f.endsWith('.cpuprofile'))!;
    console.log(`== ${kind}: ${m.requestsPerSec} req/s (${m.itemsPerSec} items/s), RSS ${rss} MB, errors ${m.errors + m.non2xx}; ${path.join(dir, file)}`);
    console.log(summariseCpuProfile(path.join(dir, file), SECONDS, 25));
  }
}

async function heap() {
  const server = await startServer({ DATA_DIR: dataDir }, [...NODE_ARGS, '--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${out}`]);
  try {
    await snapshotAfterLoad(server);
  } finally {
    if (server.child.exitCode === null) await stop(server.child);
  }
}

/** RSS, V8 heap used and external memory (WASM, buffers) from the server's own metrics. */
async function memory(server: { child: import('node:child_process').ChildProcess; url: string }): Promise<string> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const mb = (name: string) => {
    const m = new RegExp(`^bv_nodejs_${name} (\\S+)$`, 'm').exec(text);
    return m ? `${Math.round(Number(m[1]) / 2 ** 20)} MB` : '?';
  };
  return `RSS ${rssMb(server.child.pid!)} MB, heap used ${mb('heap_size_used_bytes')} of ${mb('heap_size_total_bytes')}, external ${mb('external_memory_bytes')}`;
}

async function snapshotAfterLoad(server: { child: import('node:child_process').ChildProcess; url: string }) {
  const token = await signDevToken(dataDir, { role: 'CLIENT', scope: 'demo:057660044', ttl: 3600 });
  console.log(`idle: ${await memory(server)}`);
  for (const kind of only) {
    await loadKind(server.url, token, kind, SECONDS);
    console.log(`after ${kind}: ${await memory(server)}`);
  }
  const before = new Set(fs.readdirSync(out));
  server.child.kill('SIGUSR2');
  let file: string | undefined;
  for (let i = 0; i < 600 && !file; i++) {
    await new Promise((r) => setTimeout(r, 500));
    const fresh = fs.readdirSync(out).find((f) => f.endsWith('.heapsnapshot') && !before.has(f));
    // Written when its size stops changing.
    if (fresh && i % 2 === 0) {
      const a = fs.statSync(path.join(out, fresh)).size;
      await new Promise((r) => setTimeout(r, 1000));
      if (a > 0 && fs.statSync(path.join(out, fresh)).size === a) file = fresh;
    }
  }
  console.log(`after the snapshot (a full GC): ${await memory(server)}`);
  await stop(server.child);
  if (!file) throw new Error('no heap snapshot written');
  console.log(`== heap snapshot ${path.join(out, file)} (${RUNTIME})`);
  console.log(summariseHeapSnapshot(path.join(out, file), 30));
}

if (process.env.PROFILE_HEAP) await heap();
else await cpu();
console.log(`profiles in ${out}`);
