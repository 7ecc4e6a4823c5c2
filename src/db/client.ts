// Opens PGlite (embedded, default) or PostgreSQL (DATABASE_URL) behind one drizzle type.
import path from 'node:path';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist';
import { sql, type SQL } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { fromRoot } from '../lib/project-root.js';
import * as schema from './schema.js';
import { acquireDirLock, type DirLock } from './lock.js';
import { checkDataFolder, checkRegister, describePostgres, folderAdvice, openFailure } from './integrity.js';

export type Schema = typeof schema;
/** The drizzle handle; a transaction has the same shape, so repositories take either. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Engine = 'pglite' | 'postgres';

export interface Database {
  db: Db;
  engine: Engine;
  /** Runs a trivial query; throws when the database does not answer. */
  ping(): Promise<void>;
  migrate(): Promise<void>;
  close(): Promise<void>;
  /** LISTEN on a channel (PostgreSQL: other instances' NOTIFY); returns the unlisten function. */
  listen?(channel: string, onNotify: () => void): Promise<() => Promise<void>>;
}

export const MIGRATIONS_FOLDER = fromRoot('drizzle');
const MIGRATION_LOCK_KEY = 727_001; // advisory lock id: one instance migrates at a time

/** Rows of a raw SQL statement, whichever driver ran it. */
export async function queryRows<T = Record<string, unknown>>(db: Db, query: SQL): Promise<T[]> {
  const res = (await db.execute(query)) as unknown;
  if (Array.isArray(res)) return res as T[];
  return ((res as { rows?: T[] }).rows ?? []) as T[];
}

/** Inside a transaction: true if this session got the lock (held until commit), false if another has it. */
export async function tryAdvisoryXactLock(tx: Db, key: number): Promise<boolean> {
  const [row] = await queryRows<{ ok: boolean }>(tx, sql`select pg_try_advisory_xact_lock(${key}) as ok`);
  return !!row?.ok;
}

export interface PgliteOptions {
  /** Folder for the database files; undefined means in memory. */
  dir?: string;
  /** A tarball from dumpDataDir, e.g. a migrated template in tests. */
  loadDataDir?: Blob;
  purpose?: string;
  /** PostgreSQL shared_buffers inside PGlite; its default (128MB) dominates the process's memory */
  sharedBuffers?: string;
}

/** Takes the folder's lock and opens PGlite there; a folder that is not a usable database is refused. */
async function openPgliteClient(opts: PgliteOptions): Promise<{ client: PGlite; lock?: DirLock }> {
  const lock = opts.dir ? acquireDirLock(opts.dir, opts.purpose ?? `pid ${process.pid}`) : undefined;
  let state: 'new' | 'existing' = 'new';
  try {
    // Before PGlite sees it: PGlite re-initialises a folder without PG_VERSION and aborts on a short pg_control.
    if (opts.dir) state = checkDataFolder(opts.dir);
    const client = await PGlite.create({
      dataDir: opts.dir ? path.join(opts.dir, 'pgdata') : undefined,
      loadDataDir: opts.loadDataDir,
      extensions: { btree_gist },
      postgresqlconf: `shared_buffers = ${opts.sharedBuffers ?? '32MB'}`,
    });
    return { client, lock };
  } catch (e) {
    lock?.release();
    throw opts.dir && state === 'existing' ? openFailure(opts.dir, e) : e;
  }
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * PGlite runs in this thread and completes each statement synchronously, so the statements of a
 * request would follow one another in a single chain of microtasks, and the event loop (health
 * checks, every other caller) would wait until the whole request is done: a few concurrent
 * requests at the work budget held /healthz for seconds. Here statements and transactions queue
 * one at a time, each starting in a turn of the event loop of its own, and statements inside a
 * transaction wait for a turn too. PGlite runs one at a time anyway, so nothing is lost.
 */
function oneStatementPerTurn(client: PGlite): void {
  let tail: Promise<unknown> = Promise.resolve();
  const queued =
    <A extends unknown[], R>(run: (...args: A) => Promise<R>) =>
    (...args: A): Promise<R> => {
      const result = tail.then(nextTurn).then(() => run(...args));
      tail = result.catch(() => undefined);
      return result;
    };
  const query = client.query.bind(client);
  const exec = client.exec.bind(client);
  const transaction = client.transaction.bind(client);
  client.query = queued(query) as PGlite['query'];
  client.exec = queued(exec);
  client.transaction = queued(<T>(callback: (tx: Transaction) => Promise<T>) =>
    transaction((tx) => {
      const [txQuery, txExec] = [tx.query.bind(tx), tx.exec.bind(tx)];
      tx.query = (async (...args: Parameters<Transaction['query']>) => (await nextTurn(), txQuery(...args))) as Transaction['query'];
      tx.exec = async (...args) => (await nextTurn(), txExec(...args));
      return callback(tx);
    }),
  ) as PGlite['transaction'];
}

export async function openPglite(opts: PgliteOptions = {}): Promise<Database> {
  const { client, lock } = await openPgliteClient(opts);
  oneStatementPerTurn(client);
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  return {
    db,
    engine: 'pglite',
    ping: async () => {
      await client.query('select 1');
    },
    migrate: async () => {
      await migratePglite(db as never, { migrationsFolder: MIGRATIONS_FOLDER });
    },
    close: async () => {
      try {
        if (!client.closed) await client.close();
      } finally {
        lock?.release();
      }
    },
  };
}

export async function openPostgres(url: string, poolSize = 10): Promise<Database> {
  const client = postgres(url, {
    max: poolSize,
    onnotice: () => {},
    connect_timeout: 10,
    // Fail fast when the server is gone instead of queueing forever.
    idle_timeout: 60,
  });
  const db = drizzlePostgres(client, { schema }) as unknown as Db;
  return {
    db,
    engine: 'postgres',
    ping: async () => {
      await client`select 1`;
    },
    migrate: async () => {
      // Several instances may start at once: one migrates, the others wait and find nothing to do.
      // A one-connection client keeps the advisory lock and the migration on the same session.
      const single = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 10 });
      try {
        await single`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
        await migratePostgres(drizzlePostgres(single, { schema }), { migrationsFolder: MIGRATIONS_FOLDER });
      } finally {
        await single.end({ timeout: 5 });
      }
    },
    listen: async (channel, onNotify) => {
      // postgres.js re-listens after a lost connection; notifications sent meanwhile are gone, so a
      // re-established listener counts as one.
      let first = true;
      const sub = await client.listen(
        channel,
        () => onNotify(),
        () => {
          if (!first) onNotify();
          first = false;
        },
      );
      return () => sub.unlisten();
    },
    close: async () => {
      await client.end({ timeout: 5 });
    },
  };
}

export interface DatabaseSettings {
  databaseUrl: string | undefined;
  databasePoolSize: number;
  dataDir: string;
  pgliteSharedBuffers?: string;
}

/** Opens the configured database for the server or the CLI; one that has lost its data is refused. */
export async function openDatabase(settings: DatabaseSettings, purpose: string): Promise<Database> {
  const url = settings.databaseUrl;
  const database = url
    ? await openPostgres(url, settings.databasePoolSize)
    : await openPglite({ dir: settings.dataDir, purpose, sharedBuffers: settings.pgliteSharedBuffers });
  try {
    await checkRegister(
      (query) => queryRows(database.db, query),
      url ? describePostgres(url) : `the data folder ${settings.dataDir}`,
      url ? 'Restore it from a backup, or point DATABASE_URL at the right database.' : folderAdvice(settings.dataDir),
    );
  } catch (e) {
    await database.close();
    throw e;
  }
  return database;
}

export { sql };
