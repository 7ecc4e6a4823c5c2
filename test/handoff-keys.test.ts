// The server's hand-off signing keys (HANDOFF_SIGNING_KEYS: which files are accepted, the kid, the
// published JWKS, the development key), the signed hand-off itself, and which receipts count.
import 'reflect-metadata';
import { createHash, generateKeyPairSync, X509Certificate, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as x509 from '@peculiar/x509';
import { calculateJwkThumbprint, createLocalJWKSet, decodeJwt, exportJWK, jwtVerify, SignJWT } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
import { openPglite } from '../src/db/client.js';
import { ManualClock } from '../src/lib/clock.js';
import { RECEIPT_TYP, x5tS256 } from '../src/lib/handoff-contract.js';
import { handOffTasks } from '../src/modules/delivery/handoff.tasks.js';
import { checkReceipt } from '../src/modules/delivery/receipt.js';
import { ensureDevSigningKey, loadSigningKeys } from '../src/modules/delivery/signing-keys.js';
import { makeKeys, serve, testApp } from './helpers/app.js';
import { runCli, startServer } from './helpers/processes.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bv-handoff-keys-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function keyFile(name: string, key: KeyObject, options: Record<string, unknown> = {}): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, key.export({ type: 'pkcs8', format: 'pem', ...options }));
  return file;
}
const ec = (namedCurve = 'P-256') => generateKeyPairSync('ec', { namedCurve }).privateKey;

describe('hand-off signing keys', () => {
  it('EC P-256 signs ES256 and RSA PS256; the kid is the RFC 7638 thumbprint; the JWKS holds public parts only, active first', async () => {
    const a = ec();
    const rsa = generateKeyPairSync('rsa', { modulusLength: 3072 }).privateKey;
    const keys = await loadSigningKeys([keyFile('a.pem', a), keyFile('rsa.pem', rsa)]);
    expect(keys.all.map((k) => k.alg)).toEqual(['ES256', 'PS256']);
    expect(keys.active.kid).toBe(await calculateJwkThumbprint(await exportJWK(a)));
    expect(keys.jwks.keys.map((k) => k.kid)).toEqual([keys.all[0]!.kid, keys.all[1]!.kid]);
    expect(keys.jwks.keys.every((k) => k.d === undefined && k.p === undefined && k.use === 'sig')).toBe(true);
  });

  it('refuses unusable files, naming the file and why', async () => {
    const cases: [string, RegExp][] = [
      [keyFile('rsa2048.pem', generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey), /RSA key of 2048 bits: at least 3000 are required/],
      [keyFile('p384.pem', ec('P-384')), /EC key on secp384r1: only P-256 \(ES256\) is supported/],
      [keyFile('ed.pem', generateKeyPairSync('ed25519').privateKey), /ed25519 key: an EC P-256 or RSA private key is required/],
      [keyFile('enc.pem', ec(), { cipher: 'aes-256-cbc', passphrase: 'secret' }), /is encrypted/],
      [path.join(dir, 'missing.pem'), /cannot be read \(ENOENT\)/],
    ];
    for (const [file, reason] of cases) {
      await expect(loadSigningKeys([file])).rejects.toThrow(new RegExp(`^HANDOFF_SIGNING_KEYS: ${file.replace(/[.]/g, '\\.')}: ${reason.source}`));
    }
    const a = keyFile('twice.pem', ec());
    await expect(loadSigningKeys([a, a])).rejects.toThrow(/the same key as an earlier file/);
  });

  it('development: one key made in DATA_DIR, private to its owner, the same on every start', async () => {
    const data = path.join(dir, 'data');
    const file = ensureDevSigningKey(data);
    expect(file).toBe(path.join(data, 'handoff-keys', 'signing-key.pem'));
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(ensureDevSigningKey(data)).toBe(file);
    expect((await loadSigningKeys([file])).active.kid).toBe((await loadSigningKeys([ensureDevSigningKey(data)])).active.kid);
  });

  it('seals with RSA too: the JWS verifies against the published JWKS and carries the JWE and every claim', async () => {
    const keys = await loadSigningKeys([keyFile('rsa-seal.pem', generateKeyPairSync('rsa', { modulusLength: 3072 }).privateKey)]);
    const { cert } = await encryptionCertificate();
    const payload = Buffer.from('<xamtshilfe/>');
    const claims = { iss: 'urn:behoerdenverzeichnis', aud: 'ags:05766020', iat: 1, exp: 301, jti: 'j', delivery_id: 'd', sender: 's', recipient: 'ags:05766020', message_type: '100', reference: 'r', file_name: 'f', content_type: 'application/xml' };
    const sealed = await handOffTasks.seal({ pem: cert.toString('pem'), alg: 'ECDH-ES', kid: 'k', contentType: 'application/xml', payload: payload.toString('base64'), signing: { pkcs8: keys.active.pkcs8, alg: 'PS256', kid: keys.active.kid }, claims });
    const { payload: verified, protectedHeader } = await jwtVerify(sealed.token, createLocalJWKSet(keys.jwks), { typ: 'xamt-handoff+jwt', algorithms: ['PS256'], currentDate: new Date(100_000) });
    expect(protectedHeader).toEqual({ alg: 'PS256', kid: keys.active.kid, typ: 'xamt-handoff+jwt' });
    expect(verified).toMatchObject({ ...claims, jwe: expect.stringMatching(/^[\w-]+\.[\w-]*\.[\w-]+\.[\w-]+\.[\w-]+$/) });
    expect(sealed.payloadSha256).toBe(createHash('sha256').update(payload).digest('hex'));
  });

  it('the server publishes them at /.well-known/jwks.json, cacheable for five minutes; without keys it says so', async () => {
    const database = await openPglite({});
    const keys = await loadSigningKeys([keyFile('pub.pem', ec())]);
    const served = await serve(testApp(database, new ManualClock('2026-11-22T10:00:00Z'), await makeKeys(), ['ES256'], { handoffJwks: keys.jwks }));
    const bare = await serve(testApp(database, new ManualClock('2026-11-22T10:00:00Z'), await makeKeys()));
    try {
      const res = await fetch(`${served.url}/.well-known/jwks.json`);
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('public, max-age=300');
      expect(res.headers.get('content-type')).toBe('application/jwk-set+json');
      expect(await res.json()).toEqual(keys.jwks);
      const none = await fetch(`${bare.url}/.well-known/jwks.json`);
      expect(none.status).toBe(404);
      expect(await none.json()).toEqual({ error: 'this instance has no hand-off signing keys (HANDOFF_SIGNING_KEYS)' });
    } finally {
      await served.close();
      await bare.close();
      await database.close();
    }
  });

  it('a production start with an unusable key file stops at once, naming it', async () => {
    const data = path.join(dir, 'never');
    const env = { NODE_ENV: 'production', AUTH_JWKS: '/etc/jwks.json', AUTH_ISSUER: 'i', AUTH_AUDIENCE: 'a', DATA_DIR: data, HANDOFF_SIGNING_KEYS: path.join(dir, 'missing.pem') };
    const started = await startServer(env).catch((e: Error) => e);
    expect(started).toBeInstanceOf(Error);
    expect((started as Error).message).toMatch(/exited with 1/);
    expect((started as Error).message).toContain(`HANDOFF_SIGNING_KEYS: ${path.join(dir, 'missing.pem')}: cannot be read (ENOENT)`);
    expect(fs.existsSync(data)).toBe(false);
  }, 60_000);
});

