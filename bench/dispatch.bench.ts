// Benchmark: dispatch throughput end to end — dispatch() writes delivery + outbox, a dispatcher
// claims and hands off — to a loopback HTTP receiver (JWE decrypted there) and to the print spool.
//   npm run bench:dispatch        (PostgreSQL too when BENCH_DATABASE_URL is set)
// Results: bench/results/dispatch.json.
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as x509 from '@peculiar/x509';
import { compactDecrypt, decodeJwt, importJWK } from 'jose';
import postgres from 'postgres';
import { eq } from 'drizzle-orm';
import { openPglite, openPostgres, type Database } from '../src/db/client.js';
import { certificates, dataCenters } from '../src/db/schema.js';
import { systemClock } from '../src/lib/clock.js';
import { createAuthority } from '../src/modules/authorities/authorities.service.js';
import { describeCertificate } from '../src/modules/certificates/inspect.js';
import { certificateValues } from '../src/modules/certificates/certificates.service.js';
import { Directory } from '../src/modules/directory/directory.js';
import { printAdapter } from '../src/modules/delivery/print.adapter.js';
import { transportAdapter } from '../src/modules/delivery/transport.adapter.js';
import { dispatch } from '../src/modules/delivery/intake.service.js';
import { dispatchOnce } from '../src/modules/delivery/dispatcher.js';
import { exponentialRetry } from '../src/modules/delivery/retry.js';
import { createDataCenter, createTenant } from '../src/modules/tenants/tenants.service.js';
import { loadDemoSeed } from '../seed/load.js';
import { makeServiceContext } from '../src/modules/directory/context.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const N = Number(process.env.BENCH_DELIVERIES ?? 2000);
const admin = { subject: 'bench', role: 'ADMIN' as const, scope: null };
const actor = { id: 'bench' };

