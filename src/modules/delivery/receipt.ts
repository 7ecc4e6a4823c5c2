// A receiver's receipt: a JWS in the body of its 2xx answer, signed with the key of the certificate
// the payload was encrypted for, naming the delivery and the SHA-256 of the payload it decrypted.
// Only a receipt that verifies makes a delivery DELIVERED; anything less leaves it HANDED_OFF.
import { X509Certificate } from 'node:crypto';
import { decodeProtectedHeader, jwtVerify } from 'jose';
import { RECEIPT_TYP, signatureAlgorithmFor, x5tS256, type ReceiptClaims } from '../../lib/handoff-contract.js';

/** A verified receipt, as stored with the delivery. */
export interface Receipt {
  receiver: string;
  receivedAt: string;
  payloadSha256: string;
  /** the jti of the request the receiver first took it from (a repeated hand-off gets the same receipt) */
  jti: string;
  /** the compact JWS itself, for anyone who wants to verify it again */
  token: string;
}

export interface ReceiptExpectation {
  /** PEM of the certificate the payload was encrypted for */
  certificatePem: string;
  deliveryId: string;
  payloadSha256: string;
}

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** Why a receipt does not count; its message goes into the attempt's detail. */
class NoReceipt extends Error {}

function claimsOk(c: Partial<ReceiptClaims>, e: ReceiptExpectation): ReceiptClaims {
  if (c.delivery_id !== e.deliveryId) throw new NoReceipt(`it names delivery ${String(c.delivery_id).slice(0, 64)}`);
  if (c.payload_sha256 !== e.payloadSha256) throw new NoReceipt('its payload_sha256 is not the SHA-256 of the payload sent');
  if (typeof c.received_at !== 'string' || Number.isNaN(Date.parse(c.received_at))) throw new NoReceipt('received_at is not a time');
  if (typeof c.receiver !== 'string' || typeof c.jti !== 'string') throw new NoReceipt('receiver or jti is missing');
  return c as ReceiptClaims;
}

async function verify(token: string, e: ReceiptExpectation): Promise<Receipt> {
  if (!COMPACT_JWS.test(token)) throw new NoReceipt('the answer is not a compact JWS');
  const cert = new X509Certificate(e.certificatePem);
  const header = decodeProtectedHeader(token);
  if (header.typ !== RECEIPT_TYP) throw new NoReceipt(`typ is ${String(header.typ)}, not ${RECEIPT_TYP}`);
  if (header['x5t#S256'] !== x5tS256(cert.raw)) throw new NoReceipt('x5t#S256 is not the certificate the payload was encrypted for');
  const alg = signatureAlgorithmFor(cert.publicKey);
  if (!alg) throw new NoReceipt(`the certificate's ${cert.publicKey.asymmetricKeyType} key cannot sign a JWS`);
  let payload: Partial<ReceiptClaims>;
  try {
    ({ payload } = await jwtVerify<Partial<ReceiptClaims>>(token, cert.publicKey, { algorithms: [alg], typ: RECEIPT_TYP }));
  } catch (err) {
    throw new NoReceipt(`its signature does not verify (${(err as Error).message})`);
  }
  const c = claimsOk(payload, e);
  return { receiver: c.receiver.slice(0, 500), receivedAt: new Date(c.received_at).toISOString(), payloadSha256: c.payload_sha256, jti: c.jti.slice(0, 200), token };
}

/** The receipt in an answer's body, verified; or why there is none that counts. */
export async function checkReceipt(body: Buffer | undefined, e: ReceiptExpectation): Promise<{ receipt: Receipt } | { missing: string }> {
  if (!body?.length) return { missing: 'the answer carries no receipt' };
  try {
    return { receipt: await verify(body.toString('latin1').trim(), e) };
  } catch (err) {
    if (err instanceof NoReceipt) return { missing: `the receipt does not count: ${err.message}` };
    return { missing: `the receipt cannot be read: ${(err as Error).message}` };
  }
}
