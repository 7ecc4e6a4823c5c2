// Opening a hand-off's JWE with the data centre's key, and the receipt that says so, signed with the
// same key (its certificate's thumbprint in the header) so the server can check who received what.
import { compactDecrypt, decodeProtectedHeader, SignJWT } from 'jose';
import { RECEIPT_TYP, type HandoffClaims, type ReceiptClaims } from '../lib/handoff-contract.js';
import type { Identity } from './identity.js';
import { Refusal } from './refusal.js';

const undecryptable = (why: string) => new Refusal(422, 'undecryptable', why);

/** The payload; refused when it was encrypted for another certificate or does not decrypt. */
export async function decryptPayload(id: Identity, c: HandoffClaims): Promise<Buffer> {
  let kid: unknown;
  try {
    kid = decodeProtectedHeader(c.jwe).kid;
  } catch {
    throw undecryptable('the jwe claim is not a compact JWE');
  }
  if (kid !== id.thumbprintHex) throw undecryptable(`the payload is encrypted for certificate ${String(kid).slice(0, 64)}, not for ${id.thumbprintHex}`);
  try {
    const { plaintext, protectedHeader } = await compactDecrypt(c.jwe, id.privateKey, { keyManagementAlgorithms: [id.jweAlg], contentEncryptionAlgorithms: ['A256GCM'] });
    if (protectedHeader.cty !== c.content_type) throw undecryptable('the JWE cty is not the content_type claim');
    return Buffer.from(plaintext);
  } catch (e) {
    throw e instanceof Refusal ? e : undecryptable(`the payload does not decrypt: ${(e as Error).message}`);
  }
}

export function signReceipt(id: Identity, claims: ReceiptClaims): Promise<string> {
  return new SignJWT({ ...claims }).setProtectedHeader({ alg: id.receiptAlg, typ: RECEIPT_TYP, 'x5t#S256': id.x5t }).sign(id.privateKey);
}
