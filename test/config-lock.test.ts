import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';
import { acquireDirLock, DataDirLockedError, processStart, STALE_AFTER_MS, type LockHolder } from '../src/db/lock.js';
import { foldName } from '../src/lib/fold.js';
import { germanDate } from '../src/lib/clock.js';

describe('configuration', () => {
  it('has working defaults for a new user', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ env: 'development', host: '127.0.0.1', port: 4000, seedDemo: true, graphiql: true, databaseUrl: undefined });
    expect(c.dataDir).toBe(path.resolve('./data'));
  });

  it('names every bad variable', () => {
    try {
      loadConfig({ PORT: 'abc', DATABASE_URL: 'mysql://x', AUTH_ALGORITHMS: 'ES256,HS256' });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const msg = (e as Error).message;
      expect(msg).toMatch(/PORT:/);
      expect(msg).toMatch(/DATABASE_URL: must be a postgres:\/\/ or postgresql:\/\/ URL/);
      expect(msg).toMatch(/AUTH_ALGORITHMS/);
    }
  });

  it('numbers are decimal digits (spaces around them ignored); an empty or blank one counts as unset', () => {
    const blank = loadConfig({ SHUTDOWN_DRAIN_MS: '', SHUTDOWN_TIMEOUT_MS: ' ', HEAP_GROWING_PERCENT: '', PORT: '\t', HANDOFF_TIMEOUT_MS: '' });
    expect(blank).toMatchObject({ shutdownDrainMs: 1000, shutdownTimeoutMs: 25_000, heapGrowingPercent: 50, port: 4000 });
    expect(blank.dispatch.handOffTimeoutMs).toBe(loadConfig({}).dispatch.handOffTimeoutMs);
    expect(loadConfig({ SHUTDOWN_DRAIN_MS: ' 12 ', PORT: '0' })).toMatchObject({ shutdownDrainMs: 12, port: 0 });
    // No variable takes a negative number, so no sign either; nor other bases, exponents or fractions.
    for (const bad of ['0x10', '0b11', '0o7', '1e3', '-0', '-5', '+5', '1.5', '12ms', '1_000', 'Infinity']) {
      expect(() => loadConfig({ SHUTDOWN_DRAIN_MS: bad }), bad).toThrow(`\n  - SHUTDOWN_DRAIN_MS: must be a whole number in decimal digits, not ${JSON.stringify(bad)}`);
    }
    expect(() => loadConfig({ MAX_BODY_BYTES: '1e6' })).toThrow(/MAX_BODY_BYTES: must be a whole number in decimal digits, not "1e6"/);
    expect(() => loadConfig({ PORT: '65536' })).toThrow(/PORT: Too big/);
  });

  it('production needs a JWKS, issuer and audience, and turns GraphiQL and the demo seed off', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/AUTH_JWKS: required in production[\s\S]*AUTH_ISSUER[\s\S]*AUTH_AUDIENCE/);
    const c = loadConfig({ NODE_ENV: 'production', AUTH_JWKS: '/etc/jwks.json', AUTH_ISSUER: 'https://idp', AUTH_AUDIENCE: 'bv', HANDOFF_SIGNING_KEYS: '/etc/bv/handoff.pem' });
    expect(c).toMatchObject({ graphiql: false, seedDemo: false, auth: { jwks: '/etc/jwks.json', issuer: 'https://idp', audience: 'bv' } });
    expect(() => loadConfig({ NODE_ENV: 'production', AUTH_JWKS: 'http://idp/jwks', AUTH_ISSUER: 'i', AUTH_AUDIENCE: 'a' })).toThrow(/must use https/);
    const prod = { NODE_ENV: 'production', AUTH_JWKS: '/etc/jwks.json', AUTH_ISSUER: 'i', AUTH_AUDIENCE: 'a', HANDOFF_SIGNING_KEYS: '/etc/bv/handoff.pem' };
    expect(() => loadConfig({ ...prod, PRINT_CENTER_URL: 'http://print.internal/jobs' })).toThrow(/PRINT_CENTER_URL: must use https in production/);
    expect(loadConfig({ ...prod, PRINT_CENTER_URL: 'https://print.internal/jobs' }).dispatch.printCenterUrl).toBe('https://print.internal/jobs');
    expect(() => loadConfig({ PRINT_CENTER_URL: 'not a url' })).toThrow(/PRINT_CENTER_URL/);
    // Hardening defaults in production: introspection and suggestions off, quotas on, no crash hooks.
    expect(loadConfig(prod).http).toMatchObject({ introspection: false, suggestions: false, maxDepth: 12, maxBatch: 10, rateLimits: { CLIENT: 6000, ANONYMOUS: 300 } });
    expect(loadConfig({}).http).toMatchObject({ introspection: true, suggestions: true });
    expect(loadConfig({ RATE_LIMITS: 'CLIENT=10,ANONYMOUS=5' }).http.rateLimits).toMatchObject({ CLIENT: 10, ANONYMOUS: 5, ADMIN: 1200 });
    expect(loadConfig({ RATE_LIMITS: 'off' }).http.rateLimits).toBeNull();
    expect(() => loadConfig({ RATE_LIMITS: 'CLIENT=lots' })).toThrow(/RATE_LIMITS: must be "off" or ROLE=requests per minute/);
    expect(loadConfig({ MAX_PAYLOAD_BYTES: '3145728' }).http.maxBodyBytes).toBe(4 * 1024 * 1024 + 1024 * 1024);
    expect(() => loadConfig({ ...prod, FAILPOINTS: 'dispatch.afterHandOff' })).toThrow(/FAILPOINTS: a crash-test hook; not allowed in production/);
  });
});

