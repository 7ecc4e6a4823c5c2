// Certificate parsing and checks with certificates generated here, and every CA certificate Debian ships.
import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { webcrypto } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import * as x509 from '@peculiar/x509';
import {
  CertificateInputError,
  checkCertificate,
  describeCertificate,
  readCertificates,
  type CertificateUsage,
} from '../src/modules/certificates/inspect.js';
import { runCli } from './helpers/processes.js';

const subtle = webcrypto.subtle as unknown as SubtleCrypto;
const NOW = new Date('2026-11-22T10:00:00Z');
const DAY = 86_400_000;
const { KeyUsageFlags: KU } = x509;

type KeySpec = 'RSA-2048' | 'RSA-3072' | 'RSA-4096' | 'P-256' | 'P-384' | 'Ed25519';

async function keys(spec: KeySpec, hash = 'SHA-256'): Promise<CryptoKeyPair> {
  if (spec.startsWith('RSA')) {
    return subtle.generateKey(
      { name: 'RSASSA-PKCS1-v1_5', modulusLength: Number(spec.slice(4)), publicExponent: new Uint8Array([1, 0, 1]), hash },
      true,
      ['sign', 'verify'],
    ) as Promise<CryptoKeyPair>;
  }
  if (spec === 'Ed25519') return subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify']) as Promise<CryptoKeyPair>;
  return subtle.generateKey({ name: 'ECDSA', namedCurve: spec }, true, ['sign', 'verify']) as Promise<CryptoKeyPair>;
}

const signingFor = (k: CryptoKeyPair, hash = 'SHA-256') =>
  k.privateKey.algorithm.name === 'ECDSA' ? { name: 'ECDSA', hash } : k.privateKey.algorithm.name === 'Ed25519' ? { name: 'Ed25519' } : { name: 'RSASSA-PKCS1-v1_5', hash };

interface CertSpec {
  subject: string;
  keys: CryptoKeyPair;
  issuer?: { name: string; keys: CryptoKeyPair };
  usages?: number | null;
  ca?: boolean;
  notBefore?: Date;
  notAfter?: Date;
  hash?: string;
}

async function cert(s: CertSpec): Promise<x509.X509Certificate> {
  const extensions: x509.Extension[] = [];
  if (s.usages !== null) extensions.push(new x509.KeyUsagesExtension(s.usages ?? KU.keyEncipherment | KU.keyAgreement | KU.digitalSignature, true));
  if (s.ca) extensions.push(new x509.BasicConstraintsExtension(true, undefined, true));
  const issuer = s.issuer ?? { name: s.subject, keys: s.keys };
  return x509.X509CertificateGenerator.create({
    subject: s.subject,
    issuer: issuer.name,
    publicKey: s.keys.publicKey,
    signingKey: issuer.keys.privateKey,
    signingAlgorithm: signingFor(issuer.keys, s.hash),
    notBefore: s.notBefore ?? new Date(NOW.getTime() - DAY),
    notAfter: s.notAfter ?? new Date(NOW.getTime() + 365 * DAY),
    extensions,
  });
}

const info = (c: x509.X509Certificate) => describeCertificate(new Uint8Array(c.rawData), 'test');
const verdict = (c: x509.X509Certificate, usage: CertificateUsage = 'ENCRYPTION', extra: Partial<Parameters<typeof checkCertificate>[1]> = {}) =>
  checkCertificate(info(c), { usage, at: NOW, ...extra });

