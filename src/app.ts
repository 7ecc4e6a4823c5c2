// Builds the HTTP handler (Yoga + health endpoints) from its dependencies; tests use it in-process.
import { timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { useGraphQlJit } from '@envelop/graphql-jit';
import { createSchema, createYoga, type YogaServerInstance } from 'graphql-yoga';
import { defaultHttpLimits, type HttpLimits } from './config.js';
import type { AppDeps, GraphQLContext } from './graphql/context.js';
import { enforceAccess } from './graphql/access.js';
import { maskError, securityPlugins } from './graphql/security.js';
import { BodyTooLarge, readBody } from './http/body.js';
import { httpRequests, rateLimited, renderMetrics } from './http/metrics.js';
import { RateLimiter } from './http/rate-limit.js';
import { requestIdFrom, type RequestContext } from './http/request-context.js';
import { loggableError, type Logger } from './lib/logger.js';
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
import { dispatchResolvers } from './modules/delivery/delivery.resolvers.js';
import { structuralResolvers } from './modules/structural/structural.resolvers.js';
import { regionLoaders } from './modules/regions/regions.service.js';
import { postcodeLoaders, postcodeResolvers } from './modules/postcodes/postcodes.resolvers.js';

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
  /** document limits, body size, introspection, rate limits; default: defaultHttpLimits(production) */
  limits?: HttpLimits;
  log?: Logger;
  /** bearer token /metrics requires; undefined leaves it open */
  metricsToken?: string;
  /** development: masked errors carry the original message and stack */
  isDev?: boolean;
}

