// The certificate commands as a data centre uses them: the README's openssl recipes run as they
// stand, `cert inspect` exit codes, `cert upload` against a directory served on 127.0.0.1 (every
// engine), `cert proof` for uploads by other means, and the transport rules of the upload (no
// redirects, bounded answers, https unless loopback).
import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { createPrivateKey, webcrypto } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as x509 from '@peculiar/x509';
import type { App } from '../src/app/app.js';
import type { Database } from '../src/db/client.js';
import { systemClock } from '../src/lib/clock.js';
import { gql, makeKeys, serve, testApp, token } from './helpers/app.js';
import { forEachEngine } from './helpers/engines.js';
import { ROOT, runCli } from './helpers/processes.js';

const haveOpenssl = (() => {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
if (!haveOpenssl) console.warn('[cert-cli] openssl not found: the README recipe and upload tests are SKIPPED');

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bv-cert-cli-'));
const noData = { DATA_DIR: path.join(tmp, 'never-created') };
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** The README block after `<!-- recipe: NAME`, exactly as a reader would copy it. */
function recipe(name: string): string {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const at = readme.indexOf(`<!-- recipe: ${name} `);
  if (at < 0) throw new Error(`README has no recipe ${name}`);
  return /```sh\n([\s\S]*?)```/.exec(readme.slice(at))![1]!;
}

/** Runs a README recipe with sh in a folder of its own; returns the folder. */
function runRecipe(name: string, dir = path.join(tmp, name)): string {
  fs.mkdirSync(dir, { recursive: true });
  execFileSync('sh', ['-e', '-c', recipe(name)], { cwd: dir, stdio: 'pipe' });
  return dir;
}

const openssl = (args: string[], cwd: string) => execFileSync('openssl', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const fingerprint = (file: string) => openssl(['x509', '-in', file, '-noout', '-fingerprint', '-sha256'], tmp).trim().split('=')[1]!.replace(/:/g, '').toLowerCase();

/** openssl's defaults: a self-signed certificate marked as a CA, without key usage (the README's example). */
function defaultCert(dir: string, newkey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256']) {
  fs.mkdirSync(dir, { recursive: true });
  openssl(['req', '-x509', ...newkey, '-nodes', '-keyout', 'default.key', '-out', 'default.pem', '-subj', '/CN=x'], dir);
  return { cert: path.join(dir, 'default.pem'), key: path.join(dir, 'default.key') };
}

describe.skipIf(!haveOpenssl)('README certificate recipes and cert inspect exit codes', () => {
  let ec: string;
  let rsa: string;
  let ca: string;
  let byDefault: string;
  beforeAll(() => {
    ec = path.join(runRecipe('ec-p256'), 'rz-enc-ec.pem');
    rsa = path.join(runRecipe('rsa-3072'), 'rz-enc-rsa.pem');
    ca = runRecipe('test-ca', runRecipe('csr')); // the test CA signs the request in the same folder
    byDefault = defaultCert(path.join(tmp, 'default')).cert;
  });

  it('the EC P-256 and RSA 3072 recipes are accepted (exit 0); openssl\'s default certificate is refused (exit 1) with its reasons', async () => {
    const ok = await runCli(['cert', 'inspect', ec, rsa, '--json'], noData);
    expect(ok.code).toBe(0);
    const verdicts = ok.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(verdicts.map((v) => [v.keyAlgorithm, v.keySize, v.accepted, v.reasons])).toEqual([
      ['EC', 256, true, []],
      ['RSA', 3072, true, []],
    ]);
    const refused = await runCli(['cert', 'inspect', byDefault], noData);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain(
      '  encryption: REFUSED\n    - has no key usage extension; ENCRYPTION needs keyEncipherment or keyAgreement\n    - is a CA certificate, not a data centre certificate\n',
    );
    // One refused certificate among accepted ones is enough for exit 1; the output for each stays.
    const mixed = await runCli(['cert', 'inspect', ec, byDefault, '--json'], noData);
    expect(mixed.code).toBe(1);
    expect(mixed.stdout.trim().split('\n').map((l) => JSON.parse(l).accepted)).toEqual([true, false]);
    expect(fs.existsSync(noData.DATA_DIR)).toBe(false);
  });

  it('with trust anchors, the certificate the test CA issued from the request is accepted and the self-signed one refused', async () => {
    const anchors = { ...noData, TRUST_ANCHORS_DIR: path.join(ca, 'anchors') };
    const issued = await runCli(['cert', 'inspect', path.join(ca, 'rz-enc.pem'), '--json'], anchors);
    expect(issued.code).toBe(0);
    expect(JSON.parse(issued.lastLine)).toMatchObject({ issuer: 'CN=Test CA, O=KRZ', accepted: true, reasons: [] });
    const selfSigned = await runCli(['cert', 'inspect', ec], anchors);
    expect(selfSigned.code).toBe(1);
    expect(selfSigned.stdout).toContain('- does not chain to a configured trust anchor: no issuer "CN=rz1.example, O=KRZ" for "CN=rz1.example, O=KRZ"');
  });
});

const UPLOADED = `{ dataCenter(code: "krz") { certificates { thumbprintSha256 usage status } } }`;

forEachEngine('cert upload against a directory on 127.0.0.1', (engine) => {
  let database: Database;
  let app: App;
  let server: { url: string; close(): Promise<void> };
  let admin: string;
  let krz: string;
  let other: string;
  const dir = path.join(tmp, `upload-${engine.name}`);
  const file = (name: string) => path.join(dir, name);
  const upload = (args: string[], env: Record<string, string> = { DIRECTORY_TOKEN: krz }) =>
    runCli(['cert', 'upload', '--server', server.url, '--data-center', 'krz', ...args], { ...noData, ...env });

  beforeAll(async () => {
    if (!haveOpenssl) return;
    database = await engine.open();
    const keys = await makeKeys();
    app = testApp(database, systemClock, keys);
    server = await serve(app);
    admin = await token(keys, { role: 'ADMIN', expiresIn: 3600 });
    krz = await token(keys, { role: 'DATA_CENTER', scope: 'krz', expiresIn: 3600 });
    other = await token(keys, { role: 'DATA_CENTER', scope: 'other', expiresIn: 3600 });
    for (const code of ['krz', 'other']) {
      expect((await gql(app, `mutation($c: String!) { createDataCenter(input: { code: $c, name: $c }) { code } }`, { c: code }, admin)).body.errors).toBeUndefined();
    }
    runRecipe('ec-p256', dir);
    runRecipe('rsa-3072', dir);
  });
  afterAll(async () => {
    await server?.close();
    await database?.close();
  });

  it.skipIf(!haveOpenssl)('uploads the EC recipe\'s certificate with the token from DIRECTORY_TOKEN: exit 0, the outcome as JSON, stored ACTIVE', async () => {
    const res = await upload(['--cert', file('rz-enc-ec.pem'), '--key', file('rz-enc-ec.key'), '--json']);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout.trim().split('\n')).toHaveLength(1);
    const thumbprint = fingerprint(file('rz-enc-ec.pem'));
    expect(JSON.parse(res.lastLine)).toMatchObject({
      accepted: true,
      reasons: [],
      certificate: { thumbprintSha256: thumbprint, usage: 'ENCRYPTION', status: 'ACTIVE', subject: 'CN=rz1.example, O=KRZ', dataCenter: { code: 'krz' } },
    });
    expect((await gql(app, UPLOADED, {}, krz)).body.data!.dataCenter.certificates).toEqual([{ thumbprintSha256: thumbprint, usage: 'ENCRYPTION', status: 'ACTIVE' }]);
    expect(fs.existsSync(noData.DATA_DIR)).toBe(false);
  });

  it.skipIf(!haveOpenssl)('uploads the RSA recipe\'s certificate with --token and --activate-at: PENDING, the outcome in words', async () => {
    const at = new Date(Date.now() + 2 * 86_400_000);
    at.setUTCMilliseconds(0);
    const offset = at.toISOString().replace('Z', '+00:00');
    const res = await upload(['--cert', file('rz-enc-rsa.pem'), '--key', file('rz-enc-rsa.key'), '--token', `Bearer ${krz}`, '--activate-at', offset], {});
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('certificate accepted for data centre krz\n');
    expect(res.stdout).toContain(`  SHA-256      ${fingerprint(file('rz-enc-rsa.pem'))}\n`);
    expect(res.stdout).toContain('  status       PENDING\n');
    expect(res.stdout).toContain(`  activation   ${at.toISOString()}\n`);
  });

  it.skipIf(!haveOpenssl)('refusals exit 1 with the server\'s reasons, and nothing is stored', async () => {
    const byDefault = defaultCert(path.join(dir, 'default'));
    const refused = await upload(['--cert', byDefault.cert, '--key', byDefault.key, '--json']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      'Error: the server refused the certificate:\n  - has no key usage extension; ENCRYPTION needs keyEncipherment or keyAgreement\n  - is a CA certificate, not a data centre certificate\n',
    );
    expect(JSON.parse(refused.lastLine)).toEqual({ accepted: false, reasons: expect.arrayContaining(['is a CA certificate, not a data centre certificate']), certificate: null });

    const weakDir = path.join(dir, 'weak');
    fs.mkdirSync(weakDir);
    openssl(['req', '-x509', '-newkey', 'rsa:2048', '-sha256', '-nodes', '-keyout', 'k.pem', '-out', 'c.pem', '-days', '30', '-subj', '/CN=weak',
      '-addext', 'basicConstraints=critical,CA:FALSE', '-addext', 'keyUsage=critical,keyEncipherment'], weakDir);
    const weak = await upload(['--cert', path.join(weakDir, 'c.pem'), '--key', path.join(weakDir, 'k.pem')]);
    expect(weak.code).toBe(1);
    expect(weak.stderr).toContain('  - RSA key of 2048 bits is too short (BSI TR-02102-1: at least 3000 bits)');

    // Errors of the server's (access, unknown data centre, duplicate) are refusals too.
    const ec = ['--cert', file('rz-enc-ec.pem'), '--key', file('rz-enc-ec.key')];
    const again = await upload(ec);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^Error: the server refused: Certificate [0-9a-f]{64} is stored already \(CONFLICT\)\n$/);
    const foreign = await upload(ec, { DIRECTORY_TOKEN: other });
    expect(foreign.code).toBe(1);
    expect(foreign.stderr).toMatch(/^Error: the server refused: .*\(FORBIDDEN\)\n$/);
    const unknown = await runCli(['cert', 'upload', '--server', server.url, '--data-center', 'nope', ...ec], { ...noData, DIRECTORY_TOKEN: admin });
    expect(unknown.stderr).toBe('Error: the server refused: No data centre with code nope (NOT_FOUND)\n');
    const badToken = await upload(ec, { DIRECTORY_TOKEN: 'not-a-jwt' });
    expect(badToken.code).toBe(1);
    expect(badToken.stderr).toMatch(/\(UNAUTHENTICATED\)\n$/);

    const stored = (await gql(app, UPLOADED, {}, krz)).body.data!.dataCenter.certificates;
    expect(stored.map((c: { thumbprintSha256: string }) => c.thumbprintSha256).sort()).toEqual([fingerprint(file('rz-enc-ec.pem')), fingerprint(file('rz-enc-rsa.pem'))].sort());
  });

  it.skipIf(!haveOpenssl)('cert proof makes the proof for an upload by other means; openssl\'s own DER signature is refused for what it is', async () => {
    const own = runRecipe('ec-p256', path.join(dir, 'by-hand'));
    const cert = fs.readFileSync(path.join(own, 'rz-enc-ec.pem'), 'utf8');
    const call = async (query: string, variables: Record<string, unknown>) => {
      const res = await fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${krz}` }, body: JSON.stringify({ query, variables }) });
      return (await res.json()) as { data: any };
    };
    const ask = () => call(`mutation($cert: String!) { requestCertificateChallenge(dataCenterCode: "krz", certificate: $cert) { nonce expiresAt thumbprintSha256 dataCenterCode } }`, { cert });
    const send = async (proof: string) =>
      (await call(`mutation($input: UploadCertificateInput!) { uploadCertificate(input: $input) { accepted reasons } }`, {
        input: { dataCenterCode: 'krz', usage: 'ENCRYPTION', certificate: cert, proof },
      })).data.uploadCertificate;

    // By hand with openssl, as the issue reports it: the signature comes out DER.
    const challenge = (await ask()).data;
    const x5c = cert.replace(/-----[A-Z ]+-----|\s/g, '');
    const input = `${Buffer.from(JSON.stringify({ alg: 'ES256', x5c: [x5c] })).toString('base64url')}.${Buffer.from(
      JSON.stringify({ nonce: challenge.requestCertificateChallenge.nonce, dataCenter: 'krz', thumbprint: challenge.requestCertificateChallenge.thumbprintSha256 }),
    ).toString('base64url')}`;
    fs.writeFileSync(path.join(own, 'input'), input);
    openssl(['dgst', '-sha256', '-sign', 'rz-enc-ec.key', '-out', 'sig.der', 'input'], own);
    const der = fs.readFileSync(path.join(own, 'sig.der')).toString('base64url');
    expect(await send(`${input}.${der}`)).toEqual({
      accepted: false,
      reasons: ['proof of possession: the signature is DER-encoded, as openssl makes it: ES256 signatures are the raw 64-byte r||s, not DER (convert it, or let `cert proof` make the proof)'],
    });

    // cert proof with the challenge as the GraphQL response gives it: the proof is the only line on stdout.
    const made = await runCli(['cert', 'proof', '--challenge', JSON.stringify(challenge), '--cert', path.join(own, 'rz-enc-ec.pem'), '--key', path.join(own, 'rz-enc-ec.key')], noData);
    expect(made.code).toBe(0);
    expect(made.stdout.trim().split('\n')).toHaveLength(1);
    expect(await send(made.lastLine)).toEqual({ accepted: true, reasons: [] });

    // A challenge for another certificate, and an expired one, are said before anything is signed.
    const wrong = { ...challenge.requestCertificateChallenge, thumbprintSha256: 'ab'.repeat(32) };
    const mismatch = await runCli(['cert', 'proof', '--challenge', JSON.stringify(wrong), '--cert', path.join(own, 'rz-enc-ec.pem'), '--key', path.join(own, 'rz-enc-ec.key')], noData);
    expect(mismatch.code).toBe(1);
    expect(mismatch.stderr).toMatch(/^Error: the challenge was issued for certificate (ab){32}, but --cert is [0-9a-f]{64}\n$/);
    const expired = { ...challenge.requestCertificateChallenge, expiresAt: '2020-01-01T00:00:00.000Z' };
    const late = await runCli(['cert', 'proof', '--challenge', JSON.stringify(expired), '--cert', path.join(own, 'rz-enc-ec.pem'), '--key', path.join(own, 'rz-enc-ec.key')], noData);
    expect(late.stderr).toBe('Error: the challenge expired at 2020-01-01T00:00:00.000Z; request a new one\n');
  });
});

/** A certificate and its PKCS#8 key, written without openssl, for the transport tests. */
async function certificateFiles(dir: string): Promise<string[]> {
  const subtle = webcrypto.subtle as unknown as SubtleCrypto;
  const keys = (await subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    name: 'CN=transport', keys, signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
    notBefore: new Date(Date.now() - 86_400_000), notAfter: new Date(Date.now() + 86_400_000),
    extensions: [new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyAgreement, true)],
  });
  const key = createPrivateKey({ key: Buffer.from(await subtle.exportKey('pkcs8', keys.privateKey)), format: 'der', type: 'pkcs8' });
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'c.pem'), cert.toString('pem'));
  fs.writeFileSync(path.join(dir, 'k.pem'), key.export({ type: 'pkcs8', format: 'pem' }));
  return ['--cert', path.join(dir, 'c.pem'), '--key', path.join(dir, 'k.pem')];
}

/** A stand-in server on 127.0.0.1 that answers every request with `answer`, counting them. */
async function standIn(answer: (res: http.ServerResponse) => void) {
  const seen: http.IncomingHttpHeaders[] = [];
  const s = http.createServer((req, res) => {
    seen.push(req.headers);
    req.resume();
    req.on('end', () => answer(res));
  });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(s.address() as AddressInfo).port}`,
    seen,
    close: () => new Promise<void>((r) => { s.closeAllConnections(); s.close(() => r()); }),
  };
}

describe('cert upload: usage errors and the transport rules', () => {
  let files: string[];
  beforeAll(async () => {
    files = await certificateFiles(path.join(tmp, 'transport'));
  });
  const upload = (server: string, extra: string[] = [], env: Record<string, string> = { DIRECTORY_TOKEN: 'tok' }) =>
    runCli(['cert', 'upload', '--server', server, '--data-center', 'krz', ...files, ...extra], { ...noData, ...env });

  it.each([
    ['ftp://127.0.0.1/', [], /--server must be an http or https URL, got ftp:/],
    ['http://directory.example.org', [], /plain http would send the token unencrypted to directory\.example\.org; use https/],
    ['https://user:pw@directory.example.org', [], /--server must not carry credentials/],
    ['https://directory.example.org', ['--activate-at', '2027-01-01'], /--activate-at must be an instant with its zone/],
  ] as const)('%s %j is a usage error: exit 2, nothing sent', async (server, extra, message) => {
    const res = await upload(server, [...extra]);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(message);
  });

  it('without a token it says where the token goes (exit 2)', async () => {
    const res = await upload('https://directory.example.org', [], {});
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/^Error: missing token: set DIRECTORY_TOKEN \(the process list does not show it\) or pass --token\n/);
  });

  it('does not follow a redirect (the token would go with it), names it and exits 1', async () => {
    const target = await standIn((res) => res.end('{}'));
    const redirector = await standIn((res) => res.writeHead(307, { location: `${target.url}/graphql` }).end());
    try {
      const res = await upload(redirector.url, ['--json']);
      expect(res.code).toBe(1);
      expect(res.stderr).toBe(`Error: ${redirector.url}/graphql answered HTTP 307 redirecting to ${target.url}/graphql; redirects are not followed: give --server the directory's own URL\n`);
      expect(JSON.parse(res.lastLine).error.message).toContain('redirects are not followed');
      expect(redirector.seen).toHaveLength(1);
      expect(redirector.seen[0]!.authorization).toBe('Bearer tok');
      expect(target.seen).toHaveLength(0);
    } finally {
      await redirector.close();
      await target.close();
    }
  });

  it('stops reading an answer over 1 MiB, and says when an answer is not GraphQL', async () => {
    const big = await standIn((res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      for (let i = 0; i < 40; i++) res.write(chunk); // 2.5 MiB, no content-length
      res.end();
    });
    const html = await standIn((res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>login</html>'));
    try {
      const tooBig = await upload(big.url);
      expect(tooBig.code).toBe(1);
      expect(tooBig.stderr).toBe(`Error: the answer of ${big.url} is larger than 1024 KiB; not read further\n`);
      const notGraphql = await upload(`${html.url}/base/`);
      expect(notGraphql.code).toBe(1);
      expect(notGraphql.stderr).toBe(`Error: ${html.url}/base/graphql answered HTTP 200 (text/html), not GraphQL: is --server the directory's URL?\n`);
    } finally {
      await big.close();
      await html.close();
    }
  });

  it('checks that the key is the certificate\'s before anything is sent (exit 1)', async () => {
    const stranger = await certificateFiles(path.join(tmp, 'stranger'));
    const listener = await standIn((res) => res.end('{}'));
    try {
      const mismatch = await runCli(['cert', 'upload', '--server', listener.url, '--data-center', 'krz', '--cert', files[1]!, '--key', stranger[3]!], { ...noData, DIRECTORY_TOKEN: 'tok' });
      expect(mismatch.code).toBe(1);
      expect(mismatch.stderr).toBe(`Error: ${stranger[3]} does not belong to ${files[1]}: the certificate's public key is another (the proof would not verify)\n`);
      const swapped = await runCli(['cert', 'upload', '--server', listener.url, '--data-center', 'krz', '--cert', files[1]!, '--key', files[1]!], { ...noData, DIRECTORY_TOKEN: 'tok' });
      expect(swapped.code).toBe(1);
      expect(swapped.stderr).toBe(`Error: ${files[1]} holds a certificate, not a private key (--cert and --key swapped?)\n`);
      expect(listener.seen).toHaveLength(0);
    } finally {
      await listener.close();
    }
  });

  it('says when the server cannot be reached', async () => {
    const gone = await standIn((res) => res.end());
    await gone.close();
    const res = await upload(gone.url);
    expect(res.code).toBe(1);
    expect(res.stderr).toBe(`Error: cannot reach ${gone.url}: ECONNREFUSED\n`);
  });
});
