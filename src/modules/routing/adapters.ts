// Hand-off adapters. Transport: JWE (ECDH-ES or RSA-OAEP-256 with A256GCM) for the recipient data
// centre's active encryption certificate, POSTed to its endpoint. Print: a job in the spool folder,
// written atomically (manifest and payload; the PDF letter is still to come).
import fs from 'node:fs';
import path from 'node:path';
import { CompactEncrypt, importX509 } from 'jose';
import type { Db } from '../../db/client.js';
import type { Clock } from '../../lib/clock.js';
import type { DirectoryIndex } from '../jurisdictions/directory-index.js';
import type { Adapter, DeliveryRow } from './dispatch.service.js';
import { decideRoute } from './route.service.js';

export function transportAdapter(db: Db, index: () => Promise<DirectoryIndex>, clock: Clock, timeoutMs: number): Adapter {
  return {
    async handOff(d: DeliveryRow) {
      // Decided again at hand-off: a certificate may have been rotated or revoked meanwhile.
      const decision = await decideRoute(db, await index(), { recipientKey: d.recipientKey, messageType: d.messageType }, clock.now());
      if (decision.channel !== 'ELECTRONIC' || !decision.transport) throw new Error(`no longer deliverable electronically: ${decision.reasons.join('; ')}`);
      const { certificate, endpointUrl, recipientKey } = decision.transport;
      const alg = certificate.keyAlgorithm === 'EC' ? 'ECDH-ES' : 'RSA-OAEP-256';
      const key = await importX509(certificate.pem, alg);
      const jwe = await new CompactEncrypt(Buffer.from(d.payload ?? '', 'base64'))
        .setProtectedHeader({ alg, enc: 'A256GCM', cty: d.contentType, kid: certificate.thumbprintSha256 })
        .encrypt(key);
      let res: Response;
      try {
        res = await fetch(endpointUrl, {
          method: 'POST',
          headers: {
            'content-type': 'application/jose',
            'x-delivery-id': d.id,
            'x-message-type': d.messageType,
            'x-sender-key': d.senderKey,
            'x-recipient-key': recipientKey,
            'x-reference': encodeURIComponent(d.reference),
            'x-file-name': encodeURIComponent(d.fileName),
          },
          body: jwe,
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (e) {
        const err = e as Error;
        throw new Error(err.name === 'TimeoutError' ? `endpoint did not answer within ${timeoutMs} ms` : `endpoint unreachable: ${err.message}`);
      }
      await res.arrayBuffer().catch(() => undefined);
      if (!res.ok) throw new Error(`endpoint answered HTTP ${res.status}`);
      return `handed off to ${endpointUrl} (HTTP ${res.status}), encrypted for ${certificate.thumbprintSha256}`;
    },
  };
}

export function spoolPrintAdapter(db: Db, index: () => Promise<DirectoryIndex>, spoolDir: string): Adapter {
  return {
    async handOff(d: DeliveryRow) {
      const recipient = (await index()).authoritiesByKey.get(d.recipientKey ?? '');
      if (!recipient) throw new Error(`recipient ${d.recipientKey} is not in the directory`);
      fs.mkdirSync(spoolDir, { recursive: true });
      const manifest = {
        deliveryId: d.id,
        messageType: d.messageType,
        sender: d.senderKey,
        reference: d.reference,
        recipient: {
          key: recipient.key,
          name: recipient.name,
          street: recipient.street,
          houseNumber: recipient.houseNumber,
          poBox: recipient.poBox,
          postalCode: recipient.postcode,
          city: recipient.city,
        },
        enclosure: { fileName: d.fileName, contentType: d.contentType, file: `${d.id}.payload` },
      };
      // Payload first, manifest last, each renamed into place: a print centre never sees half a job.
      const write = (name: string, data: Buffer | string) => {
        const tmp = path.join(spoolDir, `.${name}.tmp`);
        fs.writeFileSync(tmp, data);
        fs.renameSync(tmp, path.join(spoolDir, name));
      };
      write(`${d.id}.payload`, Buffer.from(d.payload ?? '', 'base64'));
      write(`${d.id}.json`, JSON.stringify(manifest, null, 2));
      return `spooled to ${spoolDir}`;
    },
  };
}
