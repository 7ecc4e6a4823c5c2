// An in-process app with its own signing keys: tests call yoga.fetch, no ports.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp, type App, type AppOptions } from '../../src/app/app.js';
import type { Database } from '../../src/db/client.js';
import type { Clock } from '../../src/lib/clock.js';
import { createVerifier } from '../../src/modules/auth/jwt.js';
import { Directory } from '../../src/modules/directory/directory.js';

export const ISSUER = 'https://idp.test.example/realm';
export const AUDIENCE = 'behoerdenverzeichnis-test';

export interface TestKeys {
  jwksFile: string;
  es256: { key: CryptoKey; kid: string };
  rs256: { key: CryptoKey; kid: string };
}

/** An ES256 and an RS256 key, both published in one JWKS file. */
export async function makeKeys(): Promise<TestKeys> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bv-keys-'));
  const es = await generateKeyPair('ES256', { extractable: true });
  const rs = await generateKeyPair('RS256', { extractable: true, modulusLength: 2048 });
  const esPub = await exportJWK(es.publicKey);
  const rsPub = await exportJWK(rs.publicKey);
  const esKid = await calculateJwkThumbprint(esPub);
  const rsKid = await calculateJwkThumbprint(rsPub);
  const jwksFile = path.join(dir, 'jwks.json');
  fs.writeFileSync(jwksFile, JSON.stringify({ keys: [{ ...esPub, kid: esKid }, { ...rsPub, kid: rsKid }] }));
  return { jwksFile, es256: { key: es.privateKey, kid: esKid }, rs256: { key: rs.privateKey, kid: rsKid } };
}

export interface TokenOptions {
  role?: string;
  scope?: string;
  sub?: string;
  iss?: string;
  aud?: string;
  alg?: 'ES256' | 'RS256';
  /** seconds relative to now (clock) */
  expiresIn?: number;
  now?: Date;
}

export async function token(keys: TestKeys, o: TokenOptions = {}): Promise<string> {
  const alg = o.alg ?? 'ES256';
  const k = alg === 'ES256' ? keys.es256 : keys.rs256;
  const now = Math.floor((o.now ?? new Date()).getTime() / 1000);
  const claims: Record<string, unknown> = {};
  if (o.role !== undefined) claims.role = o.role;
  if (o.scope !== undefined) claims.scope = o.scope;
  return new SignJWT(claims)
    .setProtectedHeader({ alg, kid: k.kid })
    .setIssuer(o.iss ?? ISSUER)
    .setAudience(o.aud ?? AUDIENCE)
    .setSubject(o.sub ?? 'user:test')
    .setIssuedAt(now)
    .setExpirationTime(now + (o.expiresIn ?? 300))
    .sign(k.key);
}

const directories = new WeakMap<App, Directory>();

/** Reloads the app's in-memory directory, e.g. after a test wrote to the tables directly. */
export function reloadDirectoryOf(app: App) {
  return directories.get(app)!.reload();
}

export function testApp(
  database: Database,
  clock: Clock,
  keys: TestKeys,
  algorithms = ['ES256'],
  extra: Partial<Omit<AppOptions, 'database' | 'clock' | 'verifier'>> = {},
): App {
  const directory = extra.directory ?? new Directory(database, { pollMs: 0 });
  const app = createApp({
    database,
    clock,
    directory,
    bulkMax: 1000,
    graphiql: false,
    verifier: createVerifier({ jwks: keys.jwksFile, issuer: ISSUER, audience: AUDIENCE, algorithms }, clock),
    ...extra,
  });
  directories.set(app, directory);
  return app;
}

export interface GqlResponse {
  status: number;
  body: { data?: Record<string, any> | null; errors?: { message: string; extensions?: Record<string, any> }[] };
}

export async function gql(app: App, query: string, variables: Record<string, unknown> = {}, bearer?: string): Promise<GqlResponse> {
  const res = await app.yoga.fetch('http://localhost/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, body: (await res.json()) as GqlResponse['body'] };
}

/** Serves the app over real HTTP on the loopback interface. */
export async function serve(app: App): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer(app.handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
