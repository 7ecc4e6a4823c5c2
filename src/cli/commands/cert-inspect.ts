// cert inspect: would a certificate be accepted as a data centre's certificate, and why not.
import fs from 'node:fs';
import type { X509Certificate } from '@peculiar/x509';
import { loadTrustAnchors } from '../../modules/certificates/anchors.js';
import {
  CertificateInputError,
  checkCertificate,
  describeCertificate,
  readCertificates,
  type CertificateUsage,
} from '../../modules/certificates/inspect.js';
import type { Command } from '../commands.js';

const USAGES: readonly string[] = ['ENCRYPTION', 'SIGNATURE', 'TLS'];

/** The leaf certificate of a file (the rest is its chain), checked for the usage. */
async function inspect(file: string, usage: CertificateUsage, anchors: X509Certificate[]) {
  if (!fs.existsSync(file)) throw new CertificateInputError(file, 'file not found');
  const [leaf, ...rest] = readCertificates(fs.readFileSync(file), file).map((der) => describeCertificate(der, file));
  const verdict = await checkCertificate(leaf!, { usage, at: new Date(), intermediates: rest.map((r) => r.cert), anchors });
  return {
    file,
    thumbprintSha256: leaf!.thumbprintSha256,
    subject: leaf!.subject,
    issuer: leaf!.issuer,
    serialNumber: leaf!.serialNumber,
    notBefore: leaf!.notBefore.toISOString(),
    notAfter: leaf!.notAfter.toISOString(),
    keyAlgorithm: leaf!.keyAlgorithm,
    keySize: leaf!.keySize,
    curve: leaf!.curve,
    signatureAlgorithm: leaf!.signatureAlgorithm,
    isCa: leaf!.isCa,
    keyUsage: leaf!.keyUsage,
    chainCertificates: rest.length,
    usage,
    accepted: verdict.accepted,
    reasons: verdict.reasons,
  };
}

function print(s: Awaited<ReturnType<typeof inspect>>): void {
  console.log(`${s.file}`);
  console.log(`  subject      ${s.subject}`);
  console.log(`  issuer       ${s.issuer}`);
  console.log(`  serial       ${s.serialNumber}`);
  console.log(`  SHA-256      ${s.thumbprintSha256}`);
  console.log(`  valid        ${s.notBefore} – ${s.notAfter}`);
  console.log(`  key          ${s.keyAlgorithm}${s.curve ? ` ${s.curve}` : ''} ${s.keySize ?? '?'} bits, signed ${s.signatureAlgorithm}`);
  console.log(`  ${s.usage.toLowerCase()}: ${s.accepted ? 'ACCEPTED' : 'REFUSED'}${s.reasons.map((r) => `\n    - ${r}`).join('')}`);
}

export const certInspect: Command = {
  name: 'cert inspect',
  synopsis: '<file>... [--usage ENCRYPTION|SIGNATURE|TLS] [--json]',
  summary: [
    'Show each certificate (PEM, DER or a PEM bundle with its chain) and whether it would be accepted',
    'as a data-centre certificate for the usage (default ENCRYPTION), with the reasons. With --json,',
    'one JSON object per file and line. Exit 0 when every certificate would be accepted, 1 when one',
    'is refused or cannot be read.',
  ],
  options: ['usage', 'json'],
  optionHelp: { json: 'one JSON object per file and line' },
  async run({ config, args }) {
    const files = args.rest;
    if (!files.length) args.fail('missing <file>');
    const usage = (args.string('usage') ?? 'ENCRYPTION').toUpperCase();
    if (!USAGES.includes(usage)) args.fail(`--usage must be ENCRYPTION, SIGNATURE or TLS, got "${args.string('usage')}"`);
    const anchors = await loadTrustAnchors(config.trustAnchorsDir);
    let failed = 0;
    for (const file of files) {
      try {
        const summary = await inspect(file, usage as CertificateUsage, anchors);
        if (!summary.accepted) failed++;
        if (args.json) console.log(JSON.stringify(summary));
        else print(summary);
      } catch (e) {
        if (!(e instanceof CertificateInputError)) throw e;
        failed++;
        if (args.json) console.log(JSON.stringify({ file, accepted: false, error: e.reason, reasons: [e.reason] }));
        else console.log(`${file}\n  unreadable: ${e.reason}`);
      }
    }
    return failed ? 1 : 0;
  },
};
