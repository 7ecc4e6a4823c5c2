// Builds the HTTP handler (Yoga + health endpoints) from its dependencies; tests use it in-process.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { useGraphQlJit } from '@envelop/graphql-jit';
import { createSchema, createYoga, type YogaServerInstance } from 'graphql-yoga';
import type { AppDeps, GraphQLContext } from './graphql/context.js';
import { DateScalar, DateTimeScalar, JSONScalar } from './graphql/scalars.js';
import { auditResolvers } from './modules/audit/audit.resolvers.js';
import { authResolvers } from './modules/auth/auth.resolvers.js';
import type { Verifier } from './modules/auth/jwt.js';
import { regionResolvers } from './modules/regions/regions.resolvers.js';
import { authorityResolvers } from './modules/authorities/authorities.resolvers.js';
import { jurisdictionResolvers } from './modules/jurisdictions/jurisdictions.resolvers.js';
import { tenantResolvers } from './modules/tenants/tenants.resolvers.js';
import { certificateResolvers } from './modules/certificates/certificates.resolvers.js';
import { routeResolvers } from './modules/routing/route.resolvers.js';
import { dispatchResolvers } from './modules/routing/dispatch.resolvers.js';
import { structuralResolvers } from './modules/structural/structural.resolvers.js';
import { regionLoaders } from './modules/regions/regions.service.js';

export const SCHEMA_FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../schema.graphql');

type ResolverMap = Record<string, Record<string, unknown>>;
function mergeResolvers(...maps: ResolverMap[]): ResolverMap {
  const out: ResolverMap = {};
  for (const m of maps) for (const [type, fields] of Object.entries(m)) out[type] = { ...out[type], ...fields };
  return out;
}

export interface AppOptions extends Omit<AppDeps, 'certificates'> {
  /** trust anchors and rotation overlap; default none and 14 days */
  certificates?: AppDeps['certificates'];
  verifier: Verifier;
  graphiql: boolean;
  /** graphql-jit compiled execution (default on) */
  jit?: boolean;
  /** How long /readyz waits for the database before answering 503. */
  readyTimeoutMs?: number;
}

export interface App {
  yoga: YogaServerInstance<object, GraphQLContext>;
  /** node:http request listener: /healthz, /readyz and /graphql */
  handle(req: IncomingMessage, res: ServerResponse): void;
  ready(): Promise<boolean>;
}

export function createApp(opts: AppOptions): App {
  const deps: AppDeps = {
    database: opts.database,
    clock: opts.clock,
    directory: opts.directory,
    bulkMax: opts.bulkMax,
    production: opts.production,
    certificates: opts.certificates ?? { anchors: [], overlapMs: 14 * 86_400_000 },
    maxPayloadBytes: opts.maxPayloadBytes,
  };
  const schema = createSchema<GraphQLContext>({
    typeDefs: fs.readFileSync(SCHEMA_FILE, 'utf8'),
    resolvers: mergeResolvers(
      { Date: DateScalar, DateTime: DateTimeScalar, JSON: JSONScalar } as unknown as ResolverMap,
      regionResolvers as unknown as ResolverMap,
      authResolvers as unknown as ResolverMap,
      auditResolvers as unknown as ResolverMap,
      authorityResolvers as unknown as ResolverMap,
      jurisdictionResolvers as unknown as ResolverMap,
      tenantResolvers as unknown as ResolverMap,
      certificateResolvers as unknown as ResolverMap,
      routeResolvers as unknown as ResolverMap,
      dispatchResolvers as unknown as ResolverMap,
      structuralResolvers as unknown as ResolverMap,
    ),
  });
  const yoga = createYoga<object, GraphQLContext>({
    schema,
    graphqlEndpoint: '/graphql',
    graphiql: opts.graphiql,
    landingPage: false,
    healthCheckEndpoint: '/yoga-health',
    logging: false,
    // Compiled execution: queries are turned into JavaScript once and cached per document.
    plugins: [useGraphQlJit({}, { enableIf: () => opts.jit ?? true })],
    context: async ({ request }) => ({
      deps,
      principal: await opts.verifier(request.headers.get('authorization')),
      requestId: request.headers.get('x-request-id') ?? randomUUID(),
      regions: regionLoaders(deps.database.db),
    }),
  });

  const ready = async () => {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        opts.database.ping(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error('timeout')), opts.readyTimeoutMs ?? 2000);
        }),
      ]);
      return true;
    } catch {
      return false;
    } finally {
      clearTimeout(timer);
    }
  };

  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(JSON.stringify(body));
  };

  return {
    yoga,
    ready,
    handle(req, res) {
      const url = req.url ?? '/';
      const pathname = url.split('?')[0];
      if (pathname === '/healthz') return json(res, 200, { status: 'ok' });
      if (pathname === '/readyz') {
        void ready().then((ok) =>
          json(res, ok ? 200 : 503, ok ? { status: 'ready', database: opts.database.engine } : { status: 'unavailable', database: 'not answering' }),
        );
        return;
      }
      void yoga.handle(req, res);
    },
  };
}
