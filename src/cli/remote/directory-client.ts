// GraphQL calls from the CLI to a directory server: the URL checked before the token goes anywhere,
// redirects never followed (the token would follow them), the answer bounded in time and size.
import { CommandFailure as Failure } from '../../lib/errors.js';
import type { Args } from '../args.js';

export interface DirectoryServer {
  /** the GraphQL endpoint */
  url: URL;
  token: string;
}

/** Larger answers are cut off: the ones these commands expect are a few KiB. */
export const MAX_ANSWER_BYTES = 1024 * 1024;
const TIMEOUT_MS = 30_000;
const LOOPBACK = new Set(['127.0.0.1', '[::1]', 'localhost']);

/** The GraphQL URL from --server: http(s) only, no credentials, plain http only to this machine. */
export function serverUrl(args: Args): URL {
  const raw = args.string('server');
  if (!raw) args.fail('missing --server URL (e.g. https://directory.example.org)');
  let url: URL | undefined;
  try {
    url = raw.length <= 2048 ? new URL(raw) : undefined;
  } catch {
    url = undefined;
  }
  if (!url) args.fail(`--server must be a URL like https://directory.example.org, got "${printable(raw, 80)}"`);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') args.fail(`--server must be an http or https URL, got ${printable(url.protocol, 20)}`);
  if (url.username || url.password) args.fail('--server must not carry credentials: the token goes in DIRECTORY_TOKEN or --token');
  if (url.protocol === 'http:' && !LOOPBACK.has(url.hostname)) {
    args.fail(`--server: plain http would send the token unencrypted to ${url.hostname}; use https (http only to 127.0.0.1, ::1 or localhost)`);
  }
  url.hash = '';
  if (!url.pathname.endsWith('/graphql')) url.pathname = `${url.pathname.replace(/\/+$/, '')}/graphql`;
  return url;
}

/** The bearer token: --token, else DIRECTORY_TOKEN; one line of printable ASCII. */
export function bearerToken(args: Args, fromEnv: string | undefined): string {
  const token = (args.string('token') ?? fromEnv ?? '').trim().replace(/^Bearer\s+/i, '');
  if (!token) args.fail('missing token: set DIRECTORY_TOKEN (the process list does not show it) or pass --token');
  if (token.length > 16_384 || !/^[\x21-\x7e]+$/.test(token)) args.fail('the token must be one line of printable ASCII (a JWT)');
  return token;
}

async function send(server: DirectoryServer, body: string): Promise<Response> {
  const signal = AbortSignal.timeout(TIMEOUT_MS);
  try {
    return await fetch(server.url, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', authorization: `Bearer ${server.token}` },
      body,
      signal,
    });
  } catch (e) {
    if (signal.aborted) throw new Failure(`${server.url.origin} did not answer within ${TIMEOUT_MS / 1000} s`);
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    throw new Failure(`cannot reach ${server.url.origin}: ${cause?.code ?? cause?.message ?? (e as Error).message}`);
  }
}

/** The body, read up to MAX_ANSWER_BYTES. */
async function readBounded(res: Response, url: URL): Promise<string> {
  const tooLarge = () => new Failure(`the answer of ${url.origin} is larger than ${MAX_ANSWER_BYTES / 1024} KiB; not read further`);
  if (Number(res.headers.get('content-length') ?? 0) > MAX_ANSWER_BYTES) {
    await res.body?.cancel();
    throw tooLarge();
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = res.body?.getReader();
  for (let r = await reader?.read(); reader && r && !r.done; r = await reader.read()) {
    size += r.value.length;
    if (size > MAX_ANSWER_BYTES) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(r.value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

interface GraphQLAnswer {
  data?: Record<string, unknown> | null;
  errors?: { message?: string; extensions?: { code?: string } }[];
}

/** Text from the server as the terminal shows it: no control characters (escape sequences), bounded. */
export const printable = (s: unknown, max = 500): string => String(s).slice(0, max).replace(/[\x00-\x1f\x7f-\x9f]/g, '?');

/** Runs one operation; the server's errors become a Failure with their messages. */
export async function callDirectory<T>(server: DirectoryServer, query: string, variables: Record<string, unknown>): Promise<T> {
  const res = await send(server, JSON.stringify({ query, variables }));
  if (res.status >= 300 && res.status < 400) {
    await res.body?.cancel();
    const to = res.headers.get('location');
    throw new Failure(`${server.url.href} answered HTTP ${res.status} redirecting to ${to ? printable(to, 200) : '(no Location)'}; redirects are not followed: give --server the directory's own URL`);
  }
  const text = await readBounded(res, server.url);
  let answer: GraphQLAnswer;
  try {
    answer = JSON.parse(text) as GraphQLAnswer;
  } catch {
    throw new Failure(`${server.url.href} answered HTTP ${res.status} (${res.headers.get('content-type') ?? 'no content type'}), not GraphQL: is --server the directory's URL?`);
  }
  if (answer.errors?.length) {
    const messages = answer.errors.slice(0, 5).map((e) => `${printable(e.message ?? 'error')}${e.extensions?.code ? ` (${printable(e.extensions.code, 40)})` : ''}`);
    throw new Failure(`the server refused: ${messages.join('; ')}`);
  }
  if (!answer.data) throw new Failure(`${server.url.href} answered HTTP ${res.status} without data`);
  return answer.data as T;
}
