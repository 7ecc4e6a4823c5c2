// The wire contract of a hand-off (docs/wire-contract.md, version 1), shared by the server that sends
// and the reference receiver that takes it: names, media types, claims and the key → algorithm rule.
import { createHash, type KeyObject } from 'node:crypto';

export const HANDOFF_VERSION = '1';
/** JWS header typ of a signed hand-off (explicit typing, RFC 8725 §3.11) */
export const HANDOFF_TYP = 'xamt-handoff+jwt';
/** JWS header typ of a receiver's receipt */
export const RECEIPT_TYP = 'xamt-receipt+jwt';
/** body media type of a hand-off and of a receipt */
export const JWT_MEDIA_TYPE = 'application/jwt';
/** a signed hand-off is valid this long after it was signed */
export const HANDOFF_TTL_SECONDS = 300;
/** algorithms the server signs hand-offs with */
export const HANDOFF_ALGORITHMS = ['ES256', 'PS256'] as const;
/** iss of hand-offs when HANDOFF_ISSUER is not set; a receiver expects it unless told otherwise */
export const DEFAULT_HANDOFF_ISSUER = 'urn:behoerdenverzeichnis';
/** the JWKS path on the server */
export const JWKS_PATH = '/.well-known/jwks.json';
/** the largest receipt the server reads from an answer */
export const RECEIPT_MAX_BYTES = 64 * 1024;
/** a delivery id: the server's are UUIDs; receivers use it as a folder name, so nothing else passes */
export const DELIVERY_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The message type of a data centre's endpoint test (testDataCenterEndpoint): verified, decrypted and receipted, never stored. */
export const TEST_MESSAGE_TYPE = 'test';

/** The claims of a signed hand-off: every field of the message and its ciphertext. */
export interface HandoffClaims {
  iss: string;
  /** the recipient's addressing key */
  aud: string;
  iat: number;
  exp: number;
  /** unique per attempt: a receiver refuses a jti it has seen */
  jti: string;
  delivery_id: string;
  sender: string;
  recipient: string;
  message_type: string;
  reference: string;
  file_name: string;
  content_type: string;
  /** compact JWE of the payload for the recipient's encryption certificate */
  jwe: string;
}

/** The claims of a receipt, signed by the receiver with the key of the certificate it was encrypted for. */
export interface ReceiptClaims {
  delivery_id: string;
  /** the jti of the request that first delivered it */
  jti: string;
  /** ISO 8601 */
  received_at: string;
  /** hex SHA-256 of the decrypted payload */
  payload_sha256: string;
  receiver: string;
  iat: number;
}

const EC_ALGORITHMS: Record<string, string> = { prime256v1: 'ES256', secp384r1: 'ES384', secp521r1: 'ES512' };

/** The JWS algorithm for a key: ES256/384/512 by curve for EC, PS256 for RSA; undefined for others. */
export function signatureAlgorithmFor(key: KeyObject): string | undefined {
  if (key.asymmetricKeyType === 'ec') return EC_ALGORITHMS[key.asymmetricKeyDetails?.namedCurve ?? ''];
  if (key.asymmetricKeyType === 'rsa') return 'PS256';
  return undefined;
}

/** The x5t#S256 of a certificate: base64url of the SHA-256 of its DER. */
export function x5tS256(der: Uint8Array): string {
  return createHash('sha256').update(der).digest('base64url');
}

export const sha256Hex = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
