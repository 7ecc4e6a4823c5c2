// The web console at /console: the built single-page app (dist/console, made by `npm run build:console`),
// its sign-in settings at /console/config.json and, in development with the local key only, the
// development sign-in at /console/dev-token. File names are matched against a strict pattern (no
// slashes, no leading dot), so a request can only ever name a file directly in the build folder or
// in its assets/ folder: there is no path to traverse.
import fs from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import type { DevSignInOutcome } from '../modules/auth/dev-sign-in.js';
import { fromRoot } from '../lib/project-root.js';
import { BodyTooLarge, readBody } from './body.js';
import type { StaticRoute } from './static-assets.js';

export const CONSOLE_PATH = '/console';
export const DEFAULT_CONSOLE_DIR = fromRoot('dist', 'console');

export interface ConsoleOidc {
  /** the identity provider (AUTH_ISSUER); the browser discovers its endpoints from it */
  issuer: string;
  clientId: string;
  /** OAuth scopes asked for, e.g. "openid" */
  scope: string;
  /** RFC 8707 resource indicator sent with the request, for providers that set the audience from it */
  resource: string | null;
  /** development only: the provider may be reached over plain http */
  allowHttp: boolean;
}

export interface ConsoleOptions {
  /** the built console; default dist/console of this checkout */
  dir?: string;
  /** OpenID Connect sign-in; null: not configured */
  oidc: ConsoleOidc | null;
  /** development with the local key only: checks a sign-in request's body and signs a token for it */
  devSignIn?: (body: string) => Promise<DevSignInOutcome>;
}

type ConsoleHandler = (req: IncomingMessage, res: ServerResponse, pathname: string) => Promise<void>;

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

/** A plain file name: letters, digits, _ - and dots, not starting with a dot, with a known extension. */
const FILE_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,199}$/;

const DEV_TOKEN_MAX_BYTES = 1024;

