// Input objects written inline in a query reach the services as ordinary objects, as from variables:
// the README's dispatch example, pasted as it is, once crashed when its recipient was stored as JSON.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Database } from '../src/db/client.js';
import { ManualClock } from '../src/lib/clock.js';
import { gql, makeKeys, testApp, token, type TestKeys } from './helpers/app.js';
import { forEachEngine } from './helpers/engines.js';
import { setUp } from './helpers/network.js';
import type { Directory } from '../src/modules/directory/directory.js';
import { plain } from '../src/graphql/plain-args.js';
import { makeServiceContext } from '../src/modules/directory/context.js';
import { createJurisdiction } from '../src/modules/jurisdictions/jurisdictions.service.js';
import { testActor } from './helpers/fixtures.js';

const admin = { subject: 'admin', role: 'ADMIN' as const, scope: null };

const README_DISPATCH = `mutation { dispatch(input: { idempotencyKey: "fv-2026-000123", senderKey: "ags:05766044", messageType: "100",
    recipient: { address: { street: "Marktplatz", houseNumber: "5", postalCode: "32756", city: "Detmold" } },
    reference: "VH-123/2026", payload: "PHhhbXRzaGlsZmUuMTAwLz4=", fileName: "ersuchen.xml", contentType: "application/xml" }) {
  id status channel recipientKey } }`;

forEachEngine('input objects written inline', (engine) => {
  let database: Database;
  let directory: Directory;
  let keys: TestKeys;
  const clock = new ManualClock('2026-11-22T10:00:00Z');

  beforeAll(async () => {
    database = await engine.open();
    directory = (await setUp(database, clock, 'http://127.0.0.1:9/xta')).directory;
    const ctx = makeServiceContext({ db: database.db, clock, principal: admin, actor: testActor, directory });
    await createJurisdiction(ctx, { authorityKey: 'ags:05766020', scope: { level: 'MUNICIPALITY', key: '05766020' } } as never);
    keys = await makeKeys();
  });
  afterAll(async () => database?.close());

  it("the README's dispatch with an inline recipient address is accepted and stored, and answers as with variables", async () => {
    const app = testApp(database, clock, keys, ['ES256'], { directory });
    const bearer = await token(keys, { role: 'CLIENT', scope: 'ags:05766044' });
    const inline = await gql(app, README_DISPATCH, {}, bearer);
    expect(inline.body.errors, JSON.stringify(inline.body.errors)).toBeUndefined();
    expect(inline.body.data!.dispatch).toMatchObject({ status: 'PENDING', channel: 'ELECTRONIC', recipientKey: 'ags:05766020' });
    // The same request with variables is the same delivery (same idempotency key, same content).
    const withVariables = await gql(
      app,
      'mutation($i: DispatchInput!) { dispatch(input: $i) { id } }',
      { i: { idempotencyKey: 'fv-2026-000123', senderKey: 'ags:05766044', messageType: '100', recipient: { address: { street: 'Marktplatz', houseNumber: '5', postalCode: '32756', city: 'Detmold' } }, reference: 'VH-123/2026', payload: 'PHhhbXRzaGlsZmUuMTAwLz4=', fileName: 'ersuchen.xml', contentType: 'application/xml' } },
      bearer,
    );
    expect(withVariables.body.errors).toBeUndefined();
    expect(withVariables.body.data!.dispatch.id).toBe(inline.body.data!.dispatch.id);
  });
});

it('plain copies prototype-less objects deeply and leaves arrays, dates and scalars as they are', () => {
  const bare = Object.assign(Object.create(null), { a: Object.assign(Object.create(null), { b: [Object.assign(Object.create(null), { c: 1 })] }), d: new Date(0), e: null });
  const copy = plain(bare) as { a: { b: { c: number }[] }; d: Date; e: null };
  expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
  expect(Object.getPrototypeOf(copy.a)).toBe(Object.prototype);
  expect(Object.getPrototypeOf(copy.a.b[0])).toBe(Object.prototype);
  expect(copy).toEqual({ a: { b: [{ c: 1 }] }, d: new Date(0), e: null });
  expect(copy.d).toBeInstanceOf(Date);
});
