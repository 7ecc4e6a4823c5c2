// Development only: a local ES256 signing key in the data folder, so `npm start` works without an IdP.
import fs from 'node:fs';
import path from 'node:path';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import { DEFAULT_AUDIENCE, DEV_ISSUER } from '../../config.js';
import type { Role } from './principal.js';

export const DEV_ALG = 'ES256';

export function devKeyPaths(dataDir: string) {
  const dir = path.join(dataDir, 'dev-keys');
  return { dir, privateKey: path.join(dir, 'signing-key.jwk.json'), jwks: path.join(dir, 'jwks.json') };
}

/** Creates the key pair on first use; returns the path of the public JWKS. */
export async function ensureDevKey(dataDir: string): Promise<string> {
  const p = devKeyPaths(dataDir);
  if (fs.existsSync(p.privateKey) && fs.existsSync(p.jwks)) return p.jwks;
  fs.mkdirSync(p.dir, { recursive: true, mode: 0o700 });
  const { publicKey, privateKey } = await generateKeyPair(DEV_ALG, { extractable: true });
  const pub = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(pub);
  const priv = { ...(await exportJWK(privateKey)), kid, alg: DEV_ALG };
  // Write the private key first and exclusively: two processes starting at once must not mix keys.
  try {
    fs.writeFileSync(p.privateKey, JSON.stringify(priv), { mode: 0o600, flag: 'wx' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  const stored = JSON.parse(fs.readFileSync(p.privateKey, 'utf8')) as JWK;
  const { d: _d, ...publicPart } = stored;
  fs.writeFileSync(p.jwks, JSON.stringify({ keys: [{ ...publicPart, use: 'sig' }] }, null, 2));
  return p.jwks;
}

export interface DevTokenClaims {
  role: Role;
  scope?: string;
  subject?: string;
  /** seconds */
  ttl?: number;
  now?: Date;
}

export async function signDevToken(dataDir: string, claims: DevTokenClaims): Promise<string> {
  await ensureDevKey(dataDir);
  const jwk = JSON.parse(fs.readFileSync(devKeyPaths(dataDir).privateKey, 'utf8')) as JWK;
  const key = await importJWK(jwk, DEV_ALG);
  const now = Math.floor((claims.now ?? new Date()).getTime() / 1000);
  const payload: Record<string, unknown> = { role: claims.role };
  if (claims.scope) payload.scope = claims.scope;
  return new SignJWT(payload)
    .setProtectedHeader({ alg: DEV_ALG, kid: jwk.kid, typ: 'JWT' })
    .setIssuer(DEV_ISSUER)
    .setAudience(DEFAULT_AUDIENCE)
    .setSubject(claims.subject ?? `dev:${claims.role.toLowerCase()}`)
    .setIssuedAt(now)
    .setExpirationTime(now + (claims.ttl ?? 8 * 3600))
    .sign(key);
}