/** No inline scripts or styles anywhere in the build; the identity provider is the only other origin it talks to. */
function contentSecurityPolicy(oidc: ConsoleOidc | null): string {
  let connect = "'self'";
  if (oidc) connect += ` ${new URL(oidc.issuer).origin}`;
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src ${connect}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

function securityHeaders(csp: string): Record<string, string> {
  // no-referrer: the sign-in callback URL carries the authorization code.
  return { 'content-security-policy': csp, 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer', 'x-frame-options': 'DENY' };
}

/** The file a path below /console/ names, or undefined for the app's own routes (answered with index.html). */
function fileFor(dir: string, rest: string): { file: string; immutable: boolean } | null | undefined {
  if (rest.startsWith('assets/')) {
    const name = rest.slice('assets/'.length);
    return FILE_NAME.test(name) && CONTENT_TYPES[path.extname(name)] ? { file: path.join(dir, 'assets', name), immutable: true } : null;
  }
  // Deeper paths are the app's routes (an authority key may hold a dot: /console/authorities/x:a.b).
  if (rest.includes('/') || rest === 'index.html' || !CONTENT_TYPES[path.extname(rest)]) return undefined;
  return FILE_NAME.test(rest) ? { file: path.join(dir, rest), immutable: false } : null;
}

async function readFileOrNull(file: string): Promise<Buffer | null> {
  try {
    const stat = await fs.stat(file);
    return stat.isFile() ? await fs.readFile(file) : null;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return null;
    throw e;
  }
}

function send(req: IncomingMessage, res: ServerResponse, status: number, body: Buffer | string, headers: Record<string, string>) {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  res.writeHead(status, { ...headers, 'content-length': String(bytes.length) });
  res.end(req.method === 'HEAD' ? undefined : bytes);
}

function sendJson(req: IncomingMessage, res: ServerResponse, status: number, body: unknown, headers: Record<string, string>) {
  send(req, res, status, JSON.stringify(body), { ...headers, 'content-type': 'application/json', 'cache-control': 'no-store' });
}

async function serveFile(req: IncomingMessage, res: ServerResponse, dir: string, rest: string, headers: Record<string, string>) {
  const target = fileFor(dir, rest);
  const notFound = () => send(req, res, 404, 'Not found\n', { ...headers, 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
  if (target === null) return notFound();
  if (target) {
    const bytes = await readFileOrNull(target.file);
    if (!bytes) return notFound();
    const cache = target.immutable ? 'public, max-age=31536000, immutable' : 'no-cache';
    return send(req, res, 200, bytes, { ...headers, 'content-type': CONTENT_TYPES[path.extname(target.file)]!, 'cache-control': cache });
  }
  // The app's own routes (/console/authorities/…) all load index.html; its router takes over.
  const index = await readFileOrNull(path.join(dir, 'index.html'));
  if (!index) {
    return send(req, res, 503, 'The console has not been built: run `npm run build:console` (npm install does it too).\n', {
      ...headers, 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store',
    });
  }
  return send(req, res, 200, index, { ...headers, 'content-type': CONTENT_TYPES['.html']!, 'cache-control': 'no-cache' });
}

const isLoopback = (address: string | undefined) => address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';

/** Development sign-in: only when the server signs with its local key, and only for callers on this machine. */
async function devSignIn(opts: ConsoleOptions, req: IncomingMessage, res: ServerResponse, headers: Record<string, string>) {
  if (!opts.devSignIn) return sendJson(req, res, 404, { error: { message: 'development sign-in is off: it exists only in development with the local signing key' } }, headers);
  if (req.method !== 'POST') return sendJson(req, res, 405, { error: { message: 'use POST' } }, { ...headers, allow: 'POST' });
  if (!isLoopback(req.socket.remoteAddress)) return sendJson(req, res, 403, { error: { message: 'development sign-in is only available from this machine (loopback)' } }, headers);
  // A JSON content type cannot be sent cross-site without a CORS preflight, which this endpoint never grants.
  if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) return sendJson(req, res, 415, { error: { message: 'content-type must be application/json' } }, headers);
  let body: Buffer;
  try {
    body = await readBody(req, DEV_TOKEN_MAX_BYTES);
  } catch (e) {
    if (!(e instanceof BodyTooLarge)) throw e;
    res.setHeader('connection', 'close');
    return sendJson(req, res, 413, { error: { message: `the body exceeds ${DEV_TOKEN_MAX_BYTES} bytes` } }, headers);
  }
  const outcome = await opts.devSignIn(body.toString('utf8'));
  if ('field' in outcome) return sendJson(req, res, 400, { error: outcome }, headers);
  return sendJson(req, res, 200, outcome, headers);
}

/** What the browser needs before signing in. */
function publicSettings(opts: ConsoleOptions) {
  return { oidc: opts.oidc, devSignIn: !!opts.devSignIn };
}

export function consoleRoute(opts: ConsoleOptions): StaticRoute {
  return { prefix: CONSOLE_PATH, serve: consoleHandler(opts) };
}

function consoleHandler(opts: ConsoleOptions): ConsoleHandler {
  const dir = opts.dir ?? DEFAULT_CONSOLE_DIR;
  const headers = securityHeaders(contentSecurityPolicy(opts.oidc));
  return async (req, res, pathname) => {
    if (pathname === `${CONSOLE_PATH}/dev-token`) return devSignIn(opts, req, res, headers);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return send(req, res, 405, 'Method not allowed\n', { ...headers, allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' });
    }
    if (pathname === CONSOLE_PATH) {
      res.writeHead(308, { ...headers, location: `${CONSOLE_PATH}/` });
      return void res.end();
    }
    if (pathname === `${CONSOLE_PATH}/config.json`) return sendJson(req, res, 200, publicSettings(opts), headers);
    return serveFile(req, res, dir, pathname.slice(CONSOLE_PATH.length + 1), headers);
  };
}
