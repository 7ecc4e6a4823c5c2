// Tools for attacking the real server process and watching it: a /healthz probe in its own thread
// (so the attacker's own work does not slow the probe), the child's resident memory, bounded
// concurrency, raw HTTP bodies, and where a server keeps its data on each engine.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { openPglite, openPostgres, type Database } from '../../src/db/client.js';
import type { TestEngine } from './engines.js';

/** Resident memory of a (Linux) process in bytes, from /proc/<pid>/status. */
export function rssOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmRSS for process ${pid}`);
  return Number(m[1]) * 1024;
}

export interface ProbeResult {
  probes: number;
  /** slowest answer in ms (a probe that failed or timed out counts as its full wait) */
  maxMs: number;
  failures: string[];
}

const PROBE = `
const { parentPort, workerData } = require('node:worker_threads');
let done = false;
parentPort.on('message', () => (done = true));
(async () => {
  const r = { probes: 0, maxMs: 0, failures: [] };
  while (!done) {
    const t = performance.now();
    try {
      const res = await fetch(workerData.url + '/healthz', { signal: AbortSignal.timeout(5000) });
      await res.arrayBuffer();
      if (res.status !== 200) r.failures.push('status ' + res.status);
    } catch (e) {
      r.failures.push(String(e && e.message));
    }
    r.maxMs = Math.max(r.maxMs, performance.now() - t);
    r.probes++;
    await new Promise((ok) => setTimeout(ok, workerData.intervalMs));
  }
  parentPort.postMessage(r);
})();
`;

/** Asks /healthz every intervalMs from a worker thread until stop(). */
export function healthProbe(url: string, intervalMs = 100): { stop(): Promise<ProbeResult> } {
  const worker = new Worker(PROBE, { eval: true, workerData: { url, intervalMs } });
  const result = new Promise<ProbeResult>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  return {
    stop: async () => {
      worker.postMessage('stop');
      const r = await result;
      await worker.terminate();
      return r;
    },
  };
}

/** Runs task(0 … n-1) with at most `concurrency` running at a time; results in index order. */
export async function inParallel<T>(n: number, concurrency: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array(n);
  let next = 0;
  const lane = async () => {
    while (next < n) {
      const i = next++;
      out[i] = await task(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, concurrency) }, lane));
  return out;
}

export interface RawAnswer {
  status: number;
  /** the answer's body (as sent: a chunked answer keeps its framing) */
  body: string;
}

const CHUNK = 16384;
const chunkOf = (n: number) => Buffer.concat([Buffer.from(`${n.toString(16)}\r\n`), Buffer.alloc(n, 0x20), Buffer.from('\r\n')]);
const FULL_CHUNK = chunkOf(CHUNK);

/**
 * POSTs an oversized body to /graphql over a plain socket, as an attacker would: either declaring a
 * Content-Length over the limit and sending only 1 KiB of it, or sending `bytes` chunked without any
 * length. Either way it then stops writing and waits, so the answer is not lost to a reset of a
 * connection the server closes while data still arrives.
 */
export function oversizedPost(baseUrl: string, bytes: number, chunked: boolean, o: { bearer?: string; timeoutMs?: number } = {}): Promise<RawAnswer> {
  const timeoutMs = o.timeoutMs ?? 60_000;
  const u = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(u.port), u.hostname);
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`no answer in ${timeoutMs} ms`)));
    const received: Buffer[] = [];
    const settle = (e?: Error) => {
      const text = Buffer.concat(received).toString('utf8');
      const m = /^HTTP\/1\.1 (\d{3})/.exec(text);
      const at = text.indexOf('\r\n\r\n');
      if (m && at >= 0) resolve({ status: Number(m[1]), body: text.slice(at + 4) });
      else reject(e ?? new Error(`no answer: ${text.slice(0, 200)}`));
    };
    socket.on('data', (c: Buffer) => received.push(c));
    socket.on('error', (e) => settle(e));
    socket.on('close', () => settle());
    const head = ['POST /graphql HTTP/1.1', `Host: ${u.host}`, 'Content-Type: application/json', chunked ? 'Transfer-Encoding: chunked' : `Content-Length: ${bytes}`];
    if (o.bearer) head.push(`Authorization: Bearer ${o.bearer}`);
    const start = Buffer.from(head.join('\r\n') + '\r\n\r\n');
    // The declared length alone must be refused: 1 KiB of it, in the same write as the headers.
    if (!chunked) return void socket.write(Buffer.concat([start, Buffer.alloc(1024, 0x20)]));
    socket.write(start);
    // Exactly `bytes` in 16 KiB chunks, each one write (one segment on loopback), and nothing after:
    // with bytes = limit + 1 the server refuses on the last chunk, with nothing left in flight.
    let sent = 0;
    const pump = () => {
      while (sent < bytes && !socket.destroyed) {
        const n = Math.min(CHUNK, bytes - sent);
        sent += n;
        if (!socket.write(n === CHUNK ? FULL_CHUNK : chunkOf(n))) return void socket.once('drain', pump);
      }
    };
    pump();
  });
}

/** Where a server process keeps its data: a PGlite folder or a fresh PostgreSQL database. */
export interface ServerStore {
  env: Record<string, string>;
  /** opens the database (PGlite: only while no server holds the folder) */
  open(): Promise<Database>;
  drop(): Promise<void>;
}

export async function serverStore(engine: TestEngine): Promise<ServerStore> {
  if (engine.name === 'postgres') {
    const fresh = await engine.url!();
    return { env: { DATABASE_URL: fresh.url }, open: () => openPostgres(fresh.url, 2), drop: fresh.drop };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bv-hostile-'));
  return {
    env: { DATA_DIR: dir },
    open: async () => {
      const d = await openPglite({ dir, purpose: 'test' });
      await d.migrate();
      return d;
    },
    drop: async () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/** The server's own view: the longest event-loop delay since the previous scrape of /metrics, in ms. */
export async function eventLoopLagMaxMs(baseUrl: string): Promise<number> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  const m = /^bv_event_loop_lag_seconds\{quantile="max"\} (\S+)$/m.exec(text);
  return m ? Math.round(Number(m[1]) * 1000) : NaN;
}

/** The server's V8 heap in use and its external memory (array buffers, PGlite's WASM memory among them), in bytes. */
export async function serverHeap(baseUrl: string): Promise<{ heapUsed: number; heapTotal: number; external: number }> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  const read = (name: string) => Number(new RegExp(`^bv_${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
  return { heapUsed: read('nodejs_heap_size_used_bytes'), heapTotal: read('nodejs_heap_size_total_bytes'), external: read('nodejs_external_memory_bytes') };
}
