// PGlite has no lock of its own: a second process opening the same folder would corrupt it.
// A lock file holding the owner's PID guards the folder; a lock left by a dead process is taken over.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface LockHolder {
  pid: number;
  host: string;
  purpose: string;
  since: string;
}

export class DataDirLockedError extends Error {
  constructor(
    public readonly dir: string,
    public readonly holder: LockHolder,
  ) {
    super(
      `The data folder ${dir} is in use by process ${holder.pid} (${holder.purpose}, since ${holder.since}). ` +
        `Stop that process first, or point DATABASE_URL at a PostgreSQL server to share one database between processes.`,
    );
    this.name = 'DataDirLockedError';
  }
}

export interface DirLock {
  file: string;
  release(): void;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readHolder(file: string): LockHolder | undefined {
  try {
    const h = JSON.parse(fs.readFileSync(file, 'utf8')) as LockHolder;
    return typeof h.pid === 'number' ? h : undefined;
  } catch {
    return undefined;
  }
}

export function acquireDirLock(dir: string, purpose: string): DirLock {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'db.lock');
  const me: LockHolder = { pid: process.pid, host: os.hostname(), purpose, since: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      fs.writeFileSync(file, JSON.stringify(me), { flag: 'wx' });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const holder = readHolder(file);
      // An unreadable file may be a lock being written right now: treat it as held.
      if (!holder) throw new DataDirLockedError(dir, { pid: -1, host: '?', purpose: 'unknown', since: '?' });
      if (holder.host !== me.host || isAlive(holder.pid)) throw new DataDirLockedError(dir, holder);
      fs.rmSync(file, { force: true }); // stale: its process is gone
      continue;
    }
    // Two processes taking over the same stale lock at once: only the one whose PID stayed wins.
    const check = readHolder(file);
    if (check?.pid !== me.pid) {
      if (check) throw new DataDirLockedError(dir, check);
      continue;
    }
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      process.off('exit', release);
      if (readHolder(file)?.pid === me.pid) fs.rmSync(file, { force: true });
    };
    process.on('exit', release);
    return { file, release };
  }
  throw new Error(`Could not take the lock ${file}`);
}