describe('certificate checks (BSI TR-02102-1)', () => {
  let rsa3072: CryptoKeyPair;
  let p256: CryptoKeyPair;
  beforeAll(async () => {
    rsa3072 = await keys('RSA-3072');
    p256 = await keys('P-256');
  });

  it('reads PEM, DER and a PEM bundle alike, with thumbprint, serial, key and signature', async () => {
    const c = await cert({ subject: 'CN=rz.example, O=KRZ', keys: p256 });
    const pem = c.toString('pem');
    const fromPem = readCertificates(Buffer.from(pem), 'a.pem');
    const fromDer = readCertificates(new Uint8Array(c.rawData), 'a.der');
    expect(fromPem).toEqual(fromDer);
    expect(readCertificates(Buffer.from(pem + '\n' + pem), 'bundle.pem')).toHaveLength(2);
    // An upload is a certificate and its chain: a bundle of thousands is refused before any is parsed.
    expect(readCertificates(Buffer.from(`${pem}\n`.repeat(10)), 'ten.pem', 10)).toHaveLength(10);
    expect(() => readCertificates(Buffer.from(`${pem}\n`.repeat(5000)), 'many.pem', 10)).toThrow(/many.pem: holds more than 10 certificates/);
    const i = describeCertificate(fromPem[0]!, 'a.pem');
    expect(i).toMatchObject({ subject: 'CN=rz.example, O=KRZ', keyAlgorithm: 'EC', curve: 'P-256', keySize: 256, signatureAlgorithm: 'ecdsa-with-SHA256', isCa: false });
    expect(i.thumbprintSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(i.thumbprintSha256).toBe(Buffer.from(await c.getThumbprint('SHA-256')).toString('hex'));
  });

  it.each([
    ['RSA-2048', false, /RSA key of 2048 bits is too short/],
    ['RSA-3072', true, null],
    ['RSA-4096', true, null],
    ['P-256', true, null],
    ['P-384', true, null],
    ['Ed25519', false, /key algorithm Ed25519 is not permitted/],
  ] as const)('%s key: accepted %s', async (spec, accepted, reason) => {
    const k = spec === 'RSA-3072' ? rsa3072 : spec === 'P-256' ? p256 : await keys(spec);
    const v = await verdict(await cert({ subject: `CN=${spec}`, keys: k }));
    expect(v.accepted).toBe(accepted);
    if (reason) expect(v.reasons.join('\n')).toMatch(reason);
    else expect(v.reasons).toEqual([]);
  }, 60_000);

  it('refuses SHA-1 signatures', async () => {
    const v = await verdict(await cert({ subject: 'CN=old', keys: p256, hash: 'SHA-1' }));
    expect(v.reasons).toContain('signed with ecdsa-with-SHA1: MD5 and SHA-1 signatures are not accepted');
    const rsaSha1 = await keys('RSA-3072', 'SHA-1');
    const v2 = await verdict(await cert({ subject: 'CN=old-rsa', keys: rsaSha1, hash: 'SHA-1' }));
    expect(v2.reasons).toContain('signed with sha1WithRSAEncryption: MD5 and SHA-1 signatures are not accepted');
  }, 60_000);

  it('refuses expired and not-yet-valid certificates, judged at the activation date', async () => {
    const expired = await cert({ subject: 'CN=expired', keys: p256, notBefore: new Date('2024-01-01'), notAfter: new Date('2025-01-01') });
    expect((await verdict(expired)).reasons).toEqual(['expired on 2025-01-01T00:00:00Z']);
    const future = await cert({ subject: 'CN=future', keys: p256, notBefore: new Date('2027-01-01'), notAfter: new Date('2029-01-01') });
    expect((await verdict(future)).reasons).toEqual(['not valid before 2027-01-01T00:00:00Z, later than the activation on 2026-11-22T10:00:00Z']);
    // Uploaded now, to be activated when it is valid: fine.
    expect((await verdict(future, 'ENCRYPTION', { activation: new Date('2027-02-01') })).accepted).toBe(true);
  });

  it('checks the key usage against the usage', async () => {
    const signOnly = await cert({ subject: 'CN=sign', keys: p256, usages: KU.digitalSignature });
    expect((await verdict(signOnly, 'ENCRYPTION')).reasons).toEqual(['key usage digitalSignature does not allow ENCRYPTION (needs keyEncipherment or keyAgreement)']);
    expect((await verdict(signOnly, 'SIGNATURE')).accepted).toBe(true);
    const encOnly = await cert({ subject: 'CN=enc', keys: rsa3072, usages: KU.keyEncipherment });
    expect((await verdict(encOnly, 'SIGNATURE')).reasons).toEqual(['key usage keyEncipherment does not allow SIGNATURE (needs digitalSignature)']);
    const none = await cert({ subject: 'CN=none', keys: p256, usages: null });
    expect((await verdict(none)).reasons).toEqual(['has no key usage extension; ENCRYPTION needs keyEncipherment or keyAgreement']);
  });

  it('refuses a CA certificate', async () => {
    const ca = await cert({ subject: 'CN=Some CA', keys: p256, ca: true, usages: KU.keyCertSign | KU.cRLSign | KU.keyAgreement });
    expect((await verdict(ca)).reasons).toEqual(['is a CA certificate, not a data centre certificate']);
  });

  describe('chains to trust anchors', () => {
    let root: x509.X509Certificate;
    let inter: x509.X509Certificate;
    let leaf: x509.X509Certificate;
    let interKeys: CryptoKeyPair;
    beforeAll(async () => {
      const rootKeys = await keys('P-384');
      interKeys = await keys('P-256');
      root = await cert({ subject: 'CN=Test Root', keys: rootKeys, ca: true, usages: KU.keyCertSign | KU.cRLSign });
      inter = await cert({ subject: 'CN=Test Issuing CA', keys: interKeys, issuer: { name: 'CN=Test Root', keys: rootKeys }, ca: true, usages: KU.keyCertSign });
      leaf = await cert({ subject: 'CN=rz1.example', keys: p256, issuer: { name: 'CN=Test Issuing CA', keys: interKeys } });
    });

    it('accepts a leaf whose chain reaches an anchor, each signature checked', async () => {
      const v = await verdict(leaf, 'ENCRYPTION', { intermediates: [inter], anchors: [root] });
      expect(v).toEqual({ accepted: true, reasons: [], chain: ['CN=rz1.example', 'CN=Test Issuing CA', 'CN=Test Root'] });
    });

    it('refuses a chain with a missing link', async () => {
      const v = await verdict(leaf, 'ENCRYPTION', { intermediates: [], anchors: [root] });
      expect(v.reasons).toEqual(['does not chain to a configured trust anchor: no issuer "CN=Test Issuing CA" for "CN=rz1.example"']);
    });

    it('refuses a certificate that names the issuer but was signed by another key', async () => {
      const forged = await cert({ subject: 'CN=forged', keys: p256, issuer: { name: 'CN=Test Issuing CA', keys: await keys('P-256') } });
      const v = await verdict(forged, 'ENCRYPTION', { intermediates: [inter], anchors: [root] });
      expect(v.reasons).toEqual(['the signature of "CN=forged" does not verify with the key of its issuer "CN=Test Issuing CA"']);
    });

    it('requires no chain when no anchors are configured', async () => {
      expect((await verdict(leaf)).accepted).toBe(true);
    });
  });
});

describe('unreadable input is a clear error, never a crash', () => {
  it('names what is wrong', () => {
    expect(() => readCertificates(new Uint8Array(), 'e.pem')).toThrow('e.pem: file is empty');
    expect(() => readCertificates(Buffer.from('hello'), 'h.txt')).toThrow(/neither PEM nor DER/);
    expect(() => readCertificates(Buffer.from('-----BEGIN CERTIFICATE-----\nMIIB'), 't.pem')).toThrow(/no END line \(truncated\?\)/);
    expect(() => readCertificates(Buffer.from('-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----'), 'k.pem')).toThrow(/no CERTIFICATE block/);
  });

  it('survives every truncation and random corruption of a real certificate', async () => {
    const k = await keys('P-256');
    const der = new Uint8Array((await cert({ subject: 'CN=fuzz', keys: k })).rawData);
    let errors = 0;
    let seed = 7;
    const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const inputs: Uint8Array[] = [];
    for (let n = 1; n < der.length; n += 7) inputs.push(der.slice(0, n));
    for (let i = 0; i < 300; i++) {
      const copy = der.slice();
      for (let j = 0; j < 1 + Math.floor(rnd() * 4); j++) copy[Math.floor(rnd() * copy.length)] = Math.floor(rnd() * 256);
      inputs.push(copy);
    }
    for (const input of inputs) {
      try {
        const [first] = readCertificates(input, 'fuzz.der');
        describeCertificate(first!, 'fuzz.der');
      } catch (e) {
        expect(e).toBeInstanceOf(CertificateInputError);
        errors++;
      }
    }
    expect(errors).toBeGreaterThan(inputs.length / 4); // truncations must all fail, clearly
  });
});

const DEBIAN_CAS = '/usr/share/ca-certificates/mozilla';
const haveCas = fs.existsSync(DEBIAN_CAS);
const haveOpenssl = (() => {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
if (!haveCas) console.warn(`[certificates] ${DEBIAN_CAS} not found (package ca-certificates): its tests are SKIPPED`);

describe.skipIf(!haveCas)('the CA certificates Debian ships', () => {
  const files = haveCas ? fs.readdirSync(DEBIAN_CAS).filter((f) => f.endsWith('.crt')).map((f) => path.join(DEBIAN_CAS, f)) : [];

  it('all parse, RSA and EC of several sizes, each gets a verdict: refused as a CA certificate', async () => {
    expect(files.length).toBeGreaterThan(100);
    const kinds = new Set<string>();
    for (const f of files) {
      const [der] = readCertificates(fs.readFileSync(f), f);
      const i = describeCertificate(der!, f);
      kinds.add(`${i.keyAlgorithm}-${i.keySize}`);
      const v = await checkCertificate(i, { usage: 'ENCRYPTION', at: NOW });
      expect(v.accepted).toBe(false);
      expect(v.reasons).toContain('is a CA certificate, not a data centre certificate');
    }
    expect([...kinds]).toEqual(expect.arrayContaining(['RSA-2048', 'RSA-4096', 'EC-256', 'EC-384']));
  });

  it.skipIf(!haveOpenssl)('thumbprints equal openssl x509 -fingerprint -sha256', () => {
    for (const f of files) {
      const out = execFileSync('openssl', ['x509', '-in', f, '-noout', '-fingerprint', '-sha256'], { encoding: 'utf8' });
      const expected = out.trim().split('=')[1]!.replace(/:/g, '').toLowerCase();
      const [der] = readCertificates(fs.readFileSync(f), f);
      expect(describeCertificate(der!, f).thumbprintSha256, f).toBe(expected);
    }
  });

  it('cert inspect --json prints one object per file; refused (CA) certificates and an unreadable file make it exit 1', async () => {
    const some = files.slice(0, 3);
    const ok = await runCli(['cert', 'inspect', ...some, '--json', '--usage', 'ENCRYPTION'], { DATA_DIR: os.tmpdir() });
    expect(ok.code).toBe(1); // every one is refused as a CA certificate
    const lines = ok.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(3);
    for (const [n, l] of lines.entries()) {
      expect(l).toMatchObject({ file: some[n], accepted: false, usage: 'ENCRYPTION' });
      expect(l.thumbprintSha256).toMatch(/^[0-9a-f]{64}$/);
      expect(typeof l.subject).toBe('string');
      expect(new Date(l.notAfter).getTime()).toBeGreaterThan(0);
      expect(l.reasons).toContain('is a CA certificate, not a data centre certificate');
    }
    const bad = path.join(os.tmpdir(), `bv-bad-${process.pid}.pem`);
    fs.writeFileSync(bad, '-----BEGIN CERTIFICATE-----\nMIIFtTCCA52gAwIBAgIIYY3HhjsBggUwDQYJKoZIhvcNAQEF\n');
    const res = await runCli(['cert', 'inspect', some[0]!, bad, '--json'], { DATA_DIR: os.tmpdir() });
    expect(res.code).toBe(1);
    const last = JSON.parse(res.lastLine);
    expect(last).toEqual({ file: bad, accepted: false, error: 'PEM block has no END line (truncated?)', reasons: ['PEM block has no END line (truncated?)'] });
    fs.rmSync(bad);
  });
});
