// Signed hand-offs end to end: the reference receiver as its own process (`npm run cli -- receive`),
// the server in-process over real HTTP on loopback, real JWE, JWS and receipts. The receiver checks
// the signature against the server's published keys before it decrypts anything, refuses forged,
// unsigned, expired, mis-addressed and replayed requests and stores nothing for them; a receipt makes
// the delivery DELIVERED, the recipient then accepts or rejects it, and the sender hears of each step.
// The server's signing key is rotated while the receiver holds the old key set. On every engine.
import 'reflect-metadata';
import { createHash, createPrivateKey, generateKeyPairSync, randomBytes, randomUUID, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { calculateJwkThumbprint, decodeJwt, decodeProtectedHeader, exportJWK, SignJWT } from 'jose';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { App } from '../src/app/app.js';
import { queryRows, type Database } from '../src/db/client.js';
import { certificates, dataCenters } from '../src/db/schema.js';
import { ManualClock } from '../src/lib/clock.js';
import { updateAuthority } from '../src/modules/authorities/authorities.service.js';
import { makeServiceContext } from '../src/modules/directory/context.js';
import type { Directory } from '../src/modules/directory/directory.js';
import { findDelivery, attemptsOf } from '../src/modules/delivery/deliveries.service.js';
import { dispatchOnce } from '../src/modules/delivery/dispatcher.js';
import { inProcess, type Offload, type Sealed } from '../src/modules/delivery/handoff.tasks.js';
import { dispatch } from '../src/modules/delivery/intake.service.js';
import { printAdapter } from '../src/modules/delivery/print.adapter.js';
import type { Receipt } from '../src/modules/delivery/receipt.js';
import { loadSigningKeys, type HandoffKeys } from '../src/modules/delivery/signing-keys.js';
import { transportAdapter } from '../src/modules/delivery/transport.adapter.js';
import { sendWebhooksOnce, sign } from '../src/modules/delivery/webhooks.js';
import { updateDataCenter } from '../src/modules/tenants/tenants.service.js';
import { gql, makeKeys, testApp, token, type TestKeys } from './helpers/app.js';
import { forEachEngine } from './helpers/engines.js';
import { testActor } from './helpers/fixtures.js';
import { setUp } from './helpers/network.js';
import { startReceiver, type ReceiverProcess } from './helpers/processes.js';
import { exponentialRetry } from '../src/modules/delivery/retry.js';

const admin = { subject: 'admin', role: 'ADMIN' as const, scope: null };
const HOOK_SECRET = 'a-long-webhook-secret-123';
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

/** The receiver checks times against the real clock: so does the server here. */
class RealTime extends ManualClock {
  override now(): Date {
    return new Date();
  }
}

function writeKey(dir: string, name: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  return file;
}

async function serveAt(app: App, port = 0) {
  const server = http.createServer(app.handle);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const bound = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${bound}`,
    port: bound,
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

/** A webhook receiver on loopback that checks each notification's signature. */
async function webhook() {
  const got: Record<string, string>[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      if (req.headers['x-bv-signature'] !== sign(HOOK_SECRET, String(req.headers['x-bv-timestamp']), body)) return void res.writeHead(401).end();
      got.push(JSON.parse(body));
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { got, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const DELIVERY = `query($id: ID!) { delivery(id: $id) { id status deliveredAt receipt { receivedAt payloadSha256 } acknowledgement { outcome reason at } attempts { ok detail } } }`;
const ACK = `mutation($id: ID!, $outcome: DeliveryOutcome!, $reason: String) { acknowledgeDelivery(id: $id, outcome: $outcome, reason: $reason) { id status acknowledgement { outcome reason } } }`;

forEachEngine('signed hand-offs to the reference receiver', (engine) => {
  const clock = new RealTime(new Date());
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bv-signing-'));
  const inbox = path.join(work, 'inbox');
  const spool = path.join(work, 'spool');
  let database: Database;
  let directory: Directory;
  let jwtKeys: TestKeys;
  let keys: HandoffKeys;
  let keyFileA: string;
  let app: App;
  let server: Awaited<ReturnType<typeof serveAt>>;
  let rx: ReceiverProcess;
  let hook: Awaited<ReturnType<typeof webhook>>;
  const bearer: Record<string, string> = {};
  const ids: Record<string, string> = {};
  /** every signed hand-off the server sent, exactly as sent */
  const sent: string[] = [];
  const capture: Offload = {
    run: (task, input, signal) =>
      inProcess.run(task, input, signal).then((result) => {
        if (task === 'seal') sent.push((result as Sealed).token);
        return result;
      }),
  };
  const adapters = (signing = keys) => ({
    ELECTRONIC: transportAdapter(database.db, () => directory.get(), clock, 10_000, { keys: signing, offload: capture }),
    PRINT: printAdapter(() => directory.get(), clock, { spoolDir: spool, timeoutMs: 10_000 }),
  });
  const settings = { name: 'signing-test', batchSize: 10, leaseMs: 60_000, retry: exponentialRetry(3, 1000) };
  let n = 0;
  const send = (payload: Buffer, extra: Record<string, string> = {}) =>
    dispatch(
      makeServiceContext({ db: database.db, clock, principal: admin, actor: testActor, directory }),
      { idempotencyKey: `signing-${++n}-${randomUUID()}`, senderKey: 'ags:05766044', messageType: '100', recipientKey: 'ags:05766020', reference: `VH-${n}/2026`, payload: payload.toString('base64'), fileName: `ersuchen-${n}.bin`, contentType: 'application/octet-stream', ...extra },
      { maxPayloadBytes: 1024 * 1024 },
    );
  const startServer = async (port?: number) => {
    app = testApp(database, clock, jwtKeys, ['ES256'], { directory, handoffJwks: keys.jwks, handoff: { keys, issuer: 'urn:behoerdenverzeichnis' } });
    server = await serveAt(app, port);
  };
  const stored = () => fs.readdirSync(inbox).filter((f) => !f.startsWith('.')).sort();
  const read = async (query: string, who: string, variables: Record<string, unknown>) => gql(app, query, variables, bearer[who]);

  beforeAll(async () => {
    database = await engine.open();
    jwtKeys = await makeKeys();
    const net = await setUp(database, clock, 'http://127.0.0.1:9/xta'); // the endpoint follows once the receiver listens
    directory = net.directory;
    keyFileA = writeKey(work, 'server-a.pem');
    keys = await loadSigningKeys([keyFileA]);
    await startServer();
    // The data centre's encryption key and certificate, as the receiver holds them.
    const dcKey = path.join(work, 'dc-key.pem');
    const dcCert = path.join(work, 'dc-cert.pem');
    fs.writeFileSync(dcKey, createPrivateKey({ key: { ...net.privateJwk, key_ops: undefined, ext: undefined } as never, format: 'jwk' }).export({ type: 'pkcs8', format: 'pem' }));
    fs.writeFileSync(dcCert, (await database.db.select({ pem: certificates.pem }).from(certificates))[0]!.pem);
    rx = await startReceiver(['--key', dcKey, '--cert', dcCert, '--dir', inbox, '--server', server.url, '--audience', 'ags:05766020']);
    const ctx = makeServiceContext({ db: database.db, clock, principal: admin, actor: testActor, directory });
    const [dc] = await database.db.select().from(dataCenters).where(eq(dataCenters.code, 'krz'));
    await updateDataCenter(ctx, 'krz', dc!.version, { endpoints: [rx.url] });
    hook = await webhook();
    const sender = (await directory.get()).authoritiesByKey.get('ags:05766044')!;
    await updateAuthority(ctx, 'ags:05766044', sender.version, { webhookUrl: hook.url, webhookSecret: HOOK_SECRET });
    await directory.reload();
    const t = (role: string, scope?: string) => token(jwtKeys, { role, scope, sub: `${role}:${scope ?? '-'}` });
    Object.assign(bearer, {
      ADMIN: await t('ADMIN'),
      SENDER: await t('CLIENT', 'ags:05766044'),
      RECIPIENT: await t('CLIENT', 'ags:05766020'),
      DATA_CENTER: await t('DATA_CENTER', 'krz'),
      STRANGER: await t('CLIENT', 'ags:05766008'),
      OTHER_DATA_CENTER: await t('DATA_CENTER', 'other'),
    });
  }, 120_000);
  afterAll(async () => {
    await rx?.stop();
    await server?.close();
    await hook?.close();
    await database?.close();
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('delivers: the payload arrives byte for byte, and the verified receipt makes it DELIVERED', async () => {
    const payload = Buffer.concat([randomBytes(8192), Buffer.from([0, 0xff, 0xfe, 0x0a])]);
    const reference = 'VH-1/2026 Müller & Söhne; "ä" 100%';
    const d = await send(payload, { reference });
    ids.first = d.id;
    expect(await dispatchOnce(database.db, clock, adapters(), settings)).toBe(1);
    const row = await findDelivery(database.db, d.id);
    expect(row.status).toBe('DELIVERED');
    const receipt = row.receipt as Receipt;
    expect(receipt).toMatchObject({ payloadSha256: sha256(payload), receiver: 'CN=xta.krz.test', jti: decodeJwt(sent[0]!).jti });
    expect((await attemptsOf(database.db, d.id))[0]!.detail).toMatch(/; receipt verified$/);

    expect(stored()).toEqual([d.id]);
    const folder = path.join(inbox, d.id);
    expect(fs.readFileSync(path.join(folder, 'payload')).equals(payload)).toBe(true);
    expect(JSON.parse(fs.readFileSync(path.join(folder, 'metadata.json'), 'utf8'))).toMatchObject({
      iss: 'urn:behoerdenverzeichnis',
      aud: 'ags:05766020',
      delivery_id: d.id,
      sender: 'ags:05766044',
      recipient: 'ags:05766020',
      message_type: '100',
      reference,
      file_name: 'ersuchen-1.bin',
      content_type: 'application/octet-stream',
      payload_sha256: sha256(payload),
      payload_bytes: payload.length,
    });
    expect(fs.readFileSync(path.join(folder, 'receipt.jwt'), 'utf8')).toBe(receipt.token);
    expect(decodeProtectedHeader(sent[0]!)).toEqual({ alg: 'ES256', kid: keys.active.kid, typ: 'xamt-handoff+jwt' });
  });

  it('a second attempt of the same delivery (a new jti) stores nothing new and gets the first receipt', async () => {
    const folder = path.join(inbox, ids.first!);
    const before = fs.statSync(path.join(folder, 'receipt.jwt')).mtimeMs;
    const first = (await findDelivery(database.db, ids.first!)).receipt as Receipt;
    const again = await adapters().ELECTRONIC.handOff(await findDelivery(database.db, ids.first!));
    expect(decodeJwt(sent.at(-1)!).jti).not.toBe(decodeJwt(sent[0]!).jti);
    expect(again).toMatchObject({ receipt: { token: first.token } });
    expect(stored()).toEqual([ids.first]);
    expect(fs.statSync(path.join(folder, 'receipt.jwt')).mtimeMs).toBe(before);
  });

  it("a data centre's endpoint test is a signed hand-off the receiver verifies, decrypts and receipts, and does not store", async () => {
    const before = stored();
    const res = await read('mutation($c: String!) { testDataCenterEndpoint(dataCenterCode: $c) { ok httpStatus detail testId } }', 'DATA_CENTER', { c: 'krz' });
    expect(res.body.errors).toBeUndefined();
    const r = res.body.data!.testDataCenterEndpoint;
    // The receiver serves only ags:05766020 (--audience), yet takes the test addressed to its data centre.
    expect(r).toMatchObject({ ok: true, httpStatus: 200, detail: 'endpoint answered HTTP 200; receipt verified' });
    expect(stored()).toEqual(before);
    expect(fs.existsSync(path.join(inbox, r.testId))).toBe(false);
  });

  it('rotation: a new key first, the old one still published; the receiver holding the old key set takes both', async () => {
    const keyFileB = writeKey(work, 'server-b.pem');
    const old = keys;
    keys = await loadSigningKeys([keyFileB, keyFileA]);
    // The server restarts with the rotated keys at the same address.
    await server.close();
    await startServer(server.port);
    const published = (await (await fetch(`${server.url}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] };
    expect(published.keys.map((k) => k.kid)).toEqual([keys.active.kid, old.active.kid]);

    const after = await send(Buffer.from('<nach der Rotation/>'));
    await dispatchOnce(database.db, clock, adapters(), settings);
    expect(decodeProtectedHeader(sent.at(-1)!).kid).toBe(keys.active.kid);
    expect((await findDelivery(database.db, after.id)).status).toBe('DELIVERED');
    // A hand-off signed with the old key just before the rotation still verifies.
    const inFlight = await send(Buffer.from('<vor der Rotation signiert/>'));
    await dispatchOnce(database.db, clock, adapters(old), settings);
    expect(decodeProtectedHeader(sent.at(-1)!).kid).toBe(old.active.kid);
    expect((await findDelivery(database.db, inFlight.id)).status).toBe('DELIVERED');
    const failed = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from delivery_attempts where not ok`);
    expect(Number(failed[0]!.n)).toBe(0);
    Object.assign(ids, { afterRotation: after.id, inFlight: inFlight.id });
  });

  it('refuses replayed, unsigned, forged, tampered, expired and mis-addressed requests, and stores nothing', async () => {
    const before = stored();
    const post = async (body: string, headers: Record<string, string> = {}) => {
      const res = await fetch(rx.url, { method: 'POST', headers: { 'content-type': 'application/jwt', 'x-handoff-version': '1', ...headers }, body });
      return { status: res.status, type: ((await res.json()) as { type: string }).type.replace('urn:xamt:handoff:problem:', '') };
    };
    const now = Math.floor(Date.now() / 1000);
    const claims = (over: Record<string, unknown> = {}) => ({ ...decodeJwt(sent[0]!), jti: randomUUID(), delivery_id: randomUUID(), iat: now, exp: now + 300, ...over });
    const signed = (key: KeyObject, kid: string, c: Record<string, unknown> = claims()) =>
      new SignJWT(c).setProtectedHeader({ alg: 'ES256', kid, typ: 'xamt-handoff+jwt' }).sign(key);
    const real = createPrivateKey(keys.active.pkcs8);
    const stranger = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const strangerKid = await calculateJwkThumbprint(await exportJWK(stranger));
    const tampered = sent[1]!.split('.');
    tampered[1] = b64({ ...decodeJwt(sent[1]!), reference: 'VH-geändert' });

    expect(await post(sent[0]!)).toEqual({ status: 409, type: 'replay' }); // captured and sent again
    expect(await post(`${b64({ alg: 'none', typ: 'xamt-handoff+jwt' })}.${b64(claims())}.`)).toEqual({ status: 401, type: 'unsigned' });
    expect(await post(String(decodeJwt(sent[0]!).jwe))).toEqual({ status: 400, type: 'malformed' }); // the bare JWE of old
    expect(await post(await signed(stranger, keys.active.kid))).toEqual({ status: 401, type: 'signature' }); // under the server's kid
    expect(await post(await signed(stranger, strangerKid))).toEqual({ status: 401, type: 'unknown-key' }); // its own kid: not published
    expect(await post(tampered.join('.'))).toEqual({ status: 401, type: 'signature' });
    expect(await post(await signed(real, keys.active.kid, claims({ iat: now - 3600, exp: now - 3300 })))).toEqual({ status: 401, type: 'expired' });
    expect(await post(await signed(real, keys.active.kid, claims({ aud: 'ags:05766008', recipient: 'ags:05766008' })))).toEqual({ status: 403, type: 'audience' });
    expect(await post(await signed(real, keys.active.kid, claims({ iss: 'urn:somebody-else' })))).toEqual({ status: 403, type: 'issuer' });
    expect(await post(await signed(real, keys.active.kid), { 'content-type': 'application/jose' })).toEqual({ status: 415, type: 'media-type' });
    expect(await post(await signed(real, keys.active.kid), { 'x-handoff-version': '2' })).toEqual({ status: 400, type: 'version' });

    expect(stored()).toEqual(before);
    expect(fs.readdirSync(inbox).filter((f) => f.startsWith('.tmp-'))).toEqual([]);
    // Each refusal is one line of the receiver's log.
    expect(rx.lines().filter((l) => l.status === 409).length).toBeGreaterThanOrEqual(1);
  });

  it('the sender sees DELIVERED; the recipient accepts or rejects it once, with a reason to reject; the webhook tells each step', async () => {
    const mine = await read(DELIVERY, 'SENDER', { id: ids.first });
    expect(mine.body.data!.delivery).toMatchObject({ status: 'DELIVERED', receipt: { payloadSha256: expect.stringMatching(/^[0-9a-f]{64}$/) }, acknowledgement: null });
    expect(mine.body.data!.delivery.attempts[0].detail).toBe("handed off to the recipient's data centre (HTTP 200), receipt verified");
    const token = await read(`query($id: ID!) { delivery(id: $id) { receipt { token } } }`, 'SENDER', { id: ids.first });
    expect(token.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN'); // the receipt names the certificate: ADMIN only

    const ack = async (who: string, id: string, outcome: string, reason?: string) => (await read(ACK, who, { id, outcome, reason })).body;
    expect((await ack('STRANGER', ids.first!, 'ACCEPTED')).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect((await ack('OTHER_DATA_CENTER', ids.first!, 'ACCEPTED')).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect((await ack('SENDER', ids.first!, 'ACCEPTED')).errors?.[0]?.extensions?.code).toBe('NOT_FOUND'); // the sender is not the recipient
    expect((await ack('RECIPIENT', ids.first!, 'REJECTED', '   ')).errors?.[0]).toMatchObject({ message: 'reason: is required to reject a delivery: say why', extensions: { code: 'BAD_USER_INPUT' } });
    expect((await ack('RECIPIENT', ids.first!, 'ACCEPTED')).data!.acknowledgeDelivery).toMatchObject({ status: 'ACCEPTED', acknowledgement: { outcome: 'ACCEPTED', reason: null } });
    expect((await ack('DATA_CENTER', ids.first!, 'REJECTED', 'zu spät')).errors?.[0]?.extensions?.code).toBe('CONFLICT'); // once only
    const rejected = await ack('DATA_CENTER', ids.afterRotation!, 'REJECTED', 'Aktenzeichen unbekannt');
    expect(rejected.data!.acknowledgeDelivery).toMatchObject({ status: 'REJECTED', acknowledgement: { outcome: 'REJECTED', reason: 'Aktenzeichen unbekannt' } });
    expect((await read(DELIVERY, 'SENDER', { id: ids.afterRotation })).body.data!.delivery).toMatchObject({ status: 'REJECTED', acknowledgement: { outcome: 'REJECTED', reason: 'Aktenzeichen unbekannt' } });

    const audit = await queryRows<{ actor: string; after: { status: string } }>(database.db, sql`select actor, after from audit_log where action = 'ACKNOWLEDGE_DELIVERY' order by id`);
    expect(audit.map((a) => [a.actor, a.after.status])).toEqual([['CLIENT:ags:05766020', 'ACCEPTED'], ['DATA_CENTER:krz', 'REJECTED']]);

    while ((await sendWebhooksOnce(database.db, clock)) > 0);
    const told = (id: string) => hook.got.filter((g) => g.deliveryId === id).map((g) => (g.reason ? `${g.status}: ${g.reason}` : g.status));
    expect(told(ids.first!)).toEqual(['PENDING', 'DELIVERED', 'ACCEPTED']);
    expect(told(ids.afterRotation!)).toEqual(['PENDING', 'DELIVERED', 'REJECTED: Aktenzeichen unbekannt']);
  });

  it('only a DELIVERED or HANDED_OFF delivery can be acknowledged: a printed one can, a pending one cannot', async () => {
    const pending = await send(Buffer.from('<noch nicht/>'));
    const ack = async (id: string) => (await read(ACK, 'RECIPIENT', { id, outcome: 'ACCEPTED' })).body;
    expect((await ack(pending.id)).errors?.[0]).toMatchObject({ message: `Delivery ${pending.id} is PENDING; only a DELIVERED or HANDED_OFF delivery can be acknowledged`, extensions: { code: 'CONFLICT' } });
    const printed = await send(Buffer.from('<Papier/>'), { messageType: '103' });
    await dispatchOnce(database.db, clock, adapters(), settings);
    expect((await findDelivery(database.db, printed.id)).status).toBe('HANDED_OFF');
    expect((await ack(printed.id)).data!.acknowledgeDelivery).toMatchObject({ status: 'ACCEPTED' });
  });
});
