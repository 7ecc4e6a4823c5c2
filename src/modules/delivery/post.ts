// Every outbound POST (data-centre endpoints, the print centre, sender webhooks) goes through here:
// the URL is checked against the outbound policy, the name is resolved and checked by the socket's
// own lookup (the checked address is the one connected to), redirects are never followed, and the
// whole exchange has a deadline. Failures are worded for the attempt's detail. The answer's body is
// read only when asked for (a data centre's receipt), bounded in size and within the same deadline.
import http from 'node:http';
import https from 'node:https';
import { checkOutboundUrl, DEVELOPMENT_POLICY, guardedLookup, OutboundRefusal, type OutboundPolicy } from '../../lib/url-policy.js';

export interface PostInit {
  headers: Record<string, string>;
  body: BodyInit;
  /** read at most this many bytes of the answer's body (default: none is read) */
  readAnswer?: number;
}

export interface Answer {
  status: number;
  /** Location of a redirect, never followed */
  location: string | undefined;
  /** the body, when asked for and it arrived whole within the limit and the deadline */
  body?: Buffer;
}

/** Why a POST did not get an answer. */
export class PostFailure extends Error {
  constructor(
    public readonly kind: 'refused' | 'timeout' | 'unreachable',
    message: string,
  ) {
    super(message);
    this.name = 'PostFailure';
  }
}

/** The body as bytes with its content type (FormData gets its multipart boundary here). */
async function encode(init: PostInit): Promise<{ bytes: Buffer; headers: Record<string, string> }> {
  const r = new Response(init.body);
  const bytes = Buffer.from(await r.arrayBuffer());
  const headers: Record<string, string> = { ...init.headers, 'content-length': String(bytes.length) };
  const type = r.headers.get('content-type');
  if (type && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = type;
  return { bytes, headers };
}

/**
 * The answer's body up to `limit` bytes. Once the status is in, the answer stands: a body that is too
 * large, breaks off or runs into the deadline only leaves `body` unset.
 */
function readAnswer(res: http.IncomingMessage, limit: number, resolve: (a: Answer) => void): void {
  const answer: Answer = { status: res.statusCode ?? 0, location: res.headers.location };
  const chunks: Buffer[] = [];
  let size = 0;
  res.on('data', (c: Buffer) => {
    size += c.length;
    if (size <= limit) return void chunks.push(c);
    resolve(answer);
    res.destroy();
  });
  res.on('end', () => resolve({ ...answer, body: Buffer.concat(chunks) }));
  res.on('error', () => resolve(answer));
  res.on('close', () => resolve(answer));
}

function exchange(url: URL, bytes: Buffer, headers: Record<string, string>, signal: AbortSignal, policy: OutboundPolicy, limit: number): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const send = url.protocol === 'https:' ? https.request : http.request;
    // agent: false: a fresh socket each time, never one pooled by a request that skipped the check.
    const req = send(url, { method: 'POST', headers, signal, agent: false, lookup: guardedLookup(policy) }, (res) => {
      if (limit > 0) return readAnswer(res, limit, resolve);
      // Only the status counts; the body is not read, so a receiver cannot hold us with it.
      resolve({ status: res.statusCode ?? 0, location: res.headers.location });
      res.destroy();
    });
    req.on('error', reject);
    req.end(bytes);
  });
}

/** POSTs under the policy and returns the answer (any status); throws PostFailure when there is none. */
export async function post(rawUrl: string, init: PostInit, timeoutMs: number, policy: OutboundPolicy): Promise<Answer> {
  let url: URL;
  try {
    url = checkOutboundUrl(rawUrl, policy);
  } catch (e) {
    throw new PostFailure('refused', (e as Error).message);
  }
  const { bytes, headers } = await encode(init);
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    return await exchange(url, bytes, headers, signal, policy, init.readAnswer ?? 0);
  } catch (e) {
    if (e instanceof OutboundRefusal) throw new PostFailure('refused', e.message);
    if (signal.aborted) throw new PostFailure('timeout', `did not answer within ${timeoutMs} ms`);
    throw new PostFailure('unreachable', (e as Error).message);
  }
}

/** How a redirect is reported: it is a failed attempt, the Location named. */
export const redirectDetail = (a: Answer) => `HTTP ${a.status} redirecting to ${a.location ?? '(no Location)'}; redirects are not followed`;

/** POSTs and returns a successful (2xx) answer; throws with a readable message otherwise. */
export async function postTo(receiver: string, url: string, init: PostInit, timeoutMs: number, policy: OutboundPolicy = DEVELOPMENT_POLICY): Promise<Answer> {
  let a: Answer;
  try {
    a = await post(url, init, timeoutMs, policy);
  } catch (e) {
    if (!(e instanceof PostFailure)) throw e;
    if (e.kind === 'refused') throw new Error(`${receiver} not contacted: ${e.message}`);
    throw new Error(e.kind === 'timeout' ? `${receiver} ${e.message}` : `${receiver} unreachable: ${e.message}`);
  }
  if (a.status >= 300 && a.status < 400) throw new Error(`${receiver} answered ${redirectDetail(a)}`);
  if (a.status < 200 || a.status >= 300) throw new Error(`${receiver} answered HTTP ${a.status}`);
  return a;
}
