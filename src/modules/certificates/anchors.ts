// Trust anchors: a folder of PEM files (one or more certificates each), read when needed.
import fs from 'node:fs';
import path from 'node:path';
import type * as x509 from '@peculiar/x509';

/** @peculiar/x509 (through inspect.ts) is loaded only when there is a folder to read. */
export async function loadTrustAnchors(dir: string | undefined): Promise<x509.X509Certificate[]> {
  if (!dir) return [];
  const { describeCertificate, readCertificates } = await import('./inspect.js');
  const anchors: x509.X509Certificate[] = [];
  for (const name of fs.readdirSync(dir).sort()) {
    if (!/\.(pem|crt|cer)$/i.test(name)) continue;
    const file = path.join(dir, name);
    for (const der of readCertificates(fs.readFileSync(file), file)) anchors.push(describeCertificate(der, file).cert);
  }
  return anchors;
}
