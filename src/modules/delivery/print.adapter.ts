// Print: a job for the print centre, a PDF letter and a JSON manifest, written atomically to the
// spool folder or POSTed to the print centre.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { germanDate, type Clock } from '../../lib/clock.js';
import type { OutboundPolicy } from '../../lib/url-policy.js';
import type { AuthorityRow, DirectoryIndex } from '../directory/directory-index.js';
import type { Adapter } from './adapter.js';
import type { DeliveryRow } from './deliveries.service.js';
import { inProcess, type Offload } from './handoff.tasks.js';
import { addressLines, type PostalParty } from './postal-party.js';
import { postTo } from './post.js';

export interface PrintSettings {
  /** folder the print centre collects jobs from (used when no URL is set) */
  spoolDir: string;
  /** print centre's job endpoint; when set, jobs are POSTed there instead of spooled */
  centerUrl?: string;
  /** bearer token for the print centre's endpoint */
  centerToken?: string;
  timeoutMs: number;
  /** where the print centre may be (default: development's policy) */
  outbound?: OutboundPolicy;
  /** where the letter is rendered: the server passes its worker pool; default this thread */
  offload?: Offload;
}

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

const party = (a: AuthorityRow) => ({ key: a.key, name: a.name, lines: addressLines(a), street: a.street, houseNumber: a.houseNumber, poBox: a.poBox, postalCode: a.postcode, city: a.city });

/** Only the postal fields travel to the renderer (a worker gets a copy of what it is sent). */
const postal = (a: AuthorityRow): PostalParty => ({ name: a.name, street: a.street, houseNumber: a.houseNumber, poBox: a.poBox, postcode: a.postcode, city: a.city });

/** A print job: the letter (PDF, payload enclosed or attached) and a JSON manifest describing it. */
export async function printJob(index: DirectoryIndex, d: DeliveryRow, now: Date, offload: Offload = inProcess, signal?: AbortSignal) {
  const recipient = index.authoritiesByKey.get(d.recipientKey ?? '');
  if (!recipient) throw new Error(`recipient ${d.recipientKey} is not in the directory`);
  const sender = index.authoritiesByKey.get(d.senderKey);
  if (!sender) throw new Error(`sender ${d.senderKey} is not in the directory`);
  if (d.payload === null) throw new Error('the payload was already deleted by retention');
  const bytes = Buffer.from(d.payload, 'base64');
  const [y, m, day] = germanDate(now).split('-');
  const letter = await offload.run('letter', {
    deliveryId: d.id,
    sender: postal(sender),
    recipient: postal(recipient),
    reference: d.reference,
    messageType: d.messageType,
    date: `${day}.${m}.${y}`,
    enclosure: { fileName: d.fileName, contentType: d.contentType, bytes },
  }, signal);
  const manifest = {
    deliveryId: d.id,
    messageType: d.messageType,
    reference: d.reference,
    sender: party(sender),
    recipient: party(recipient),
    letter: { file: `${d.id}.pdf`, pages: letter.pages, sha256: sha256(letter.pdf), format: 'A4, DIN 5008 form B' },
    enclosure: { fileName: d.fileName, contentType: d.contentType, bytes: bytes.length, sha256: sha256(bytes), as: letter.enclosure, truncated: letter.truncated },
    createdAt: now.toISOString(),
  };
  return { letter: letter.pdf, manifest };
}

export function printAdapter(index: () => Promise<DirectoryIndex>, clock: Clock, s: PrintSettings): Adapter {
  return {
    async handOff(d: DeliveryRow, signal?: AbortSignal) {
      const { letter, manifest } = await printJob(await index(), d, clock.now(), s.offload, signal);
      if (s.centerUrl) return postJob(s, d.id, letter, manifest);
      spool(s.spoolDir, d.id, letter, manifest);
      return `spooled to ${s.spoolDir} (${manifest.letter.pages} pages)`;
    },
  };
}

function spool(dir: string, id: string, letter: Uint8Array, manifest: object): void {
  fs.mkdirSync(dir, { recursive: true });
  // Letter first, manifest last, each renamed into place: a print centre that picks up
  // manifests never sees half a job.
  const write = (name: string, data: Uint8Array | string) => {
    const tmp = path.join(dir, `.${name}.tmp`);
    fs.writeFileSync(tmp, data);
    fs.renameSync(tmp, path.join(dir, name));
  };
  write(`${id}.pdf`, letter);
  write(`${id}.json`, JSON.stringify(manifest, null, 2));
}

async function postJob(s: PrintSettings, id: string, letter: Uint8Array, manifest: object): Promise<string> {
  const form = new FormData();
  form.append('manifest', new Blob([JSON.stringify(manifest)], { type: 'application/json' }), `${id}.json`);
  form.append('letter', new Blob([Buffer.from(letter)], { type: 'application/pdf' }), `${id}.pdf`);
  const headers: Record<string, string> = { 'x-delivery-id': id, 'idempotency-key': id };
  if (s.centerToken) headers.authorization = `Bearer ${s.centerToken}`;
  const res = await postTo('print centre', s.centerUrl!, { headers, body: form }, s.timeoutMs, s.outbound);
  return `posted to the print centre (HTTP ${res.status})`;
}
