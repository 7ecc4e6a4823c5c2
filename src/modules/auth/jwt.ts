// Bearer JWT verification against a configured JWKS (file or URL) with pinned algorithms.
import fs from 'node:fs';
import { createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { Clock } from '../../lib/clock.js';
import { AppError } from '../../lib/errors.js';
import { ROLES, SCOPED_ROLES, type Principal, type Role } from './principal.js';

export interface VerifierSettings {
  /** JWKS file path or https URL */
  jwks: string;
  issuer: string;
  audience: string;
  algorithms: string[];
  /** the claims carrying the role and the tenant or data-centre code (default "role" and "scope");
   * OpenID Connect providers put OAuth scopes ("openid profile") in "scope", so they need another */
  roleClaim?: string;
  scopeClaim?: string;
}

export type Verifier = (authorization: string | null) => Promise<Principal | null>;

export class AuthError extends AppError {
  constructor(reason: string) {
    super('UNAUTHENTICATED', `Invalid token: ${reason}`, {
      http: { status: 401, headers: { 'WWW-Authenticate': `Bearer error="invalid_token"` } },
    });
  }
}

/** A JWKS file is re-read when it changes, so keys can be rotated without a restart. */
function fileKeySet(file: string): JWTVerifyGetKey {
  let mtime = -1;
  let set: JWTVerifyGetKey | undefined;
  return (header, token) => {
    const m = fs.statSync(file).mtimeMs;
    if (!set || m !== mtime) {
      set = createLocalJWKSet(JSON.parse(fs.readFileSync(file, 'utf8')));
      mtime = m;
    }
    return set(header, token);
  };
}

/** Verified tokens are remembered briefly: a Fachverfahren sends the same token thousands of times. */
const CACHE_MAX = 10_000;
const CACHE_MS = 60_000;

export function createVerifier(settings: VerifierSettings, clock: Clock): Verifier {
  const cache = new Map<string, { principal: Principal; until: number }>();
  const roleClaim = settings.roleClaim ?? 'role';
  const scopeClaim = settings.scopeClaim ?? 'scope';
  const keys = /^https?:\/\//.test(settings.jwks)
    ? createRemoteJWKSet(new URL(settings.jwks), { cooldownDuration: 30_000, timeoutDuration: 5_000 })
    : fileKeySet(settings.jwks);
  return async (authorization) => {
    if (!authorization) return null;
    const m = /^Bearer\s+([A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+)\s*$/i.exec(authorization);
    if (!m) throw new AuthError('the Authorization header must be "Bearer <JWT>"');
    const now = clock.now().getTime();
    const hit = cache.get(m[1]!);
    if (hit && hit.until > now) return hit.principal;
    if (hit) cache.delete(m[1]!);
    let payload;
    try {
      ({ payload } = await jwtVerify(m[1]!, keys, {
        issuer: settings.issuer,
        audience: settings.audience,
        algorithms: settings.algorithms,
        requiredClaims: ['exp', 'sub'],
        currentDate: clock.now(),
        clockTolerance: 30,
      }));
    } catch (e) {
      throw new AuthError(describe(e));
    }
    const role = payload[roleClaim];
    if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role)) {
      throw new AuthError(`claim "${roleClaim}" must be one of ${ROLES.join(', ')}`);
    }
    const claimed = payload[scopeClaim];
    const scope = typeof claimed === 'string' && claimed ? claimed : null;
    const needs = SCOPED_ROLES[role as Role];
    if (needs && !scope) throw new AuthError(`role ${role} needs claim "${scopeClaim}" (${needs})`);
    const principal: Principal = { subject: payload.sub!, role: role as Role, scope };
    // Never beyond the token's own expiry (exp is required), and only for a minute.
    if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value!);
    cache.set(m[1]!, { principal, until: Math.min(payload.exp! * 1000, now + CACHE_MS) });
    return principal;
  };
}

function describe(e: unknown): string {
  if (e instanceof errors.JWTExpired) return 'token has expired';
  if (e instanceof errors.JWTClaimValidationFailed) return `claim "${e.claim}" is invalid (${e.reason})`;
  if (e instanceof errors.JOSEAlgNotAllowed) return 'signing algorithm is not allowed';
  if (e instanceof errors.JWSSignatureVerificationFailed) return 'signature verification failed';
  if (e instanceof errors.JWKSNoMatchingKey) return 'no key in the JWKS matches the token';
  if (e instanceof errors.JWSInvalid || e instanceof errors.JWTInvalid) return 'token is malformed';
  if (e instanceof errors.JWKSTimeout) return 'the JWKS could not be fetched in time';
  return 'token could not be verified';
}
