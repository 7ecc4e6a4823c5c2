// A database that has lost its data must not start: PGlite re-initialises a folder without PG_VERSION
// (destroying what is left), reads a truncated table file as empty, and aborts on a damaged control
// file. Checked before opening (the folder) and right after (the register), for the server and the CLI.
import fs from 'node:fs';
import path from 'node:path';
import { sql, type SQL } from 'drizzle-orm';
import { pgErrorCode } from './errors.js';

/** Rows of a raw query (client.ts's queryRows, passed in to keep this file free of the driver). */
export type Rows = <T>(query: SQL) => Promise<T[]>;

/** The data folder or database is not a register this server may serve; main and the CLI print it and exit 1. */
export class DatabaseDamagedError extends Error {
  constructor(
    public readonly where: string,
    problem: string,
    advice: string,
  ) {
    super(`Refusing to start: ${where} ${problem}. ${advice}`);
    this.name = 'DatabaseDamagedError';
  }
}

const PG_CONTROL_SIZE = 8192; // PostgreSQL writes the control file as one full block

export function folderAdvice(dataDir: string): string {
  return `Restore ${dataDir} from a backup, or move it away to start with an empty register (and import the register again).`;
}

function damaged(dataDir: string, problem: string): DatabaseDamagedError {
  return new DatabaseDamagedError(`the data folder ${dataDir}`, problem, folderAdvice(dataDir));
}

function readFolderFile(dataDir: string, rel: string): Buffer {
  try {
    return fs.readFileSync(path.join(dataDir, 'pgdata', rel));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw damaged(dataDir, code === 'ENOENT' ? `has no pgdata/${rel}` : `has pgdata/${rel}, but it cannot be read (${code ?? (e as Error).message})`);
  }
}

/**
 * 'new' for a folder without a database yet (first start: PGlite creates one); 'existing' for one that
 * looks like a database cluster. Anything in between is refused.
 */
export function checkDataFolder(dataDir: string): 'new' | 'existing' {
  let entries: string[];
  try {
    entries = fs.readdirSync(path.join(dataDir, 'pgdata'));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return 'new';
    throw damaged(dataDir, `has a pgdata entry that cannot be read as a folder (${code ?? (e as Error).message})`);
  }
  if (entries.length === 0) return 'new';
  const version = readFolderFile(dataDir, 'PG_VERSION').toString('utf8').trim();
  if (!/^\d+$/.test(version)) throw damaged(dataDir, `has a pgdata/PG_VERSION that does not hold a version number`);
  const control = readFolderFile(dataDir, 'global/pg_control');
  if (control.length !== PG_CONTROL_SIZE) {
    throw damaged(dataDir, `has a truncated control file pgdata/global/pg_control (${control.length} of ${PG_CONTROL_SIZE} bytes)`);
  }
  if (!entries.includes('base')) throw damaged(dataDir, 'has no pgdata/base folder (the tables)');
  return 'existing';
}

/** PGlite threw or aborted (WebAssembly RuntimeError) while opening an existing folder. */
export function openFailure(dataDir: string, e: unknown): DatabaseDamagedError {
  const reason =
    e instanceof WebAssembly.RuntimeError
      ? 'the embedded PostgreSQL aborted while reading it'
      : `the embedded PostgreSQL could not open it (${e instanceof Error ? e.message : String(e)})`;
  return damaged(dataDir, `is damaged: ${reason}`);
}

// Import kinds as the importers record them (src/modules/regions/gv100ad.import.ts, seed/load.ts);
// db code does not import from modules.
const GV100AD_KIND = 'GV100AD';
const DEMO_SEED_KEY = 'demo_seed';
const CORE_TABLES = ['regions', 'register_imports', 'app_meta'] as const;

async function missingTables(rows: Rows): Promise<string[] | undefined> {
  const [row] = await rows<Record<string, boolean>>(
    sql`select to_regclass('drizzle.__drizzle_migrations') is not null as journal,
      to_regclass('public.regions') is not null as regions,
      to_regclass('public.register_imports') is not null as register_imports,
      to_regclass('public.app_meta') is not null as app_meta`,
  );
  const missing = CORE_TABLES.filter((t) => !row?.[t]);
  if (missing.length === CORE_TABLES.length && !row?.journal) return undefined; // a new, empty database
  return missing;
}

/** What the register should hold according to its own records, and whether it does. */
async function registerProblem(rows: Rows): Promise<string | undefined> {
  const missing = await missingTables(rows);
  if (!missing) return undefined;
  if (missing.length > 0) return `has lost the table(s) ${missing.join(', ')} although its migrations were applied`;
  const [row] = await rows<{ imports: number; seeded: boolean; municipalities: boolean }>(
    sql`select
      (select count(*)::int from register_imports where kind = ${GV100AD_KIND}
        and coalesce(summary #>> '{counts,municipalities}', '1') <> '0') as imports,
      exists(select 1 from app_meta where key = ${DEMO_SEED_KEY} and value ->> 'outcome' = 'seeded') as seeded,
      exists(select 1 from regions where level = 'MUNICIPALITY') as municipalities`,
  );
  if (!row || row.municipalities) return undefined;
  if (row.imports > 0) return `records ${row.imports} register import(s) with municipalities, but holds no municipality: its data was lost`;
  if (row.seeded) return 'records that the demo seed was loaded, but holds no municipality: its data was lost';
  return undefined;
}

/** SQLSTATE classes XX (internal: data or index corrupted) and 58 (I/O): the files are damaged. */
function corruption(e: unknown): string | undefined {
  if (!/^(XX|58)/.test(pgErrorCode(e) ?? '')) return undefined;
  const cause = (e as { cause?: unknown }).cause;
  return `is damaged: reading it failed (${cause instanceof Error ? cause.message : (e as Error).message})`;
}

/** Refuses a register that has lost its data, before anything serves it or writes to it. */
export async function checkRegister(rows: Rows, where: string, advice: string): Promise<void> {
  const problem = await registerProblem(rows).catch((e: unknown) => {
    const damage = corruption(e);
    if (damage === undefined) throw e;
    return damage;
  });
  if (problem) throw new DatabaseDamagedError(where, problem, advice);
}

/** "the database NAME on HOST:PORT", without user or password. */
export function describePostgres(url: string): string {
  try {
    const u = new URL(url);
    const name = decodeURIComponent(u.pathname.replace(/^\//, '')) || '(default)';
    return `the database ${name} on ${u.hostname || 'localhost'}${u.port ? `:${u.port}` : ''}`;
  } catch {
    return 'the PostgreSQL database of DATABASE_URL';
  }
}
