// A damaged data folder, a register that lost its data, and the folder lock after crashes: the real
// server and CLI as child processes, as an operator would meet them.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, openPglite, openPostgres, queryRows, sql, type Database } from '../src/db/client.js';
import { acquireDirLock, processStart } from '../src/db/lock.js';
import { systemClock } from '../src/lib/clock.js';
import { loadDemoSeed } from '../seed/load.js';
import { forEachEngine } from './helpers/engines.js';
import { runCli, startServer } from './helpers/processes.js';

const temps: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bv-folder-'));
  temps.push(dir);
  return dir;
}
afterAll(() => temps.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/** The server's startup output when it exits before becoming ready. */
async function refusedStart(env: Record<string, string>): Promise<string> {
  const started = await startServer(env).then(
    async (s) => {
      await s.stop();
      return undefined;
    },
    (e: Error) => e.message,
  );
  expect(started, 'the server started although it should have refused').toBeDefined();
  expect(started).toMatch(/exited with 1 before it was ready/);
  return started!;
}

function expectClean(output: string): void {
  expect(output).not.toMatch(/RuntimeError|Aborted\(\)|\n\s+at /); // a message, not a stack dump
}

describe('a damaged data folder is refused [pglite]', () => {
  let base: string;
  let regionsFile: string;
  beforeAll(async () => {
    base = tempDir();
    const d = await openPglite({ dir: base });
    await d.migrate();
    await loadDemoSeed(d.db, systemClock, { id: 'system:seed' });
    const [row] = await queryRows<{ p: string }>(d.db, sql`select pg_relation_filepath('regions') as p`);
    regionsFile = row!.p;
    await d.close();
  }, 120_000);

  const copy = () => {
    const dir = tempDir();
    fs.cpSync(base, dir, { recursive: true });
    return dir;
  };

  it('without PG_VERSION: the server exits 1 naming the folder and the file, and does not initialise it anew', async () => {
    const dir = copy();
    const control = fs.readFileSync(path.join(dir, 'pgdata/global/pg_control'));
    fs.rmSync(path.join(dir, 'pgdata/PG_VERSION'));
    const out = await refusedStart({ DATA_DIR: dir });
    expect(out).toContain(`the data folder ${dir} has no pgdata/PG_VERSION`);
    expect(out).toMatch(/Restore .* from a backup, or move it away/);
    expectClean(out);
    expect(fs.existsSync(path.join(dir, 'pgdata/PG_VERSION'))).toBe(false);
    expect(fs.readFileSync(path.join(dir, 'pgdata/global/pg_control')).equals(control)).toBe(true);
    expect(fs.existsSync(path.join(dir, 'db.lock'))).toBe(false);
  });

  it('a truncated control file: a clear refusal, not a WebAssembly abort', async () => {
    const dir = copy();
    fs.truncateSync(path.join(dir, 'pgdata/global/pg_control'), 100);
    const out = await refusedStart({ DATA_DIR: dir });
    expect(out).toContain(`the data folder ${dir} has a truncated control file pgdata/global/pg_control (100 of 8192 bytes)`);
    expectClean(out);
  });

  it('a truncated table file: the CLI refuses instead of serving an empty register', async () => {
    const dir = copy();
    fs.truncateSync(path.join(dir, 'pgdata', regionsFile), 0);
    const cli = await runCli(['migrate'], { DATA_DIR: dir });
    expect(cli.code).toBe(1);
    expect(cli.stderr).toContain(`the data folder ${dir} is damaged: reading it failed`);
    expectClean(cli.stderr);
  });

  it('PGlite aborting on an otherwise complete folder (its WAL removed): a clear refusal', async () => {
    const dir = copy();
    for (const f of fs.readdirSync(path.join(dir, 'pgdata/pg_wal'))) fs.rmSync(path.join(dir, 'pgdata/pg_wal', f), { recursive: true });
    const cli = await runCli(['migrate'], { DATA_DIR: dir });
    expect(cli.code).toBe(1);
    expect(cli.stderr).toContain(`the data folder ${dir} is damaged: the embedded PostgreSQL aborted while reading it`);
    expectClean(cli.stderr);
  });

  it('the lock of a crashed container (same PID, other host name, not refreshed for a minute) is taken over', async () => {
    const dir = copy();
    const file = path.join(dir, 'db.lock');
    fs.writeFileSync(file, JSON.stringify({ pid: process.pid, host: 'container-before-restart', purpose: 'server', since: 'x' }));
    const old = new Date(Date.now() - 60_000);
    fs.utimesSync(file, old, old);
    const server = await startServer({ DATA_DIR: dir });
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toMatchObject({ pid: server.child.pid, host: os.hostname() });
    expect(await server.stop()).toBe(0);
    // One refreshed a moment ago may belong to a live process on that host: the CLI waits its turn.
    fs.writeFileSync(file, JSON.stringify({ pid: process.pid, host: 'other-host', purpose: 'server', since: 'x' }));
    const cli = await runCli(['migrate'], { DATA_DIR: dir });
    expect(cli.code).toBe(1);
    expect(cli.stderr).toContain(`in use by process ${process.pid} on host other-host`);
  });

  it('a lock whose PID now belongs to another process (older start time) is taken over; a live holder still blocks', async () => {
    const dir = copy();
    const file = path.join(dir, 'db.lock');
    // This test process stands in for the unrelated process that got the crashed holder's PID.
    fs.writeFileSync(file, JSON.stringify({ pid: process.pid, host: os.hostname(), purpose: 'server', since: 'x', start: `${processStart(process.pid)}-earlier` }));
    const cli = await runCli(['migrate'], { DATA_DIR: dir });
    expect(cli.stderr).toBe('');
    expect(cli.code).toBe(0);
    expect(fs.existsSync(file)).toBe(false);

    const held = acquireDirLock(dir, 'test holder');
    try {
      const out = await refusedStart({ DATA_DIR: dir });
      expect(out).toContain(`is in use by process ${process.pid} (test holder`);
      const again = await runCli(['migrate'], { DATA_DIR: dir });
      expect(again.code).toBe(1);
      expect(again.stderr).toContain(`is in use by process ${process.pid} (test holder`);
    } finally {
      held.release();
    }
  });
});

forEachEngine('a register that lost its data is refused', (engine) => {
  let env: Record<string, string>;
  let where: string;
  let drop: (() => Promise<void>) | undefined;
  let open: () => Promise<Database>;
  beforeAll(async () => {
    if (engine.url) {
      const fresh = await engine.url();
      drop = fresh.drop;
      env = { DATABASE_URL: fresh.url };
      const u = new URL(fresh.url);
      where = `the database ${u.pathname.slice(1)} on ${u.host}`;
      open = () => openPostgres(fresh.url, 1);
    } else {
      const dir = tempDir();
      env = { DATA_DIR: dir };
      where = `the data folder ${dir}`;
      open = () => openPglite({ dir });
    }
    const d = await open();
    try {
      await d.migrate();
      await d.db.execute(sql`insert into register_imports (kind, edition, file_name, sha256, imported_at, imported_by, summary)
        values ('GV100AD', '2025-11-30', 'GV100AD_30112025.txt', 'x', now(), 'cli', '{"counts": {"municipalities": 10957}}')`);
    } finally {
      await d.close();
    }
  }, 120_000);
  afterAll(async () => drop?.());

  const settings = () => ({ databaseUrl: env.DATABASE_URL, databasePoolSize: 1, dataDir: env.DATA_DIR ?? '' });
  /** The error openDatabase refuses with (closing the database if it opened after all). */
  async function refusal(): Promise<string> {
    const opened = await openDatabase(settings(), 'test').catch((e: Error) => e);
    if (opened instanceof Error) return opened.message;
    await opened.close();
    return 'opened';
  }
  async function change(statement: ReturnType<typeof sql>) {
    const d = await open();
    try {
      await d.db.execute(statement);
    } finally {
      await d.close();
    }
  }

  it('an import recorded but no municipality: the CLI exits 1 naming the database, without credentials', async () => {
    const cli = await runCli(['migrate'], env);
    expect(cli.code).toBe(1);
    expect(cli.stderr).toContain(`${where} records 1 register import(s) with municipalities, but holds no municipality`);
    expect(cli.stderr).toMatch(/from a backup/);
    expectClean(cli.stderr);
    if (env.DATABASE_URL) {
      const { password } = new URL(env.DATABASE_URL);
      if (password) expect(cli.stderr).not.toContain(password);
    }
  });

  it('the demo seed recorded but no municipality, or a core table gone: refused too', async () => {
    await change(sql`delete from register_imports`);
    expect(await refusal()).toBe('opened'); // nothing recorded, nothing missing
    await change(sql`insert into app_meta (key, value) values ('demo_seed', '{"outcome": "seeded"}')`);
    expect(await refusal()).toContain(`${where} records that the demo seed was loaded, but holds no municipality`);
    await change(sql`drop table app_meta`);
    expect(await refusal()).toContain(`${where} has lost the table(s) app_meta although its migrations were applied`);
  });
});