async function receiver() {
  let key: unknown;
  let count = 0;
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', async () => {
      await compactDecrypt(String(decodeJwt(body).jwe), key as never); // the signed hand-off carries the JWE
      count++;
      res.writeHead(202).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}/xta`,
    count: () => count,
    setKey: async (jwk: JsonWebKey) => (key = await importJWK({ ...jwk, key_ops: undefined, ext: undefined } as never, 'ECDH-ES')),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

async function run(engine: 'pglite' | 'postgres', database: Database) {
  const rx = await receiver();
  const spool = fs.mkdtempSync(path.join(os.tmpdir(), 'bv-bench-spool-'));
  const directory = new Directory(database, { pollMs: 0 });
  const ctx = makeServiceContext({ db: database.db, clock: systemClock, principal: admin, actor, directory });
  await loadDemoSeed(database.db, systemClock, actor);
  await createDataCenter(ctx, { code: 'krz', name: 'KRZ', endpoints: [rx.url] });
  await createTenant(ctx, { code: 'lippe', name: 'Lippe', dataCenterCode: 'krz' });
  const addr = { street: 'Marktplatz', houseNumber: '5', postalCode: '32756', city: 'Detmold' };
  await createAuthority(ctx, { key: 'ags:05766020', kind: 'ENFORCEMENT', name: 'Detmold', postalAddress: addr, acceptedMessageTypes: ['100'], tenantCode: 'lippe' });
  await createAuthority(ctx, { key: 'ags:05766044', kind: 'CREDITOR', name: 'Lemgo', postalAddress: addr });
  const kp = (await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    name: 'CN=xta.krz.bench',
    keys: kp,
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
    notAfter: new Date(Date.now() + 30 * 86_400_000),
    extensions: [new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyAgreement, true)],
  });
  const i = describeCertificate(new Uint8Array(cert.rawData), 'bench');
  const [dc] = await database.db.select().from(dataCenters).where(eq(dataCenters.code, 'krz'));
  await database.db.insert(certificates).values(certificateValues(i, { dataCenterId: dc!.id, usage: 'ENCRYPTION', activationAt: new Date(Date.now() - 1000), status: 'ACTIVE', uploadedBy: 'bench' }));
  await rx.setKey(await webcrypto.subtle.exportKey('jwk', kp.privateKey));
  await directory.reload();
  const adapters = {
    ELECTRONIC: transportAdapter(database.db, () => directory.get(), systemClock, 10_000),
    PRINT: printAdapter(() => directory.get(), systemClock, { spoolDir: spool, timeoutMs: 5000 }),
  };
  const settings = { name: 'bench', batchSize: 50, leaseMs: 60_000, retry: exponentialRetry(3, 1000) };
  const payload = Buffer.from('<xamtshilfe.100>' + 'x'.repeat(2000) + '</xamtshilfe.100>').toString('base64');
  const measure = async (channel: 'ELECTRONIC' | 'PRINT') => {
    const t0 = performance.now();
    for (let n = 0; n < N; n++) {
      await dispatch(makeServiceContext({ db: database.db, clock: systemClock, principal: admin, actor, directory }), {
        idempotencyKey: `bench-${channel}-${n}-${Date.now()}`,
        senderKey: 'ags:05766044',
        messageType: channel === 'ELECTRONIC' ? '100' : '103',
        recipientKey: 'ags:05766020',
        reference: `B-${n}`,
        payload,
        fileName: 'm.xml',
        contentType: 'application/xml',
      }, { maxPayloadBytes: 1 << 20 });
    }
    const t1 = performance.now();
    let handed = 0;
    for (;;) {
      const k = await dispatchOnce(database.db, systemClock, adapters, settings);
      if (!k) break;
      handed += k;
    }
    const t2 = performance.now();
    return {
      deliveries: N,
      handedOff: handed,
      dispatchPerSec: Math.round(N / ((t1 - t0) / 1000)),
      handOffPerSec: Math.round(handed / ((t2 - t1) / 1000)),
      endToEndPerSec: Math.round(N / ((t2 - t0) / 1000)),
    };
  };
  const electronic = await measure('ELECTRONIC');
  if (rx.count() !== N) throw new Error(`receiver got ${rx.count()} of ${N}`);
  const print = await measure('PRINT');
  const spooled = fs.readdirSync(spool).filter((f) => f.endsWith('.json')).length;
  if (spooled !== N) throw new Error(`spool holds ${spooled} of ${N} jobs`);
  await rx.close();
  fs.rmSync(spool, { recursive: true, force: true });
  return { engine, electronic, print, rssMb: Math.round(process.memoryUsage().rss / 2 ** 20) };
}

const results = [];
{
  const db = await openPglite();
  await db.migrate();
  results.push(await run('pglite', db));
  await db.close();
}
if (process.env.BENCH_DATABASE_URL) {
  const base = process.env.BENCH_DATABASE_URL;
  const name = `bv_bench_dispatch_${process.pid}`;
  const admin_ = postgres(base, { max: 1, onnotice: () => {} });
  await admin_.unsafe(`create database ${name}`);
  const u = new URL(base);
  u.pathname = `/${name}`;
  const db = await openPostgres(u.toString(), 4);
  try {
    await db.migrate();
    results.push(await run('postgres', db));
  } finally {
    await db.close();
    await admin_.unsafe(`drop database ${name} with (force)`);
    await admin_.end();
  }
}
const out = { date: new Date().toISOString(), machine: { cpus: os.cpus().length, node: process.version }, deliveriesPerRun: N, results };
fs.mkdirSync(path.join(here, 'results'), { recursive: true });
fs.writeFileSync(path.join(here, 'results', 'dispatch.json'), JSON.stringify(out, null, 2) + '\n');
for (const r of results) {
  console.log(`[${r.engine}] electronic: dispatch ${r.electronic.dispatchPerSec}/s, hand-off ${r.electronic.handOffPerSec}/s, end to end ${r.electronic.endToEndPerSec}/s | print (spool): dispatch ${r.print.dispatchPerSec}/s, hand-off ${r.print.handOffPerSec}/s, end to end ${r.print.endToEndPerSec}/s`);
}
