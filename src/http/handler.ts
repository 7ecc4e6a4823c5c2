// The Node HTTP handler in front of Yoga: /healthz, /readyz, /metrics, the hand-off signing keys at
// /.well-known/jwks.json, rate limits, body limits, request ids and one log line per request. GraphQL itself is the Yoga server it is given.
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HttpLimits } from '../config.js';
import type { Database } from '../db/client.js';
import type { Clock } from '../lib/clock.js';
import { JWKS_PATH } from '../lib/handoff-contract.js';
import { loggableError, type Logger } from '../lib/logger.js';
import type { Verifier } from '../modules/auth/jwt.js';
import { BodyTooLarge, readBody } from './body.js';
import { clientAddress } from './client-address.js';
import { httpRequests, rateLimited, renderMetrics } from './metrics.js';
import { RateLimiter } from './rate-limit.js';
import { requestIdFrom, type RequestContext } from './request-context.js';
import { isBelow, type StaticRoute } from './static-assets.js';

/** What the handler needs of the Yoga server: its Node and its fetch entry points. */
export interface GraphQLServer {
  handle(req: IncomingMessage, res: ServerResponse, serverContext: { rc: RequestContext }): unknown;
  fetch(request: Request, serverContext: { rc: RequestContext }): Response | Promise<Response>;
}

export interface HttpHandlerOptions {
  yoga: GraphQLServer;
  database: Database;
  clock: Clock;
  /** the loaded directory version, for /metrics */
  directoryVersion: () => number | undefined;
  verifier: Verifier;
  limits: HttpLimits;
  /** How long /readyz waits for the database before answering 503. */
  readyTimeoutMs?: number;
  /** bearer token /metrics requires; undefined leaves it open */
  metricsToken?: string;
  /** public keys receivers verify hand-offs with (JWKS); undefined: this instance has none */
  handoffJwks?: { keys: object[] };
  /** files served under path prefixes of their own (GraphiQL's assets where it is on) */
  staticRoutes?: StaticRoute[];
  log?: Logger;
}

export interface HttpHandler {
  /** node:http request listener */
  handle(req: IncomingMessage, res: ServerResponse): void;
  ready(): Promise<boolean>;
  /** Shutdown has begun: /readyz answers 503 and responses close their connections. */
  drain(): void;
  /** requests being handled right now */
  inFlight(): number;
}

const KNOWN_PATHS = new Set(['/graphql', '/healthz', '/readyz', '/metrics', JWKS_PATH]);

/** Public and cached a few minutes: a receiver meeting an unknown kid fetches it again anyway. */
function jwks(opts: HttpHandlerOptions, res: ServerResponse) {
  if (!opts.handoffJwks) return json(res, 404, { error: 'this instance has no hand-off signing keys (HANDOFF_SIGNING_KEYS)' });
  res.writeHead(200, { 'content-type': 'application/jwk-set+json', 'cache-control': 'public, max-age=300' });
  res.end(JSON.stringify(opts.handoffJwks));
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers });
  res.end(JSON.stringify(body));
}

function graphqlError(res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}) {
  json(res, status, { errors: [{ message, extensions: { code } }] }, headers);
}

/** The database answers within the timeout. */
async function databaseReady(database: Database, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      database.ping(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('timeout')), timeoutMs);
      }),
    ]);
    return true;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/** Quota per principal (token subject) or, without a valid token, per client address; undefined: allowed. */
async function rateLimit(opts: HttpHandlerOptions, limiter: RateLimiter | undefined, req: IncomingMessage, ctx: RequestContext) {
  if (!limiter) return undefined;
  let role = 'ANONYMOUS';
  let key = clientAddress(req.socket.remoteAddress, req.headers['x-forwarded-for'], opts.limits.trustedProxies);
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
}

function metricsAllowed(token: string | undefined, req: IncomingMessage) {
  if (!token) return true;
  const given = Buffer.from(req.headers.authorization ?? '');
  const want = Buffer.from(`Bearer ${token}`);
  return given.length === want.length && timingSafeEqual(given, want);
}

/** Only a chunked body is read here, counting as it comes; then it goes to Yoga as a fetch Request. */
async function chunkedToYoga(opts: HttpHandlerOptions, req: IncomingMessage, res: ServerResponse, ctx: RequestContext) {
  let body: Buffer;
  try {
    body = await readBody(req, opts.limits.maxBodyBytes);
  } catch (e) {
    if (!(e instanceof BodyTooLarge)) throw e;
    res.setHeader('connection', 'close');
    return graphqlError(res, 413, 'PAYLOAD_TOO_LARGE', `The request body exceeds the limit of ${e.limit} bytes`);
  }
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
  const request = new Request(new URL(req.url ?? '/', 'http://localhost'), { method: req.method, headers, body: body.length ? new Uint8Array(body) : undefined });
  const response = await opts.yoga.fetch(request, { rc: ctx });
  const out: Record<string, string> = {};
  response.headers.forEach((v, k) => (out[k] = v));
  res.writeHead(response.status, out);
  res.end(Buffer.from(await response.arrayBuffer()));
}

