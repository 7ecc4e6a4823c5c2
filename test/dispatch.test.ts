// Dispatch end to end: a real HTTP receiver on loopback decrypts the JWE with the test private key.
import 'reflect-metadata';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { openPostgres, queryRows, type Database } from '../src/db/client.js';
import { ManualClock } from '../src/lib/clock.js';
import { updateAuthority } from '../src/modules/authorities/authorities.service.js';
import { Directory } from '../src/modules/directory/directory.js';
import { printAdapter } from '../src/modules/delivery/print.adapter.js';
import { transportAdapter } from '../src/modules/delivery/transport.adapter.js';
import { dispatch } from '../src/modules/delivery/intake.service.js';
import { dispatchOnce } from '../src/modules/delivery/dispatcher.js';
import { type DispatcherSettings } from '../src/modules/delivery/outbox.js';
import { exponentialRetry } from '../src/modules/delivery/retry.js';
import { attemptsOf, deliveryStatistics, findDelivery, listDeliveries } from '../src/modules/delivery/deliveries.service.js';
import { enforceRetention } from '../src/modules/delivery/retention.js';
import { sendWebhooksOnce, sign } from '../src/modules/delivery/webhooks.js';
import { engines, forEachEngine } from './helpers/engines.js';
import { testActor } from './helpers/fixtures.js';
import { readPdf } from './helpers/pdf.js';

import { receiver, setUp } from './helpers/network.js';
import { makeServiceContext } from '../src/modules/directory/context.js';

const DAY = 86_400_000;
const admin = { subject: 'admin', role: 'ADMIN' as const, scope: null };

const message = (n: number, extra: Record<string, unknown> = {}) => ({
  idempotencyKey: `fv-2026-${String(n).padStart(6, '0')}`,
  senderKey: 'ags:05766044',
  messageType: '100',
  recipientKey: 'ags:05766020',
  reference: `VH-${n}/2026`,
  payload: Buffer.from(`<xamtshilfe.100 n="${n}"/>`).toString('base64'),
  fileName: `ersuchen-${n}.xml`,
  contentType: 'application/xml',
  ...extra,
});

