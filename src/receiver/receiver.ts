// The reference receiver of hand-offs (docs/wire-contract.md): a plain node:http server, no database.
// Per request, cheapest refusal first: method, media type, version, size; the signature and claims;
// the jti (replays); the delivery id (a repeated delivery answers its first receipt); then decryption,
// storage and a signed receipt.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { JWTVerifyGetKey } from 'jose';
import { BodyTooLarge, readBody } from '../http/body.js';
import { HANDOFF_VERSION, JWT_MEDIA_TYPE, sha256Hex, type HandoffClaims } from '../lib/handoff-contract.js';
import type { Identity } from './identity.js';
import { decryptPayload, signReceipt } from './receipt.js';
import { problem, Refusal } from './refusal.js';
import type { SeenJtis } from './replay.js';
import { storeDelivery, storedReceipt } from './store.js';
import { forgetAfter, isEndpointTest, verifyHandoff, type Expectations } from './verify.js';

export interface ReceiverOptions extends Expectations {
  identity: Identity;
  /** where deliveries are stored */
  dir: string;
  /** the server's published keys (serverKeys) */
  keys: JWTVerifyGetKey;
  seen: SeenJtis;
  /** largest request body, bytes */
  maxBytes: number;
  /** one line per request */
  log?: (entry: Record<string, unknown>) => void;
}

interface Accepted {
  deliveryId: string;
  receipt: string;
  /** false: the delivery was stored by an earlier attempt */
  stored: boolean;
}

function checkRequest(req: IncomingMessage, maxBytes: number): void {
  if (req.method !== 'POST') throw new Refusal(405, 'method', 'hand-offs are POSTed');
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== JWT_MEDIA_TYPE) throw new Refusal(415, 'media-type', `content-type must be ${JWT_MEDIA_TYPE}`);
  if (req.headers['x-handoff-version'] !== HANDOFF_VERSION) throw new Refusal(400, 'version', `x-handoff-version must be ${HANDOFF_VERSION}`);
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) throw new Refusal(413, 'too-large', `the body exceeds ${maxBytes} bytes`);
}

async function bodyOf(req: IncomingMessage, maxBytes: number): Promise<string> {
  try {
    return (await readBody(req, maxBytes)).toString('latin1').trim();
  } catch (e) {
    if (e instanceof BodyTooLarge) throw new Refusal(413, 'too-large', `the body exceeds ${maxBytes} bytes`);
    throw e;
  }
}

/** Decrypts and signs the receipt (an endpoint test goes no further). */
async function openHandoff(o: ReceiverOptions, c: HandoffClaims) {
  const payload = await decryptPayload(o.identity, c);
  const receivedAt = new Date();
  const payloadSha256 = sha256Hex(payload);
  const receipt = await signReceipt(o.identity, {
    delivery_id: c.delivery_id,
    jti: c.jti,
    received_at: receivedAt.toISOString(),
    payload_sha256: payloadSha256,
    receiver: o.identity.subject,
    iat: Math.floor(receivedAt.getTime() / 1000),
  });
  return { payload, receipt, receivedAt, payloadSha256 };
}

/** Decrypts, signs the receipt and stores all three; a concurrent attempt that stored first wins. */
async function take(o: ReceiverOptions, c: HandoffClaims): Promise<Accepted> {
  const { payload, receipt, receivedAt, payloadSha256 } = await openHandoff(o, c);
  const { jwe: _jwe, ...signed } = c;
  const metadata = { ...signed, payload_sha256: payloadSha256, payload_bytes: payload.length, received_at: receivedAt.toISOString() };
  if ((await storeDelivery(o.dir, c.delivery_id, { payload, metadata, receipt })) === 'stored') return { deliveryId: c.delivery_id, receipt, stored: true };
  return { deliveryId: c.delivery_id, receipt: (await storedReceipt(o.dir, c.delivery_id))!, stored: false };
}

async function receive(o: ReceiverOptions, req: IncomingMessage): Promise<Accepted> {
  checkRequest(req, o.maxBytes);
  const claims = await verifyHandoff(await bodyOf(req, o.maxBytes), o.keys, o);
  if (!(await o.seen.first(claims.jti, forgetAfter(claims, o.clockToleranceS)))) {
    throw new Refusal(409, 'replay', `jti ${claims.jti} was seen before: a request is taken once`);
  }
  if (isEndpointTest(claims)) return { deliveryId: claims.delivery_id, receipt: (await openHandoff(o, claims)).receipt, stored: false };
  const before = await storedReceipt(o.dir, claims.delivery_id);
  if (before) return { deliveryId: claims.delivery_id, receipt: before, stored: false };
  return take(o, claims);
}

export function receiverHandler(o: ReceiverOptions) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    receive(o, req).then(
      (a) => {
        o.log?.({ status: 200, deliveryId: a.deliveryId, stored: a.stored });
        res.writeHead(200, { 'content-type': JWT_MEDIA_TYPE, 'cache-control': 'no-store' }).end(a.receipt);
      },
      (e: unknown) => {
        const r = e instanceof Refusal ? e : new Refusal(500, 'internal', 'the hand-off could not be stored; send it again');
        o.log?.({ status: r.status, problem: r.code, detail: r.message, ...(r.status === 500 ? { error: String(e) } : {}) });
        // A refused body may still be arriving: close rather than read it.
        res.writeHead(r.status, { 'content-type': 'application/problem+json', 'cache-control': 'no-store', connection: 'close' }).end(JSON.stringify(problem(r)));
      },
    );
  };
}
