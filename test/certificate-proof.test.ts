// What the server says about a proof of possession it refuses: the mistake in the proof itself
// (payload field names, base64 vs base64url, DER vs raw r||s, algorithm vs key, x5c, another key,
// the challenge), never a complaint about the data centre or the certificate. Real crypto, every engine.
import 'reflect-metadata';
import { createPrivateKey, sign as nodeSign, webcrypto, type KeyObject } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import * as x509 from '@peculiar/x509';
import { CompactSign } from 'jose';
import type { App } from '../src/app/app.js';
import type { Database } from '../src/db/client.js';
import { gql, makeKeys, testApp, token } from './helpers/app.js';
import { forEachEngine } from './helpers/engines.js';
import { clock } from './helpers/fixtures.js';

const subtle = webcrypto.subtle as unknown as SubtleCrypto;
const DAY = 86_400_000;
const FIELDS = 'it must be a JSON object with the string fields "nonce", "dataCenter" and "thumbprint"';

interface Made {
  pem: string;
  der: Uint8Array;
  thumbprint: string;
  key: KeyObject;
}

async function makeCert(cn: string, from: Date, rsa = false): Promise<Made> {
  const algorithm = rsa
    ? { name: 'RSASSA-PKCS1-v1_5', modulusLength: 3072, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }
    : { name: 'ECDSA', namedCurve: 'P-256' };
  const keys = (await subtle.generateKey(algorithm, true, ['sign', 'verify'])) as CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    name: `CN=${cn}`,
    keys,
    signingAlgorithm: rsa ? { name: 'RSASSA-PKCS1-v1_5' } : { name: 'ECDSA', hash: 'SHA-256' },
    notBefore: new Date(from.getTime() - DAY),
    notAfter: new Date(from.getTime() + 365 * DAY),
    extensions: [new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyAgreement | x509.KeyUsageFlags.keyEncipherment, true)],
  });
  const pkcs8 = Buffer.from(await subtle.exportKey('pkcs8', keys.privateKey));
  return {
    pem: cert.toString('pem'),
    der: new Uint8Array(cert.rawData),
    thumbprint: Buffer.from(await cert.getThumbprint('SHA-256')).toString('hex'),
    key: createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' }),
  };
}

const b64url = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');

