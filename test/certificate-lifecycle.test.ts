// Certificate upload with proof of possession, rotation through time, revocation, monitoring and
// role scoping, over GraphQL, on every engine.
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import * as x509 from '@peculiar/x509';
import { CompactSign } from 'jose';
import type { App } from '../src/app/app.js';
import type { Database } from '../src/db/client.js';
import { runTransitions } from '../src/modules/certificates/certificates.service.js';
import { gql, makeKeys, testApp, token, type TestKeys } from './helpers/app.js';
import { forEachEngine } from './helpers/engines.js';
import { clock } from './helpers/fixtures.js';

const subtle = webcrypto.subtle as unknown as SubtleCrypto;
const DAY = 86_400_000;
const OVERLAP = 14 * DAY;

interface Made {
  pem: string;
  der: Uint8Array;
  thumbprint: string;
  key: CryptoKey;
}

async function makeCert(cn: string, from: Date, days = 365, spec: 'P-256' | 'RSA-2048' = 'P-256'): Promise<Made> {
  const keys = (await (spec === 'P-256'
    ? subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])
    : subtle.generateKey({ name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }, true, ['sign', 'verify']))) as CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    name: `CN=${cn}`,
    keys,
    signingAlgorithm: spec === 'P-256' ? { name: 'ECDSA', hash: 'SHA-256' } : { name: 'RSASSA-PKCS1-v1_5' },
    notBefore: new Date(from.getTime() - DAY),
    notAfter: new Date(from.getTime() + days * DAY),
    extensions: [new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyAgreement | x509.KeyUsageFlags.keyEncipherment | x509.KeyUsageFlags.digitalSignature, true)],
  });
  const der = new Uint8Array(cert.rawData);
  return { pem: cert.toString('pem'), der, thumbprint: Buffer.from(await cert.getThumbprint('SHA-256')).toString('hex'), key: keys.privateKey };
}

async function proofFor(c: Made, payload: Record<string, unknown>, signWith: CryptoKey = c.key, alg = 'ES256'): Promise<string> {
  return new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader({ alg, x5c: [Buffer.from(c.der).toString('base64')] })
    .sign(signWith);
}

const CHALLENGE = `mutation($dc: String!, $cert: String!) { requestCertificateChallenge(dataCenterCode: $dc, certificate: $cert) { nonce expiresAt thumbprintSha256 } }`;
const UPLOAD = `mutation($input: UploadCertificateInput!) { uploadCertificate(input: $input) { accepted reasons certificate { thumbprintSha256 status activationAt } } }`;
const STATE = `query($at: DateTime) { dataCenter(code: "krz") { activeCertificate(at: $at) { thumbprintSha256 } certificates { thumbprintSha256 status(at: $at) } } }`;

