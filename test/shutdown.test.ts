// The signal handler's promise: a stop that fails or hangs still ends the process, with exit code 1;
// and the graceful stop answers requests that had arrived on kept-alive connections, without waiting
// for connections that never finish a request.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { App } from '../src/app/app.js';
import { BODY_STALL_MS } from '../src/app/connections.js';
import { listen, stopGracefully } from '../src/app/lifecycle.js';
import type { Logger } from '../src/lib/logger.js';
import { startServer } from './helpers/processes.js';

const root = path.resolve(import.meta.dirname, '..');

/** A process that installs onSignals with the given stop, says "ready", and is sent SIGTERM. */
async function exitOf(stop: string, deadlineMs: number): Promise<{ code: number | null; ms: number; out: string }> {
  const script = `
    import { onSignals } from './src/app/lifecycle.ts';
    const log = { info: (o, m) => console.log(m ?? o), error: (o, m) => console.log(m ?? o) };
    setInterval(() => {}, 1000); // keeps the process alive like a listening server
    onSignals(log, () => 0, () => ${stop}, ${deadlineMs});
    console.log('ready');`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  await new Promise<void>((resolve) => child.stdout.on('data', (d) => ((out += d), out.includes('ready') && resolve())));
  const t0 = performance.now();
  child.kill('SIGTERM');
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  return { code, ms: performance.now() - t0, out };
}

describe('shutdown on a signal', () => {
  it('exits 0 after a stop that finishes', async () => {
    const r = await exitOf('Promise.resolve()', 5_000);
    expect(r.code).toBe(0);
    expect(r.out).toContain('stopped');
  });

  it('exits 1 when the stop fails, instead of living on without a server', async () => {
    const r = await exitOf("Promise.reject(new Error('close failed'))", 60_000);
    expect(r.code).toBe(1);
    expect(r.out).toContain('shutdown failed');
  });

  it('exits 1 at the deadline when the stop never ends', async () => {
    const r = await exitOf('new Promise(() => {})', 300);
    expect(r.code).toBe(1);
    expect(r.out).toContain('did not finish in time');
    expect(r.ms).toBeGreaterThanOrEqual(250);
  });
});

