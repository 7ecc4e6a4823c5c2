// Proof of possession for a certificate upload: a compact JWS over {nonce, dataCenter, thumbprint},
// signed with the certificate's private key, the certificate first in the x5c header. Made here for
// the CLI and checked here for the server, so that both agree on the format and every refusal names
// what is wrong with the proof itself, never the data centre or the certificate.
import { createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';
import { CompactSign, compactVerify, importX509 } from 'jose';
import { MAX_UPLOAD_CERTIFICATES } from './upload-limit.js';

/** The payload's fields, all strings: the challenge's nonce, the data centre's code, the certificate's SHA-256 thumbprint. */
export const PROOF_FIELDS = ['nonce', 'dataCenter', 'thumbprint'] as const;
export type ProofPayload = Record<(typeof PROOF_FIELDS)[number], string>;

const RSA_ALGORITHMS = ['PS256', 'PS384', 'PS512', 'RS256', 'RS384', 'RS512'];
export const PROOF_ALGORITHMS = ['ES256', 'ES384', 'ES512', ...RSA_ALGORITHMS];
/** JWS ties each EC algorithm to one curve (brainpool curves have none). */
const EC_ALGORITHMS: Record<string, string> = { prime256v1: 'ES256', secp384r1: 'ES384', secp521r1: 'ES512' };
/** A JWS ECDSA signature is r||s, each as long as the curve's order. */
const SIGNATURE_BYTES: Record<string, number> = { ES256: 64, ES384: 96, ES512: 132 };
const FIELDS_TEXT = 'a JSON object with the string fields "nonce", "dataCenter" and "thumbprint"';

/** The JWS algorithms a key can sign the proof with, the preferred one first; none for keys JWS has no algorithm for. */
export function proofAlgorithmsFor(key: KeyObject): string[] {
  const type = key.asymmetricKeyType;
  if (type === 'ec') {
    const alg = EC_ALGORITHMS[key.asymmetricKeyDetails?.namedCurve ?? ''];
    return alg ? [alg] : [];
  }
  if (type === 'rsa') return RSA_ALGORITHMS;
  if (type === 'rsa-pss') return RSA_ALGORITHMS.filter((a) => a.startsWith('PS'));
  return [];
}

/** "EC brainpoolP256r1", "RSA 3072-bit": the key as a message names it. */
export function describeKey(key: KeyObject): string {
  const d = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'ec') return `EC ${d.namedCurve ?? ''}`.trim();
  if (d.modulusLength) return `${key.asymmetricKeyType?.toUpperCase()} ${d.modulusLength}-bit`;
  return key.asymmetricKeyType ?? 'unknown';
}

/** Whether a private key belongs to a certificate: their public keys are the same. */
export function keyMatchesCertificate(privateKey: KeyObject, leafDer: Uint8Array): boolean {
  const mine = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
  const theirs = new X509Certificate(Buffer.from(leafDer)).publicKey.export({ type: 'spki', format: 'der' });
  return mine.equals(theirs);
}

/** Signs the proof with the key's preferred algorithm (ES256/384/512 by curve, PS256 for RSA). */
export async function makeProof(privateKey: KeyObject, leafDer: Uint8Array, payload: ProofPayload): Promise<{ proof: string; alg: string }> {
  const alg = proofAlgorithmsFor(privateKey)[0];
  if (!alg) throw new Error(`a ${describeKey(privateKey)} key cannot sign a proof: JWS signs with EC P-256, P-384, P-521 or RSA keys`);
  const proof = await new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader({ alg, x5c: [Buffer.from(leafDer).toString('base64')] })
    .sign(privateKey);
  return { proof, alg };
}

/** A DER ECDSA signature: SEQUENCE { INTEGER r, INTEGER s }, which openssl makes and JWS does not take. */
export function isDerEcdsaSignature(sig: Uint8Array): boolean {
  if (sig.length < 8 || sig[0] !== 0x30) return false;
  let i = 1;
  let length = sig[i++]!;
  if (length === 0x81) length = sig[i++] ?? -1;
  else if (length > 0x80) return false;
  if (i + length !== sig.length) return false;
  for (let n = 0; n < 2; n++) {
    if (sig[i++] !== 0x02) return false;
    const l = sig[i++];
    if (l === undefined || l === 0 || l > 0x7f) return false;
    i += l;
  }
  return i === sig.length;
}

export interface ProofCheck {
  /** the payload, when the signature verified and it has the three fields */
  payload?: ProofPayload;
  /** what is wrong: the JWS's form, header, algorithm or signature, and the payload's fields */
  problems: string[];
}

const WHAT = 'proof of possession:';