forEachEngine('dispatch and hand-off', (engine) => {
  let database: Database;
  const clock = new ManualClock('2026-11-22T10:00:00Z');
  let rx: Awaited<ReturnType<typeof receiver>>;
  let directory: Directory;
  const spool = fs.mkdtempSync(path.join(os.tmpdir(), 'bv-spool-'));
  const settings: DispatcherSettings = { name: 'test', batchSize: 50, leaseMs: 60_000, retry: exponentialRetry(3, 1000) };
  // A generous timeout: the first hand-off of a run on a busy CI machine is slow; the hang test sets its own.
  const adapters = (timeoutMs = 5000) => ({
    ELECTRONIC: transportAdapter(database.db, () => directory.get(), clock, timeoutMs),
    PRINT: printAdapter(() => directory.get(), clock, { spoolDir: spool, timeoutMs: 5000 }),
  });
  const send = async (n: number, extra: Record<string, unknown> = {}) =>
    dispatch(makeServiceContext({ db: database.db, clock, principal: admin, actor: testActor, directory }), message(n, extra) as never, { maxPayloadBytes: 1024 * 1024 });

  beforeAll(async () => {
    database = await engine.open();
    rx = await receiver();
    const s = await setUp(database, clock, rx.url);
    directory = s.directory;
    await rx.setKey(s.privateJwk);
  });
  afterAll(async () => {
    await rx?.close();
    await database?.close();
    fs.rmSync(spool, { recursive: true, force: true });
  });

  it('hands off after commit: the receiver decrypts the JWE and gets the headers', async () => {
    const d = await send(1);
    expect(d).toMatchObject({ status: 'PENDING', channel: 'ELECTRONIC', recipientKey: 'ags:05766020' });
    expect(rx.received).toHaveLength(0); // nothing before a dispatcher pass
    expect(await dispatchOnce(database.db, clock, adapters(), settings)).toBe(1);
    expect(rx.received).toHaveLength(1);
    expect(rx.received[0]!.plaintext).toBe('<xamtshilfe.100 n="1"/>');
    expect(rx.received[0]!.headers).toMatchObject({ 'x-delivery-id': d.id, 'x-message-type': '100', 'x-sender-key': 'ags:05766044', 'x-recipient-key': 'ags:05766020', 'content-type': 'application/jwt', 'x-handoff-version': '1' });
    // Every field is signed, beside the ciphertext; the headers are for routing only.
    expect(rx.received[0]!.claims).toMatchObject({ iss: 'urn:behoerdenverzeichnis', aud: 'ags:05766020', delivery_id: d.id, sender: 'ags:05766044', recipient: 'ags:05766020', message_type: '100', reference: 'VH-1/2026', file_name: 'ersuchen-1.xml', content_type: 'application/xml' });
    expect((await findDelivery(database.db, d.id)).status).toBe('HANDED_OFF');
    expect((await attemptsOf(database.db, d.id)).map((a) => a.ok)).toEqual([true]);
  });

  it('idempotency: the same key and content return the same delivery, also concurrently; other content is a CONFLICT', async () => {
    const [a, b] = await Promise.all([send(2), send(2)]);
    expect(a.id).toBe(b.id);
    expect((await send(2)).id).toBe(a.id);
    await expect(send(2, { reference: 'VH-other/2026' })).rejects.toThrow(/Idempotency key fv-2026-000002 was used for another message/);
    const [{ n }] = (await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from deliveries where idempotency_key = 'fv-2026-000002'`)) as [{ n: number }];
    expect(Number(n)).toBe(1);
    await dispatchOnce(database.db, clock, adapters(), settings);
  });

  it('a receiver that fails and times out is retried with backoff, and recovers', async () => {
    const d = await send(3);
    rx.setMode('fail');
    await dispatchOnce(database.db, clock, adapters(), settings);
    expect((await findDelivery(database.db, d.id)).status).toBe('RETRYING');
    expect(await dispatchOnce(database.db, clock, adapters(), settings)).toBe(0); // not due yet
    clock.advance(2_000);
    rx.setMode('hang');
    await dispatchOnce(database.db, clock, adapters(300), settings);
    const attempts = await attemptsOf(database.db, d.id);
    expect(attempts.map((a) => a.detail)).toEqual(['endpoint answered HTTP 503', 'endpoint did not answer within 300 ms']);
    rx.setMode('ok');
    clock.advance(10_000);
    await dispatchOnce(database.db, clock, adapters(), settings);
    expect((await findDelivery(database.db, d.id)).status).toBe('HANDED_OFF');
  });

  it('after the configured failed attempts it is re-routed to print; both attempts stay visible', async () => {
    const d = await send(4);
    rx.setMode('fail');
    for (let i = 0; i < 3; i++) {
      await dispatchOnce(database.db, clock, adapters(), settings);
      clock.advance(60_000);
    }
    expect((await findDelivery(database.db, d.id)).status).toBe('REROUTED_TO_PRINT');
    await dispatchOnce(database.db, clock, adapters(), settings);
    rx.setMode('ok');
    const after = await findDelivery(database.db, d.id);
    expect(after).toMatchObject({ status: 'HANDED_OFF', channel: 'PRINT' });
    const attempts = await attemptsOf(database.db, d.id);
    expect(attempts.map((a) => [a.channel, a.ok])).toEqual([['ELECTRONIC', false], ['ELECTRONIC', false], ['ELECTRONIC', false], ['PRINT', true]]);
    const manifest = JSON.parse(fs.readFileSync(path.join(spool, `${d.id}.json`), 'utf8'));
    expect(manifest).toMatchObject({ deliveryId: d.id, reference: 'VH-4/2026', recipient: { key: 'ags:05766020', postalCode: '32756', city: 'Detmold' } });
    expect(manifest.enclosure).toMatchObject({ fileName: 'ersuchen-4.xml', as: 'TEXT', truncated: false, bytes: 23 }); // printed, and attached
    const letter = await readPdf(fs.readFileSync(path.join(spool, `${d.id}.pdf`)));
    expect(letter.pages[0]!.map((t) => t.text)).toEqual(expect.arrayContaining(['Detmold', 'Marktplatz 5', '32756 Detmold', 'VH-4/2026', 'XAmtshilfe 100']));
    expect(letter.attachments).toEqual([{ fileName: 'ersuchen-4.xml', content: Buffer.from('<xamtshilfe.100 n="4"/>') }]);
    expect(fs.readdirSync(spool).filter((f) => f.startsWith('.'))).toEqual([]); // no half-written files
  });

  it('a message type the recipient does not accept goes to print at once', async () => {
    const d = await send(5, { messageType: '103' });
    expect(d.channel).toBe('PRINT');
    await dispatchOnce(database.db, clock, adapters(), settings);
    expect((await findDelivery(database.db, d.id)).status).toBe('HANDED_OFF');
    expect(fs.existsSync(path.join(spool, `${d.id}.json`))).toBe(true);
  });

  it('lists deliveries (a CLIENT only its own), counts them, and enforces retention through moved time', async () => {
    const all = await listDeliveries(database.db, admin, { limit: 100 });
    expect(all.map((d) => d.reference).sort()).toEqual(['VH-1/2026', 'VH-2/2026', 'VH-3/2026', 'VH-4/2026', 'VH-5/2026']);
    expect(all.map((d) => d.createdAt.getTime())).toEqual([...all.map((d) => d.createdAt.getTime())].sort((x, y) => y - x)); // newest first
    const client = { subject: 'fv', role: 'CLIENT' as const, scope: 'ags:05766044' };
    expect((await listDeliveries(database.db, client, { limit: 100 })).length).toBe(all.length);
    expect(await listDeliveries(database.db, { ...client, scope: 'ags:05766020' }, { limit: 100 })).toEqual([]);
    expect((await listDeliveries(database.db, admin, { limit: 100, channel: 'PRINT' })).map((d) => d.reference).sort()).toEqual(['VH-4/2026', 'VH-5/2026']);
    const byChannel = await deliveryStatistics(database.db, new Date('2026-11-01'), new Date('2026-12-01'), 'CHANNEL');
    expect(byChannel).toEqual([
      { key: 'ELECTRONIC', total: 3, electronic: 3, print: 0, failed: 0, electronicShare: 1 },
      { key: 'PRINT', total: 2, electronic: 0, print: 2, failed: 0, electronicShare: 0 },
    ]);
    const byType = await deliveryStatistics(database.db, new Date('2026-11-01'), new Date('2026-12-01'), 'MESSAGE_TYPE');
    expect(byType.map((r) => [r.key, r.total])).toEqual([['100', 4], ['103', 1]]);
    // 31 days later the payloads of handed-off deliveries are gone; after a year the deliveries too.
    const r1 = await enforceRetention(database.db, new Date(clock.now().getTime() + 31 * DAY), { payloadDays: 30, metadataDays: 365 });
    expect(r1).toEqual({ ran: true, payloadsRemoved: 5, deliveriesRemoved: 0 });
    expect((await findDelivery(database.db, all[0]!.id)).payload).toBeNull();
    const r2 = await enforceRetention(database.db, new Date(clock.now().getTime() + 366 * DAY), { payloadDays: 30, metadataDays: 365 });
    expect(r2).toMatchObject({ ran: true, deliveriesRemoved: 5 });
    expect(await listDeliveries(database.db, admin, { limit: 100 })).toEqual([]);
  });

  it("notifies the sender's webhook on each status change, signed, retried when it fails", async () => {
    const secret = 'a-long-webhook-secret-123';
    const got: { status: string; deliveryId: string }[] = [];
    let fail = true;
    const hook = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const ts = String(req.headers['x-bv-timestamp']);
        if (req.headers['x-bv-signature'] !== sign(secret, ts, body)) return void res.writeHead(401).end();
        if (fail) return void res.writeHead(500).end();
        got.push(JSON.parse(body));
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    try {
      const ctx = makeServiceContext({ db: database.db, clock, principal: admin, actor: testActor, directory });
      const sender = (await directory.get()).authoritiesByKey.get('ags:05766044')!;
      await updateAuthority(ctx, 'ags:05766044', sender.version, { webhookUrl: `http://127.0.0.1:${(hook.address() as { port: number }).port}/hook`, webhookSecret: secret });
      const log = await queryRows<{ after: { webhookSecret: string } }>(database.db, sql`select after from audit_log where entity_id = 'ags:05766044' order by id desc limit 1`);
      expect(log[0]!.after.webhookSecret).toBe('[redacted]');
      const d = await send(20);
      await dispatchOnce(database.db, clock, adapters(), settings);
      expect(await sendWebhooksOnce(database.db, clock)).toBe(2); // PENDING and HANDED_OFF, both refused by the hook
      expect(got).toEqual([]);
      fail = false;
      expect(await sendWebhooksOnce(database.db, clock)).toBe(0); // not due yet: backoff
      clock.advance(10 * 60_000);
      expect(await sendWebhooksOnce(database.db, clock)).toBe(2);
      expect(got.map((g) => [g.deliveryId, g.status])).toEqual([[d.id, 'PENDING'], [d.id, 'HANDED_OFF']]);
      expect(await sendWebhooksOnce(database.db, clock)).toBe(0);
    } finally {
      hook.close();
    }
  });

  it('posts print jobs to the print centre when a URL is configured: letter and manifest as multipart, retried on failure', async () => {
    const jobs: { headers: http.IncomingHttpHeaders; manifest: Record<string, unknown>; letter: Buffer }[] = [];
    let status = 503;
    const centre = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', async () => {
        if (status !== 201) return void res.writeHead(status).end();
        const form = await new Response(Buffer.concat(chunks), { headers: { 'content-type': String(req.headers['content-type']) } }).formData();
        const manifest = JSON.parse(await (form.get('manifest') as Blob).text());
        jobs.push({ headers: req.headers, manifest, letter: Buffer.from(await (form.get('letter') as Blob).arrayBuffer()) });
        res.writeHead(201).end();
      });
    });
    await new Promise<void>((r) => centre.listen(0, '127.0.0.1', r));
    try {
      const centerUrl = `http://127.0.0.1:${(centre.address() as { port: number }).port}/jobs`;
      const posting = { ...adapters(), PRINT: printAdapter(() => directory.get(), clock, { spoolDir: spool, centerUrl, centerToken: 'print-token', timeoutMs: 2000 }) };
      const d = await send(30, { messageType: '103' });
      await dispatchOnce(database.db, clock, posting, settings);
      expect(await findDelivery(database.db, d.id)).toMatchObject({ status: 'RETRYING', channel: 'PRINT' });
      status = 201;
      clock.advance(10_000);
      await dispatchOnce(database.db, clock, posting, settings);
      expect(await findDelivery(database.db, d.id)).toMatchObject({ status: 'HANDED_OFF' });
      expect((await attemptsOf(database.db, d.id)).map((a) => a.detail)).toEqual(['print centre answered HTTP 503', 'posted to the print centre (HTTP 201)']);
      expect(jobs).toHaveLength(1);
      expect(jobs[0]!.headers).toMatchObject({ 'x-delivery-id': d.id, 'idempotency-key': d.id, authorization: 'Bearer print-token' });
      expect(jobs[0]!.manifest).toMatchObject({ deliveryId: d.id, messageType: '103', reference: 'VH-30/2026', recipient: { lines: ['Detmold', 'Marktplatz 5', '32756 Detmold'] } });
      const letter = await readPdf(jobs[0]!.letter);
      expect(letter.pages[0]!.map((t) => t.text)).toEqual(expect.arrayContaining(['32756 Detmold', 'VH-30/2026', 'XAmtshilfe 103']));
      expect(fs.existsSync(path.join(spool, `${d.id}.json`))).toBe(false); // posted, not spooled
    } finally {
      centre.close();
    }
  });

  it('a delivery whose attempts run out ends FAILED, and its reasons say why', async () => {
    const centre = http.createServer((_req, res) => void res.writeHead(503).end());
    await new Promise<void>((r) => centre.listen(0, '127.0.0.1', r));
    try {
      const centerUrl = `http://127.0.0.1:${(centre.address() as { port: number }).port}/jobs`;
      const refusing = { ...adapters(), PRINT: printAdapter(() => directory.get(), clock, { spoolDir: spool, centerUrl, timeoutMs: 2000 }) };
      const d = await send(40, { messageType: '103' });
      for (let i = 0; i < 3; i++) {
        await dispatchOnce(database.db, clock, refusing, settings);
        clock.advance(60_000);
      }
      const failed = await findDelivery(database.db, d.id);
      expect(failed).toMatchObject({ status: 'FAILED', attempts: 3 });
      expect((failed.decision as { reasons: string[] }).reasons.at(-1)).toBe('Failed after 3 attempts; the last: print centre answered HTTP 503');
    } finally {
      centre.close();
    }
  });

  it('a CLIENT may only send as its own authority; bad input is refused', async () => {
    const client = { subject: 'fv', role: 'CLIENT' as const, scope: 'ags:05766044' };
    await expect(dispatch(makeServiceContext({ db: database.db, clock, principal: client, actor: testActor, directory }), message(6, { senderKey: 'ags:05766020' }) as never, { maxPayloadBytes: 1024 })).rejects.toThrow(/may only send as its own authority/);
    await expect(dispatch(makeServiceContext({ db: database.db, clock, principal: client, actor: testActor, directory }), message(7, { payload: Buffer.alloc(2048).toString('base64') }) as never, { maxPayloadBytes: 1024 })).rejects.toThrow(/2048 bytes exceed the limit of 1024/);
    await expect(dispatch(makeServiceContext({ db: database.db, clock, principal: client, actor: testActor, directory }), message(8, { recipientKey: null, recipient: { postalCode: '22113' } }) as never, { maxPayloadBytes: 1024 })).rejects.toThrow(/AMBIGUOUS/);
  });
});

