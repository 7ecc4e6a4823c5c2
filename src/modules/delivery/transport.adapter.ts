// Transport: JWE (ECDH-ES or RSA-OAEP-256 with A256GCM) for the recipient data centre's active
// encryption certificate, POSTed to its endpoint.
import { CompactEncrypt, importX509 } from 'jose';
import type { Db } from '../../db/client.js';
import type { Clock } from '../../lib/clock.js';
import { DEVELOPMENT_POLICY, type OutboundPolicy } from '../../lib/url-policy.js';
import type { CertificateRow } from '../certificates/certificates.service.js';
import type { DirectoryIndex } from '../directory/directory-index.js';
import { decideRoute } from '../routing/route.service.js';
import type { Adapter } from './adapter.js';
import type { DeliveryRow } from './deliveries.service.js';
import { postTo } from './post.js';

/** `outbound`: where endpoints may be (main.ts passes the configured policy; tests default to development's). */
export function transportAdapter(db: Db, index: () => Promise<DirectoryIndex>, clock: Clock, timeoutMs: number, outbound: OutboundPolicy = DEVELOPMENT_POLICY): Adapter {
  return {
    async handOff(d: DeliveryRow) {
      // Decided again at hand-off: a certificate may have been rotated or revoked meanwhile.
      const decision = await decideRoute(db, await index(), { recipientKey: d.recipientKey, messageType: d.messageType }, clock.now());
      if (decision.channel !== 'ELECTRONIC' || !decision.transport) throw new Error(`no longer deliverable electronically: ${decision.reasons.join('; ')}`);
      const { certificate, endpointUrl, recipientKey } = decision.transport;
      const jwe = await encryptFor(certificate, d);
      const res = await postTo('endpoint', endpointUrl, { headers: transportHeaders(d, recipientKey), body: jwe }, timeoutMs, outbound);
      return `handed off to ${endpointUrl} (HTTP ${res.status}), encrypted for ${certificate.thumbprintSha256}`;
    },
  };
}

async function encryptFor(certificate: CertificateRow, d: DeliveryRow): Promise<string> {
  const alg = certificate.keyAlgorithm === 'EC' ? 'ECDH-ES' : 'RSA-OAEP-256';
  const key = await importX509(certificate.pem, alg);
  return new CompactEncrypt(Buffer.from(d.payload ?? '', 'base64'))
    .setProtectedHeader({ alg, enc: 'A256GCM', cty: d.contentType, kid: certificate.thumbprintSha256 })
    .encrypt(key);
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