function decodeJson(part: string): unknown {
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

/** The form of a compact JWS: three base64url parts, a JSON header. */
function splitJws(proof: string): { parts: string[]; header: Record<string, unknown> } | string {
  const parts = proof.trim().split('.');
  if (parts.length !== 3) return `not a compact JWS: it must be three base64url parts joined by dots (header.payload.signature), got ${parts.length} part(s)`;
  if (parts.some((p) => /[+/=]/.test(p))) return 'the JWS parts must be base64url without padding (RFC 7515), not base64: found "+", "/" or "="';
  if (parts.some((p) => !/^[A-Za-z0-9_-]*$/.test(p))) return 'the JWS parts must be base64url (letters, digits, "-" and "_")';
  const header = decodeJson(parts[0]!);
  if (!header || typeof header !== 'object' || Array.isArray(header)) return 'the JWS header is not a JSON object';
  return { parts, header: header as Record<string, unknown> };
}

/** The header's algorithm and x5c against the certificate and its key. */
function headerProblem(header: Record<string, unknown>, leafDer: Uint8Array, key: KeyObject): string | undefined {
  const alg = header.alg;
  if (typeof alg !== 'string' || !PROOF_ALGORITHMS.includes(alg)) {
    return `algorithm ${typeof alg === 'string' ? alg.slice(0, 20) : 'none'} is not accepted (accepted: ${PROOF_ALGORITHMS.join(', ')})`;
  }
  const fits = proofAlgorithmsFor(key);
  if (!fits.length) return `the certificate's ${describeKey(key)} key has no JWS signature algorithm, so it cannot sign the proof (JWS signs with EC P-256, P-384, P-521 or RSA keys)`;
  if (!fits.includes(alg)) return `algorithm ${alg} does not fit the certificate's ${describeKey(key)} key: sign with ${fits.includes('RS256') ? 'PS256 or RS256' : fits[0]}`;
  const x5c = header.x5c;
  if (x5c === undefined) return 'the JWS header has no x5c: it must carry the uploaded certificate (base64 DER) as its first entry';
  if (!Array.isArray(x5c) || !x5c.length || x5c.length > MAX_UPLOAD_CERTIFICATES || x5c.some((c) => typeof c !== 'string')) {
    return `x5c must be an array of 1 to ${MAX_UPLOAD_CERTIFICATES} base64 DER certificates`;
  }
  if (Buffer.from(x5c[0] as string, 'base64').compare(Buffer.from(leafDer)) !== 0) return 'the first x5c entry is not the uploaded certificate';
  return undefined;
}

/** An ECDSA signature in the wrong encoding or size is named as such before it is verified. */
function signatureEncodingProblem(alg: string, signature: Buffer): string | undefined {
  const bytes = SIGNATURE_BYTES[alg];
  if (!bytes || signature.length === bytes) return undefined;
  if (isDerEcdsaSignature(signature)) {
    return `the signature is DER-encoded, as openssl makes it: ${alg} signatures are the raw ${bytes}-byte r||s, not DER (convert it, or let \`cert proof\` make the proof)`;
  }
  return `${alg} signatures are the raw ${bytes}-byte r||s, got ${signature.length} bytes`;
}

/** Whether the signature verifies; the problem if not. */
async function signatureProblem(parts: string[], alg: string, leafPem: string): Promise<string | undefined> {
  const wrongEncoding = signatureEncodingProblem(alg, Buffer.from(parts[2]!, 'base64url'));
  if (wrongEncoding) return wrongEncoding;
  try {
    await compactVerify(parts.join('.'), await importX509(leafPem, alg), { algorithms: [alg] });
    return undefined;
  } catch {
    return "the signature does not verify with the certificate's public key: it was made with another private key than the certificate's, or the header or payload changed after signing";
  }
}

/**
 * Checks a proof: the JWS's form, its algorithm (fitting the certificate's key), x5c (the uploaded
 * certificate), its signature, and the payload's fields. Whether the payload's values fit the upload
 * and the challenge is the caller's to check.
 */
export async function checkProof(proof: string, leafDer: Uint8Array, leafPem: string): Promise<ProofCheck> {
  const split = splitJws(proof);
  if (typeof split === 'string') return { problems: [`${WHAT} ${split}`] };
  const { parts, header } = split;
  const claimed = decodeJson(parts[1]!);
  const fields = payloadProblems(claimed);
  const key = new X509Certificate(Buffer.from(leafDer)).publicKey;
  const wrong = headerProblem(header, leafDer, key) ?? (await signatureProblem(parts, header.alg as string, leafPem));
  if (wrong) return { problems: [`${WHAT} ${wrong}`, ...fields] };
  return fields.length ? { problems: fields } : { payload: claimed as ProofPayload, problems: [] };
}

/** What is wrong with the payload's fields, naming the expected ones; empty when all three are strings. */
export function payloadProblems(claimed: unknown): string[] {
  if (claimed === undefined || claimed === null || typeof claimed !== 'object' || Array.isArray(claimed)) {
    return [`${WHAT} the payload must be ${FIELDS_TEXT}`];
  }
  const got = claimed as Record<string, unknown>;
  const missing = PROOF_FIELDS.filter((f) => !(f in got));
  const notStrings = PROOF_FIELDS.filter((f) => f in got && typeof got[f] !== 'string');
  const problems: string[] = [];
  if (missing.length) {
    const others = Object.keys(got).filter((k) => !(PROOF_FIELDS as readonly string[]).includes(k)).slice(0, 10);
    const seen = others.length ? `; it has ${others.map((k) => JSON.stringify(k.slice(0, 40))).join(', ')} instead` : '';
    problems.push(`${WHAT} the payload lacks ${missing.map((f) => `"${f}"`).join(', ')}; it must be ${FIELDS_TEXT}${seen}`);
  }
  for (const f of notStrings) problems.push(`${WHAT} the payload's "${f}" must be a string`);
  return problems;
}
