// What a CLIENT reads of routing and of its deliveries: the channel and why, without a data centre's
// internals (endpoint URLs, status, certificates and revocation reasons) or the server's (spool
// path, dispatcher names). ADMIN and the data centre itself read everything. On every engine.
import 'reflect-metadata';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app/app.js';
import type { Database } from '../src/db/client.js';
import { ManualClock } from '../src/lib/clock.js';
import { revokeCertificate } from '../src/modules/certificates/certificates.service.js';
import { makeServiceContext } from '../src/modules/directory/context.js';
import { DATA_CENTRE_UNAVAILABLE } from '../src/modules/directory/delivery-decision.js';
import type { Directory } from '../src/modules/directory/directory.js';
import { dispatchOnce } from '../src/modules/delivery/dispatcher.js';
import type { DispatcherSettings } from '../src/modules/delivery/outbox.js';
import { exponentialRetry } from '../src/modules/delivery/retry.js';
import { printAdapter } from '../src/modules/delivery/print.adapter.js';
import { transportAdapter } from '../src/modules/delivery/transport.adapter.js';
import { publicAttemptDetail, publicDeliveryReasons, WITHHELD } from '../src/modules/routing/disclosure.js';
import { createJurisdiction } from '../src/modules/jurisdictions/jurisdictions.service.js';
import { createDataCenter, createTenant } from '../src/modules/tenants/tenants.service.js';
import { gql, makeKeys, testApp, token } from './helpers/app.js';
import { forEachEngine } from './helpers/engines.js';
import { testActor } from './helpers/fixtures.js';
import { receiver, setUp } from './helpers/network.js';

const admin = { subject: 'admin', role: 'ADMIN' as const, scope: null };
const DELIVERY = `query($id: ID!) { delivery(id: $id) { id status channel reasons attempts { channel ok detail } } }`;
const DISPATCH = `mutation($input: DispatchInput!) { dispatch(input: $input) { id channel reasons } }`;
const ROUTE = `{ route(input: { recipientKey: "ags:05766020", messageType: "100" }) { channel reasons transport { recipientKey } } }`;
const LOOKUP = `{ responsibleAuthority(input: { ags: "05766020", messageType: "100" }) { acceptsMessageType electronicDelivery { channel reasons } explanation
  authority { electronicDelivery(messageType: "100") { reasons } } } }`;
const PRINT_LINE = 'print to Marktplatz 5, 32756 Detmold';

