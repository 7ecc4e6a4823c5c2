// A small routing network for tests: a data centre with a tenant, two authorities, an encryption
// certificate, and a real HTTP receiver on loopback that decrypts what it gets. The receiver is a
// legacy one: it takes the JWE out of the signed hand-off without checking the signature and sends
// no receipt (the reference receiver, src/receiver/, is tested in handoff-signing.test.ts).
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import http from 'node:http';
import * as x509 from '@peculiar/x509';
import { compactDecrypt, decodeJwt, importJWK } from 'jose';
import { eq } from 'drizzle-orm';
import type { Database } from '../../src/db/client.js';
import { certificates, dataCenters } from '../../src/db/schema.js';
import type { ManualClock } from '../../src/lib/clock.js';
import { createAuthority } from '../../src/modules/authorities/authorities.service.js';
import { describeCertificate } from '../../src/modules/certificates/inspect.js';
import { certificateValues } from '../../src/modules/certificates/certificates.service.js';
import { Directory } from '../../src/modules/directory/directory.js';
import { createDataCenter, createTenant } from '../../src/modules/tenants/tenants.service.js';
import { loadDemoSeed } from '../../seed/load.js';
import type { TestEngine } from './engines.js';
import { testActor } from './fixtures.js';
import { makeServiceContext } from '../../src/modules/directory/context.js';

const DAY = 86_400_000;
const admin = { subject: 'admin', role: 'ADMIN' as const, scope: null };

interface Received {
  headers: http.IncomingHttpHeaders;
  plaintext: string;
  /** the signed hand-off's claims */
  claims: Record<string, unknown>;
}

/** A receiver that decrypts what it gets; its mode decides how it answers. */
export async function receiver() {
  let key: unknown;
  const received: Received[] = [];
  let mode: 'ok' | 'fail' | 'hang' = 'ok';
  let delayMs = 0;
  let started = 0;
  const server = http.createServer((req, res) => {
    started++;
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', async () => {
      if (mode === 'hang') return; // never answers
      if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
      if (mode === 'fail') {
        res.writeHead(503).end();
        return;
      }
      const claims = decodeJwt(body);
      const { plaintext } = await compactDecrypt(String(claims.jwe), key as never);
      received.push({ headers: req.headers, plaintext: Buffer.from(plaintext).toString('utf8'), claims });
      res.writeHead(202).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}/xta`,
    received,
    /** requests that arrived, answered or not */
    started: () => started,
    /** x-delivery-id of every decrypted message, in arrival order */
    deliveryIds: () => received.map((r) => String(r.headers['x-delivery-id'])),
    setMode: (m: typeof mode) => (mode = m),
    setDelay: (ms: number) => (delayMs = ms),
    setKey: async (jwk: JsonWebKey) => {
      key = await importJWK({ ...jwk, key_ops: undefined, ext: undefined } as never, 'ECDH-ES');
    },
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}

export async function setUp(database: Database, clock: ManualClock, endpoint: string) {
  await loadDemoSeed(database.db, clock, testActor);
  const directory = new Directory(database, { pollMs: 0 });
  const ctx = makeServiceContext({ db: database.db, clock, principal: admin, actor: testActor, directory });
  await createDataCenter(ctx, { code: 'krz', name: 'KRZ', endpoints: [endpoint] });
  // Lippe's territory is Kreis Lippe: its manager places authorities and rules there (issue #14).
  await createTenant(ctx, { code: 'lippe', name: 'Lippe', dataCenterCode: 'krz', areas: ['05766'] });
  const addr = { street: 'Marktplatz', houseNumber: '5', postalCode: '32756', city: 'Detmold' };
  await createAuthority(ctx, { key: 'ags:05766020', kind: 'ENFORCEMENT', name: 'Detmold', postalAddress: addr, acceptedMessageTypes: ['100', '101'], tenantCode: 'lippe' });
  await createAuthority(ctx, { key: 'ags:05766044', kind: 'CREDITOR', name: 'Lemgo', postalAddress: { ...addr, postalCode: '32657', city: 'Lemgo' } });
  const kp = (await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    name: 'CN=xta.krz.test',
    keys: kp,
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
    notBefore: new Date(clock.now().getTime() - DAY),
    notAfter: new Date(clock.now().getTime() + 90 * DAY),
    extensions: [new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyAgreement, true)],
  });
  const i = describeCertificate(new Uint8Array(cert.rawData), 'test');
  const [dc] = await database.db.select().from(dataCenters).where(eq(dataCenters.code, 'krz'));
  await database.db.insert(certificates).values(certificateValues(i, { dataCenterId: dc!.id, usage: 'ENCRYPTION', activationAt: new Date(clock.now().getTime() - DAY), status: 'ACTIVE', uploadedBy: 'test' }));
  await directory.reload();
  return { directory, privateJwk: await webcrypto.subtle.exportKey('jwk', kp.privateKey), thumbprint: i.thumbprintSha256 };
}


/** A fresh database holding the network above, and a receiver that can decrypt for the recipient. */
export async function openNetwork(engine: TestEngine, clock: ManualClock) {
  const database = await engine.open();
  const rx = await receiver();
  const s = await setUp(database, clock, rx.url);
  await rx.setKey(s.privateJwk);
  return { database, rx, directory: s.directory };
}
