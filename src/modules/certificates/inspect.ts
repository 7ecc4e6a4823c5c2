// Parsing and checking X.509 certificates of data centres with @peculiar/x509. Every refusal is a
// reason in the verdict, never an exception; only unreadable input throws (CertificateInputError).
import 'reflect-metadata';
import { createHash, webcrypto, X509Certificate as NodeX509 } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { Certificate as AsnCertificate } from '@peculiar/asn1-x509';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

export type CertificateUsage = 'ENCRYPTION' | 'SIGNATURE' | 'TLS';

export class CertificateInputError extends Error {
  constructor(
    public readonly source: string,
    public readonly reason: string,
  ) {
    super(`${source}: ${reason}`);
    this.name = 'CertificateInputError';
  }
}

export interface CertificateInfo {
  cert: x509.X509Certificate;
  der: Uint8Array;
  pem: string;
  thumbprintSha256: string;
  serialNumber: string;
  subject: string;
  issuer: string;
  notBefore: Date;
  notAfter: Date;
  /** RSA, RSA-PSS, EC, Ed25519, Ed448, … */
  keyAlgorithm: string;
  /** RSA modulus bits, or the curve's size for EC */
  keySize: number | null;
  curve: string | null;
  signatureAlgorithmOid: string;
  signatureAlgorithm: string;
  isCa: boolean;
  keyUsage: string[] | null;
  selfSigned: boolean;
}

const PEM_BEGIN = '-----BEGIN CERTIFICATE-----';
const PEM_END = '-----END CERTIFICATE-----';

/**
 * The bodies of the PEM certificate blocks, in order. A scan with indexOf, not a lazy regex: a regex
 * retries every BEGIN line that has no END after it up to the end of the text, which is quadratic
 * (a 64 KiB upload of BEGIN lines alone held the event loop for 100+ ms per request).
 */
function* pemBodies(text: string): Generator<string> {
  let from = 0;
  for (;;) {
    const begin = text.indexOf(PEM_BEGIN, from);
    if (begin < 0) return;
    const end = text.indexOf(PEM_END, begin + PEM_BEGIN.length);
    if (end < 0) return; // no END after this BEGIN, so none after any later BEGIN either
    yield text.slice(begin + PEM_BEGIN.length, end);
    from = end + PEM_END.length;
  }
}

/** A PEM file (one certificate or a bundle with the chain) or DER bytes: certificates in file order. */
export { MAX_UPLOAD_CERTIFICATES } from './upload-limit.js';

export function readCertificates(bytes: Uint8Array, source: string, max = Infinity): Uint8Array[] {
  if (!bytes.length) throw new CertificateInputError(source, 'file is empty');
  const text = Buffer.from(bytes).toString('latin1');
  if (text.includes('-----BEGIN')) {
    const ders: Uint8Array[] = [];
    for (const body of pemBodies(text)) {
      // Counted before anything is decoded: each certificate costs a parse and signature checks.
      if (ders.length === max) throw new CertificateInputError(source, `holds more than ${max} certificates; a certificate and its chain need fewer`);
      const b64 = body.replace(/\s+/g, '');
      if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) throw new CertificateInputError(source, `PEM block ${ders.length + 1} is not valid base64`);
      ders.push(new Uint8Array(Buffer.from(b64, 'base64')));
    }
    if (!ders.length) {
      throw new CertificateInputError(source, text.includes(PEM_BEGIN) ? 'PEM block has no END line (truncated?)' : 'PEM holds no CERTIFICATE block');
    }
    return ders;
  }
  if (bytes[0] !== 0x30) throw new CertificateInputError(source, 'neither PEM nor DER (a DER certificate starts with a SEQUENCE, 0x30)');
  return [bytes];
}

const SIGNATURE_NAMES: Record<string, string> = {
  '1.2.840.113549.1.1.2': 'md2WithRSAEncryption',
  '1.2.840.113549.1.1.4': 'md5WithRSAEncryption',
  '1.2.840.113549.1.1.5': 'sha1WithRSAEncryption',
  '1.2.840.113549.1.1.10': 'RSASSA-PSS',
  '1.2.840.113549.1.1.11': 'sha256WithRSAEncryption',
  '1.2.840.113549.1.1.12': 'sha384WithRSAEncryption',
  '1.2.840.113549.1.1.13': 'sha512WithRSAEncryption',
  '1.2.840.10045.4.1': 'ecdsa-with-SHA1',
  '1.2.840.10045.4.3.2': 'ecdsa-with-SHA256',
  '1.2.840.10045.4.3.3': 'ecdsa-with-SHA384',
  '1.2.840.10045.4.3.4': 'ecdsa-with-SHA512',
  '1.2.840.10040.4.3': 'dsa-with-SHA1',
  '1.3.101.112': 'Ed25519',
  '1.3.101.113': 'Ed448',
};
const WEAK_SIGNATURES = new Set(['1.2.840.113549.1.1.2', '1.2.840.113549.1.1.4', '1.2.840.113549.1.1.5', '1.2.840.10045.4.1', '1.2.840.10040.4.3']);