describe('hand-off signing keys (configuration)', () => {
  it('production with a dispatcher needs HANDOFF_SIGNING_KEYS; paths are resolved, the first is active', () => {
    const prod = { NODE_ENV: 'production', AUTH_JWKS: '/etc/jwks.json', AUTH_ISSUER: 'i', AUTH_AUDIENCE: 'a' };
    expect(() => loadConfig(prod)).toThrow(/HANDOFF_SIGNING_KEYS: required in production when the dispatcher runs/);
    expect(loadConfig({ ...prod, DISPATCHER: 'false' }).handoff.signingKeyFiles).toEqual([]);
    const c = loadConfig({ ...prod, HANDOFF_SIGNING_KEYS: 'keys/new.pem, /etc/bv/old.pem', HANDOFF_ISSUER: 'https://bv.example' });
    expect(c.handoff).toEqual({ signingKeyFiles: [path.resolve('keys/new.pem'), '/etc/bv/old.pem'], issuer: 'https://bv.example' });
    expect(loadConfig({}).handoff).toEqual({ signingKeyFiles: [], issuer: 'urn:behoerdenverzeichnis' });
  });
});

describe('data folder lock', () => {
  it('refuses a second holder while the first lives, and frees the folder on release', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bv-lock-'));
    const lock = acquireDirLock(dir, 'first');
    expect(() => acquireDirLock(dir, 'second')).toThrow(DataDirLockedError);
    expect(() => acquireDirLock(dir, 'second')).toThrow(new RegExp(`in use by process ${process.pid} \\(first`));
    lock.release();
    const again = acquireDirLock(dir, 'third');
    again.release();
    expect(fs.existsSync(path.join(dir, 'db.lock'))).toBe(false);
  });

  it('takes over the lock of a process that has exited', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bv-lock-'));
    const child = spawn(process.execPath, ['-e', '0']);
    const pid = child.pid!;
    await new Promise((r) => child.on('exit', r));
    fs.writeFileSync(path.join(dir, 'db.lock'), JSON.stringify({ pid, host: os.hostname(), purpose: 'dead', since: 'x' }));
    const lock = acquireDirLock(dir, 'alive');
    expect(JSON.parse(fs.readFileSync(lock.file, 'utf8')).pid).toBe(process.pid);
    lock.release();
  });

  it('does not take over a lock held on another host (shared folder)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bv-lock-'));
    fs.writeFileSync(path.join(dir, 'db.lock'), JSON.stringify({ pid: 1, host: 'other-host', purpose: 'server', since: 'x' }));
    expect(() => acquireDirLock(dir, 'me')).toThrow(DataDirLockedError);
  });

  const writeLock = (dir: string, holder: Partial<LockHolder>, ageMs = 0) => {
    const file = path.join(dir, 'db.lock');
    fs.writeFileSync(file, JSON.stringify({ pid: process.pid, host: os.hostname(), purpose: 'server', since: 'x', ...holder }));
    const at = new Date(Date.now() - ageMs);
    fs.utimesSync(file, at, at);
    return file;
  };

  it('takes over the lock of a crashed container: same PID, another host name, not refreshed for too long', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bv-lock-'));
    writeLock(dir, { host: 'container-before-restart' }, STALE_AFTER_MS + 5_000);
    const lock = acquireDirLock(dir, 'restarted');
    expect(JSON.parse(fs.readFileSync(lock.file, 'utf8'))).toMatchObject({ pid: process.pid, host: os.hostname(), purpose: 'restarted' });
    lock.release();
    // Refreshed recently: its holder may be alive on that host, so it still blocks, and the message says so.
    writeLock(dir, { host: 'other-host' }, 3_000);
    expect(() => acquireDirLock(dir, 'me')).toThrow(new RegExp(`in use by process ${process.pid} on host other-host .*refreshed 3 s ago`));
  });

  it('takes over a lock whose PID now belongs to another process (other start time)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bv-lock-'));
    const mine = processStart(process.pid);
    expect(mine).toBeDefined();
    writeLock(dir, { start: `${mine}-before-reboot` });
    const lock = acquireDirLock(dir, 'new');
    expect(JSON.parse(fs.readFileSync(lock.file, 'utf8')).purpose).toBe('new');
    lock.release();
    // Same PID and start time: the holder is this very process, still alive.
    writeLock(dir, { start: mine });
    expect(() => acquireDirLock(dir, 'second')).toThrow(DataDirLockedError);
  });

  it('an unreadable lock file blocks while it may still be being written, and is taken over once old', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bv-lock-'));
    const file = path.join(dir, 'db.lock');
    fs.writeFileSync(file, '{"pid": 12');
    expect(() => acquireDirLock(dir, 'me')).toThrow(/cannot be read/);
    const old = new Date(Date.now() - STALE_AFTER_MS - 5_000);
    fs.utimesSync(file, old, old);
    acquireDirLock(dir, 'me').release();
  });

  it('the holder refreshes its lock file, and notices when another process took it over', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bv-lock-'));
    const lost: LockHolder[] = [];
    const lock = acquireDirLock(dir, 'holder', { heartbeatMs: 20, onLost: (_f, h) => lost.push(h) });
    const old = new Date(Date.now() - 60_000);
    fs.utimesSync(lock.file, old, old);
    await new Promise((r) => setTimeout(r, 100));
    expect(Date.now() - fs.statSync(lock.file).mtimeMs).toBeLessThan(5_000);
    writeLock(dir, { host: 'other-host', pid: 4242, token: 'theirs' });
    await new Promise((r) => setTimeout(r, 100));
    expect(lost).toMatchObject([{ pid: 4242, host: 'other-host' }]);
    lock.release();
    expect(fs.existsSync(lock.file)).toBe(true); // not ours to remove
  });
});

describe('small helpers', () => {
  it('folds names for umlaut- and case-insensitive search', () => {
    expect(foldName('Lügde, Stadt der Osterräder')).toBe(foldName('LUEGDE stadt der osterraeder'));
    expect(foldName('Groß-Gerau')).toBe('gross gerau');
    expect(foldName('Cottbus/Chóśebuz')).toBe('cottbus chosebuz');
  });

  it('dates are German dates', () => {
    expect(germanDate(new Date('2025-12-31T23:30:00Z'))).toBe('2026-01-01');
    expect(germanDate(new Date('2025-06-30T21:59:00Z'))).toBe('2025-06-30');
  });
});

describe('process.env', () => {
  it('is read by src/config.ts only', () => {
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (p.endsWith('.ts') && !p.endsWith(path.join('src', 'config.ts')) && /process\.env\b/.test(fs.readFileSync(p, 'utf8'))) offenders.push(p);
      }
    };
    walk(path.resolve('src'));
    walk(path.resolve('seed'));
    expect(offenders).toEqual([]);
  });
});
