// Hand-off adapters. Transport: JWE (ECDH-ES or RSA-OAEP-256 with A256GCM) for the recipient data
// centre's active encryption certificate, POSTed to its endpoint. Print: a job in the spool folder,
// a PDF letter and a JSON manifest, written atomically to the spool folder or POSTed to the print centre.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { CompactEncrypt, importX509 } from 'jose';
import type { Db } from '../../db/client.js';
import { germanDate, type Clock } from '../../lib/clock.js';
import type { DirectoryIndex } from '../directory/directory-index.js';
import type { Adapter, DeliveryRow } from './dispatch.service.js';
import { addressLines, renderLetter } from './letter.js';
import { decideRoute } from '../routing/route.service.js';

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

export interface PrintSettings {
  /** folder the print centre collects jobs from (used when no URL is set) */
  spoolDir: string;
  /** print centre's job endpoint; when set, jobs are POSTed there instead of spooled */
  centerUrl?: string;
  /** bearer token for the print centre's endpoint */
  centerToken?: string;
  timeoutMs: number;
}

/** A print job: the letter (PDF, payload enclosed or attached) and a JSON manifest describing it. */
export async function printJob(index: DirectoryIndex, d: DeliveryRow, now: Date) {
  const recipient = index.authoritiesByKey.get(d.recipientKey ?? '');
  if (!recipient) throw new Error(`recipient ${d.recipientKey} is not in the directory`);
  const sender = index.authoritiesByKey.get(d.senderKey);
  if (!sender) throw new Error(`sender ${d.senderKey} is not in the directory`);
  if (d.payload === null) throw new Error('the payload was already deleted by retention');
  const bytes = Buffer.from(d.payload, 'base64');
  const [y, m, day] = germanDate(now).split('-');
  const letter = await renderLetter({
    deliveryId: d.id,
    sender,
    recipient,
    reference: d.reference,
    messageType: d.messageType,
    date: `${day}.${m}.${y}`,
    enclosure: { fileName: d.fileName, contentType: d.contentType, bytes },
  });
  const party = (a: typeof sender) => ({ key: a.key, name: a.name, lines: addressLines(a), street: a.street, houseNumber: a.houseNumber, poBox: a.poBox, postalCode: a.postcode, city: a.city });
  const manifest = {
    deliveryId: d.id,
    messageType: d.messageType,
    reference: d.reference,
    sender: party(sender),
    recipient: party(recipient),
    letter: { file: `${d.id}.pdf`, pages: letter.pages, sha256: createHash('sha256').update(letter.pdf).digest('hex'), format: 'A4, DIN 5008 form B' },
    enclosure: { fileName: d.fileName, contentType: d.contentType, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex'), as: letter.enclosure },
    createdAt: now.toISOString(),
  };
  return { letter: letter.pdf, manifest };
}

export function printAdapter(index: () => Promise<DirectoryIndex>, clock: Clock, s: PrintSettings): Adapter {
  return {
    async handOff(d: DeliveryRow) {
      const { letter, manifest } = await printJob(await index(), d, clock.now());
      if (s.centerUrl) return postJob(s, d.id, letter, manifest);
      fs.mkdirSync(s.spoolDir, { recursive: true });
      // Letter first, manifest last, each renamed into place: a print centre that picks up
      // manifests never sees half a job.
      const write = (name: string, data: Uint8Array | string) => {
        const tmp = path.join(s.spoolDir, `.${name}.tmp`);
        fs.writeFileSync(tmp, data);
        fs.renameSync(tmp, path.join(s.spoolDir, name));
      };
      write(`${d.id}.pdf`, letter);
      write(`${d.id}.json`, JSON.stringify(manifest, null, 2));
      return `spooled to ${s.spoolDir} (${manifest.letter.pages} pages)`;
    },
  };
}

async function postJob(s: PrintSettings, id: string, letter: Uint8Array, manifest: object): Promise<string> {
  const form = new FormData();
  form.append('manifest', new Blob([JSON.stringify(manifest)], { type: 'application/json' }), `${id}.json`);
  form.append('letter', new Blob([Buffer.from(letter)], { type: 'application/pdf' }), `${id}.pdf`);
  const headers: Record<string, string> = { 'x-delivery-id': id, 'idempotency-key': id };
  if (s.centerToken) headers.authorization = `Bearer ${s.centerToken}`;
  let res: Response;
  try {
    res = await fetch(s.centerUrl!, { method: 'POST', headers, body: form, signal: AbortSignal.timeout(s.timeoutMs) });
  } catch (e) {
    const err = e as Error;
    throw new Error(err.name === 'TimeoutError' ? `print centre did not answer within ${s.timeoutMs} ms` : `print centre unreachable: ${err.message}`);
  }
  await res.arrayBuffer().catch(() => undefined);
  if (!res.ok) throw new Error(`print centre answered HTTP ${res.status}`);
  return `posted to the print centre (HTTP ${res.status})`;
}
