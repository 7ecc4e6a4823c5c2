// The real server over real HTTP, started as `npm start` would start it.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app/app.js';
import { Directory } from '../src/modules/directory/directory.js';
import { ManualClock } from '../src/lib/clock.js';
import { engines, forEachEngine } from './helpers/engines.js';
import { postGraphQL, runCli, startServer, type ServerProcess } from './helpers/processes.js';

const COUNT = `{ regions { totalCount } postalCode(postcode: "22113") { ags } }`;

describe('server on the embedded database [pglite]', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bv-server-'));
  let server: ServerProcess | undefined;
  afterAll(async () => {
    await server?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('first start creates, migrates and seeds the data folder and serves GraphQL, health and readiness', async () => {
    server = await startServer({ DATA_DIR: dataDir });
    expect(server.logs()).toMatch(/"outcome":"seeded"/);
    expect(fs.existsSync(path.join(dataDir, 'pgdata'))).toBe(true);
    expect(JSON.parse(fs.readFileSync(path.join(dataDir, 'db.lock'), 'utf8')).pid).toBe(server.child.pid);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', database: 'pglite' });
    const res = await postGraphQL(server.url, `{ municipality(ags: "05766020") { name district { name } } }`);
    expect(res.body.data.municipality).toEqual({ name: 'Detmold, Stadt', district: { name: 'Lippe' } });
    const graphiql = await fetch(`${server.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(graphiql.status).toBe(200);
    expect(await graphiql.text()).toMatch(/graphiql/i);
  });

  it('a development token from the CLI is accepted by the running server', async () => {
    const cli = await runCli(['token', '--role', 'TENANT_MANAGER', '--scope', 'kdo'], { DATA_DIR: dataDir });
    expect(cli.code).toBe(0);
    expect(cli.lastLine).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    const res = await postGraphQL(server!.url, `{ me { role scope } }`, cli.lastLine);
    expect(res.body.data.me).toEqual({ role: 'TENANT_MANAGER', scope: 'kdo' });
  });

  it('the CLI gets a clear error while the server holds the data folder, and touches nothing', async () => {
    const before = await postGraphQL(server!.url, COUNT);
    const file = path.join(dataDir, 'tiny.csv');
    fs.writeFileSync(file, 'osm_id,ags,ort,plz\n1,05766020,Detmold,32999\n');
    const cli = await runCli(['import', 'postcodes', file], { DATA_DIR: dataDir });
    expect(cli.code).toBe(1);
    expect(cli.stderr).toContain(`is in use by process ${server!.child.pid}`);
    expect(await postGraphQL(server!.url, COUNT)).toEqual(before);
  });

  it('stops on SIGTERM, releases the lock, and a second start reuses the data without re-seeding', async () => {
    const before = await postGraphQL(server!.url, COUNT);
    expect(await server!.stop()).toBe(0);
    expect(fs.existsSync(path.join(dataDir, 'db.lock'))).toBe(false);
    server = await startServer({ DATA_DIR: dataDir });
    expect(server.logs()).toMatch(/"outcome":"already-seeded"/);
    expect(await postGraphQL(server.url, COUNT)).toEqual(before);
  });

  it('takes over a lock left by a process that died', async () => {
    expect(await server!.stop()).toBe(0);
    fs.writeFileSync(path.join(dataDir, 'db.lock'), JSON.stringify({ pid: 2 ** 22 + 7, host: os.hostname(), purpose: 'crashed', since: 'x' }));
    const cli = await runCli(['import', 'postcodes', path.join(dataDir, 'tiny.csv'), '--dry-run', '--json'], { DATA_DIR: dataDir });
    expect(cli.code).toBe(0);
    expect(JSON.parse(cli.lastLine)).toMatchObject({ rows: 1, dryRun: true });
    server = undefined;
  });
});

describe('production start without a JWKS', () => {
  it('refuses to start and says what is missing', async () => {
    const started = await startServer({ NODE_ENV: 'production', DATA_DIR: path.join(os.tmpdir(), 'bv-never') }).catch((e: Error) => e);
    expect(started).toBeInstanceOf(Error);
    const err = started as Error;
    expect(err.message).toMatch(/exited with 1/);
    expect(err.message).toMatch(/AUTH_JWKS: required in production/);
    expect(fs.existsSync(path.join(os.tmpdir(), 'bv-never'))).toBe(false);
  });
});

forEachEngine('readiness follows the database', (engine) => {
  it('/readyz is 200 while the database answers and 503 once it does not; /healthz stays 200', async () => {
    const database = await engine.open();
    const app = createApp({
      database,
      clock: new ManualClock('2026-11-22T00:00:00Z'),
      directory: new Directory(database, { pollMs: 0 }),
      bulkMax: 1000,
      graphiql: false,
      verifier: async () => null,
    });
    const server = http.createServer(app.handle);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    try {
      expect((await fetch(`${base}/readyz`)).status).toBe(200);
      await database.close();
      // An unexpected failure reaches the caller masked: no driver message, no stack.
      const gqlRes = await fetch(`${base}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ municipality(ags: "05766020") { name } }' }),
      });
      // A lost database is named as such (503, Retry-After), without driver messages or stacks.
      const body = (await gqlRes.json()) as { errors: { message: string; extensions?: Record<string, unknown> }[] };
      expect(gqlRes.status).toBe(503);
      expect(gqlRes.headers.get('retry-after')).toBe('5');
      expect(body.errors[0]!.extensions?.code).toBe('DATABASE_UNAVAILABLE');
      expect(body.errors[0]!.message).toMatch(/database is not reachable/);
      expect(JSON.stringify(body)).not.toMatch(/stack|at .*\.ts:|postgres|pglite/i);
      const res = await fetch(`${base}/readyz`);
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ status: 'unavailable', database: 'not answering' });
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
    } finally {
      server.close();
    }
  });
});

