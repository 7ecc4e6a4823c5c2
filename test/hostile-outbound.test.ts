// Hostile receivers against the real server's dispatcher (issue #13, "Outbound requests" and
// "Hand-off isolation"): a data centre's endpoint that never answers, one that redirects to another
// address, and one that answers with an endless body. The server process runs its dispatcher; a
// separate thread asks /healthz every 100 ms. Each attempt must fail or end with its reason, no
// redirect may be followed, /healthz must answer within 1 s and memory must stay bounded.
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ManualClock } from '../src/lib/clock.js';
import { AUDIENCE, ISSUER, makeKeys, token } from './helpers/app.js';
import { forEachEngine } from './helpers/engines.js';
import { eventLoopLagMaxMs, healthProbe, inParallel, rssOf, serverStore, type ServerStore } from './helpers/hostile.js';
import { setUp } from './helpers/network.js';
import { startServer, type ServerProcess } from './helpers/processes.js';

const HEALTH_MS = 1000;
const RSS_GROWTH_BYTES = 100 * 1024 * 1024;
const DELIVERIES = 24;

type Mode = 'tarpit' | 'redirect' | 'endless';

/** One local server playing every hostile receiver, and the address a redirect points to (which must never be asked). */
async function hostileReceivers() {
  const sockets = new Set<Socket>();
  const hits = { tarpit: 0, redirect: 0, endless: 0, target: 0 };
  const target = http.createServer((_req, res) => {
    hits.target++;
    res.writeHead(200).end('took it');
  });
  await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
  const targetUrl = `http://127.0.0.1:${(target.address() as AddressInfo).port}/stolen`;
  const server = http.createServer((req, res) => {
    const mode = (req.url ?? '').split('/')[1] as Mode;
    hits[mode]++;
    req.resume();
    if (mode === 'tarpit') return; // never answers
    if (mode === 'redirect') return void res.writeHead(307, { location: targetUrl }).end();
    // An endless answer: 1 MiB chunks as fast as the client takes them, until it hangs up.
    res.writeHead(200, { 'content-type': 'application/jwt' });
    const chunk = Buffer.alloc(1024 * 1024, 0x41);
    const pump = () => {
      while (!res.destroyed && res.write(chunk));
      if (!res.destroyed) res.once('drain', pump);
    };
    pump();
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  target.on('connection', (s) => sockets.add(s));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    hits,
    url: (mode: Mode) => `${base}/${mode}`,
    close: async () => {
      for (const s of sockets) s.destroy();
      await Promise.all([server, target].map((x) => new Promise((r) => x.close(r))));
    },
  };
}

forEachEngine('hostile receivers against the real dispatcher', (engine) => {
  let s: ServerStore;
  let server: ServerProcess;
  let rx: Awaited<ReturnType<typeof hostileReceivers>>;
  let client: string;
  let admin: string;

  beforeAll(async () => {
    rx = await hostileReceivers();
    s = await serverStore(engine);
    const d = await s.open();
    try {
      await setUp(d, new ManualClock(new Date().toISOString()), rx.url('tarpit'));
    } finally {
      await d.close();
    }
    const keys = await makeKeys();
    server = await startServer({
      ...s.env,
      SEED_DEMO: 'false',
      AUTH_JWKS: keys.jwksFile,
      AUTH_ISSUER: ISSUER,
      AUTH_AUDIENCE: AUDIENCE,
      RATE_LIMITS: 'off',
      DISPATCHER: 'true',
      DISPATCH_INTERVAL_MS: '100',
      TRANSPORT_TIMEOUT_MS: '1000',
      HANDOFF_TIMEOUT_MS: '3000',
      DELIVERY_RETRY_SCHEDULE: '7d', // one attempt is all this test looks at
    });
    client = await token(keys, { role: 'CLIENT', scope: 'ags:05766044', expiresIn: 3600 });
    admin = await token(keys, { role: 'ADMIN', sub: 'admin', expiresIn: 3600 });
  }, 180_000);
  afterAll(async () => {
    if (server?.child.exitCode === null) await server.stop();
    await rx?.close();
    await s?.drop();
  });

  const call = async (query: string, variables: Record<string, unknown>, bearer: string) => {
    const res = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as { data?: any; errors?: { message: string }[] };
    expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
    return body.data;
  };

  const pointEndpointAt = async (url: string) => {
    const { dataCenter } = await call('{ dataCenter(code: "krz") { version } }', {}, admin);
    await call('mutation($v: Int!, $e: [String!]) { updateDataCenter(code: "krz", expectedVersion: $v, input: { endpoints: $e }) { code } }', { v: dataCenter.version, e: [url] }, admin);
  };

  const DISPATCH = 'mutation($i: DispatchInput!) { dispatch(input: $i) { id status channel } }';
  const send = async (i: number) =>
    (
      await call(DISPATCH, {
        i: { idempotencyKey: randomUUID(), senderKey: 'ags:05766044', messageType: '100', recipientKey: 'ags:05766020', reference: `VH-${i}/2026`, payload: Buffer.from(`<ersuchen nr="${i}"/>`).toString('base64'), fileName: `e-${i}.xml`, contentType: 'application/xml' },
      }, client)
    ).dispatch as { id: string; channel: string };

  /** The first attempt of each delivery, once every one has one (bounded wait). */
  const firstAttempts = async (ids: string[]) => {
    const until = Date.now() + 90_000;
    for (;;) {
      const rows = await Promise.all(ids.map(async (id) => (await call('query($id: ID!) { delivery(id: $id) { status attempts { ok detail } } }', { id }, admin)).delivery));
      // Status and attempts are read one after the other: wait until both show the booking.
      if (rows.every((r) => r.attempts.length > 0 && r.status !== 'PENDING')) return rows as { status: string; attempts: { ok: boolean; detail: string }[] }[];
      if (Date.now() > until) throw new Error(`not all handed off in time: ${JSON.stringify(rows.map((r) => r.status))}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  };

  /** Sends DELIVERIES messages to the endpoint in mode while /healthz is probed; the first attempts. */
  const attack = async (mode: Mode) => {
    await pointEndpointAt(rx.url(mode));
    // Warm-up: the hand-off workers start (tens of MB each, once) before memory is compared.
    await firstAttempts((await inParallel(4, 4, send)).map((d) => d.id));
    await eventLoopLagMaxMs(server.url);
    const rssBefore = rssOf(server.child.pid!);
    const probe = healthProbe(server.url, 100);
    let rows;
    try {
      const sent = await inParallel(DELIVERIES, 4, send);
      expect(sent.every((d) => d.channel === 'ELECTRONIC')).toBe(true);
      rows = await firstAttempts(sent.map((d) => d.id));
    } finally {
      const r = await probe.stop();
      const lag = await eventLoopLagMaxMs(server.url);
      console.log(`[outbound ${engine.name}] ${mode}: ${r.probes} /healthz probes, slowest ${Math.round(r.maxMs)} ms; event-loop delay ${lag} ms; RSS ${Math.round(rssBefore / 2 ** 20)} → ${Math.round(rssOf(server.child.pid!) / 2 ** 20)} MiB`);
      expect(r.failures).toEqual([]);
      expect(r.maxMs).toBeLessThan(HEALTH_MS);
    }
    expect(rssOf(server.child.pid!) - rssBefore).toBeLessThan(RSS_GROWTH_BYTES);
    expect(server.child.exitCode).toBeNull();
    return rows;
  };

  it('an endpoint that never answers: every attempt times out and fails with its reason', { timeout: 240_000 }, async () => {
    const rows = await attack('tarpit');
    for (const r of rows) {
      expect(r.attempts[0]).toMatchObject({ ok: false, detail: expect.stringMatching(/did not answer within 1000 ms/) });
      expect(r.status).toBe('RETRYING');
    }
    expect(rx.hits.tarpit).toBeGreaterThanOrEqual(DELIVERIES + 4);
  });

  it('an endpoint that redirects: the redirect is a failed attempt and its target is never asked', { timeout: 240_000 }, async () => {
    const rows = await attack('redirect');
    for (const r of rows) expect(r.attempts[0]).toMatchObject({ ok: false, detail: expect.stringMatching(/307.*not followed/) });
    expect(rx.hits.redirect).toBeGreaterThanOrEqual(DELIVERIES + 4);
    expect(rx.hits.target).toBe(0);
  });

  it('an endpoint that answers an endless body: only the first bytes are read, the hand-off ends, memory stays flat', { timeout: 240_000 }, async () => {
    const rows = await attack('endless');
    for (const r of rows) {
      expect(r.attempts[0]!.ok).toBe(true);
      expect(r.attempts[0]!.detail).toMatch(/no valid receipt, so handed off, not delivered/);
      expect(r.status).toBe('HANDED_OFF');
    }
  });
});
