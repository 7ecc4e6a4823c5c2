// Failure behaviour of the real server process: graceful SIGTERM, kill -9 in the middle of work,
// the database going away and coming back, several instances on one PostgreSQL.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { openPostgres, queryRows, type Database } from '../src/db/client.js';
import { ManualClock } from '../src/lib/clock.js';
import { Directory } from '../src/modules/directory/directory.js';
import { planStructuralChange } from '../src/modules/structural/plan.js';
import { AUDIENCE, ISSUER, makeKeys, token, type TestKeys } from './helpers/app.js';
import { engines, forEachEngine } from './helpers/engines.js';
import { registerFingerprint, testActor } from './helpers/fixtures.js';
import { gvRecord as rec } from './helpers/gv100ad.js';
import { receiver, setUp } from './helpers/network.js';
import { privateCluster, postgresBinDir, type Cluster } from './helpers/pg-cluster.js';
import { childEnv, ROOT, runCli, startServer, type ServerProcess } from './helpers/processes.js';
import { serverStore, type ServerStore } from './helpers/hostile.js';

const admin = { subject: 'admin', role: 'ADMIN' as const, scope: null };

/** A GV100AD edition of one Land with n municipalities (each its own Gemeindeverband). */
function syntheticEdition(n: number): string {

  const D = '20251130';
  const lines = [
    rec([[1, '10'], [3, D], [11, '05'], [23, 'Nordrhein-Westfalen'], [73, 'Düsseldorf']]),
    rec([[1, '20'], [3, D], [11, '057'], [23, 'Reg.-Bez. Detmold'], [73, 'Detmold']]),
    rec([[1, '40'], [3, D], [11, '05766'], [23, 'Lippe'], [73, 'Detmold'], [123, '43']]),
  ];
  for (let i = 1; i <= n; i++) {
    const k = String(i).padStart(4, '0');
    lines.push(rec([[1, '50'], [3, D], [11, '05766'], [19, k], [23, `Gemeinde ${i}`], [123, '50']]));
    lines.push(rec([[1, '60'], [3, D], [11, `05766${String(i).padStart(3, '0')}`], [19, k], [23, `Gemeinde ${i}`], [123, '64'], [129, '00000001000'], [140, '00000001000'], [151, '00000000500'], [166, '32756*****']]));
  }
  return lines.join('\r\n') + '\r\n';
}
const berlinToday = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin' }).format(new Date());

type Rx = Awaited<ReturnType<typeof receiver>>;

type Store = ServerStore;

async function prepare(s: Store, rx: Rx) {
  const d = await s.open();
  try {
    const net = await setUp(d, new ManualClock(new Date().toISOString()), rx.url);
    await rx.setKey(net.privateJwk);
  } finally {
    await d.close();
  }
}

const serverEnv = (s: Store, keys: TestKeys, extra: Record<string, string> = {}) => ({
  ...s.env,
  SEED_DEMO: 'false',
  AUTH_JWKS: keys.jwksFile,
  AUTH_ISSUER: ISSUER,
  AUTH_AUDIENCE: AUDIENCE,
  DISPATCH_INTERVAL_MS: '100',
  TRANSPORT_TIMEOUT_MS: '20000',
  ...extra,
});

async function call(url: string, bearer: string, query: string, variables: Record<string, unknown> = {}) {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as { data?: any; errors?: any[] } };
}

const DISPATCH = `mutation($i: DispatchInput!) { dispatch(input: $i) { id status } }`;
const message = (n: number) => ({
  idempotencyKey: `res-${String(n).padStart(6, '0')}`,
  senderKey: 'ags:05766044',
  messageType: '100',
  recipientKey: 'ags:05766020',
  reference: `R-${n}`,
  payload: Buffer.from(`<m n="${n}"/>`).toString('base64'),
  fileName: `m-${n}.xml`,
  contentType: 'application/xml',
});

