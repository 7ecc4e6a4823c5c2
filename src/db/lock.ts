// PGlite has no lock of its own: a second process opening the same folder would corrupt it.
// A lock file names its holder; a new process decides whether that holder can still be alive:
// - on the same machine (host name and PID namespace), by PID plus the process's start time, so a
//   PID reused after a reboot or a container restart does not keep the folder locked;
// - elsewhere (another host, another container sharing the folder), by a heartbeat: the holder
//   touches the file every few seconds, and a lock not touched for STALE_AFTER_MS is abandoned.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface LockHolder {
  pid: number;
  host: string;
  purpose: string;
  since: string;
  /** Start of the holder process (boot id and clock ticks on Linux, `ps` elsewhere). */
  start?: string;
  /** PID namespace (Linux): a PID from another container says nothing about ours. */
  pidNs?: string;
  /** Random per lock: tells this holder's file from a later one with the same PID. */
  token?: string;
}

export const HEARTBEAT_MS = 5_000;
export const STALE_AFTER_MS = 30_000;

function lockedMessage(dir: string, h: LockHolder | undefined, remoteAgeMs?: number): string {
  if (!h) {
    return (
      `The data folder ${dir} has a lock file (db.lock) that cannot be read: another process may be writing it right now. ` +
      `If no other process uses the folder, the file counts as abandoned ${STALE_AFTER_MS / 1000} s after it was written; or remove ${path.join(dir, 'db.lock')}.`
    );
  }
  const where = remoteAgeMs === undefined ? '' : ` on host ${h.host}`;
  const seen =
    remoteAgeMs === undefined
      ? ''
      : ` Its lock was refreshed ${Math.round(remoteAgeMs / 1000)} s ago; if that host or container is gone, the lock counts as abandoned ` +
        `${STALE_AFTER_MS / 1000} s after its last refresh: start again then.`;
  return (
    `The data folder ${dir} is in use by process ${h.pid}${where} (${h.purpose}, since ${h.since}). ` +
    `Stop that process first, or point DATABASE_URL at a PostgreSQL server to share one database between processes.${seen}`
  );
}

/** The database cannot be used by this process; main and the CLI print the message and exit 1. */
export class DataDirLockedError extends Error {
  constructor(
    public readonly dir: string,
    public readonly holder: LockHolder | undefined,
    message = lockedMessage(dir, holder),
  ) {
    super(message);
    this.name = 'DataDirLockedError';
  }
}

export interface DirLock {
  file: string;
  release(): void;
}

export interface LockOptions {
  heartbeatMs?: number;
  /** Another process took the lock over while this one held it (it stalled for longer than STALE_AFTER_MS). */
  onLost?: (file: string, holder: LockHolder) => void;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readOr<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}

const bootId = readOr(() => fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim());

/** When the process started, as text comparable between two calls; undefined when it cannot be told. */
export function processStart(pid: number): string | undefined {
  if (bootId) {
    const stat = readOr(() => fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
    // Field 22 (starttime); the command name in field 2 may hold spaces and parentheses.
    const ticks = stat?.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
    if (ticks) return `${bootId}:${ticks}`;
    if (fs.existsSync('/proc/self/stat')) return undefined; // Linux, but that process is not visible
  }
  if (process.platform === 'win32') return undefined;
  const out = readOr(() => execFileSync('ps', ['-o', 'lstart=', '-p', String(pid)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 2_000 }));
  return out?.trim() || undefined;
}

function whoAmI(purpose: string): LockHolder {
  return {
    pid: process.pid,
    host: os.hostname(),
    purpose,
    since: new Date().toISOString(),
    start: processStart(process.pid),
    pidNs: readOr(() => fs.readlinkSync('/proc/self/ns/pid')),
    token: randomUUID(),
  };
}

function readHolder(file: string): LockHolder | undefined {
  const h = readOr(() => JSON.parse(fs.readFileSync(file, 'utf8')) as LockHolder);
  return typeof h?.pid === 'number' && typeof h.host === 'string' ? h : undefined;
}

/** Same machine and PID namespace, so the holder's PID can be checked here. Old lock files have no pidNs. */
function isLocal(h: LockHolder, me: LockHolder): boolean {
  return h.host === me.host && (h.pidNs === undefined || me.pidNs === undefined || h.pidNs === me.pidNs);
}

function isStale(h: LockHolder | undefined, ageMs: number, me: LockHolder): boolean {
  if (!h || !isLocal(h, me)) return ageMs > STALE_AFTER_MS;
  if (!isAlive(h.pid)) return true;
  const now = h.start ? processStart(h.pid) : undefined;
  return now !== undefined && now !== h.start; // the PID now belongs to another process
}

function ageOf(file: string): number {
  const mtime = readOr(() => fs.statSync(file).mtimeMs);
  return mtime === undefined ? 0 : Math.max(0, Date.now() - mtime);
}

function write(file: string, me: LockHolder): boolean {
  try {
    fs.writeFileSync(file, JSON.stringify(me), { flag: 'wx' });
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    return false;
  }
}

function lostByDefault(file: string, h: LockHolder): void {
  // Another process writes this database now; any further write from here could corrupt it.
  process.stderr.write(`The lock ${file} was taken over by process ${h.pid} on ${h.host} while this process stalled; stopping at once.\n`);
  process.exit(1);
}

/** Touches the lock file so others see this holder alive; notices when it was taken over. */
function heartbeat(file: string, me: LockHolder, opts: LockOptions): () => void {
  const timer = setInterval(() => {
    const h = readHolder(file);
    if (h?.token === me.token) {
      const now = new Date();
      readOr(() => fs.utimesSync(file, now, now));
    } else if (!fs.existsSync(file)) {
      readOr(() => write(file, me)); // removed by hand: guard the folder again
    } else if (h) {
      clearInterval(timer);
      (opts.onLost ?? lostByDefault)(file, h);
    }
  }, opts.heartbeatMs ?? HEARTBEAT_MS);
  timer.unref();
  return () => clearInterval(timer);
}

export function acquireDirLock(dir: string, purpose: string, opts: LockOptions = {}): DirLock {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'db.lock');
  const me = whoAmI(purpose);
  for (let attempt = 0; attempt < 3; attempt++) {
    if (!write(file, me)) {
      const text = readOr(() => fs.readFileSync(file, 'utf8'));
      const holder = readHolder(file);
      const age = ageOf(file);
      if (!isStale(holder, age, me)) {
        throw new DataDirLockedError(dir, holder, lockedMessage(dir, holder, holder && !isLocal(holder, me) ? age : undefined));
      }
      // Remove only what was judged stale, not a lock another process wrote meanwhile.
      if (readOr(() => fs.readFileSync(file, 'utf8')) === text) fs.rmSync(file, { force: true });
      continue;
    }
    // Two processes taking over the same stale lock at once: only the one whose token stayed wins.
    const check = readHolder(file);
    if (check?.token !== me.token) {
      if (check) throw new DataDirLockedError(dir, check);
      continue;
    }
    const stopHeartbeat = heartbeat(file, me, opts);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      stopHeartbeat();
      process.off('exit', release);
      if (readHolder(file)?.token === me.token) fs.rmSync(file, { force: true });
    };
    process.on('exit', release);
    return { file, release };
  }
  throw new Error(`Could not take the lock ${file}`);
}
