// A certificate and its private key from files, for the proof of possession: read with size limits,
// checked to belong together before anything is signed or sent.
import { createPrivateKey, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import {
  CertificateInputError,
  describeCertificate,
  MAX_UPLOAD_CERTIFICATES,
  readCertificates,
  type CertificateInfo,
} from '../../modules/certificates/inspect.js';
import { keyMatchesCertificate } from '../../modules/certificates/proof.js';
import { CommandFailure as Failure } from '../../lib/errors.js';
import type { Args } from '../args.js';

/** The server takes 64 KiB of PEM; a key file is far smaller. */
const MAX_FILE_BYTES = 64 * 1024;

export interface KeyPair {
  /** the certificate, first in the file */
  leaf: CertificateInfo;
  /** the certificate and the chain that followed it, as one PEM bundle */
  bundlePem: string;
  key: KeyObject;
}

function readSmallFile(args: Args, option: 'cert' | 'key'): { file: string; bytes: Buffer } {
  const file = args.string(option);
  if (!file) args.fail(`missing --${option} FILE`);
  if (!fs.existsSync(file)) args.fail(`--${option}: file not found: ${file}`);
  const size = fs.statSync(file).size;
  if (size > MAX_FILE_BYTES) throw new Failure(`${file} is larger than ${MAX_FILE_BYTES / 1024} KiB: not a ${option === 'cert' ? 'certificate with its chain' : 'private key'}`);
  return { file, bytes: fs.readFileSync(file) };
}

function readCertificateFile(args: Args): { leaf: CertificateInfo; bundlePem: string; file: string } {
  const { file, bytes } = readSmallFile(args, 'cert');
  try {
    const all = readCertificates(bytes, file, MAX_UPLOAD_CERTIFICATES).map((der) => describeCertificate(der, file));
    return { leaf: all[0]!, bundlePem: all.map((c) => c.pem).join('\n'), file };
  } catch (e) {
    if (e instanceof CertificateInputError) throw new Failure(e.message);
    throw e;
  }
}

/** What a file that is not a usable private key holds instead, in words. */
function notAKey(file: string, text: string): string | undefined {
  if (/-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type: 4,ENCRYPTED/.test(text)) {
    return `${file} is encrypted; write a decrypted copy for the upload (openssl pkey -in ${file} -out plain.key) and keep it safe`;
  }
  if (text.includes('-----BEGIN') && !text.includes('PRIVATE KEY-----')) {
    if (text.includes('-----BEGIN CERTIFICATE-----')) return `${file} holds a certificate, not a private key (--cert and --key swapped?)`;
    if (text.includes('PUBLIC KEY-----')) return `${file} holds a public key; the proof needs the private key`;
    return `${file} holds no PRIVATE KEY block`;
  }
  return undefined;
}

function readKeyFile(args: Args): { key: KeyObject; file: string } {
  const { file, bytes } = readSmallFile(args, 'key');
  const text = bytes.toString('latin1');
  const wrong = notAKey(file, text);
  if (wrong) throw new Failure(wrong);
  try {
    const pem = text.includes('-----BEGIN');
    const key = pem ? createPrivateKey({ key: text, format: 'pem' }) : createPrivateKey({ key: bytes, format: 'der', type: 'pkcs8' });
    return { key, file };
  } catch (e) {
    throw new Failure(`${file} is not a readable private key (${(e as Error).message.split('\n')[0]})`);
  }
}

/** --cert and --key, read and checked to belong together. */
export function readKeyPair(args: Args): KeyPair {
  const cert = readCertificateFile(args);
  const { key, file } = readKeyFile(args);
  if (!keyMatchesCertificate(key, cert.leaf.der)) {
    throw new Failure(`${file} does not belong to ${cert.file}: the certificate's public key is another (the proof would not verify)`);
  }
  return { leaf: cert.leaf, bundlePem: cert.bundlePem, key };
}
