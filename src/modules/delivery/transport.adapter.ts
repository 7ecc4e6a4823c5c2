// Transport: JWE (ECDH-ES or RSA-OAEP-256 with A256GCM) for the recipient data centre's active
// encryption certificate, POSTed to its endpoint.
import type { Db } from '../../db/client.js';
import type { Clock } from '../../lib/clock.js';
import { DEVELOPMENT_POLICY, type OutboundPolicy } from '../../lib/url-policy.js';
import type { CertificateRow } from '../certificates/certificates.service.js';
import type { DirectoryIndex } from '../directory/directory-index.js';
import { decideRoute } from '../routing/route.service.js';
import type { Adapter } from './adapter.js';
import type { DeliveryRow } from './deliveries.service.js';
import { inProcess, type Offload } from './handoff.tasks.js';
import { postTo } from './post.js';

/** Where endpoints may be (default: development's policy) and where the JWE is encrypted (the server passes its worker pool). */
export interface TransportOptions {
  outbound?: OutboundPolicy;
  offload?: Offload;
}

export function transportAdapter(db: Db, index: () => Promise<DirectoryIndex>, clock: Clock, timeoutMs: number, opts: TransportOptions = {}): Adapter {
  const { outbound = DEVELOPMENT_POLICY, offload = inProcess } = opts;
  return {
    async handOff(d: DeliveryRow, signal?: AbortSignal) {
      // Decided again at hand-off: a certificate may have been rotated or revoked meanwhile.
      const decision = await decideRoute(db, await index(), { recipientKey: d.recipientKey, messageType: d.messageType }, clock.now());
      if (decision.channel !== 'ELECTRONIC' || !decision.transport) throw new Error(`no longer deliverable electronically: ${decision.reasons.join('; ')}`);
      const { certificate, endpointUrl, recipientKey } = decision.transport;
      const jwe = await encryptFor(offload, certificate, d, signal);
      const res = await postTo('endpoint', endpointUrl, { headers: transportHeaders(d, recipientKey), body: jwe }, timeoutMs, outbound);
      return `handed off to ${endpointUrl} (HTTP ${res.status}), encrypted for ${certificate.thumbprintSha256}`;
    },
  };
}

function encryptFor(offload: Offload, certificate: CertificateRow, d: DeliveryRow, signal?: AbortSignal): Promise<string> {
  const alg = certificate.keyAlgorithm === 'EC' ? 'ECDH-ES' : 'RSA-OAEP-256';
  return offload.run('encrypt', { pem: certificate.pem, alg, kid: certificate.thumbprintSha256, contentType: d.contentType, payload: d.payload ?? '' }, signal);
}

/** What the receiver needs beside the ciphertext; free text is URI-encoded to fit a header. */
function transportHeaders(d: DeliveryRow, recipientKey: string): Record<string, string> {
  return {
    'content-type': 'application/jose',
    'x-delivery-id': d.id,
    'x-message-type': d.messageType,
    'x-sender-key': d.senderKey,
    'x-recipient-key': recipientKey,
    'x-reference': encodeURIComponent(d.reference),
    'x-file-name': encodeURIComponent(d.fileName),
  };
}
