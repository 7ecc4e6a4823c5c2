// What every resolver receives: the services' dependencies, the caller and per-request loaders.
import type { Database } from '../db/client.js';
import type { RequestContext } from '../http/request-context.js';
import type { Clock } from '../lib/clock.js';
import { badInput } from '../lib/errors.js';
import { requirePrincipal, type Principal } from '../modules/auth/principal.js';
import type { RegionLoaders } from '../modules/regions/regions.service.js';
import type { Directory } from '../modules/jurisdictions/directory.js';
import type * as x509 from '@peculiar/x509';

export interface AppDeps {
  database: Database;
  clock: Clock;
  directory: Directory;
  /** most inputs per responsibleAuthorities request */
  bulkMax: number;
  /** production rules (e.g. https-only endpoints) */
  production?: boolean;
  certificates: { anchors: x509.X509Certificate[]; overlapMs: number };
  /** largest decoded payload accepted by dispatch */
  maxPayloadBytes?: number;
}

export interface GraphQLContext {
  /** per-request values for logs and metrics (request id, operation, role); from the HTTP layer */
  rc?: RequestContext;
  deps: AppDeps;
  principal: Principal | null;
  requestId: string;
  regions: RegionLoaders;
}

export function pageSize(first: number | null | undefined, max: number, argument = 'first'): number {
  const n = first ?? 20;
  if (!Number.isInteger(n) || n < 1 || n > max) throw badInput(argument, `must be between 1 and ${max}, got ${n}`);
  return n;
}

export function encodeCursor(parts: unknown[]): string {
  return Buffer.from(JSON.stringify(parts)).toString('base64url');
}

export function decodeCursor(cursor: string, argument = 'after'): unknown[] {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(v)) return v;
  } catch {
    /* fall through */
  }
  throw badInput(argument, 'is not a cursor returned by this API');
}

/** What the services need for one authenticated request; every mutation resolver builds it the same way. */
export function serviceContext(ctx: GraphQLContext) {
  const principal = requirePrincipal(ctx.principal);
  return {
    db: ctx.deps.database.db,
    clock: ctx.deps.clock,
    principal,
    actor: { id: principal.subject, requestId: ctx.requestId },
    directory: ctx.deps.directory,
    requireHttps: ctx.deps.production ?? false,
    anchors: ctx.deps.certificates.anchors,
    overlapMs: ctx.deps.certificates.overlapMs,
  };
}
