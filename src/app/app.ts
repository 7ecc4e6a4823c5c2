// The application: the Yoga server (schema, plugins, context) behind the Node HTTP handler (health,
// metrics, body and rate limits). Tests use it in-process; main.ts serves it.
import { defaultHttpLimits, type HttpLimits } from '../config.js';
import type { AppDeps } from '../graphql/context.js';
import { graphiqlRoute } from '../http/graphiql.js';
import { consoleRoute, type ConsoleOptions } from '../http/console-assets.js';
import { createHttpHandler, type HttpHandler } from '../http/handler.js';
import type { Logger } from '../lib/logger.js';
import type { Verifier } from '../modules/auth/jwt.js';
import { createYogaServer, type Yoga } from './yoga.js';

export { SCHEMA_FILE } from './schema.js';

export interface AppOptions extends Omit<AppDeps, 'certificates'> {
  /** trust anchors and rotation overlap; default none and 14 days */
  certificates?: AppDeps['certificates'];
  verifier: Verifier;
  graphiql: boolean;
  /** graphql-jit compiled execution (default on) */
  jit?: boolean;
  /** How long /readyz waits for the database before answering 503. */
  readyTimeoutMs?: number;
  /** document limits, body size, introspection, rate limits; default: defaultHttpLimits(production) */
  limits?: HttpLimits;
  log?: Logger;
  /** bearer token /metrics requires; undefined leaves it open */
  metricsToken?: string;
  /** development: masked errors carry the original message and stack */
  isDev?: boolean;
  /** the hand-off signing keys' public JWKS, served at /.well-known/jwks.json */
  handoffJwks?: { keys: object[] };
  /** the keys and iss endpoint tests are signed with (main passes the dispatcher's) */
  handoff?: AppDeps['handoff'];
  /** the web console's sign-in settings and build folder; default: the build in dist/console, no sign-in configured */
  console?: ConsoleOptions;
}

export interface App extends HttpHandler {
  yoga: Yoga;
}

export function createApp(opts: AppOptions): App {
  const deps: AppDeps = {
    database: opts.database,
    clock: opts.clock,
    directory: opts.directory,
    bulkMax: opts.bulkMax,
    production: opts.production,
    allowlist: opts.allowlist,
    certificates: opts.certificates ?? { anchors: [], overlapMs: 14 * 86_400_000 },
    maxPayloadBytes: opts.maxPayloadBytes,
    transportTimeoutMs: opts.transportTimeoutMs,
    handoff: opts.handoff,
  };
  const limits = opts.limits ?? defaultHttpLimits(opts.production);
  const yoga = createYogaServer({ deps, verifier: opts.verifier, graphiql: opts.graphiql, limits, jit: opts.jit, log: opts.log, isDev: opts.isDev });
  const handler = createHttpHandler({
    yoga,
    database: opts.database,
    clock: opts.clock,
    directoryVersion: () => opts.directory.loaded()?.version,
    verifier: opts.verifier,
    limits,
    readyTimeoutMs: opts.readyTimeoutMs,
    metricsToken: opts.metricsToken,
    handoffJwks: opts.handoffJwks,
    staticRoutes: [...(opts.graphiql ? [graphiqlRoute] : []), consoleRoute(opts.console ?? { oidc: null })],
    log: opts.log,
  });
  return { yoga, ...handler };
}
