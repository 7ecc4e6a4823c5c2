// Transport (docs/wire-contract.md): the payload is encrypted as a JWE (ECDH-ES or RSA-OAEP-256 with
// A256GCM) for the recipient data centre's active encryption certificate, then signed with the
// server's hand-off key as a JWS whose claims carry every field of the message and the JWE, and
// POSTed to the data centre's endpoint. A 2xx answer with a verified receipt makes it DELIVERED.
import { randomUUID } from 'node:crypto';
import type { Db } from '../../db/client.js';
import type { Clock } from '../../lib/clock.js';
import { DEFAULT_HANDOFF_ISSUER, HANDOFF_TTL_SECONDS, HANDOFF_VERSION, JWT_MEDIA_TYPE, RECEIPT_MAX_BYTES } from '../../lib/handoff-contract.js';
import { DEVELOPMENT_POLICY, type OutboundPolicy } from '../../lib/url-policy.js';
import type { CertificateRow } from '../certificates/certificates.service.js';
import type { DirectoryIndex } from '../directory/directory-index.js';
import { decideRoute } from '../routing/route.service.js';
import type { Adapter, Delivered } from './adapter.js';
import type { DeliveryRow } from './deliveries.service.js';
import { inProcess, type Offload, type Sealed } from './handoff.tasks.js';
import { postTo } from './post.js';
import { checkReceipt } from './receipt.js';
import { ephemeralSigningKeys, type HandoffKeys } from './signing-keys.js';

export interface TransportOptions {
  /** where endpoints may be (default: development's policy) */
  outbound?: OutboundPolicy;
  /** where the JWE is encrypted and signed (the server passes its worker pool) */
  offload?: Offload;
  /** the server's signing keys (default: a key made for this process, which no receiver knows: tests only) */
  keys?: HandoffKeys;
  /** iss of every hand-off (default DEFAULT_HANDOFF_ISSUER) */
  issuer?: string;
}

export function transportAdapter(db: Db, index: () => Promise<DirectoryIndex>, clock: Clock, timeoutMs: number, opts: TransportOptions = {}): Adapter {
  const { outbound = DEVELOPMENT_POLICY, offload = inProcess, issuer = DEFAULT_HANDOFF_ISSUER } = opts;
  return {
    async handOff(d: DeliveryRow, signal?: AbortSignal): Promise<string | Delivered> {
      // Decided again at hand-off: a certificate may have been rotated or revoked meanwhile.
      const decision = await decideRoute(db, await index(), { recipientKey: d.recipientKey, messageType: d.messageType }, clock.now());
      if (decision.channel !== 'ELECTRONIC' || !decision.transport) throw new Error(`no longer deliverable electronically: ${decision.reasons.join('; ')}`);
      const { certificate, endpointUrl, recipientKey } = decision.transport;
      const keys = opts.keys ?? (await ephemeralSigningKeys());
      const sealed = await sealFor(offload, { keys, issuer, certificate, d, recipientKey, now: clock.now() }, signal);
      const headers = transportHeaders(d, recipientKey);
      const res = await postTo('endpoint', endpointUrl, { headers, body: sealed.token, readAnswer: RECEIPT_MAX_BYTES }, timeoutMs, outbound);
      const handed = `handed off to ${endpointUrl} (HTTP ${res.status}), encrypted for ${certificate.thumbprintSha256}`;
      const checked = await checkReceipt(res.body, { certificatePem: certificate.pem, deliveryId: d.id, payloadSha256: sealed.payloadSha256 });
      if ('missing' in checked) return `${handed}; no valid receipt, so handed off, not delivered: ${checked.missing}`;
      return { detail: `${handed}; receipt verified`, receipt: checked.receipt };
    },
  };
}

/** The fields of a message that a hand-off signs (a delivery, or an endpoint test's message). */
export type SealedMessage = Pick<DeliveryRow, 'id' | 'senderKey' | 'messageType' | 'reference' | 'fileName' | 'contentType' | 'payload'>;

export interface Seal {
  keys: HandoffKeys;
  issuer: string;
  certificate: CertificateRow;
  d: SealedMessage;
  recipientKey: string;
  now: Date;
}

/** Encrypts for the certificate and signs every field with the active key, off the event loop. */
export function sealFor(offload: Offload, s: Seal, signal?: AbortSignal): Promise<Sealed> {
  const { certificate, d, keys } = s;
  const alg = certificate.keyAlgorithm === 'EC' ? 'ECDH-ES' : 'RSA-OAEP-256';
  const iat = Math.floor(s.now.getTime() / 1000);
  const claims = {
    iss: s.issuer,
    aud: s.recipientKey,
    iat,
    exp: iat + HANDOFF_TTL_SECONDS,
    jti: randomUUID(),
    delivery_id: d.id,
    sender: d.senderKey,
    recipient: s.recipientKey,
    message_type: d.messageType,
    reference: d.reference,
    file_name: d.fileName,
    content_type: d.contentType,
  };
  const signing = { pkcs8: keys.active.pkcs8, alg: keys.active.alg, kid: keys.active.kid };
  return offload.run('seal', { pem: certificate.pem, alg, kid: certificate.thumbprintSha256, contentType: d.contentType, payload: d.payload ?? '', signing, claims }, signal);
}

/**
 * For routing and logs on the receiver's side; only the signed claims count. Free text is
 * percent-encoded (encodeURIComponent) to fit a header.
 */
function transportHeaders(d: DeliveryRow, recipientKey: string): Record<string, string> {
  return {
    'content-type': JWT_MEDIA_TYPE,
    'x-handoff-version': HANDOFF_VERSION,
    'x-delivery-id': d.id,
    'x-message-type': d.messageType,
    'x-sender-key': d.senderKey,
    'x-recipient-key': recipientKey,
    'x-reference': encodeURIComponent(d.reference),
    'x-file-name': encodeURIComponent(d.fileName),
  };
}