const postgresEngine = engines().find((e) => e.name === 'postgres');
describe.skipIf(!postgresEngine)('server on PostgreSQL [postgres]', () => {
  const engine = postgresEngine!;
  let fresh: { url: string; drop(): Promise<void> } | undefined;
  let server: ServerProcess | undefined;
  beforeAll(async () => {
    fresh = await engine.url?.();
  });
  afterAll(async () => {
    await server?.stop();
    await fresh?.drop();
  });

  it('runs with DATABASE_URL: migrates, seeds once, and the CLI works beside it', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bv-pg-'));
    server = await startServer({ DATABASE_URL: fresh!.url, DATA_DIR: dataDir });
    expect(server.logs()).toMatch(/"engine":"postgres"/);
    expect(await (await fetch(`${server.url}/readyz`)).json()).toEqual({ status: 'ready', database: 'postgres' });
    const before = await postGraphQL(server.url, COUNT);
    expect(before.body.data.postalCode).toEqual([{ ags: '01062053' }, { ags: '02000000' }]);
    // PostgreSQL has its own locking: the CLI may import while the server runs.
    const file = path.join(dataDir, 'p.csv');
    fs.writeFileSync(file, 'osm_id,ags,ort,plz\n1,05766020,Detmold,32756\n');
    const cli = await runCli(['import', 'postcodes', file, '--json', '--valid-from', '2026-12-01'], { DATABASE_URL: fresh!.url, DATA_DIR: dataDir });
    expect(cli.code).toBe(0);
    expect(JSON.parse(cli.lastLine)).toMatchObject({ rows: 1, removed: 27, updated: 1 });
    expect(await server.stop()).toBe(0);
    server = await startServer({ DATABASE_URL: fresh!.url, DATA_DIR: dataDir });
    expect(server.logs()).toMatch(/"outcome":"already-seeded"/);
    expect((await postGraphQL(server.url, COUNT)).body.data.regions).toEqual(before.body.data.regions);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
});
