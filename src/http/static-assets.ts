// Files served from memory at versioned URLs (`<prefix><version>/<name>`). A request can only name
// one entry of a fixed set, so no path reaches the disk or anything outside the set; the version is a
// hash of the contents, so a URL's content never changes and is cached for a year. Text is gzipped
// once, on first request, for clients that accept it.
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';

export interface Asset {
  name: string;
  /** the content-type header */
  type: string;
  body: Buffer;
}

/** What the HTTP handler serves under a path prefix of its own. */
export interface StaticRoute {
  /** "/graphiql/" serves what starts with it; "/console" also serves "/console" itself */
  prefix: string;
  serve(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void>;
}

/** Whether a path lies below a route's prefix (a prefix without a trailing slash also matches itself). */
export const isBelow = (pathname: string, prefix: string) =>
  prefix.endsWith('/') ? pathname.startsWith(prefix) : pathname === prefix || pathname.startsWith(`${prefix}/`);

const gzipAsync = promisify(gzip);
const YEAR_SECONDS = 365 * 86_400;

/** Whether the Accept-Encoding header admits gzip (a `q=0` refuses it). */
export function acceptsGzip(header: string | undefined): boolean {
  return (header ?? '').split(',').some((part) => {
    const [coding, ...params] = part.trim().toLowerCase().split(';');
    return coding === 'gzip' && !params.some((p) => /^\s*q=0(\.0*)?\s*$/.test(p));
  });
}

function plain(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', ...headers });
  res.end(text);
}

export class AssetSet {
  /** the first 16 hex digits of a SHA-256 over every name and content */
  readonly version: string;
  private readonly byName: Map<string, Asset>;
  private readonly gzipped = new Map<string, Promise<Buffer>>();

  constructor(
    readonly prefix: string,
    assets: Asset[],
  ) {
    const h = createHash('sha256');
    for (const a of assets) h.update(a.name).update('\0').update(a.body).update('\0');
    this.version = h.digest('hex').slice(0, 16);
    this.byName = new Map(assets.map((a) => [a.name, a]));
  }

  /** The URL path of an asset of the set. */
  url(name: string): string {
    if (!this.byName.has(name)) throw new Error(`no asset named ${name}`);
    return `${this.prefix}${this.version}/${name}`;
  }

  /** The asset the path names: exactly `<prefix><version>/<name>`, nothing else. */
  find(pathname: string): Asset | undefined {
    if (!pathname.startsWith(this.prefix)) return undefined;
    const parts = pathname.slice(this.prefix.length).split('/');
    if (parts.length !== 2 || parts[0] !== this.version) return undefined;
    return this.byName.get(parts[1]!);
  }

  async serve(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') return plain(res, 405, 'Method not allowed\n', { allow: 'GET, HEAD' });
    const asset = this.find(pathname);
    if (!asset) return plain(res, 404, 'Not found\n');
    const zipped = asset.type.startsWith('text/') && acceptsGzip(req.headers['accept-encoding']);
    const etag = `"${this.version}${zipped ? '-gz' : ''}"`;
    const headers: Record<string, string> = {
      'content-type': asset.type,
      'cache-control': `public, max-age=${YEAR_SECONDS}, immutable`,
      etag,
      vary: 'accept-encoding',
      'x-content-type-options': 'nosniff',
    };
    if ((req.headers['if-none-match'] ?? '').split(',').some((t) => t.trim() === etag)) {
      res.writeHead(304, headers);
      return void res.end();
    }
    const body = zipped ? await this.gzip(asset) : asset.body;
    if (zipped) headers['content-encoding'] = 'gzip';
    res.writeHead(200, { ...headers, 'content-length': String(body.length) });
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  private gzip(asset: Asset): Promise<Buffer> {
    let p = this.gzipped.get(asset.name);
    if (!p) this.gzipped.set(asset.name, (p = gzipAsync(asset.body)));
    return p;
  }
}