const pg = engines().find((e) => e.name === 'postgres');
describe.skipIf(!pg)('two dispatchers on one PostgreSQL [postgres]', () => {
  it('hand each of 1,000 deliveries off exactly once', async () => {
    const fresh = await pg!.url!();
    const a = await openPostgres(fresh.url, 4);
    const b = await openPostgres(fresh.url, 4);
    const clock = new ManualClock('2026-11-22T10:00:00Z');
    const rx = await receiver();
    try {
      const s = await setUp(a, clock, rx.url);
      await rx.setKey(s.privateJwk);
      for (let n = 0; n < 1000; n++) await dispatch(makeServiceContext({ db: a.db, clock, principal: admin, actor: testActor, directory: s.directory }), message(10_000 + n) as never, { maxPayloadBytes: 1024 });
      const dirB = new Directory(b, { pollMs: 0 });
      const mk = (db: Database, dir: Directory, name: string) => ({
        db,
        adapters: { ELECTRONIC: transportAdapter(db.db, () => dir.get(), clock, 5000) },
        settings: { name, batchSize: 25, leaseMs: 60_000, retry: exponentialRetry(3, 1000) },
      });
      const d1 = mk(a, s.directory, 'one');
      const d2 = mk(b, dirB, 'two');
      const drain = async (d: typeof d1) => {
        let total = 0;
        for (;;) {
          const n = await dispatchOnce(d.db.db, clock, d.adapters, d.settings);
          if (!n) return total;
          total += n;
        }
      };
      const [n1, n2] = await Promise.all([drain(d1), drain(d2)]);
      expect(n1 + n2).toBe(1000);
      expect(n1).toBeGreaterThan(0);
      expect(n2).toBeGreaterThan(0);
      const ids = rx.received.map((r) => r.headers['x-delivery-id']);
      expect(ids).toHaveLength(1000);
      expect(new Set(ids).size).toBe(1000);
      const [{ n }] = (await queryRows<{ n: number }>(a.db, sql`select count(*)::int as n from deliveries where status = 'HANDED_OFF'`)) as [{ n: number }];
      expect(Number(n)).toBe(1000);
      await dirB.stop();
    } finally {
      await rx.close();
      await a.close();
      await b.close();
      await fresh.drop();
    }
  }, 120_000);
});