describe('graceful stop', () => {
  const quiet = { info: () => {}, warn: () => {}, error: () => {} } as unknown as Logger;

  /** A server whose app answers "ok" (closing the connection once draining), and a kept-alive raw connection that has had one answer. */
  async function keptAlive(): Promise<{ app: App; server: http.Server; socket: net.Socket; received: () => string }> {
    let draining = false;
    const app = {
      handle: (_req: http.IncomingMessage, res: http.ServerResponse) => {
        if (draining) res.setHeader('connection', 'close');
        res.end('ok');
      },
      drain: () => void (draining = true),
      inFlight: () => 0,
    } as unknown as App;
    const { server, port } = await listen(app, '127.0.0.1', 0);
    const socket = net.connect(port, '127.0.0.1');
    socket.on('error', () => {}); // a reset shows as no answer below
    let text = '';
    socket.on('data', (d) => (text += d));
    await once(socket, 'connect');
    socket.write('GET /one HTTP/1.1\r\nHost: x\r\n\r\n');
    while (!text.endsWith('ok')) await new Promise((r) => setTimeout(r, 5));
    text = '';
    return { app, server, socket, received: () => text };
  }

  it('answers a request that reached an idle kept-alive connection just as the stop began, then closes it', async () => {
    const { app, server, socket, received } = await keptAlive();
    // On the wire before the stop, but not read by the server yet (this tick has not ended).
    socket.write('GET /two HTTP/1.1\r\nHost: x\r\n\r\n');
    const stopped = stopGracefully(app, server, { close: [] }, 5_000, quiet, 0);
    await once(socket, 'close');
    await stopped;
    expect(received()).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(received().toLowerCase()).toContain('connection: close');
    expect(received()).toMatch(/ok$/);
  });

  it('keeps answering while it drains (closing each connection), then stops listening', async () => {
    const { app, server, socket } = await keptAlive();
    const url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/late`;
    const stopped = stopGracefully(app, server, { close: [] }, 5_000, quiet, 300);
    const during = await fetch(url);
    expect(during.status).toBe(200);
    expect(during.headers.get('connection')).toBe('close');
    await once(socket, 'close'); // the idle kept-alive connection is closed once the drain is over
    await stopped;
    await expect(fetch(url)).rejects.toThrow();
  });
});

describe('graceful stop with quiet connections', () => {
  /** Collects warnings: a stop that had to force connections closed says so. */
  const recording = () => {
    const warned: string[] = [];
    const log = { info: () => {}, warn: (o: unknown, m?: string) => warned.push(m ?? String(o)), error: () => {} } as unknown as Logger;
    return { log, warned };
  };

  /** /slow answers "part1" at once and "part2" after `slowMs`; anything else "ok" at once. */
  async function slowServer(slowMs: number): Promise<{ app: App; server: http.Server; port: number; slowStarted: () => boolean }> {
    let draining = false;
    let inFlight = 0;
    let started = false;
    const app = {
      handle: (req: http.IncomingMessage, res: http.ServerResponse) => {
        inFlight++;
        res.once('close', () => inFlight--);
        if (draining) res.setHeader('connection', 'close');
        if (req.url === '/upload') return void req.resume().once('end', () => res.end('received'));
        // Reads its body only after a while (as a handler verifying a token first): the socket is paused meanwhile.
        if (req.url === '/late-upload') return void setTimeout(() => req.resume().once('end', () => res.end('received')), 1500);
        if (req.url !== '/slow') return void res.end('ok');
        started = true;
        res.write('part1');
        setTimeout(() => res.end('part2'), slowMs);
      },
      drain: () => void (draining = true),
      inFlight: () => inFlight,
    } as unknown as App;
    const { server, port } = await listen(app, '127.0.0.1', 0);
    return { app, server, port, slowStarted: () => started };
  }

  /** A raw connection that sends `text` (maybe nothing); resolves once connected, with the time it closed. */
  async function quietSocket(port: number, text: string): Promise<{ socket: net.Socket; closedAt: () => number | undefined }> {
    const socket = net.connect(port, '127.0.0.1');
    socket.on('error', () => {});
    let closedAt: number | undefined;
    socket.once('close', () => (closedAt = performance.now()));
    await once(socket, 'connect');
    if (text) socket.write(text);
    return { socket, closedAt: () => closedAt };
  }

  function get(port: number, pathname: string, agent?: http.Agent): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const req = http.get({ host: '127.0.0.1', port, path: pathname, agent: agent ?? false }, (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode!, body }));
      });
      req.on('error', reject);
    });
  }

  async function until(what: string, cond: () => boolean): Promise<void> {
    for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
    if (!cond()) throw new Error(`timed out waiting for ${what}`);
  }

  const PARTIAL = 'GET /healthz HTTP/1.1\r\nHost: x\r\n'; // no blank line: headers never complete

  it('closes silent and half-sent connections once the drain ends, and finishes a response under way', async () => {
    const { app, server, port, slowStarted } = await slowServer(1500);
    const { log, warned } = recording();
    const sockets: net.Socket[] = [];
    try {
      const slow = get(port, '/slow');
      await until('the slow request', slowStarted);
      const silent = await quietSocket(port, '');
      const partial = await quietSocket(port, PARTIAL);
      sockets.push(silent.socket, partial.socket);
      const t0 = performance.now();
      await stopGracefully(app, server, { close: [] }, 20_000, log, 200);
      const ms = performance.now() - t0;
      expect(ms).toBeLessThan(5_000);
      expect(await slow).toEqual({ status: 200, body: 'part1part2' });
      // Closed right after the drain, not when the slow response ended.
      expect(silent.closedAt()! - t0).toBeLessThan(1_200);
      expect(partial.closedAt()! - t0).toBeLessThan(1_200);
      expect(warned).toEqual([]);
    } finally {
      sockets.forEach((s) => s.destroy());
      server.closeAllConnections();
    }
  });

  it('gives up a request body that stopped arriving, answers one still arriving, and finishes a response under way', async () => {
    const { app, server, port, slowStarted } = await slowServer(1500);
    const { log, warned } = recording();
    const sockets: net.Socket[] = [];
    let trickle: NodeJS.Timeout | undefined;
    try {
      const slow = get(port, '/slow');
      await until('the slow request', slowStarted);
      const head = 'POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 40\r\n\r\n';
      const stalled = await quietSocket(port, head + '{"query":"{ __ty');
      const arriving = await quietSocket(port, head + '0123456789');
      sockets.push(stalled.socket, arriving.socket);
      let answer = '';
      arriving.socket.on('data', (c) => (answer += c));
      let sent = 10; // one byte every 100 ms: arrives over 3 s, longer than the stall window
      trickle = setInterval(() => sent < 40 && arriving.socket.write(String(sent++ % 10)), 100);
      await new Promise((r) => setTimeout(r, 100)); // the headers have reached the server
      const t0 = performance.now();
      await stopGracefully(app, server, { close: [] }, 20_000, log, 200);
      expect(performance.now() - t0).toBeLessThan(6_000);
      const stalledAfter = stalled.closedAt()! - t0;
      expect(stalledAfter).toBeGreaterThan(200 + BODY_STALL_MS - 50); // it had its window
      expect(stalledAfter).toBeLessThan(200 + BODY_STALL_MS + 1_000);
      await until('the answer to the body still arriving', () => arriving.closedAt() !== undefined);
      expect(answer).toMatch(/^HTTP\/1\.1 200[\s\S]*received$/);
      expect(await slow).toEqual({ status: 200, body: 'part1part2' });
      expect(warned).toEqual([]);
    } finally {
      clearInterval(trickle);
      sockets.forEach((s) => s.destroy());
      server.closeAllConnections();
    }
  });

  it('waits for a body the server has not read yet (a full buffer pauses the socket), and for one arriving while the event loop was busy', async () => {
    const { app, server, port } = await slowServer(0);
    const { log, warned } = recording();
    const sockets: net.Socket[] = [];
    let trickle: NodeJS.Timeout | undefined;
    try {
      const big = 1_000_000;
      const unread = await quietSocket(port, `POST /late-upload HTTP/1.1\r\nHost: x\r\nContent-Length: ${big}\r\n\r\n`);
      unread.socket.write(Buffer.alloc(big, 'x'));
      const arriving = await quietSocket(port, 'POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 30\r\n\r\n');
      sockets.push(unread.socket, arriving.socket);
      const answers = { unread: '', arriving: '' };
      unread.socket.on('data', (c) => (answers.unread += c));
      arriving.socket.on('data', (c) => (answers.arriving += c));
      let sent = 0;
      trickle = setInterval(() => sent < 30 && arriving.socket.write(String(sent++ % 10)), 100);
      await new Promise((r) => setTimeout(r, 100));
      // The event loop blocked for longer than the stall window, once the stop watches the bodies.
      setTimeout(() => {
        const until = Date.now() + 1_300;
        while (Date.now() < until);
      }, 500);
      await stopGracefully(app, server, { close: [] }, 20_000, log, 200);
      await until('both answers', () => unread.closedAt() !== undefined && arriving.closedAt() !== undefined);
      expect(answers.unread).toMatch(/^HTTP\/1\.1 200[\s\S]*received$/);
      expect(answers.arriving).toMatch(/^HTTP\/1\.1 200[\s\S]*received$/);
      expect(warned).toEqual([]);
    } finally {
      clearInterval(trickle);
      sockets.forEach((s) => s.destroy());
      server.closeAllConnections();
    }
  });

  it('gives up a pipelined request whose body stopped arriving once the response before it has ended', async () => {
    const { app, server, port, slowStarted } = await slowServer(800);
    const { log, warned } = recording();
    const sockets: net.Socket[] = [];
    try {
      const pipelined = await quietSocket(port, 'GET /slow HTTP/1.1\r\nHost: x\r\n\r\nPOST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n12345');
      sockets.push(pipelined.socket);
      let answer = '';
      pipelined.socket.on('data', (c) => (answer += c));
      await until('the slow request', slowStarted);
      const t0 = performance.now();
      await stopGracefully(app, server, { close: [] }, 20_000, log, 200);
      await until('the connection to close', () => pipelined.closedAt() !== undefined);
      expect(pipelined.closedAt()! - t0).toBeLessThan(200 + 800 + BODY_STALL_MS + 1_000);
      expect(answer).toMatch(/^HTTP\/1\.1 200[\s\S]*part1[\s\S]*part2/);
      expect(warned).toEqual([]);
    } finally {
      sockets.forEach((s) => s.destroy());
      server.closeAllConnections();
    }
  });

  it('with nothing in flight ends right after the drain, whatever connections are open', async () => {
    const { app, server, port } = await slowServer(0);
    const { log, warned } = recording();
    const sockets: net.Socket[] = [];
    try {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      expect(await get(port, '/one', agent)).toEqual({ status: 200, body: 'ok' }); // leaves an idle kept-alive connection
      sockets.push((await quietSocket(port, '')).socket, (await quietSocket(port, PARTIAL)).socket);
      const t0 = performance.now();
      await stopGracefully(app, server, { close: [] }, 20_000, log, 200);
      expect(performance.now() - t0).toBeLessThan(5_000);
      expect(performance.now() - t0).toBeLessThan(200 + 1_000);
      expect(warned).toEqual([]);
      agent.destroy();
    } finally {
      sockets.forEach((s) => s.destroy());
      server.closeAllConnections();
    }
  });

  it('closes a kept-alive connection as soon as its response, begun before the stop, has ended', async () => {
    const { app, server, port, slowStarted } = await slowServer(500);
    const { log, warned } = recording();
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const slow = get(port, '/slow', agent); // began before the drain: no "connection: close"
      await until('the slow request', slowStarted);
      const t0 = performance.now();
      await stopGracefully(app, server, { close: [] }, 20_000, log, 0);
      expect(await slow).toEqual({ status: 200, body: 'part1part2' });
      // Not the keep-alive timeout (5 s) later.
      expect(performance.now() - t0).toBeLessThan(500 + 1_000);
      expect(warned).toEqual([]);
    } finally {
      agent.destroy();
      server.closeAllConnections();
    }
  });
});

describe('SIGTERM with quiet connections (the server process)', () => {
  it('exits at once after the drain although one connection sent nothing and another half its headers', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bv-stop-'));
    const server = await startServer({ DATA_DIR: dir, SEED_DEMO: 'false', JOBS: 'false', DISPATCHER: 'false', SHUTDOWN_DRAIN_MS: '200', SHUTDOWN_TIMEOUT_MS: '20000' });
    const port = Number(new URL(server.url).port);
    const sockets = ['', 'GET /healthz HTTP/1.1\r\nHost: x\r\n'].map((text) => {
      const s = net.connect(port, '127.0.0.1', () => s.write(text));
      s.on('error', () => {});
      return s;
    });
    try {
      await Promise.all(sockets.map((s) => once(s, 'connect')));
      await new Promise((r) => setTimeout(r, 100)); // the half request has reached the server
      const t0 = performance.now();
      expect(await server.stop()).toBe(0);
      expect(performance.now() - t0).toBeLessThan(5_000);
      expect(server.logs()).not.toMatch(/shutdown timeout/);
    } finally {
      sockets.forEach((s) => s.destroy());
      if (server.child.exitCode === null) server.child.kill('SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