async function graphql(opts: HttpHandlerOptions, limiter: RateLimiter | undefined, req: IncomingMessage, res: ServerResponse, ctx: RequestContext) {
  const limited = await rateLimit(opts, limiter, req, ctx);
  if (limited) {
    return graphqlError(res, 429, 'RATE_LIMITED', `Rate limit of ${limited.limit} requests per minute exceeded; retry in ${limited.retryAfterSeconds} s`, {
      'retry-after': String(limited.retryAfterSeconds),
      'ratelimit-limit': String(limited.limit),
      'ratelimit-remaining': '0',
    });
  }
  // With a Content-Length the parser delivers exactly that many bytes: check the number and let Yoga
  // read the stream itself (the fast path).
  const declared = req.headers['content-length'];
  if (declared === undefined && req.method !== 'GET' && req.method !== 'HEAD') return chunkedToYoga(opts, req, res, ctx);
  if (Number(declared ?? 0) > opts.limits.maxBodyBytes) {
    res.setHeader('connection', 'close');
    return graphqlError(res, 413, 'PAYLOAD_TOO_LARGE', `The request body exceeds the limit of ${opts.limits.maxBodyBytes} bytes`);
  }
  return opts.yoga.handle(req, res, { rc: ctx });
}

/** Method, path, status, timing and the caller's IP: no query text, variables, tokens or postal addresses. */
function logRequest(opts: HttpHandlerOptions, req: IncomingMessage, res: ServerResponse, ctx: RequestContext, path: string, ms: number) {
  const client = clientAddress(req.socket.remoteAddress, req.headers['x-forwarded-for'], opts.limits.trustedProxies);
  // Refused, failed and slow requests at info; the thousands of ordinary ones a second at debug.
  opts.log?.[res.statusCode >= 400 || ms > 1000 ? 'info' : 'debug'](
    { requestId: ctx.requestId, method: req.method, path, status: res.statusCode, ms: Math.round(ms), operation: ctx.operation, role: ctx.role, client },
    'request',
  );
}

export function createHttpHandler(opts: HttpHandlerOptions): HttpHandler {
  const limiter = opts.limits.rateLimits ? new RateLimiter(opts.limits.rateLimits) : undefined;
  const ready = () => databaseReady(opts.database, opts.readyTimeoutMs ?? 2000);
  let draining = false;
  let inFlight = 0;

  const staticRoute = (pathname: string) => opts.staticRoutes?.find((r) => isBelow(pathname, r.prefix));
  const route = async (req: IncomingMessage, res: ServerResponse, pathname: string, ctx: RequestContext) => {
    if (pathname === '/healthz') return json(res, 200, { status: 'ok' });
    if (pathname === JWKS_PATH) return jwks(opts, res);
    const files = staticRoute(pathname);
    if (files) return files.serve(req, res, pathname);
    if (pathname === '/readyz') {
      if (draining) return json(res, 503, { status: 'stopping' });
      const ok = await ready();
      return json(res, ok ? 200 : 503, ok ? { status: 'ready', database: opts.database.engine } : { status: 'unavailable', database: 'not answering' });
    }
    if (pathname === '/metrics') {
      if (!metricsAllowed(opts.metricsToken, req)) return json(res, 401, { error: 'metrics need the bearer token from METRICS_TOKEN' }, { 'www-authenticate': 'Bearer' });
      const text = await renderMetrics(opts.database, opts.directoryVersion, opts.clock.now());
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8', 'cache-control': 'no-store' });
      return res.end(text);
    }
    return graphql(opts, limiter, req, res, ctx);
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const started = performance.now();
    const ctx: RequestContext = { requestId: requestIdFrom(req.headers['x-request-id'] as string | undefined) };
    const pathname = (req.url ?? '/').split('?')[0]!;
    const known = KNOWN_PATHS.has(pathname) ? pathname : (staticRoute(pathname)?.prefix ?? 'other');
    inFlight++;
    res.setHeader('x-request-id', ctx.requestId);
    if (draining) res.setHeader('connection', 'close');
    res.once('close', () => {
      inFlight--;
      httpRequests.inc({ path: known, status: String(res.statusCode) });
      logRequest(opts, req, res, ctx, known, performance.now() - started);
    });
    // The request context travels explicitly (Yoga's server context), not in AsyncLocalStorage:
    // on Node 20 that cost about 12 % of a trivial request's throughput.
    route(req, res, pathname, ctx).catch((e: unknown) => {
      opts.log?.error({ requestId: ctx.requestId, err: loggableError(e) }, 'request failed');
      if (!res.headersSent) graphqlError(res, 500, 'INTERNAL_SERVER_ERROR', 'Unexpected error.');
      else res.destroy();
    });
  };

  return { handle, ready, drain: () => void (draining = true), inFlight: () => inFlight };
}