async function until<T>(what: string, fn: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const count = async (d: Database, q: ReturnType<typeof sql>) => Number((await queryRows<{ n: number }>(d.db, q))[0]!.n);

/** Waits for a failpoint announcement in the server's output, then kills it without warning. */
async function killAt(server: ServerProcess, point: string) {
  await until(`failpoint ${point}`, () => server.logs().includes(`FAILPOINT ${point}`), 60_000);
  const exited = new Promise((r) => server.child.once('exit', r));
  server.child.kill('SIGKILL');
  await exited;
}

forEachEngine('graceful shutdown and crash safety', (engine) => {
  let keys: TestKeys;
  let rx: Rx;
  let s: Store;
  let bearer: string;
  let adminToken: string;

  beforeAll(async () => {
    keys = await makeKeys();
    rx = await receiver();
    s = await serverStore(engine);
    await prepare(s, rx);
    bearer = await token(keys, { role: 'CLIENT', scope: 'ags:05766044' });
    adminToken = await token(keys, { role: 'ADMIN' });
  });
  afterAll(async () => {
    await rx?.close();
    await s?.drop();
  });

  it('SIGTERM: stops accepting, the in-flight request and hand-off finish, then it exits 0 and frees the database', async () => {
    rx.setDelay(1500);
    const server = await startServer(serverEnv(s, keys, { SHUTDOWN_DRAIN_MS: '250' }));
    try {
      const sent = await call(server.url, bearer, DISPATCH, { i: message(1) });
      expect(sent.body.data.dispatch.status).toBe('PENDING');
      await until('the hand-off to start', () => rx.started() >= 1);
      // A request whose body is still arriving when the signal comes.
      const u = new URL(`${server.url}/graphql`);
      const inflight = new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = http.request({ host: u.hostname, port: u.port, path: u.pathname, method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` } }, (res) => {
          let body = '';
          res.on('data', (c) => (body += c));
          res.on('end', () => resolve({ status: res.statusCode!, body }));
        });
        req.on('error', reject);
        req.write('{"query": "{ me { subject ');
        setTimeout(() => req.end('role } }"}'), 700);
      });
      await new Promise((r) => setTimeout(r, 200));
      const exit = server.stop();
      await new Promise((r) => setTimeout(r, 50));
      // Draining: still answering, but not ready, and closing each connection.
      const draining = await fetch(`${server.url}/readyz`);
      expect(draining.status).toBe(503);
      expect(draining.headers.get('connection')).toBe('close');
      await new Promise((r) => setTimeout(r, 350));
      await expect(fetch(`${server.url}/healthz`)).rejects.toThrow(); // no longer accepting
      const answered = await inflight;
      expect(answered.status).toBe(200);
      expect(JSON.parse(answered.body).data.me.role).toBe('CLIENT');
      expect(await exit).toBe(0);
      expect(server.logs()).toMatch(/"msg":"stopped"/);
    } finally {
      rx.setDelay(0);
      if (server.child.exitCode === null) server.child.kill('SIGKILL');
    }
    // The hand-off that was under way was finished and booked; the database opens again (lock released).
    const d = await s.open();
    try {
      expect(rx.deliveryIds()).toHaveLength(1);
      expect(await count(d, sql`select count(*) as n from deliveries where status = 'HANDED_OFF'`)).toBe(1);
      expect(await count(d, sql`select count(*) as n from delivery_outbox`)).toBe(0);
    } finally {
      await d.close();
    }
  });

  it('kill -9 in the middle of a dispatch batch: after restart every delivery is handed off, each booked once', async () => {
    let server = await startServer(serverEnv(s, keys, { DISPATCHER: 'false' }));
    const ids: string[] = [];
    for (let n = 100; n < 110; n++) ids.push((await call(server.url, bearer, DISPATCH, { i: message(n) })).body.data.dispatch.id);
    expect(await server.stop()).toBe(0);
    const before = rx.deliveryIds().length;
    server = await startServer(serverEnv(s, keys, { FAILPOINTS: 'dispatch.afterHandOff@4', DISPATCH_LEASE_MS: '3000' }));
    await killAt(server, 'dispatch.afterHandOff');
    server = await startServer(serverEnv(s, keys, { DISPATCH_LEASE_MS: '3000' }));
    try {
      await until('all ten handed off', async () => {
        const r = await call(server.url, adminToken, `{ deliveries(filter: { status: HANDED_OFF }, first: 100) { nodes { id attempts { ok } } } }`);
        const nodes = r.body.data.deliveries.nodes.filter((x: any) => ids.includes(x.id));
        return nodes.length === 10 ? nodes : undefined;
      }, 60_000).then((nodes: any[]) => {
        for (const n of nodes) expect(n.attempts.filter((a: any) => a.ok)).toHaveLength(1);
      });
    } finally {
      expect(await server.stop()).toBe(0);
    }
    const got = rx.deliveryIds().slice(before);
    expect(new Set(got)).toEqual(new Set(ids));
    // Hand-offs cut off between the receiver's answer and their booking (the one at the failpoint and
    // any others in flight at the kill) went out again after the lease, with the same delivery id: the
    // receiver's de-duplication key. Nothing was handed off more than twice, and each is booked once.
    const times = new Map<string, number>();
    for (const x of got) times.set(x, (times.get(x) ?? 0) + 1);
    expect(Math.max(...times.values())).toBeLessThanOrEqual(2);
    expect([...times.values()].filter((n) => n === 2).length).toBeGreaterThanOrEqual(1);
  });

  it('kill -9 while a structural change is being applied: nothing half-done; the next start applies it once', async () => {
    const d = await s.open();
    let id: number;
    try {
      const ctx = { db: d.db, clock: new ManualClock(new Date().toISOString()), principal: admin, actor: testActor, requireHttps: false, directory: new Directory(d, { pollMs: 0 }) };
      const planned = await planStructuralChange(ctx as never, {
        kind: 'RENAME',
        effectiveDate: berlinToday(),
        predecessors: ['05766020'],
        successors: [{ ags: '05766020', name: 'Detmold, Residenzstadt' }],
      });
      id = planned.id;
    } finally {
      await d.close();
    }
    let server = await startServer(serverEnv(s, keys, { FAILPOINTS: 'structural.apply.beforeCommit', DISPATCHER: 'false' }));
    await killAt(server, 'structural.apply.beforeCommit');
    const mid = await s.open();
    try {
      expect(await count(mid, sql`select count(*) as n from structural_changes where id = ${id} and status = 'PLANNED'`)).toBe(1);
      expect(await count(mid, sql`select count(*) as n from audit_log where action = 'APPLY_STRUCTURAL_CHANGE'`)).toBe(0);
      expect(await count(mid, sql`select count(*) as n from regions where name = 'Detmold, Residenzstadt'`)).toBe(0);
    } finally {
      await mid.close();
    }
    server = await startServer(serverEnv(s, keys, { DISPATCHER: 'false' }));
    await until('the catch-up run', () => /"job":"structural-changes".*"msg":"job done"/.test(server.logs()), 60_000);
    expect(await server.stop()).toBe(0);
    server = await startServer(serverEnv(s, keys, { DISPATCHER: 'false' }));
    await until('the second catch-up run', () => /"job":"structural-changes".*"msg":"job done"/.test(server.logs()), 60_000);
    expect(await server.stop()).toBe(0);
    const after = await s.open();
    try {
      expect(await count(after, sql`select count(*) as n from structural_changes where id = ${id} and status = 'APPLIED'`)).toBe(1);
      expect(await count(after, sql`select count(*) as n from audit_log where action = 'APPLY_STRUCTURAL_CHANGE'`)).toBe(1);
      expect(await count(after, sql`select count(*) as n from regions where name = 'Detmold, Residenzstadt' and level = 'MUNICIPALITY'`)).toBe(1);
    } finally {
      await after.close();
    }
  });

  it('kill -9 during a bulk GV100AD import: the register is untouched; run again it imports once', async () => {
    const fresh = await serverStore(engine);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bv-imp-'));
    try {
      const file = path.join(dir, 'gv.txt');
      fs.writeFileSync(file, syntheticEdition(300), 'latin1');
      const env = { ...fresh.env, SEED_DEMO: 'false' };
      const d0 = await fresh.open();
      const empty = await registerFingerprint(d0.db);
      await d0.close();
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'import', 'gv100ad', file], { cwd: ROOT, env: childEnv({ ...env, FAILPOINTS: 'import.gv100ad.beforeCommit' }), stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stderr.on('data', (c) => (out += c));
      child.stdout.on('data', (c) => (out += c));
      await until('the import to reach its commit', () => out.includes('FAILPOINT import.gv100ad.beforeCommit'), 120_000);
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
      const d1 = await fresh.open();
      expect(await registerFingerprint(d1.db)).toBe(empty);
      await d1.close();
      const again = await runCli(['import', 'gv100ad', file], env);
      expect(again.code, again.stderr).toBe(0);
      const twice = await runCli(['import', 'gv100ad', file], env);
      expect(twice.code, twice.stderr).toBe(0);
      const d2 = await fresh.open();
      try {
        expect(await count(d2, sql`select count(*) as n from register_imports where kind = 'GV100AD'`)).toBe(1);
        expect(await count(d2, sql`select count(*) as n from regions where level = 'MUNICIPALITY'`)).toBe(300);
      } finally {
        await d2.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
      await fresh.drop();
    }
  });
});

describe.skipIf(!process.env.TEST_DATABASE_URL || !postgresBinDir())('the database goes away and comes back [postgres]', () => {
  let cluster: Cluster;
  let keys: TestKeys;
  let rx: Rx;
  let server: ServerProcess | undefined;
  let bearer: string;
  let adminToken: string;

  beforeAll(async () => {
    cluster = await privateCluster();
    keys = await makeKeys();
    rx = await receiver();
    const d = await openPostgres(cluster.url, 2);
    await d.migrate();
    await d.close();
    await prepare({ env: {}, open: () => openPostgres(cluster.url, 2), drop: async () => {} }, rx);
    bearer = await token(keys, { role: 'CLIENT', scope: 'ags:05766044', expiresIn: 3600 });
    adminToken = await token(keys, { role: 'ADMIN', expiresIn: 3600 });
    server = await startServer(serverEnv({ env: { DATABASE_URL: cluster.url }, open: async () => undefined as never, drop: async () => {} }, keys, { DATABASE_POOL_SIZE: '4' }));
  });
  afterAll(async () => {
    await server?.stop();
    await rx?.close();
    cluster?.destroy();
  });

  it('while it is down: fast 503 with a clear error, /readyz 503, lookups from memory; then it recovers by itself', async () => {
    expect((await fetch(`${server!.url}/readyz`)).status).toBe(200);
    // A hand-off under way when the database stops is booked once it is back, not repeated.
    rx.setDelay(2000);
    const sent = await call(server!.url, bearer, DISPATCH, { i: message(500) });
    const id = sent.body.data.dispatch.id;
    await until('the hand-off to start', () => rx.started() >= 1);
    cluster.stop();
    try {
    const t0 = performance.now();
    const down = await call(server!.url, adminToken, `{ deliveries(first: 5) { nodes { id } } }`);
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(down.status).toBe(503);
    expect(down.headers.get('retry-after')).toBe('5');
    expect(down.body.errors![0].extensions.code).toBe('DATABASE_UNAVAILABLE');
    expect(down.body.errors![0].message).toMatch(/database is not reachable/);
    expect((await fetch(`${server!.url}/readyz`)).status).toBe(503);
    // Lookups are answered from the in-memory index (the fixture has no rule for this task: NO_JURISDICTION).
    const lookup = await call(server!.url, bearer, `{ responsibleAuthority(input: { ags: "05766020" }) { status explanation } }`);
    expect(lookup.body.errors).toBeUndefined();
    expect(lookup.body.data.responsibleAuthority.status).toBe('NO_JURISDICTION');
    const refused = await call(server!.url, bearer, DISPATCH, { i: message(501) });
    expect(refused.body.errors![0].extensions.code).toBe('DATABASE_UNAVAILABLE');
    await new Promise((r) => setTimeout(r, 2500)); // the receiver has answered meanwhile
    } finally {
      cluster.start();
    }
    await until('/readyz to recover', async () => (await fetch(`${server!.url}/readyz`)).status === 200, 30_000);
    rx.setDelay(0);
    const again = await call(server!.url, bearer, DISPATCH, { i: message(501) });
    expect(again.body.data.dispatch.status).toBe('PENDING');
    await until('both handed off', async () => {
      const r = await call(server!.url, adminToken, `{ deliveries(filter: { status: HANDED_OFF }) { nodes { id } } }`);
      return r.body.data?.deliveries.nodes.length === 2;
    });
    expect(rx.deliveryIds().filter((x) => x === id)).toHaveLength(1);
    expect(rx.deliveryIds()).toHaveLength(2);
  });

  it('terminated connections mid-request: each request succeeds or fails clearly, and the next ones succeed', async () => {
    const admin = postgres(cluster.url, { max: 1, onnotice: () => {} });
    const outcomes: string[] = [];
    const load = Array.from({ length: 4 }, async () => {
      for (let i = 0; i < 25; i++) {
        const r = await call(server!.url, adminToken, `{ deliveries(first: 20) { nodes { id attempts { ok } } } auditLog(first: 20) { nodes { id } } }`);
        outcomes.push(r.body.errors ? r.body.errors.map((e: any) => e.extensions?.code).join('+') : 'ok');
      }
    });
    const killer = (async () => {
      for (let i = 0; i < 5; i++) {
        await new Promise((r) => setTimeout(r, 60));
        await admin`select pg_terminate_backend(pid) from pg_stat_activity where datname = 'postgres' and pid <> pg_backend_pid() and backend_type = 'client backend'`;
      }
    })();
    try {
      await Promise.all([...load, killer]);
    } catch (e) {
      throw new Error(`${(e as Error).message}; server exit code ${server!.child.exitCode}; log tail:\n${server!.logs().slice(-3000)}`);
    }
    await admin.end();
    expect(outcomes).toHaveLength(100);
    expect(outcomes.filter((o) => o !== 'ok' && !/^(DATABASE_UNAVAILABLE\+?)+$/.test(o))).toEqual([]);
    for (let i = 0; i < 5; i++) expect((await call(server!.url, adminToken, `{ deliveries(first: 1) { nodes { id } } }`)).body.errors).toBeUndefined();
    expect(server!.child.exitCode).toBeNull();
    // Failed queries are logged without their parameters (they may hold addresses or keys).
    expect(server!.logs()).not.toMatch(/params: (?!\[redacted\])/);
  });
});

const pgEngine = engines().find((e) => e.name === 'postgres');
describe.skipIf(!pgEngine)('three instances on one PostgreSQL [postgres]', () => {
  let keys: TestKeys;
  let rx: Rx;
  let s: Store;
  let servers: ServerProcess[] = [];
  let changeId: number;

  beforeAll(async () => {
    keys = await makeKeys();
    rx = await receiver();
    s = await serverStore(pgEngine!);
    await prepare(s, rx);
    const d = await s.open();
    try {
      const ctx = { db: d.db, clock: new ManualClock(new Date().toISOString()), principal: admin, actor: testActor, requireHttps: false, directory: new Directory(d, { pollMs: 0 }) };
      changeId = (await planStructuralChange(ctx as never, { kind: 'RENAME', effectiveDate: berlinToday(), predecessors: ['05766020'], successors: [{ ags: '05766020', name: 'Detmold, Residenzstadt' }] })).id;
    } finally {
      await d.close();
    }
    servers = await Promise.all([0, 1, 2].map(() => startServer(serverEnv(s, keys))));
  });
  afterAll(async () => {
    await Promise.all(servers.map((x) => x.stop()));
    await rx?.close();
    await s?.drop();
  });

  it('the start-up job applies a due change exactly once across the instances', async () => {
    await until('three job runs', () => servers.every((x) => /"job":"structural-changes".*"msg":"job done"/.test(x.logs())), 60_000);
    const d = await s.open();
    try {
      expect(await count(d, sql`select count(*) as n from structural_changes where id = ${changeId} and status = 'APPLIED'`)).toBe(1);
      expect(await count(d, sql`select count(*) as n from audit_log where action = 'APPLY_STRUCTURAL_CHANGE'`)).toBe(1);
      expect(await count(d, sql`select count(*) as n from regions where level = 'MUNICIPALITY' and ags = '05766020' and name = 'Detmold, Residenzstadt'`)).toBe(1);
    } finally {
      await d.close();
    }
  });

  it("a change made through one instance is in the others' in-memory index within seconds", async () => {
    const adminToken = await token(keys, { role: 'ADMIN' });
    const created = await call(servers[0]!.url, adminToken, `mutation { createAuthority(input: { key: "ags:05766008", kind: ENFORCEMENT, name: "Blomberg", postalAddress: { street: "Markt", houseNumber: "1", postalCode: "32825", city: "Blomberg" } }) { version } }`);
    expect(created.body.errors).toBeUndefined();
    for (const x of servers.slice(1)) {
      await until('the new authority elsewhere', async () => (await call(x.url, adminToken, `{ authority(key: "ags:05766008") { name } }`)).body.data?.authority?.name === 'Blomberg', 10_000);
    }
    await call(servers[1]!.url, adminToken, `mutation { updateAuthority(key: "ags:05766008", expectedVersion: 1, input: { name: "Stadt Blomberg" }) { version } }`);
    for (const x of [servers[0]!, servers[2]!]) {
      await until('the rename elsewhere', async () => (await call(x.url, adminToken, `{ authority(key: "ags:05766008") { name } }`)).body.data?.authority?.name === 'Stadt Blomberg', 10_000);
    }
  });

  it('deliveries accepted by all three are handed off exactly once each', async () => {
    const bearer = await token(keys, { role: 'CLIENT', scope: 'ags:05766044' });
    const ids: string[] = [];
    for (let n = 0; n < 30; n++) ids.push((await call(servers[n % 3]!.url, bearer, DISPATCH, { i: message(900 + n) })).body.data.dispatch.id);
    await until('30 hand-offs', () => ids.every((id) => rx.deliveryIds().includes(id)), 60_000);
    await new Promise((r) => setTimeout(r, 1000)); // room for a duplicate to show up
    const got = rx.deliveryIds().filter((x) => ids.includes(x));
    expect(got).toHaveLength(30);
    expect(new Set(got).size).toBe(30);
  });
});
