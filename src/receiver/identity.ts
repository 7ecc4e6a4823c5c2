// Who the receiver is: the private key of the data centre's encryption certificate (it decrypts the
// hand-offs and signs the receipts) and the certificate itself, which must hold the same key.
import { createPrivateKey, createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import { signatureAlgorithmFor, x5tS256 } from '../lib/handoff-contract.js';

export interface Identity {
  privateKey: KeyObject;
  /** the JWE key management algorithm the server uses for this key */
  jweAlg: 'ECDH-ES' | 'RSA-OAEP-256';
  /** the JWS algorithm receipts are signed with */
  receiptAlg: string;
  /** hex SHA-256 of the certificate: the server names it as the JWE's kid */
  thumbprintHex: string;
  /** x5t#S256 of the certificate, in every receipt's header */
  x5t: string;
  /** the certificate's subject, the receipt's `receiver` */
  subject: string;
}

/** A setup mistake: the command stops with this message. */
export class IdentityError extends Error {
  override name = 'IdentityError';
}

function read(file: string, what: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new IdentityError(`${what} ${file} cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

export function loadIdentity(keyFile: string, certFile: string): Identity {
  let privateKey: KeyObject;
  let cert: X509Certificate;
  try {
    privateKey = createPrivateKey(read(keyFile, '--key'));
  } catch (e) {
    throw e instanceof IdentityError ? e : new IdentityError(`--key ${keyFile} is not a PEM private key: ${(e as Error).message}`);
  }
  try {
    cert = new X509Certificate(read(certFile, '--cert'));
  } catch (e) {
    throw e instanceof IdentityError ? e : new IdentityError(`--cert ${certFile} is not a PEM certificate: ${(e as Error).message}`);
  }
  const spki = (k: KeyObject) => k.export({ type: 'spki', format: 'der' });
  if (!spki(createPublicKey(privateKey)).equals(spki(cert.publicKey))) {
    throw new IdentityError(`--key ${keyFile} is not the key of --cert ${certFile}`);
  }
  const receiptAlg = signatureAlgorithmFor(privateKey);
  if (!receiptAlg) throw new IdentityError(`--key ${keyFile}: a ${privateKey.asymmetricKeyType} key cannot sign receipts (EC P-256/384/521 or RSA)`);
  return {
    privateKey,
    jweAlg: privateKey.asymmetricKeyType === 'ec' ? 'ECDH-ES' : 'RSA-OAEP-256',
    receiptAlg,
    thumbprintHex: cert.fingerprint256.replaceAll(':', '').toLowerCase(),
    x5t: x5tS256(cert.raw),
    subject: cert.subject.replaceAll('\n', ', '),
  };
}
