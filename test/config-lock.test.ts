import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';
import { acquireDirLock, DataDirLockedError } from '../src/db/lock.js';
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

  it('production needs a JWKS, issuer and audience, and turns GraphiQL and the demo seed off', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/AUTH_JWKS: required in production[\s\S]*AUTH_ISSUER[\s\S]*AUTH_AUDIENCE/);
    const c = loadConfig({ NODE_ENV: 'production', AUTH_JWKS: '/etc/jwks.json', AUTH_ISSUER: 'https://idp', AUTH_AUDIENCE: 'bv' });
    expect(c).toMatchObject({ graphiql: false, seedDemo: false, auth: { jwks: '/etc/jwks.json', issuer: 'https://idp', audience: 'bv' } });
    expect(() => loadConfig({ NODE_ENV: 'production', AUTH_JWKS: 'http://idp/jwks', AUTH_ISSUER: 'i', AUTH_AUDIENCE: 'a' })).toThrow(/must use https/);
    const prod = { NODE_ENV: 'production', AUTH_JWKS: '/etc/jwks.json', AUTH_ISSUER: 'i', AUTH_AUDIENCE: 'a' };
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