/** An EC P-256 encryption certificate and its key, as a data centre holds them. */
async function encryptionCertificate() {
  const keys = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    name: 'CN=xta.krz.test',
    keys,
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
    notBefore: new Date('2026-01-01'),
    notAfter: new Date('2028-01-01'),
  });
  return { cert, privateKey: keys.privateKey };
}

describe('receipts', () => {
  const payloadSha256 = createHash('sha256').update('<xamtshilfe/>').digest('hex');
  const deliveryId = '6f1c7d3e-0000-4000-8000-000000000001';
  const claims = { delivery_id: deliveryId, jti: 'jti-1', received_at: '2026-11-22T10:00:01.000Z', payload_sha256: payloadSha256, receiver: 'CN=xta.krz.test', iat: 1 };

  it('counts only one signed by the certificate encrypted for, naming the delivery and the payload sent', async () => {
    const { cert, privateKey } = await encryptionCertificate();
    const other = await encryptionCertificate();
    const pem = cert.toString('pem');
    const x5t = x5tS256(new X509Certificate(pem).raw);
    const receipt = (c: Record<string, unknown> = claims, key: CryptoKey = privateKey, header: Record<string, unknown> = {}) =>
      new SignJWT(c).setProtectedHeader({ alg: 'ES256', typ: RECEIPT_TYP, 'x5t#S256': x5t, ...header }).sign(key);
    const check = async (body: string | undefined) => checkReceipt(body === undefined ? undefined : Buffer.from(body), { certificatePem: pem, deliveryId, payloadSha256 });

    const good = await receipt();
    expect(await check(`${good}\n`)).toEqual({ receipt: { receiver: 'CN=xta.krz.test', receivedAt: claims.received_at, payloadSha256, jti: 'jti-1', token: good } });
    expect(decodeJwt(good).delivery_id).toBe(deliveryId);
    const missing = async (body: string | undefined) => ((await check(body)) as { missing: string }).missing;
    expect(await missing(undefined)).toBe('the answer carries no receipt');
    expect(await missing('')).toBe('the answer carries no receipt');
    expect(await missing('{"ok":true}')).toBe('the receipt does not count: the answer is not a compact JWS');
    expect(await missing(await receipt(claims, other.privateKey))).toMatch(/^the receipt does not count: its signature does not verify/);
    expect(await missing(await receipt(claims, privateKey, { 'x5t#S256': x5tS256(new X509Certificate(other.cert.toString('pem')).raw) }))).toBe(
      'the receipt does not count: x5t#S256 is not the certificate the payload was encrypted for',
    );
    expect(await missing(await receipt({ ...claims, delivery_id: 'another' }))).toBe('the receipt does not count: it names delivery another');
    expect(await missing(await receipt({ ...claims, payload_sha256: '0'.repeat(64) }))).toBe('the receipt does not count: its payload_sha256 is not the SHA-256 of the payload sent');
    expect(await missing(await receipt(claims, privateKey, { typ: 'JWT' }))).toBe(`the receipt does not count: typ is JWT, not ${RECEIPT_TYP}`);
  });
});

describe('receive: setup mistakes', () => {
  it('a key that is not the certificate\'s is exit 1 naming both; a missing option is a usage error', async () => {
    const { cert } = await encryptionCertificate();
    const certFile = path.join(dir, 'rx-cert.pem');
    fs.writeFileSync(certFile, cert.toString('pem'));
    const wrongKey = keyFile('rx-wrong.pem', ec());
    const base = ['receive', '--port', '0', '--cert', certFile, '--dir', path.join(dir, 'rx'), '--server', 'http://127.0.0.1:9'];
    const wrong = await runCli([...base, '--key', wrongKey], {});
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toBe(`Error: --key ${wrongKey} is not the key of --cert ${certFile}\n`);
    const usage = await runCli(base, {});
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/^Error: --key is required/);
    expect(fs.existsSync(path.join(dir, 'rx'))).toBe(false);
  }, 60_000);
});
