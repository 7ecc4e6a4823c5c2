// The one context every service takes first: who acts, on which database (or transaction), at what
// time, and the settings that change what a service accepts. Built by the GraphQL edge per request,
// by the CLI per command and by jobs per run.
import type * as x509 from '@peculiar/x509';
import type { Db } from '../../db/client.js';
import type { Clock } from '../../lib/clock.js';
import type { Logger } from '../../lib/logger.js';
import { EMPTY_ALLOWLIST, outboundPolicy, type Allowlist, type OutboundPolicy } from '../../lib/url-policy.js';
import type { Actor } from '../audit/audit.service.js';
import type { Principal } from '../auth/principal.js';
import type { Directory } from './directory.js';

export interface ServiceSettings {
  /** production: endpoints and callbacks must use https */
  requireHttps: boolean;
  /** the outbound URL policy a saved endpoint or webhook URL must pass (production rules and allowlist) */
  allowlist: Allowlist;
  /** trust anchors a data centre's certificate must chain to (none: not checked) */
  anchors: x509.X509Certificate[];
  /** how long an outgoing certificate stays usable beside its successor */
  overlapMs: number;
}

export interface ServiceContext extends ServiceSettings {
  db: Db;
  clock: Clock;
  principal: Principal;
  actor: Actor;
  directory: Directory;
  log?: Logger;
  /**
   * The services run as part of a larger transaction (a bulk import): they neither bump the directory
   * version nor reload the index (nothing is committed when they return); whoever runs the batch does
   * both once. Bumping per change would update one row thousands of times in one transaction.
   */
  batched?: boolean;
}

export const DEFAULT_SETTINGS: ServiceSettings = { requireHttps: false, allowlist: EMPTY_ALLOWLIST, anchors: [], overlapMs: 14 * 86_400_000 };

/** The policy a URL must pass when a service saves it. */
export const savingPolicy = (s: ServiceSettings): OutboundPolicy => outboundPolicy(s.requireHttps, s.allowlist);

/** A context from its parts; settings default to development's (http allowed, no anchors, 14 days). */
export function makeServiceContext(
  parts: Omit<ServiceContext, keyof ServiceSettings>,
  settings: Partial<ServiceSettings> = {},
): ServiceContext {
  return { ...DEFAULT_SETTINGS, ...settings, ...parts };
}
