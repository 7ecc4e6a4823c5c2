// What every resolver receives: the services' dependencies, the caller and per-request loaders.
import type { Database } from '../db/client.js';
import type { RequestContext } from '../http/request-context.js';
import type { Clock } from '../lib/clock.js';
import { requirePrincipal, type Principal } from '../modules/auth/principal.js';
import type { Loaders } from './loaders.js';
import { EMPTY_ALLOWLIST, type Allowlist } from '../lib/url-policy.js';
import type { RegionLoaders } from '../modules/regions/regions.service.js';
import type { PostcodeLoaders } from '../modules/postcodes/postcodes.resolvers.js';
import type { Directory } from '../modules/directory/directory.js';
import type { ServiceContext } from '../modules/directory/context.js';
import type { HandoffKeys } from '../modules/delivery/signing-keys.js';
import type * as x509 from '@peculiar/x509';

export interface AppDeps {
  database: Database;
  clock: Clock;
  directory: Directory;
  /** most inputs per responsibleAuthorities request */
  bulkMax: number;
  /** production rules (e.g. https-only endpoints) */
  production?: boolean;
  /** hosts and networks outbound URLs may name in production although local or private (OUTBOUND_ALLOWLIST) */
  allowlist?: Allowlist;
  certificates: { anchors: x509.X509Certificate[]; overlapMs: number };
  /** largest decoded payload accepted by dispatch */
  maxPayloadBytes?: number;
  /** timeout of one POST to a data centre's endpoint (also its endpoint test); default 10 s */
  transportTimeoutMs?: number;
  /** the server's hand-off signing keys and iss: endpoint tests are signed like hand-offs */
  handoff?: { keys: HandoffKeys; issuer: string };
}

export interface GraphQLContext {
  /** per-request values for logs and metrics (request id, operation, role); from the HTTP layer */
  rc?: RequestContext;
  deps: AppDeps;
  principal: Principal | null;
  requestId: string;
  regions: RegionLoaders;
  postcodes: PostcodeLoaders;
  /** per-request batching of nested lists (one query per level) */
  load: Loaders;
}

/** What the services need for one authenticated request; every mutation resolver builds it the same way. */
export function serviceContext(ctx: GraphQLContext): ServiceContext {
  const principal = requirePrincipal(ctx.principal);
  return {
    db: ctx.deps.database.db,
    clock: ctx.deps.clock,
    principal,
    actor: { id: principal.subject, requestId: ctx.requestId },
    directory: ctx.deps.directory,
    requireHttps: ctx.deps.production ?? false,
    allowlist: ctx.deps.allowlist ?? EMPTY_ALLOWLIST,
    anchors: ctx.deps.certificates.anchors,
    overlapMs: ctx.deps.certificates.overlapMs,
  };
}