forEachEngine('what a CLIENT reads of routing and deliveries', (engine) => {
  const clock = new ManualClock('2026-11-22T10:00:00Z');
  const spool = fs.mkdtempSync(path.join(os.tmpdir(), 'bv-spool-'));
  const settings: DispatcherSettings = { name: 'dispatcher-on-host-7', batchSize: 50, leaseMs: 60_000, retry: exponentialRetry(3, 1000) };
  let database: Database;
  let directory: Directory;
  let rx: Awaited<ReturnType<typeof receiver>>;
  let app: App;
  let thumbprint: string;
  const bearer: Record<string, string> = {};
  const ids: Record<string, string> = {};
  const adapters = (print = true) => ({
    ELECTRONIC: transportAdapter(database.db, () => directory.get(), clock, 5000),
    ...(print ? { PRINT: printAdapter(() => directory.get(), clock, { spoolDir: spool, timeoutMs: 5000 }) } : {}),
  });
  let n = 0;
  const send = async (messageType = '100') => {
    n++;
    const input = { idempotencyKey: `disclosure-${n}`, senderKey: 'ags:05766044', messageType, recipientKey: 'ags:05766020', reference: `VH-${n}`, payload: Buffer.from(`<m n="${n}"/>`).toString('base64'), fileName: 'm.xml', contentType: 'application/xml' };
    const r = await gql(app, DISPATCH, { input }, bearer.CLIENT);
    expect(r.body.errors, JSON.stringify(r.body.errors)).toBeUndefined();
    return r.body.data!.dispatch as { id: string; channel: string; reasons: string[] };
  };
  const read = async (query: string, who: string, variables: Record<string, unknown> = {}) => {
    const r = await gql(app, query, variables, bearer[who]);
    expect(r.body.errors, `${who}: ${JSON.stringify(r.body.errors)}`).toBeUndefined();
    return r.body.data!;
  };
  /** Nothing of the data centre's or the server's insides. */
  const clean = (data: unknown) => {
    const text = JSON.stringify(data);
    for (const secret of [rx.url, '127.0.0.1', spool, os.tmpdir(), thumbprint, thumbprint.slice(0, 16), 'dispatcher-on-host-7', 'key compromise', 'revoked', 'inactive', 'encryption certificate', 'valid until']) {
      expect(text, secret).not.toContain(secret);
    }
  };

  beforeAll(async () => {
    database = await engine.open();
    rx = await receiver();
    const s = await setUp(database, clock, rx.url);
    await rx.setKey(s.privateJwk);
    directory = s.directory;
    thumbprint = s.thumbprint;
    const ctx = makeServiceContext({ db: database.db, clock, principal: admin, actor: testActor, directory });
    await createJurisdiction(ctx, { authorityKey: 'ags:05766020', scope: { level: 'MUNICIPALITY', key: '05766020' } } as never);
    await createDataCenter(ctx, { code: 'other', name: 'Other RZ' });
    await createTenant(ctx, { code: 'fremd', name: 'Fremd', dataCenterCode: 'other' });
    const keys = await makeKeys();
    app = testApp(database, clock, keys, ['ES256'], { directory });
    const t = (role: string, scope?: string) => token(keys, { role, scope, now: clock.now(), expiresIn: 86_400, sub: `${role}:${scope ?? '-'}` });
    Object.assign(bearer, {
      ADMIN: await t('ADMIN'),
      CLIENT: await t('CLIENT', 'ags:05766044'),
      OTHER_CLIENT: await t('CLIENT', 'ags:05766020'),
      DATA_CENTER: await t('DATA_CENTER', 'krz'),
      OTHER_DATA_CENTER: await t('DATA_CENTER', 'other'),
      TENANT_MANAGER: await t('TENANT_MANAGER', 'lippe'),
      FOREIGN_TENANT_MANAGER: await t('TENANT_MANAGER', 'fremd'),
    });
  });
  afterAll(async () => {
    await rx?.close();
    await database?.close();
    fs.rmSync(spool, { recursive: true, force: true });
  });

  it('attempts and reasons: ADMIN reads URL, spool path and certificate; the sender reads what happened without them', async () => {
    const electronic = await send('100');
    const print = await send('103');
    expect([electronic.channel, print.channel]).toEqual(['ELECTRONIC', 'PRINT']);
    expect(electronic.reasons).toEqual(['ags:05766020 accepts 100 electronically via data centre krz']);
    await dispatchOnce(database.db, clock, adapters(), settings);
    rx.setMode('fail');
    const failing = await send('100');
    await dispatchOnce(database.db, clock, adapters(false), { ...settings, retry: exponentialRetry(1, 1000) });
    rx.setMode('ok');
    Object.assign(ids, { electronic: electronic.id, print: print.id, failing: failing.id });

    const full = async (id: string) => (await read(DELIVERY, 'ADMIN', { id })).delivery;
    const mine = async (id: string) => (await read(DELIVERY, 'CLIENT', { id })).delivery;
    expect((await full(electronic.id)).attempts[0].detail).toBe(`handed off to ${rx.url} (HTTP 202), encrypted for ${thumbprint}; no valid receipt, so handed off, not delivered: the answer carries no receipt`);
    expect((await full(electronic.id)).reasons[0]).toMatch(/^ags:05766020 accepts 100 electronically via data centre krz \(certificate [0-9a-f]{16}…, valid until /);
    expect((await mine(electronic.id))).toMatchObject({
      status: 'HANDED_OFF',
      reasons: ['ags:05766020 accepts 100 electronically via data centre krz'],
      attempts: [{ channel: 'ELECTRONIC', ok: true, detail: "handed off to the recipient's data centre (HTTP 202) without a valid receipt" }],
    });
    expect((await full(print.id)).attempts[0].detail).toMatch(new RegExp(`^spooled to ${spool.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(\\d+ pages\\)$`));
    expect((await mine(print.id)).attempts[0].detail).toMatch(/^handed to the print centre \(\d+ pages\)$/);
    expect((await full(failing.id)).reasons.at(-1)).toBe('Failed after 1 attempts; the last: endpoint answered HTTP 503');
    expect(await mine(failing.id)).toMatchObject({
      status: 'FAILED',
      reasons: ['ags:05766020 accepts 100 electronically via data centre krz', "Failed after 1 attempts; the last: the recipient's data centre answered HTTP 503"],
      attempts: [{ ok: false, detail: "the recipient's data centre answered HTTP 503" }],
    });
    for (const id of Object.values(ids)) clean(await mine(id));
  });

  it("after a revocation: the channel for everyone, the certificate's story for ADMIN, the data centre and the tenant manager it hosts", async () => {
    const waiting = await send('100'); // decided ELECTRONIC, handed off after the revocation
    const krz = makeServiceContext({ db: database.db, clock, principal: { subject: 'krz', role: 'DATA_CENTER', scope: 'krz' }, actor: testActor, directory });
    const revokedAt = clock.now().toISOString();
    await revokeCertificate(krz, thumbprint, 'key compromise');
    const story = `encryption certificate of krz was revoked on ${revokedAt} (key compromise)`;

    for (const insider of ['ADMIN', 'DATA_CENTER', 'TENANT_MANAGER']) {
      expect((await read(ROUTE, insider)).route, insider).toEqual({ channel: 'PRINT', reasons: [story, PRINT_LINE], transport: null });
      const { responsibleAuthority: r } = await read(LOOKUP, insider);
      expect(r.electronicDelivery, insider).toEqual({ channel: 'PRINT', reasons: [story, PRINT_LINE] });
      expect(r.explanation.at(-1), insider).toContain(story);
      expect(r.authority.electronicDelivery.reasons, insider).toEqual([story, PRINT_LINE]);
    }
    for (const outsider of ['CLIENT', 'OTHER_DATA_CENTER', 'FOREIGN_TENANT_MANAGER']) {
      const route = (await read(ROUTE, outsider)).route;
      expect(route, outsider).toEqual({ channel: 'PRINT', reasons: [DATA_CENTRE_UNAVAILABLE, PRINT_LINE], transport: null });
      const lookup = await read(LOOKUP, outsider);
      expect(lookup.responsibleAuthority.electronicDelivery, outsider).toEqual({ channel: 'PRINT', reasons: [DATA_CENTRE_UNAVAILABLE, PRINT_LINE] });
      expect(lookup.responsibleAuthority.acceptsMessageType, outsider).toBe(false);
      expect(lookup.responsibleAuthority.explanation.at(-1), outsider).toContain(`${DATA_CENTRE_UNAVAILABLE}; ${PRINT_LINE}`);
      clean({ route, lookup });
    }

    // The waiting delivery is decided again at hand-off, and the sender reads why it was not sent.
    await dispatchOnce(database.db, clock, adapters(), settings);
    const adminView = (await read(DELIVERY, 'ADMIN', { id: waiting.id })).delivery;
    expect(adminView.attempts.at(-1).detail).toBe(`no longer deliverable electronically: ${story}; ${PRINT_LINE}`);
    const senderView = (await read(DELIVERY, 'CLIENT', { id: waiting.id })).delivery;
    expect(senderView.attempts.at(-1).detail).toBe(`no longer deliverable electronically: ${DATA_CENTRE_UNAVAILABLE}; ${PRINT_LINE}`);
    // Dispatched now it goes to print; its stored reasons read publicly for the sender.
    const later = await send('100');
    expect(later).toMatchObject({ channel: 'PRINT', reasons: [DATA_CENTRE_UNAVAILABLE, PRINT_LINE] });
    expect((await read(DELIVERY, 'ADMIN', { id: later.id })).delivery.reasons).toEqual([story, PRINT_LINE]);
    clean(senderView);
    clean((await read(DELIVERY, 'CLIENT', { id: later.id })).delivery);
  });

  it("delivery(id): another sender's delivery and an unknown id answer alike", async () => {
    const foreign = await gql(app, DELIVERY, { id: ids.electronic }, bearer.OTHER_CLIENT);
    const unknown = await gql(app, DELIVERY, { id: 'd-00000000-0000-0000-0000-000000000000' }, bearer.OTHER_CLIENT);
    expect(foreign.body).toEqual({ data: { delivery: null } });
    expect(unknown.body).toEqual(foreign.body);
    expect(unknown.status).toBe(foreign.status);
    expect((await read(DELIVERY, 'CLIENT', { id: ids.electronic })).delivery.id).toBe(ids.electronic);
    expect((await read(DELIVERY, 'ADMIN', { id: ids.electronic })).delivery.id).toBe(ids.electronic);
  });
});

describe('public wording of stored details', () => {
  const failed = (detail: string, channel = 'ELECTRONIC') => publicAttemptDetail({ channel, ok: false, detail });
  it('keeps what happened, drops names, paths and addresses', () => {
    expect(failed('did not finish: the lease of dispatcher-on-host-7 ran out at 2026-11-22T10:01:00.000Z without a booking (the dispatcher stopped or hung during the hand-off)')).toBe(
      'did not finish: the hand-off was interrupted at 2026-11-22T10:01:00.000Z (the server stopped or hung)',
    );
    expect(failed('endpoint answered HTTP 302 redirecting to https://evil.example/x; redirects are not followed')).toBe("the recipient's data centre answered HTTP 302, a redirect, which is not followed");
    expect(failed('endpoint unreachable: connect ECONNREFUSED 10.1.2.3:443')).toBe("the recipient's data centre could not be reached");
    expect(failed('print centre not contacted: http://10.0.0.1/jobs is in a private network')).toBe('the print centre was not contacted: its address is refused by the outbound policy');
    expect(failed('print centre did not answer within 5000 ms', 'PRINT')).toBe('the print centre did not answer within 5000 ms');
    const handed = 'handed off to https://xta.krz.example/osci (HTTP 200), encrypted for 3f0c';
    const ok = (detail: string) => publicAttemptDetail({ channel: 'ELECTRONIC', ok: true, detail });
    expect(ok(`${handed}; receipt verified`)).toBe("handed off to the recipient's data centre (HTTP 200), receipt verified");
    expect(ok(`${handed}; no valid receipt, so handed off, not delivered: the receipt does not count: x5t#S256 is not the certificate`)).toBe(
      "handed off to the recipient's data centre (HTTP 200) without a valid receipt",
    );
  });
  it('withholds what it does not recognise instead of guessing it safe', () => {
    expect(failed("EACCES: permission denied, open '/var/spool/bv/.x.pdf.tmp'", 'PRINT')).toBe(`the hand-off to the print centre failed; ${WITHHELD}`);
    expect(publicAttemptDetail({ channel: 'ELECTRONIC', ok: true, detail: 'something new at https://x.example' })).toBe("handed off to the recipient's data centre");
    expect(publicDeliveryReasons(['Quarantined after 3 hand-offs in a row that crashed, timed out or did not finish; the last: worker crashed at /srv/app/worker.js:12', 'a reason from a future version'])).toEqual([
      `Quarantined after 3 hand-offs in a row that crashed, timed out or did not finish; the last: the hand-off to the recipient's data centre failed; ${WITHHELD}`,
      WITHHELD,
    ]);
  });
});
