// GraphiQL from the server's own assets, over real HTTP on 127.0.0.1: the page names only same-origin
// URLs, each is served with its content type and a year's caching, and nothing else under /graphiql/
// is. Where GraphiQL is off, neither the page nor its assets are served. No database feature is
// involved: one engine suffices.
import http from 'node:http';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/client.js';
import { acceptsGzip } from '../src/http/static-assets.js';
import { engines } from './helpers/engines.js';
import { clock } from './helpers/fixtures.js';
import { makeKeys, serve, testApp } from './helpers/app.js';

/** GET with the path exactly as given (fetch would resolve "..": this does not). */
function rawGet(base: string, path: string, method = 'GET'): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: u.hostname, port: u.port, path, method }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

const page = (base: string) => fetch(`${base}/graphql`, { headers: { accept: 'text/html' } });

/** Every URL the page names: src and href attributes, and the worker URLs in its JSON settings. */
function referencedUrls(html: string): string[] {
  const attributes = [...html.matchAll(/\s(?:src|href)="([^"]*)"/g)].map((m) => m[1]!);
  const config = JSON.parse(/<script type="application\/json" id="graphiql-config">(.*?)<\/script>/s.exec(html)![1]!);
  return [...attributes, ...Object.values(config.workers as Record<string, string>)];
}

describe('GraphiQL from the server’s own assets [pglite]', () => {
  let database: Database;
  let on: { url: string; close(): Promise<void> };
  let off: { url: string; close(): Promise<void> };
  let html = '';
  let csp = '';

  beforeAll(async () => {
    database = await engines()[0]!.open();
    const keys = await makeKeys();
    on = await serve(testApp(database, clock(), keys, ['ES256'], { graphiql: true }));
    off = await serve(testApp(database, clock(), keys, ['ES256'], { graphiql: false }));
    const res = await page(on.url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    csp = res.headers.get('content-security-policy') ?? '';
    html = await res.text();
  });
  afterAll(async () => {
    await on?.close();
    await off?.close();
    await database?.close();
  });

  it('the page names only same-origin URLs under /graphiql/, nothing from another host', () => {
    expect(html).toContain('id="root"');
    expect(html).not.toMatch(/https?:\/\//i);
    expect(html).not.toMatch(/["'(]\/\//); // no protocol-relative URL
    expect(html).not.toMatch(/unpkg|jsdelivr|cdn/i);
    const urls = referencedUrls(html);
    expect(urls.length).toBe(7); // icon, stylesheet, boot and GraphiQL scripts, three workers
    for (const u of urls) expect(u, u).toMatch(/^\/graphiql\/[0-9a-f]{16}\/[a-z.]+$/);
  });

  it('the page carries a policy that lets the browser load and connect only to this server; it has no inline script', () => {
    const directives = new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name!, values]));
    expect(directives.get('default-src')).toEqual(["'none'"]);
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('connect-src')).toEqual(["'self'"]);
    for (const values of directives.values()) for (const v of values) expect(v, csp).toMatch(/^('self'|'none'|'unsafe-inline'|data:|blob:)$/);
    const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    for (const [, attributes, body] of scripts) {
      if (!/type="application\/json"/.test(attributes!)) expect(body, attributes).toBe('');
    }
  });

  it('every asset the page names is served: 200, its content type, cached for a year, and free of other hosts', async () => {
    const types: Record<string, RegExp> = { js: /^text\/javascript; charset=utf-8$/, css: /^text\/css; charset=utf-8$/, ico: /^image\/x-icon$/ };
    for (const u of referencedUrls(html)) {
      const res = await fetch(`${on.url}${u}`);
      expect(res.status, u).toBe(200);
      expect(res.headers.get('content-type'), u).toMatch(types[u.split('.').pop()!]!);
      expect(res.headers.get('cache-control'), u).toBe('public, max-age=31536000, immutable');
      expect(res.headers.get('x-content-type-options'), u).toBe('nosniff');
      const body = Buffer.from(await res.arrayBuffer());
      expect(body.length, u).toBeGreaterThan(u.endsWith('boot.js') ? 100 : 10_000);
      if (!u.endsWith('.ico')) expect(body.toString('utf8'), u).not.toMatch(/unpkg\.com|cdn\.jsdelivr|fonts\.googleapis|@import\s+url\(\s*["']?https?:/);
    }
    const script = await (await fetch(`${on.url}${referencedUrls(html).find((u) => u.endsWith('/graphiql.js'))}`)).text();
    expect(script).toContain('renderYogaGraphiQL');
  });

  it('gzip when accepted, HEAD without a body, 304 for a known ETag', async () => {
    const url = referencedUrls(html).find((u) => u.endsWith('/graphiql.css'))!;
    const plain = await rawGet(on.url, url);
    const zipped = await new Promise<{ headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
      const u = new URL(on.url);
      http.get({ host: u.hostname, port: u.port, path: url, headers: { 'accept-encoding': 'gzip, br' } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
      }).on('error', reject);
    });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.body.length).toBeLessThan(plain.body.length * 0.7); // much of it is an inlined font
    expect(gunzipSync(zipped.body).equals(plain.body)).toBe(true);
    const head = await rawGet(on.url, url, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe(String(plain.body.length));
    expect(head.body.length).toBe(0);
    const again = await fetch(`${on.url}${url}`, { headers: { 'if-none-match': plain.headers.etag!, 'accept-encoding': 'identity' } });
    expect(again.status).toBe(304);
    expect(acceptsGzip('gzip;q=0, deflate')).toBe(false);
    expect(acceptsGzip('deflate, GZIP;q=0.5')).toBe(true);
    expect(acceptsGzip(undefined)).toBe(false);
  });

  it('serves nothing else under /graphiql/: other names, old versions, traversal, other methods', async () => {
    const boot = referencedUrls(html).find((u) => u.endsWith('/boot.js'))!;
    const version = boot.split('/')[2]!;
    const paths = [
      '/graphiql/',
      `/graphiql/${version}/`,
      `/graphiql/${version}`,
      `/graphiql/${version}/package.json`,
      `/graphiql/${version}/../${version}/boot.js`,
      `/graphiql/${version}/..%2f..%2fpackage.json`,
      `/graphiql/${version}/boot.js/x`,
      `/graphiql/0000000000000000/boot.js`,
      `/graphiql/${version}/%62oot.js`,
      '/graphiql/../../etc/passwd',
    ];
    for (const p of paths) {
      const res = await rawGet(on.url, p);
      expect(res.status, p).toBe(404);
      expect(res.headers['content-type'], p).toBe('text/plain; charset=utf-8');
    }
    const post = await rawGet(on.url, boot, 'POST');
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET, HEAD');
  });

  it('where GraphiQL is off, neither the page nor its assets are served', async () => {
    const res = await page(off.url);
    expect(await res.text()).not.toMatch(/graphiql/i);
    const boot = referencedUrls(html).find((u) => u.endsWith('/boot.js'))!;
    expect((await rawGet(off.url, boot)).status).toBe(404);
  });
});