const CURVE_BITS: Record<string, number> = {
  prime256v1: 256,
  'P-256': 256,
  secp384r1: 384,
  'P-384': 384,
  secp521r1: 521,
  'P-521': 521,
  brainpoolP256r1: 256,
  brainpoolP384r1: 384,
  brainpoolP512r1: 512,
};
const CURVE_NAMES: Record<string, string> = { prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' };

const KEY_USAGE_NAMES: [number, string][] = [
  [x509.KeyUsageFlags.digitalSignature, 'digitalSignature'],
  [x509.KeyUsageFlags.nonRepudiation, 'nonRepudiation'],
  [x509.KeyUsageFlags.keyEncipherment, 'keyEncipherment'],
  [x509.KeyUsageFlags.dataEncipherment, 'dataEncipherment'],
  [x509.KeyUsageFlags.keyAgreement, 'keyAgreement'],
  [x509.KeyUsageFlags.keyCertSign, 'keyCertSign'],
  [x509.KeyUsageFlags.cRLSign, 'cRLSign'],
  [x509.KeyUsageFlags.encipherOnly, 'encipherOnly'],
  [x509.KeyUsageFlags.decipherOnly, 'decipherOnly'],
];

/** Parses one DER certificate; anything unreadable is a CertificateInputError naming the source. */
export function describeCertificate(der: Uint8Array, source: string): CertificateInfo {
  try {
    return describe(der);
  } catch (e) {
    // Parsers of outside input fail in many ways (ASN.1 lengths, integers, unknown OIDs): one clear error.
    throw new CertificateInputError(source, `not a readable X.509 certificate (${(e as Error).message.split('\n')[0]})`);
  }
}

function describe(der: Uint8Array): CertificateInfo {
  const asn = AsnConvert.parse(der, AsnCertificate);
  const cert = new x509.X509Certificate(new Uint8Array(der) as Uint8Array<ArrayBuffer>);
  const node = new NodeX509(Buffer.from(der));
  const key = node.publicKey;
  const details = key.asymmetricKeyDetails ?? {};
  const type = key.asymmetricKeyType ?? 'unknown';
  const curve = details.namedCurve ? (CURVE_NAMES[details.namedCurve] ?? details.namedCurve) : null;
  const keyAlgorithm = ({ rsa: 'RSA', 'rsa-pss': 'RSA-PSS', ec: 'EC', ed25519: 'Ed25519', ed448: 'Ed448', dsa: 'DSA', x25519: 'X25519', x448: 'X448' } as Record<string, string>)[type] ?? type;
  const keySize = details.modulusLength ?? (details.namedCurve ? (CURVE_BITS[details.namedCurve] ?? null) : type === 'ed25519' ? 256 : type === 'ed448' ? 456 : null);
  const ku = cert.getExtension(x509.KeyUsagesExtension);
  const sigOid = asn.signatureAlgorithm.algorithm;
  return {
    cert,
    der,
    pem: cert.toString('pem'),
    thumbprintSha256: createHash('sha256').update(der).digest('hex'),
    serialNumber: cert.serialNumber.toLowerCase(),
    subject: cert.subject,
    issuer: cert.issuer,
    notBefore: cert.notBefore,
    notAfter: cert.notAfter,
    keyAlgorithm,
    keySize,
    curve,
    signatureAlgorithmOid: sigOid,
    signatureAlgorithm: SIGNATURE_NAMES[sigOid] ?? sigOid,
    isCa: cert.getExtension(x509.BasicConstraintsExtension)?.ca ?? false,
    keyUsage: ku ? KEY_USAGE_NAMES.filter(([flag]) => (ku.usages & flag) !== 0).map(([, n]) => n) : null,
    selfSigned: cert.subject === cert.issuer,
  };
}

export interface CheckOptions {
  usage: CertificateUsage;
  /** the instant to judge validity at */
  at: Date;
  /** when the certificate is to become active (default: at) */
  activation?: Date;
  /** further certificates from the upload (the chain) */
  intermediates?: x509.X509Certificate[];
  /** configured trust anchors; when empty, no chain is required */
  anchors?: x509.X509Certificate[];
}

export interface Verdict {
  accepted: boolean;
  reasons: string[];
  /** subjects from leaf to anchor, when a chain was built */
  chain: string[];
}

const day = (d: Date) => d.toISOString().replace('.000Z', 'Z');

/** Checks per BSI TR-02102-1 and the usage; each failure is one reason. */
export async function checkCertificate(info: CertificateInfo, o: CheckOptions): Promise<Verdict> {
  const reasons: string[] = [];
  const activation = o.activation ?? o.at;
  if (info.notAfter.getTime() <= o.at.getTime()) reasons.push(`expired on ${day(info.notAfter)}`);
  else if (info.notAfter.getTime() <= activation.getTime()) reasons.push(`expires on ${day(info.notAfter)}, before its activation on ${day(activation)}`);
  if (info.notBefore.getTime() > activation.getTime()) reasons.push(`not valid before ${day(info.notBefore)}, later than the activation on ${day(activation)}`);

  if (info.keyAlgorithm === 'RSA' || info.keyAlgorithm === 'RSA-PSS') {
    if ((info.keySize ?? 0) < 3000) reasons.push(`RSA key of ${info.keySize} bits is too short (BSI TR-02102-1: at least 3000 bits)`);
  } else if (info.keyAlgorithm === 'EC') {
    if (!info.curve || !(info.curve in CURVE_BITS)) {
      reasons.push(`elliptic curve ${info.curve ?? 'unknown'} is not permitted (BSI TR-02102-1: P-256, P-384, P-521 or brainpool curves)`);
    } else if ((info.keySize ?? 0) < 250) reasons.push(`EC key of ${info.keySize} bits is too short (at least 250 bits)`);
  } else {
    reasons.push(`key algorithm ${info.keyAlgorithm} is not permitted (BSI TR-02102-1: RSA ≥ 3000 bits or EC on P-256/P-384/P-521/brainpool)`);
  }
  if (WEAK_SIGNATURES.has(info.signatureAlgorithmOid)) reasons.push(`signed with ${info.signatureAlgorithm}: MD5 and SHA-1 signatures are not accepted`);

  const ku = info.keyUsage;
  const needs: Record<CertificateUsage, string[]> = {
    ENCRYPTION: ['keyEncipherment', 'keyAgreement'],
    SIGNATURE: ['digitalSignature'],
    TLS: ['digitalSignature', 'keyEncipherment', 'keyAgreement'],
  };
  if (!ku) reasons.push(`has no key usage extension; ${o.usage} needs ${needs[o.usage].join(' or ')}`);
  else if (!needs[o.usage].some((n) => ku.includes(n))) {
    reasons.push(`key usage ${ku.join(', ') || 'none'} does not allow ${o.usage} (needs ${needs[o.usage].join(' or ')})`);
  }
  if (info.isCa) reasons.push('is a CA certificate, not a data centre certificate');

  let chain: string[] = [];
  if (o.anchors?.length) {
    const result = await verifyChain(info.cert, o.intermediates ?? [], o.anchors, o.at);
    chain = result.chain;
    if (result.problem) reasons.push(result.problem);
  }
  return { accepted: reasons.length === 0, reasons, chain };
}

/** Builds leaf → … → anchor and checks every signature and validity period on the way. */
export async function verifyChain(
  leaf: x509.X509Certificate,
  intermediates: x509.X509Certificate[],
  anchors: x509.X509Certificate[],
  at: Date,
): Promise<{ chain: string[]; problem?: string }> {
  const anchorPrints = new Set(await Promise.all(anchors.map(async (a) => Buffer.from(await a.getThumbprint('SHA-256')).toString('hex'))));
  const pool = [...intermediates, ...anchors];
  const chain: x509.X509Certificate[] = [leaf];
  for (let depth = 0; depth < 10; depth++) {
    const current = chain[chain.length - 1]!;
    const print = Buffer.from(await current.getThumbprint('SHA-256')).toString('hex');
    if (anchorPrints.has(print)) return { chain: chain.map((c) => c.subject) };
    const candidates = pool.filter((c) => c.subject === current.issuer && !chain.includes(c));
    let next: x509.X509Certificate | undefined;
    for (const c of candidates) {
      if (await current.verify({ publicKey: c.publicKey, signatureOnly: true }).catch(() => false)) {
        next = c;
        break;
      }
    }
    if (!next) {
      return {
        chain: chain.map((c) => c.subject),
        problem: candidates.length
          ? `the signature of "${current.subject}" does not verify with the key of its issuer "${current.issuer}"`
          : `does not chain to a configured trust anchor: no issuer "${current.issuer}" for "${current.subject}"`,
      };
    }
    if (next.notAfter.getTime() <= at.getTime() || next.notBefore.getTime() > at.getTime()) {
      return { chain: [...chain, next].map((c) => c.subject), problem: `chain certificate "${next.subject}" is not valid on ${day(at)}` };
    }
    if (!(next.getExtension(x509.BasicConstraintsExtension)?.ca ?? false)) {
      return { chain: [...chain, next].map((c) => c.subject), problem: `chain certificate "${next.subject}" is not a CA` };
    }
    chain.push(next);
  }
  return { chain: chain.map((c) => c.subject), problem: 'chain is longer than 10 certificates' };
}
