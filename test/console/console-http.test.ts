// The console's server side over real HTTP: static files with their content types and caching, the
// single-page fallback, no way out of the build folder, the sign-in settings, and the development
// sign-in (only in development with the local key, only from this machine, never in production).
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app/app.js';
import type { Database } from '../../src/db/client.js';
import { DEFAULT_CONSOLE_DIR, type ConsoleOptions } from '../../src/http/console-assets.js';
import { systemClock } from '../../src/lib/clock.js';
import { ensureDevKey } from '../../src/modules/auth/dev-keys.js';
import { devSignIn, parseDevSignIn } from '../../src/modules/auth/dev-sign-in.js';
import { createVerifier } from '../../src/modules/auth/jwt.js';
import { Directory } from '../../src/modules/directory/directory.js';
import { ConfigError, DEFAULT_AUDIENCE, DEV_ISSUER, loadConfig } from '../../src/config.js';
import { engines } from '../helpers/engines.js';
import { serve } from '../helpers/app.js';
import { postGraphQL, startServer, type ServerProcess } from '../helpers/processes.js';

/** A raw GET: fetch would normalise "/console/assets/../x" before sending it. */
function rawGet(url: string, rawPath: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: u.hostname, port: u.port, path: rawPath, method: 'GET' }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function fakeBuild(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bv-console-build-'));
  fs.mkdirSync(path.join(dir, 'assets'));
  fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>Konsole</title><script type="module" src="/console/assets/index-AbC123.js"></script>');
  fs.writeFileSync(path.join(dir, 'assets', 'index-AbC123.js'), 'console.log("app")');
  fs.writeFileSync(path.join(dir, 'assets', 'index-AbC123.css'), 'body{}');
  fs.writeFileSync(path.join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  fs.writeFileSync(path.join(dir, 'secret.env'), 'NOT=served');
  // Something next to the build that must never be reachable.
  fs.writeFileSync(path.join(path.dirname(dir), `${path.basename(dir)}-outside.js`), 'outside');
  return dir;
}

describe('console assets and settings [pglite]', () => {
  let database: Database;
  let dataDir: string;
  const servers: { close(): Promise<void> }[] = [];

  async function start(options: ConsoleOptions) {
    const jwks = await ensureDevKey(dataDir);
    const app = createApp({
      database, clock: systemClock, directory: new Directory(database, { pollMs: 0 }), bulkMax: 10, graphiql: false,
      verifier: createVerifier({ jwks, issuer: DEV_ISSUER, audience: DEFAULT_AUDIENCE, algorithms: ['ES256'] }, systemClock),
      console: options,
    });
    const s = await serve(app);
    servers.push(s);
    return s.url;
  }

  beforeAll(async () => {
    database = await engines()[0]!.open();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bv-console-data-'));
  });
  afterAll(async () => {
    for (const s of servers) await s.close();
    await database.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves hashed assets for a year, index.html fresh, with content types and a CSP without inline code', async () => {
    const url = await start({ dir: fakeBuild(), oidc: null });
    const js = await fetch(`${url}/console/assets/index-AbC123.js`);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(js.headers.get('x-content-type-options')).toBe('nosniff');
    expect((await fetch(`${url}/console/assets/index-AbC123.css`)).headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect((await fetch(`${url}/console/favicon.svg`)).headers.get('content-type')).toBe('image/svg+xml');
    const index = await fetch(`${url}/console/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(index.headers.get('cache-control')).toBe('no-cache');
    const csp = index.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(index.headers.get('referrer-policy')).toBe('no-referrer');
    const head = await fetch(`${url}/console/assets/index-AbC123.js`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it("answers the app's own routes with index.html and unknown files with 404", async () => {
    const url = await start({ dir: fakeBuild(), oidc: null });
    for (const route of ['/console/lookup', '/console/authorities/ags:05766020', '/console/authorities/x:a.b/edit', '/console/callback?code=x&state=y']) {
      const res = await fetch(`${url}${route}`);
      expect(res.status, route).toBe(200);
      expect(await res.text(), route).toContain('<title>Konsole</title>');
    }
    expect((await fetch(`${url}/console/assets/missing-123.js`)).status).toBe(404);
    expect((await fetch(`${url}/console/missing.png`)).status).toBe(404);
    const bare = await fetch(`${url}/console`, { redirect: 'manual' });
    expect(bare.status).toBe(308);
    expect(bare.headers.get('location')).toBe('/console/');
    expect((await fetch(`${url}/console/`, { method: 'POST' })).status).toBe(405);
  });

  it('no path leaves the build folder, however it is spelled', async () => {
    const dir = fakeBuild();
    const url = await start({ dir, oidc: null });
    const outside = `${path.basename(dir)}-outside.js`;
    const attempts = [
      `/console/assets/../../${outside}`,
      `/console/../${outside}`,
      `/console/assets/..%2f..%2f${outside}`,
      `/console/assets/%2e%2e/%2e%2e/${outside}`,
      `/console/assets/..\\..\\${outside}`,
      '/console/assets/../../../../../../etc/passwd',
      '/console/assets/.hidden.js',
      '/console/secret.env',
      '/console/assets/index-AbC123.js%00.png',
      '/console/%2e%2e/package.json',
    ];
    for (const p of attempts) {
      const res = await rawGet(url, p);
      expect(res.body, p).not.toContain('outside');
      expect(res.body, p).not.toContain('root:');
      expect(res.body, p).not.toContain('NOT=served');
      expect(res.body, p).not.toContain('"name": "behoerdenverzeichnis"');
      expect([200, 404], p).toContain(res.status);
      if (res.status === 200) expect(res.body, p).toContain('<title>Konsole</title>'); // the app, not a file
    }
  });

  it('says clearly when the console has not been built', async () => {
    const url = await start({ dir: fs.mkdtempSync(path.join(os.tmpdir(), 'bv-console-empty-')), oidc: null });
    const res = await fetch(`${url}/console/`);
    expect(res.status).toBe(503);
    expect(await res.text()).toContain('npm run build:console');
  });

  it('publishes the sign-in settings; the provider is the only other origin the CSP lets the console talk to', async () => {
    const oidc = { issuer: 'https://idp.example.org/realms/bv', clientId: 'console', scope: 'openid', resource: null, allowHttp: false };
    const url = await start({ dir: fakeBuild(), oidc });
    const res = await fetch(`${url}/console/config.json`);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toEqual({ oidc, devSignIn: false });
    expect(res.headers.get('content-security-policy')).toContain("connect-src 'self' https://idp.example.org;");
    const dev = await fetch(`${url}/console/dev-token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"role":"ADMIN"}' });
    expect(dev.status).toBe(404);
  });

  it('the development sign-in issues a token the server accepts, for console roles only, with a scope where needed', async () => {
    const url = await start({ dir: fakeBuild(), oidc: null, devSignIn: devSignIn(dataDir) });
    expect((await (await fetch(`${url}/console/config.json`)).json()).devSignIn).toBe(true);
    const post = (body: string, type = 'application/json') => fetch(`${url}/console/dev-token`, { method: 'POST', headers: { 'content-type': type }, body });
    const ok = await post('{"role":"TENANT_MANAGER","scope":"lippe"}');
    expect(ok.status).toBe(200);
    const { token } = (await ok.json()) as { token: string };
    const me = await postGraphQL(url, '{ me { role scope } }', token);
    expect(me.body.data.me).toEqual({ role: 'TENANT_MANAGER', scope: 'lippe' });
    expect((await post('{"role":"CLIENT","scope":"ags:05766020"}')).status).toBe(400);
    const noScope = await post('{"role":"DATA_CENTER"}');
    expect(noScope.status).toBe(400);
    expect(await noScope.json()).toEqual({ error: { field: 'scope', message: 'role DATA_CENTER needs a scope (data centre code)' } });
    expect((await post('{"role":"ADMIN"}', 'text/plain')).status).toBe(415);
    expect((await post(JSON.stringify({ role: 'ADMIN', pad: 'x'.repeat(5000) }))).status).toBe(413);
    expect((await fetch(`${url}/console/dev-token`)).status).toBe(405);
  });
});

describe('console settings', () => {
  const problems = (env: Record<string, string>) => {
    try {
      loadConfig(env);
      return [];
    } catch (e) {
      return (e as ConfigError).problems;
    }
  };

  it('OpenID Connect needs the provider in AUTH_ISSUER, as an https URL in production', () => {
    expect(problems({ CONSOLE_OIDC_CLIENT_ID: 'c' })).toEqual(['CONSOLE_OIDC_CLIENT_ID: needs AUTH_ISSUER, the identity provider the console signs in with']);
    expect(problems({ CONSOLE_OIDC_CLIENT_ID: 'c', AUTH_ISSUER: 'urn:x' })[0]).toMatch(/^AUTH_ISSUER: must be the identity provider's URL/);
    expect(problems({ CONSOLE_OIDC_CLIENT_ID: 'c', AUTH_ISSUER: 'http://127.0.0.1:9000/realm' })).toEqual([]);
    const prod = { NODE_ENV: 'production', DISPATCHER: 'false', AUTH_JWKS: 'jwks.json', AUTH_AUDIENCE: 'a', CONSOLE_OIDC_CLIENT_ID: 'c' };
    expect(problems({ ...prod, AUTH_ISSUER: 'http://idp.example/realm' })).toEqual(['AUTH_ISSUER: must use https in production when CONSOLE_OIDC_CLIENT_ID is set']);
    expect(problems({ ...prod, AUTH_ISSUER: 'https://idp.example/realm' })).toEqual([]);
    expect(loadConfig({ CONSOLE_OIDC_CLIENT_ID: 'c', AUTH_ISSUER: 'https://idp.example/realm', CONSOLE_OIDC_RESOURCE: 'https://bv.example/graphql' }).console).toEqual({
      oidcClientId: 'c', oidcScope: 'openid', oidcResource: 'https://bv.example/graphql',
    });
  });
});

describe('parseDevSignIn', () => {
  it('accepts a console role with the scope it needs and refuses everything else by field', () => {
    expect(parseDevSignIn('{"role":"ADMIN"}')).toEqual({ role: 'ADMIN', scope: undefined });
    expect(parseDevSignIn('{"role":"DATA_CENTER","scope":" krz-lemgo "}')).toEqual({ role: 'DATA_CENTER', scope: 'krz-lemgo' });
    expect(parseDevSignIn('[1]')).toMatchObject({ field: 'body' });
    expect(parseDevSignIn('nope')).toMatchObject({ field: 'body' });
    expect(parseDevSignIn('{"role":"ROOT"}')).toMatchObject({ field: 'role' });
    expect(parseDevSignIn('{"role":"ADMIN","scope":"x"}')).toMatchObject({ field: 'scope', message: 'role ADMIN takes no scope' });
    expect(parseDevSignIn('{"role":"TENANT_MANAGER","scope":"a b"}')).toMatchObject({ field: 'scope' });
    expect(parseDevSignIn('{"role":"TENANT_MANAGER","scope":7}')).toMatchObject({ field: 'scope', message: 'must be a string' });
  });
});

describe('the real server: development sign-in on, production off [pglite]', () => {
  const dirs: string[] = [];
  let server: ServerProcess | undefined;
  const tmp = () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'bv-console-srv-'));
    dirs.push(d);
    return d;
  };
  afterAll(async () => {
    await server?.stop();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  it('npm start in development serves the built console and a development sign-in', async () => {
    expect(fs.existsSync(path.join(DEFAULT_CONSOLE_DIR, 'index.html'))).toBe(true);
    server = await startServer({ DATA_DIR: tmp(), JOBS: 'false', DISPATCHER: 'false' });
    const index = await fetch(`${server.url}/console/`);
    expect(index.status).toBe(200);
    const html = await index.text();
    expect(html).toMatch(/<script type="module" crossorigin src="\/console\/assets\/[\w-]+\.js"><\/script>/);
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // no inline script
    expect(html).not.toMatch(/<style/);
    const settings = await (await fetch(`${server.url}/console/config.json`)).json();
    expect(settings).toMatchObject({ oidc: null, devSignIn: true });
    const dev = await fetch(`${server.url}/console/dev-token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"role":"ADMIN"}' });
    const me = await postGraphQL(server.url, '{ me { subject role } }', ((await dev.json()) as { token: string }).token);
    expect(me.body.data.me).toEqual({ subject: 'dev-console:admin', role: 'ADMIN' });
    await server.stop();
    server = undefined;
  });

  it('in production there is no development sign-in, and the console signs in with the configured provider', async () => {
    const dir = tmp();
    const jwks = path.join(dir, 'jwks.json');
    fs.writeFileSync(jwks, JSON.stringify({ keys: [] }));
    server = await startServer({
      NODE_ENV: 'production', DATA_DIR: path.join(dir, 'data'), DISPATCHER: 'false', JOBS: 'false',
      AUTH_JWKS: jwks, AUTH_ISSUER: 'https://idp.example.org/realms/bv', AUTH_AUDIENCE: 'bv', CONSOLE_OIDC_CLIENT_ID: 'bv-console',
    });
    const settings = await (await fetch(`${server.url}/console/config.json`)).json();
    expect(settings).toEqual({
      oidc: { issuer: 'https://idp.example.org/realms/bv', clientId: 'bv-console', scope: 'openid', resource: null, allowHttp: false },
      devSignIn: false,
    });
    const dev = await fetch(`${server.url}/console/dev-token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"role":"ADMIN"}' });
    expect(dev.status).toBe(404);
  });
});