/** A JWS put together by hand, as someone without a JOSE library would: ECDSA signature DER (openssl's) or raw. */
function handMade(c: Made, payload: unknown, o: { encoding?: 'der' | 'ieee-p1363'; header?: Record<string, unknown>; base64?: boolean } = {}): string {
  const header = o.header ?? { alg: 'ES256', x5c: [Buffer.from(c.der).toString('base64')] };
  const enc = o.base64 ? (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64') : b64url;
  const input = `${enc(header)}.${enc(payload)}`;
  const signature = nodeSign('sha256', Buffer.from(input), { key: c.key, dsaEncoding: o.encoding ?? 'ieee-p1363' });
  return `${input}.${o.base64 ? signature.toString('base64') : signature.toString('base64url')}`;
}

const CHALLENGE = `mutation($dc: String!, $cert: String!) { requestCertificateChallenge(dataCenterCode: $dc, certificate: $cert) { nonce } }`;
const UPLOAD = `mutation($input: UploadCertificateInput!) { uploadCertificate(input: $input) { accepted reasons } }`;

forEachEngine('proof of possession refusals', (engine) => {
  let database: Database;
  let app: App;
  let krz: string;
  const c = clock();
  const start = c.now();
  let ec: Made;
  let rsa: Made;

  const challenge = async (cert: Made) => {
    const r = await gql(app, CHALLENGE, { dc: 'krz', cert: cert.pem }, krz);
    expect(r.body.errors).toBeUndefined();
    return r.body.data!.requestCertificateChallenge.nonce as string;
  };
  const upload = async (cert: Made, proof: string): Promise<{ accepted: boolean; reasons: string[] }> => {
    const r = await gql(app, UPLOAD, { input: { dataCenterCode: 'krz', usage: 'ENCRYPTION', certificate: cert.pem, proof } }, krz);
    expect(r.body.errors).toBeUndefined();
    return r.body.data!.uploadCertificate;
  };
  const refusal = async (cert: Made, proof: string) => {
    const result = await upload(cert, proof);
    expect(result.accepted).toBe(false);
    // A malformed proof is never blamed on the data centre or the certificate.
    for (const r of result.reasons) expect(r).not.toMatch(/made for data centre|another certificate|made for another/);
    return result.reasons;
  };

  beforeAll(async () => {
    database = await engine.open();
    const keys = await makeKeys();
    app = testApp(database, c, keys);
    const admin = await token(keys, { role: 'ADMIN', now: start });
    krz = await token(keys, { role: 'DATA_CENTER', scope: 'krz', now: start, expiresIn: 3600 });
    for (const code of ['krz', 'other']) {
      expect((await gql(app, `mutation($c: String!) { createDataCenter(input: { code: $c, name: $c }) { code } }`, { c: code }, admin)).body.errors).toBeUndefined();
    }
    ec = await makeCert('ec.krz.example', start);
    rsa = await makeCert('rsa.krz.example', start, true);
  });
  afterAll(async () => database?.close());

  it('names the expected payload fields when they are misnamed, missing or not strings', async () => {
    const nonce = await challenge(ec);
    expect(await refusal(ec, handMade(ec, { nonce, data_center: 'krz', thumbprintSha256: ec.thumbprint }))).toEqual([
      `proof of possession: the payload lacks "dataCenter", "thumbprint"; ${FIELDS}; it has "data_center", "thumbprintSha256" instead`,
    ]);
    expect(await refusal(ec, handMade(ec, 'hello'))).toEqual([`proof of possession: the payload must be a JSON object with the string fields "nonce", "dataCenter" and "thumbprint"`]);
    expect(await refusal(ec, handMade(ec, { nonce: 42, dataCenter: 'krz', thumbprint: ec.thumbprint }))).toEqual([`proof of possession: the payload's "nonce" must be a string`]);
  });

  it('says that ES256 wants the raw 64-byte r||s when it gets openssl\'s DER, and names a wrong length', async () => {
    const payload = { nonce: await challenge(ec), dataCenter: 'krz', thumbprint: ec.thumbprint };
    const der = 'proof of possession: the signature is DER-encoded, as openssl makes it: ES256 signatures are the raw 64-byte r||s, not DER (convert it, or let `cert proof` make the proof)';
    expect(await refusal(ec, handMade(ec, payload, { encoding: 'der' }))).toEqual([der]);
    // A DER signature and misnamed fields: both are said.
    expect(await refusal(ec, handMade(ec, { nonce: payload.nonce, dc: 'krz', thumbprint: ec.thumbprint }, { encoding: 'der' }))).toEqual([
      der,
      `proof of possession: the payload lacks "dataCenter"; ${FIELDS}; it has "dc" instead`,
    ]);
    const [h, p] = handMade(ec, payload).split('.');
    expect(await refusal(ec, `${h}.${p}.${b64url('0123456789')}`)).toEqual(['proof of possession: ES256 signatures are the raw 64-byte r||s, got 10 bytes']);
    // The same payload signed correctly is accepted: the refusals were about the encoding alone.
    expect(await upload(ec, handMade(ec, payload))).toEqual({ accepted: true, reasons: [] });
  });

  it('tells base64 from base64url and a JWS from something else', async () => {
    const payload = { nonce: await challenge(rsa), dataCenter: 'krz', thumbprint: rsa.thumbprint };
    const proof = handMade(ec, payload, { base64: true });
    expect(await refusal(ec, proof)).toEqual(['proof of possession: the JWS parts must be base64url without padding (RFC 7515), not base64: found "+", "/" or "="']);
    expect(await refusal(ec, 'a.b')).toEqual(['proof of possession: not a compact JWS: it must be three base64url parts joined by dots (header.payload.signature), got 2 part(s)']);
  });

  it('names an algorithm that does not fit the key, a missing or foreign x5c, and a signature by another key', async () => {
    const payload = { nonce: await challenge(rsa), dataCenter: 'krz', thumbprint: rsa.thumbprint };
    const x5c = [Buffer.from(rsa.der).toString('base64')];
    expect(await refusal(rsa, handMade(ec, payload, { header: { alg: 'ES256', x5c } }))).toEqual([
      "proof of possession: algorithm ES256 does not fit the certificate's RSA 3072-bit key: sign with PS256 or RS256",
    ]);
    const sign = (header: Record<string, unknown>, key: KeyObject) => new CompactSign(Buffer.from(JSON.stringify(payload))).setProtectedHeader(header as { alg: string }).sign(key);
    expect(await refusal(rsa, await sign({ alg: 'PS256' }, rsa.key))).toEqual([
      'proof of possession: the JWS header has no x5c: it must carry the uploaded certificate (base64 DER) as its first entry',
    ]);
    expect(await refusal(rsa, await sign({ alg: 'PS256', x5c: [Buffer.from(ec.der).toString('base64')] }, rsa.key))).toEqual([
      'proof of possession: the first x5c entry is not the uploaded certificate',
    ]);
    const stranger = await makeCert('stranger', start, true);
    expect(await refusal(rsa, await sign({ alg: 'PS256', x5c }, stranger.key))).toEqual([
      "proof of possession: the signature does not verify with the certificate's public key: it was made with another private key than the certificate's, or the header or payload changed after signing",
    ]);
    expect(await upload(rsa, await sign({ alg: 'PS256', x5c }, rsa.key))).toEqual({ accepted: true, reasons: [] });
  });

  it('names an unknown or expired challenge and a thumbprint in the wrong notation; a wrong data centre is named when the fields are right', async () => {
    const other = await makeCert('other.krz.example', start);
    const unknown = { nonce: 'x'.repeat(43), dataCenter: 'krz', thumbprint: other.thumbprint };
    expect(await refusal(other, handMade(other, unknown))).toEqual([
      'proof of possession: unknown challenge: the payload\'s "nonce" was not issued by this server (sign the nonce requestCertificateChallenge returned)',
    ]);
    const nonce = await challenge(other);
    const colons = other.thumbprint.toUpperCase().match(/../g)!.join(':');
    expect(await refusal(other, handMade(other, { nonce, dataCenter: 'krz', thumbprint: colons }))).toEqual([
      'proof of possession: the payload\'s "thumbprint" must be lowercase hex without colons, as the challenge gives it',
    ]);
    const wrongDc = await upload(other, handMade(other, { nonce, dataCenter: 'other', thumbprint: other.thumbprint }));
    expect(wrongDc.reasons).toEqual(['proof of possession: made for data centre other, not krz']);
    c.advance(5 * 60_000 + 1);
    try {
      const [reason] = await refusal(other, handMade(other, { nonce, dataCenter: 'krz', thumbprint: other.thumbprint }));
      expect(reason).toMatch(/^proof of possession: the challenge expired at \S+; challenges are valid for 5 minutes and for one upload: request a new one with requestCertificateChallenge$/);
    } finally {
      c.set(start);
    }
  });
});