export interface App {
  yoga: YogaServerInstance<{ rc?: RequestContext }, GraphQLContext>;
  /** node:http request listener: /healthz, /readyz, /metrics and /graphql */
  handle(req: IncomingMessage, res: ServerResponse): void;
  ready(): Promise<boolean>;
  /** Shutdown has begun: /readyz answers 503 and responses close their connections. */
  drain(): void;
  /** requests being handled right now */
  inFlight(): number;
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
  const limits = opts.limits ?? defaultHttpLimits(opts.production);
  const limiter = limits.rateLimits ? new RateLimiter(limits.rateLimits) : undefined;
  const schema = enforceAccess(createSchema<GraphQLContext>({
    typeDefs: fs.readFileSync(SCHEMA_FILE, 'utf8'),
    resolvers: mergeResolvers(
      { Date: DateScalar, DateTime: DateTimeScalar, JSON: JSONScalar } as unknown as ResolverMap,
      regionResolvers as unknown as ResolverMap,
      postcodeResolvers as unknown as ResolverMap,
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
  }));
  const yoga = createYoga<{ rc?: RequestContext }, GraphQLContext>({
    schema,
    graphqlEndpoint: '/graphql',
    graphiql: opts.graphiql,
    landingPage: false,
    healthCheckEndpoint: '/yoga-health',
    // Masked errors are logged with their request id by securityPlugins; Yoga's own log line would lack it.
    logging: opts.log
      ? {
          debug: () => {},
          info: () => {},
          warn: (...a: unknown[]) => opts.log!.warn({ detail: a.map(String) }, 'graphql warning'),
          error: () => {},
        }
      : false,
    maskedErrors: { maskError: maskError(opts.isDev ?? false) },
    batching: { limit: limits.maxBatch },
    // Yoga's own body limit (25 MB by default) must not undercut ours, which the handler enforces with 413.
    maxRequestBodySize: limits.maxBodyBytes,
    plugins: [
      ...securityPlugins(limits, opts.log),
      // Compiled execution: queries are turned into JavaScript once and cached per document.
      useGraphQlJit({}, { enableIf: () => opts.jit ?? true }),
    ],
    context: async ({ request, rc }) => {
      const principal = await opts.verifier(request.headers.get('authorization'));
      if (rc && principal) rc.role = principal.role;
      return {
        deps,
        principal,
        requestId: rc?.requestId ?? requestIdFrom(request.headers.get('x-request-id')),
        regions: regionLoaders(deps.database.db),
        postcodes: postcodeLoaders(deps.database.db),
      };
    },
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

  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers });
    res.end(JSON.stringify(body));
  };
  const graphqlError = (res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}) =>
    json(res, status, { errors: [{ message, extensions: { code } }] }, headers);

  let draining = false;
  let inFlight = 0;

  /** Quota per principal (token subject) or, without a valid token, per client address. */
  const rateLimit = async (req: IncomingMessage, ctx: RequestContext) => {
    if (!limiter) return undefined;
    let role = 'ANONYMOUS';
    let key = req.socket.remoteAddress ?? 'unknown';
    const auth = req.headers.authorization;
    if (auth) {
      try {
        const p = await opts.verifier(auth);
        if (p) {
          role = p.role;
          key = p.subject;
          ctx.role = p.role;
        }
      } catch {
        /* an invalid token is refused by GraphQL with 401; it is counted as anonymous here */
      }
    }
    const d = limiter.take(role, key);
    if (d.allowed) return undefined;
    rateLimited.inc({ role });
    return d;
  };

  const metricsAllowed = (req: IncomingMessage) => {
    if (!opts.metricsToken) return true;
    const given = Buffer.from(req.headers.authorization ?? '');
    const want = Buffer.from(`Bearer ${opts.metricsToken}`);
    return given.length === want.length && timingSafeEqual(given, want);
  };

  const graphql = async (req: IncomingMessage, res: ServerResponse, ctx: RequestContext) => {
    const limited = await rateLimit(req, ctx);
    if (limited) {
      return graphqlError(res, 429, 'RATE_LIMITED', `Rate limit of ${limited.limit} requests per minute exceeded; retry in ${limited.retryAfterSeconds} s`, {
        'retry-after': String(limited.retryAfterSeconds),
        'ratelimit-limit': String(limited.limit),
        'ratelimit-remaining': '0',
      });
    }
    // With a Content-Length the parser delivers exactly that many bytes: check the number and let Yoga
    // read the stream itself (the fast path). Only a chunked body is read here, counting as it comes.
    const declared = req.headers['content-length'];
    if (declared !== undefined || req.method === 'GET' || req.method === 'HEAD') {
      if (Number(declared ?? 0) > limits.maxBodyBytes) {
        res.setHeader('connection', 'close');
        return graphqlError(res, 413, 'PAYLOAD_TOO_LARGE', `The request body exceeds the limit of ${limits.maxBodyBytes} bytes`);
      }
      return yoga.handle(req, res, { rc: ctx });
    }
    let body: Buffer;
    try {
      body = await readBody(req, limits.maxBodyBytes);
    } catch (e) {
      if (e instanceof BodyTooLarge) {
        res.setHeader('connection', 'close');
        return graphqlError(res, 413, 'PAYLOAD_TOO_LARGE', `The request body exceeds the limit of ${e.limit} bytes`);
      }
      throw e;
    }
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
    const request = new Request(new URL(req.url ?? '/', 'http://localhost'), { method: req.method, headers, body: body.length ? new Uint8Array(body) : undefined });
    const response = await yoga.fetch(request, { rc: ctx });
    const out: Record<string, string> = {};
    response.headers.forEach((v, k) => (out[k] = v));
    res.writeHead(response.status, out);
    res.end(Buffer.from(await response.arrayBuffer()));
  };

  const route = async (req: IncomingMessage, res: ServerResponse, pathname: string, ctx: RequestContext) => {
    if (pathname === '/healthz') return json(res, 200, { status: 'ok' });
    if (pathname === '/readyz') {
      if (draining) return json(res, 503, { status: 'stopping' });
      const ok = await ready();
      return json(res, ok ? 200 : 503, ok ? { status: 'ready', database: opts.database.engine } : { status: 'unavailable', database: 'not answering' });
    }
    if (pathname === '/metrics') {
      if (!metricsAllowed(req)) return json(res, 401, { error: 'metrics need the bearer token from METRICS_TOKEN' }, { 'www-authenticate': 'Bearer' });
      const text = await renderMetrics(opts.database, () => opts.directory.loaded()?.version, opts.clock.now());
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8', 'cache-control': 'no-store' });
      return res.end(text);
    }
    return graphql(req, res, ctx);
  };

  return {
    yoga,
    ready,
    drain: () => {
      draining = true;
    },
    inFlight: () => inFlight,
    handle(req, res) {
      const started = performance.now();
      const ctx: RequestContext = { requestId: requestIdFrom(req.headers['x-request-id'] as string | undefined) };
      const pathname = (req.url ?? '/').split('?')[0]!;
      const known = ['/graphql', '/healthz', '/readyz', '/metrics'].includes(pathname) ? pathname : 'other';
      inFlight++;
      res.setHeader('x-request-id', ctx.requestId);
      if (draining) res.setHeader('connection', 'close');
      res.once('close', () => {
        inFlight--;
        httpRequests.inc({ path: known, status: String(res.statusCode) });
        // Method, path, status and timing only: no query text, variables, tokens or addresses. Refused,
        // failed and slow requests at info; the thousands of ordinary ones a second at debug.
        const ms = performance.now() - started;
        opts.log?.[res.statusCode >= 400 || ms > 1000 ? 'info' : 'debug'](
          { requestId: ctx.requestId, method: req.method, path: known, status: res.statusCode, ms: Math.round(ms), operation: ctx.operation, role: ctx.role },
          'request',
        );
      });
      // The request context travels explicitly (Yoga's server context), not in AsyncLocalStorage:
      // on Node 20 that cost about 12 % of a trivial request's throughput.
      route(req, res, pathname, ctx).catch((e: unknown) => {
        opts.log?.error({ requestId: ctx.requestId, err: loggableError(e) }, 'request failed');
        if (!res.headersSent) graphqlError(res, 500, 'INTERNAL_SERVER_ERROR', 'Unexpected error.');
        else res.destroy();
      });
    },
  };
}