forEachEngine('certificate lifecycle', (engine) => {
  let database: Database;
  let app: App;
  let keys: TestKeys;
  let admin: string;
  let krz: string;
  const c = clock();
  const start = c.now();
  let a: Made;
  let b: Made;

  const upload = async (cert: Made, bearer: string, opts: { dc?: string; activationAt?: Date; tamper?: (p: Record<string, unknown>) => Record<string, unknown>; signWith?: CryptoKey } = {}) => {
    const dc = opts.dc ?? 'krz';
    const ch = await gql(app, CHALLENGE, { dc, cert: cert.pem }, bearer);
    expect(ch.body.errors).toBeUndefined();
    const payload = { nonce: ch.body.data!.requestCertificateChallenge.nonce, dataCenter: dc, thumbprint: cert.thumbprint };
    const proof = await proofFor(cert, opts.tamper ? opts.tamper(payload) : payload, opts.signWith);
    const res = await gql(app, UPLOAD, { input: { dataCenterCode: dc, usage: 'ENCRYPTION', certificate: cert.pem, proof, activationAt: opts.activationAt?.toISOString() } }, bearer);
    expect(res.body.errors).toBeUndefined();
    return { result: res.body.data!.uploadCertificate, proof, nonce: payload.nonce };
  };

  beforeAll(async () => {
    database = await engine.open();
    keys = await makeKeys();
    app = testApp(database, c, keys);
    admin = await token(keys, { role: 'ADMIN', now: c.now(), expiresIn: 400 * 86_400 });
    krz = await token(keys, { role: 'DATA_CENTER', scope: 'krz', now: c.now(), expiresIn: 400 * 86_400 });
    for (const code of ['krz', 'other']) {
      const r = await gql(app, `mutation($c: String!) { createDataCenter(input: { code: $c, name: $c }) { code } }`, { c: code }, admin);
      expect(r.body.errors).toBeUndefined();
    }
    a = await makeCert('a.krz.example', start);
    b = await makeCert('b.krz.example', start, 500);
  });
  afterAll(async () => database?.close());

  it('accepts a certificate with a valid proof of possession; it is ACTIVE at once', async () => {
    const { result } = await upload(a, krz);
    expect(result).toMatchObject({ accepted: true, reasons: [], certificate: { thumbprintSha256: a.thumbprint, status: 'ACTIVE' } });
    const s = await gql(app, STATE, {}, krz);
    expect(s.body.data!.dataCenter.activeCertificate).toEqual({ thumbprintSha256: a.thumbprint });
  });

  it('refuses a replayed proof, an expired challenge, a foreign challenge and a wrong key — storing nothing', async () => {
    const { proof } = await upload(b, krz, { activationAt: new Date(start.getTime() + 7 * DAY) });
    // replay of the proof just used
    const replay = await gql(app, UPLOAD, { input: { dataCenterCode: 'krz', usage: 'ENCRYPTION', certificate: b.pem, proof } }, krz);
    expect(replay.body.data!.uploadCertificate).toEqual({ accepted: false, reasons: ['proof of possession: the challenge was already used; challenges are valid for 5 minutes and for one upload: request a new one with requestCertificateChallenge'], certificate: null });

    const c2 = await makeCert('c.krz.example', start);
    const ch = await gql(app, CHALLENGE, { dc: 'krz', cert: c2.pem }, krz);
    const nonce = ch.body.data!.requestCertificateChallenge.nonce;
    c.advance(5 * 60_000 + 1);
    try {
      const late = await gql(app, UPLOAD, { input: { dataCenterCode: 'krz', usage: 'ENCRYPTION', certificate: c2.pem, proof: await proofFor(c2, { nonce, dataCenter: 'krz', thumbprint: c2.thumbprint }) } }, krz);
      expect(late.body.data!.uploadCertificate.accepted).toBe(false);
      expect(late.body.data!.uploadCertificate.reasons[0]).toMatch(/^proof of possession: the challenge expired at /);
    } finally {
      c.set(start);
    }
    // a challenge issued for another data centre
    const foreign = await gql(app, CHALLENGE, { dc: 'other', cert: c2.pem }, admin);
    const f = await gql(app, UPLOAD, { input: { dataCenterCode: 'krz', usage: 'ENCRYPTION', certificate: c2.pem, proof: await proofFor(c2, { nonce: foreign.body.data!.requestCertificateChallenge.nonce, dataCenter: 'krz', thumbprint: c2.thumbprint }) } }, krz);
    expect(f.body.data!.uploadCertificate.reasons).toEqual(['proof of possession: the challenge was issued for another data centre: request it with the dataCenterCode you upload for']);
    // signed with a key that is not the certificate's
    const other = await makeCert('x', start);
    const wrongKey = await upload(c2, krz, { signWith: other.key });
    expect(wrongKey.result.reasons).toEqual([
      "proof of possession: the signature does not verify with the certificate's public key: it was made with another private key than the certificate's, or the header or payload changed after signing",
    ]);
    // a proof made for another data centre
    const wrongDc = await upload(c2, krz, { tamper: (p) => ({ ...p, dataCenter: 'other' }) });
    expect(wrongDc.result.reasons).toEqual(['proof of possession: made for data centre other, not krz']);
    // a weak certificate is refused with its reasons, whatever the proof
    const weak = await makeCert('weak', start, 365, 'RSA-2048');
    const ch2 = await gql(app, CHALLENGE, { dc: 'krz', cert: weak.pem }, krz);
    const w = await gql(app, UPLOAD, { input: { dataCenterCode: 'krz', usage: 'ENCRYPTION', certificate: weak.pem, proof: await proofFor(weak, { nonce: ch2.body.data!.requestCertificateChallenge.nonce, dataCenter: 'krz', thumbprint: weak.thumbprint }, weak.key, 'RS256') } }, krz);
    expect(w.body.data!.uploadCertificate.reasons).toEqual(['RSA key of 2048 bits is too short (BSI TR-02102-1: at least 3000 bits)']);
    const s = await gql(app, STATE, {}, krz);
    expect(s.body.data!.dataCenter.certificates.map((x: any) => x.thumbprintSha256)).toEqual([a.thumbprint, b.thumbprint]);
  });

  it('refuses weak, expired, not-yet-valid, CA and wrongly used certificates on upload, with reasons, storing nothing', async () => {
    const gen = async (opts: { cn: string; notBefore: Date; notAfter: Date; usages?: number; ca?: boolean; hash?: string; ed?: boolean }) => {
      const keys = (await (opts.ed
        ? subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify'])
        : subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']))) as CryptoKeyPair;
      const extensions: x509.Extension[] = [new x509.KeyUsagesExtension(opts.usages ?? x509.KeyUsageFlags.keyAgreement | x509.KeyUsageFlags.digitalSignature, true)];
      if (opts.ca) extensions.push(new x509.BasicConstraintsExtension(true, undefined, true));
      const cert = await x509.X509CertificateGenerator.createSelfSigned({
        name: `CN=${opts.cn}`,
        keys,
        signingAlgorithm: opts.ed ? { name: 'Ed25519' } : { name: 'ECDSA', hash: opts.hash ?? 'SHA-256' },
        notBefore: opts.notBefore,
        notAfter: opts.notAfter,
        extensions,
      });
      return { pem: cert.toString('pem'), der: new Uint8Array(cert.rawData), thumbprint: Buffer.from(await cert.getThumbprint('SHA-256')).toString('hex'), key: keys.privateKey } as Made;
    };
    const y = (d: number) => new Date(start.getTime() + d * DAY);
    const cases: [Parameters<typeof gen>[0], RegExp][] = [
      [{ cn: 'expired', notBefore: y(-400), notAfter: y(-1) }, /^expired on /],
      [{ cn: 'future', notBefore: y(30), notAfter: y(400) }, /^not valid before /],
      [{ cn: 'ca', notBefore: y(-1), notAfter: y(400), ca: true, usages: x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.keyAgreement }, /is a CA certificate/],
      [{ cn: 'sha1', notBefore: y(-1), notAfter: y(400), hash: 'SHA-1' }, /SHA-1 signatures are not accepted/],
      [{ cn: 'sign-only', notBefore: y(-1), notAfter: y(400), usages: x509.KeyUsageFlags.digitalSignature }, /does not allow ENCRYPTION/],
      [{ cn: 'ed25519', notBefore: y(-1), notAfter: y(400), ed: true }, /key algorithm Ed25519 is not permitted/],
    ];
    const before = (await gql(app, STATE, {}, krz)).body.data!.dataCenter.certificates.length;
    for (const [spec, reason] of cases) {
      const cert = await gen(spec);
      const ch = await gql(app, CHALLENGE, { dc: 'krz', cert: cert.pem }, krz);
      const payload = { nonce: ch.body.data!.requestCertificateChallenge.nonce, dataCenter: 'krz', thumbprint: cert.thumbprint };
      const proof = spec.ed
        ? await new CompactSign(new TextEncoder().encode(JSON.stringify(payload))).setProtectedHeader({ alg: 'EdDSA', x5c: [Buffer.from(cert.der).toString('base64')] }).sign(cert.key)
        : await proofFor(cert, payload);
      const res = await gql(app, UPLOAD, { input: { dataCenterCode: 'krz', usage: 'ENCRYPTION', certificate: cert.pem, proof } }, krz);
      expect(res.body.data!.uploadCertificate.accepted, spec.cn).toBe(false);
      expect(res.body.data!.uploadCertificate.reasons.join('\n'), spec.cn).toMatch(reason);
    }
    expect((await gql(app, STATE, {}, krz)).body.data!.dataCenter.certificates.length).toBe(before);
  });

  it('rotates through time: pending → active, the old one retiring for the overlap, then retired', async () => {
    const at = (days: number) => new Date(start.getTime() + days * DAY).toISOString();
    const state = async (days: number) => (await gql(app, STATE, { at: at(days) }, krz)).body.data!.dataCenter;
    expect(await state(0)).toEqual({ activeCertificate: { thumbprintSha256: a.thumbprint }, certificates: [{ thumbprintSha256: a.thumbprint, status: 'ACTIVE' }, { thumbprintSha256: b.thumbprint, status: 'PENDING' }] });
    expect(await state(7)).toEqual({ activeCertificate: { thumbprintSha256: b.thumbprint }, certificates: [{ thumbprintSha256: a.thumbprint, status: 'RETIRING' }, { thumbprintSha256: b.thumbprint, status: 'ACTIVE' }] });
    expect((await state(7 + 14 - 0.001)).certificates[0].status).toBe('RETIRING');
    expect((await state(7 + 14)).certificates[0].status).toBe('RETIRED');
    expect((await state(366)).certificates[0].status).toBe('EXPIRED');
    // The job stores what the clock says now; run twice, the second run changes nothing.
    const j1 = await runTransitions(database.db, new Date(start.getTime() + 8 * DAY), OVERLAP);
    expect(j1.changed).toEqual([
      { thumbprint: a.thumbprint, from: 'ACTIVE', to: 'RETIRING' },
      { thumbprint: b.thumbprint, from: 'PENDING', to: 'ACTIVE' },
    ]);
    expect((await runTransitions(database.db, new Date(start.getTime() + 8 * DAY), OVERLAP)).changed).toEqual([]);
  });

  it('warns of expiring certificates and data centres that will be left without one', async () => {
    const q = `query($at: DateTime, $days: Int) { certificateWarnings(days: $days, at: $at) { expiring { thumbprintSha256 } dataCentersWithoutEncryption { dataCenterCode message } } }`;
    const now = await gql(app, q, { at: start.toISOString(), days: 30 }, admin);
    expect(now.body.data!.certificateWarnings).toEqual({
      expiring: [],
      dataCentersWithoutEncryption: [{ dataCenterCode: 'other', message: 'other has no active encryption certificate' }],
    });
    const later = await gql(app, q, { at: new Date(start.getTime() + 480 * DAY).toISOString(), days: 30 }, krz);
    expect(later.body.data!.certificateWarnings.expiring).toEqual([{ thumbprintSha256: b.thumbprint }]);
    expect(later.body.data!.certificateWarnings.dataCentersWithoutEncryption[0].message).toMatch(/^krz will be left without an active encryption certificate on /);
  });

  it('revokes at once with a reason; there is then no active certificate (no fallback to the retired one)', async () => {
    c.set(new Date(start.getTime() + 30 * DAY));
    try {
      const r = await gql(app, `mutation($t: String!) { revokeCertificate(thumbprintSha256: $t, reason: "key compromise") { revocationReason status } }`, { t: b.thumbprint }, krz);
      expect(r.body.data!.revokeCertificate).toEqual({ revocationReason: 'key compromise', status: 'REVOKED' });
      const s = await gql(app, STATE, {}, krz);
      expect(s.body.data!.dataCenter.activeCertificate).toBeNull();
      // before the revocation the answer stays as it was
      const before = await gql(app, STATE, { at: new Date(start.getTime() + 29 * DAY).toISOString() }, krz);
      expect(before.body.data!.dataCenter.activeCertificate).toEqual({ thumbprintSha256: b.thumbprint });
      const again = await gql(app, `mutation($t: String!) { revokeCertificate(thumbprintSha256: $t, reason: "again") { status } }`, { t: b.thumbprint }, krz);
      expect(again.body.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    } finally {
      c.set(start);
    }
  });

  it('a data centre manages only its own certificates; audit records every change', async () => {
    const other = await token(keys, { role: 'DATA_CENTER', scope: 'other', now: c.now() });
    const ch = await gql(app, CHALLENGE, { dc: 'krz', cert: a.pem }, other);
    expect(ch.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const rev = await gql(app, `mutation($t: String!) { revokeCertificate(thumbprintSha256: $t, reason: "x") { status } }`, { t: a.thumbprint }, other);
    expect(rev.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const client = await token(keys, { role: 'CLIENT', scope: 'ags:05766020', now: c.now() });
    expect((await gql(app, `{ certificateWarnings { expiring { thumbprintSha256 } } }`, {}, client)).body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const log = await gql(app, `{ auditLog(entityType: "Certificate") { nodes { action entityId actor } } }`, {}, admin);
    expect(log.body.data!.auditLog.nodes.map((n: any) => n.action).sort()).toEqual(['REVOKE_CERTIFICATE', 'UPLOAD_CERTIFICATE', 'UPLOAD_CERTIFICATE']);
  });
});
