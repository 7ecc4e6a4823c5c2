// The server's hand-off signing keys (HANDOFF_SIGNING_KEYS): PEM private keys, the first signs, all
// are published at /.well-known/jwks.json so that receivers still verify the old one during a
// rotation. Not the development JWT key: a receiver trusts these for hand-offs and nothing else.
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { calculateJwkThumbprint, exportJWK, type JWK } from 'jose';

export interface SigningKey {
  /** RFC 7638 JWK thumbprint of the public key */
  kid: string;
  alg: 'ES256' | 'PS256';
  /** PKCS#8 PEM, handed to the worker that signs */
  pkcs8: string;
  publicJwk: JWK;
}

export interface HandoffKeys {
  /** signs every hand-off */
  active: SigningKey;
  /** the active key first, then the ones still published */
  all: SigningKey[];
  jwks: { keys: JWK[] };
}

/** A key file that cannot be used, with the reason. */
export class SigningKeyError extends Error {
  override name = 'SigningKeyError';
  constructor(file: string, reason: string) {
    super(`HANDOFF_SIGNING_KEYS: ${file}: ${reason}`);
  }
}

const MIN_RSA_BITS = 3000; // BSI TR-02102-1, as for data-centre certificates

function algorithmOf(file: string, key: KeyObject): SigningKey['alg'] {
  if (key.asymmetricKeyType === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    if (curve !== 'prime256v1') throw new SigningKeyError(file, `EC key on ${curve}: only P-256 (ES256) is supported`);
    return 'ES256';
  }
  if (key.asymmetricKeyType === 'rsa') {
    const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
    if (bits < MIN_RSA_BITS) throw new SigningKeyError(file, `RSA key of ${bits} bits: at least ${MIN_RSA_BITS} are required`);
    return 'PS256';
  }
  throw new SigningKeyError(file, `${key.asymmetricKeyType} key: an EC P-256 or RSA private key is required`);
}

async function readKey(file: string): Promise<SigningKey> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new SigningKeyError(file, `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  if (text.length > 64 * 1024) throw new SigningKeyError(file, 'is larger than 64 KiB: not a PEM private key');
  if (!text.includes('PRIVATE KEY-----')) throw new SigningKeyError(file, 'is not a PEM private key (-----BEGIN PRIVATE KEY-----)');
  if (text.includes('ENCRYPTED PRIVATE KEY')) throw new SigningKeyError(file, 'is encrypted; give an unencrypted PKCS#8 key (protect the file instead)');
  let key: KeyObject;
  try {
    key = createPrivateKey(text);
  } catch (e) {
    throw new SigningKeyError(file, `cannot be parsed: ${(e as Error).message}`);
  }
  const alg = algorithmOf(file, key);
  const publicJwk = await exportJWK(createPublicKey(key));
  const kid = await calculateJwkThumbprint(publicJwk);
  return { kid, alg, pkcs8: key.export({ type: 'pkcs8', format: 'pem' }).toString(), publicJwk: { ...publicJwk, kid, alg, use: 'sig' } };
}

/** Reads the key files; the first is the active one. Throws SigningKeyError naming the file. */
export async function loadSigningKeys(files: string[]): Promise<HandoffKeys> {
  if (!files.length) throw new SigningKeyError('(none)', 'no key file given');
  const all: SigningKey[] = [];
  for (const file of files) {
    const key = await readKey(file);
    if (all.some((k) => k.kid === key.kid)) throw new SigningKeyError(file, `the same key as an earlier file (kid ${key.kid})`);
    all.push(key);
  }
  return { active: all[0]!, all, jwks: { keys: all.map((k) => k.publicJwk) } };
}

/** Development and tests: an EC P-256 key made once in DATA_DIR (0600); returns its path. */
export function ensureDevSigningKey(dataDir: string): string {
  const dir = path.join(dataDir, 'handoff-keys');
  const file = path.join(dir, 'signing-key.pem');
  if (fs.existsSync(file)) return file;
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  // Written whole, then linked into place: two processes starting at once both end up with the
  // first one's key, and neither ever reads half a file.
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  try {
    fs.linkSync(temp, file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  } finally {
    fs.rmSync(temp, { force: true });
  }
  return file;
}

let ephemeral: Promise<HandoffKeys> | undefined;

/** Tests and tools that build a transport adapter without keys: one key made for this process. */
export function ephemeralSigningKeys(): Promise<HandoffKeys> {
  ephemeral ??= (async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bv-handoff-key-'));
    try {
      return await loadSigningKeys([ensureDevSigningKey(dir)]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  })();
  return ephemeral;
}
