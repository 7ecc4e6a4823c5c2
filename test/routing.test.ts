// The routing decision over GraphQL, on every engine.
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import * as x509 from '@peculiar/x509';
import type { App } from '../src/app/app.js';
import type { Database } from '../src/db/client.js';
import { certificates } from '../src/db/schema.js';
import { describeCertificate } from '../src/modules/certificates/inspect.js';
import { certificateValues } from '../src/modules/certificates/certificates.service.js';
import { loadDemoSeed } from '../seed/load.js';
import { gql, makeKeys, reloadDirectoryOf, testApp, token } from './helpers/app.js';
import { forEachEngine } from './helpers/engines.js';
import { clock, testActor } from './helpers/fixtures.js';

const DAY = 86_400_000;
const ROUTE = `query($input: RouteInput!) { route(input: $input) { routed channel reasons authority { key }
  transport { endpointUrl recipientKey dataCenter { code } certificate { thumbprintSha256 pem } }
  postalAddress { street houseNumber poBox postalCode city } lookup { status candidates { municipality { ags } } } } }`;

forEachEngine('routing decision', (engine) => {
  let database: Database;
  let app: App;
  let admin: string;
  let client: string;
  let thumbprint: string;
  const c = clock();
  const start = c.now();
  // ADMIN reads every detail; what a CLIENT reads is in test/electronic-decision.test.ts.
  const route = async (input: Record<string, unknown>) => {
    const r = await gql(app, ROUTE, { input }, admin);
    expect(r.body.errors, JSON.stringify(r.body.errors)).toBeUndefined();
    return r.body.data!.route;
  };
  const detmold = { address: { street: 'Marktplatz', houseNumber: '5', postalCode: '32756', city: 'Detmold' } };

  beforeAll(async () => {
    database = await engine.open();
    await loadDemoSeed(database.db, c, testActor);
    const keys = await makeKeys();
    app = testApp(database, c, keys);
    admin = await token(keys, { role: 'ADMIN', now: c.now(), expiresIn: 3600 * 24 * 90 });
    client = await token(keys, { role: 'CLIENT', scope: 'ags:05766044', now: c.now(), expiresIn: 3600 * 24 * 90 });
    const ok = async (q: string, v: Record<string, unknown> = {}) => {
      const r = await gql(app, q, v, admin);
      expect(r.body.errors, JSON.stringify(r.body.errors)).toBeUndefined();
      return r.body.data!;
    };
    await ok(`mutation { createDataCenter(input: { code: "krz", name: "KRZ", endpoints: ["https://xta.krz.example/osci"] }) { code } }`);
    await ok(`mutation { createTenant(input: { code: "lippe", name: "Lippe", dataCenterCode: "krz" }) { code } }`);
    const addr = { street: 'Marktplatz', houseNumber: '5', postalCode: '32756', city: 'Detmold' };
    await ok(`mutation($a: PostalAddressInput!) { createAuthority(input: { key: "ags:05766020", kind: ENFORCEMENT, name: "Stadt Detmold", postalAddress: $a, acceptedMessageTypes: ["100", "101", "102"], tenantCode: "lippe" }) { key } }`, { a: addr });
    await ok(`mutation { createAuthority(input: { key: "ags:01062053", kind: ENFORCEMENT, name: "Oststeinbek", postalAddress: { poBox: "1180", postalCode: "22113", city: "Oststeinbek" }, acceptedMessageTypes: ["100"] }) { key } }`);
    await ok(`mutation { createJurisdiction(input: { authorityKey: "ags:05766020", scope: { level: MUNICIPALITY, key: "05766020" } }) { id } }`);
    // An encryption certificate for the data centre, valid 30 days (stored directly: upload is tested elsewhere).
    const kp = (await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as CryptoKeyPair;
    const cert = await x509.X509CertificateGenerator.createSelfSigned({
      name: 'CN=xta.krz.example',
      keys: kp,
      signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
      notBefore: new Date(start.getTime() - DAY),
      notAfter: new Date(start.getTime() + 30 * DAY),
      extensions: [new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyAgreement, true)],
    });
    const i = describeCertificate(new Uint8Array(cert.rawData), 'test');
    thumbprint = i.thumbprintSha256;
    const [dc] = await database.db.query.dataCenters.findMany();
    await database.db.insert(certificates).values(certificateValues(i, { dataCenterId: dc!.id, usage: 'ENCRYPTION', activationAt: new Date(start.getTime() - DAY), status: 'ACTIVE', uploadedBy: 'test' }));
    await reloadDirectoryOf(app);
  });
  afterAll(async () => database?.close());

  it('ELECTRONIC when the authority accepts the type and its data centre has an endpoint and an active certificate', async () => {
    const r = await route({ recipient: detmold, messageType: '100' });
    expect(r).toMatchObject({
      routed: true,
      channel: 'ELECTRONIC',
      authority: { key: 'ags:05766020' },
      transport: { endpointUrl: 'https://xta.krz.example/osci', recipientKey: 'ags:05766020', dataCenter: { code: 'krz' }, certificate: { thumbprintSha256: thumbprint } },
      postalAddress: null,
      lookup: { status: 'RESOLVED' },
    });
    expect(r.transport.certificate.pem).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(r.reasons[0]).toMatch(/^ags:05766020 accepts 100 electronically via data centre krz/);
    expect((await route({ recipientKey: 'ags:05766020', messageType: '101' })).channel).toBe('ELECTRONIC');
  });

  it('PRINT with the reason when the type is not accepted', async () => {
    const r = await route({ recipient: detmold, messageType: '103' });
    expect(r).toMatchObject({ channel: 'PRINT', transport: null, postalAddress: { street: 'Marktplatz', houseNumber: '5', postalCode: '32756', city: 'Detmold' } });
    expect(r.reasons[0]).toBe('ags:05766020 does not accept 103 electronically');
  });

  it('PRINT once the certificate has expired; the decision is for the instant asked', async () => {
    const later = new Date(start.getTime() + 31 * DAY).toISOString();
    const r = await route({ recipient: detmold, messageType: '100', at: later });
    expect(r.channel).toBe('PRINT');
    expect(r.reasons[0]).toMatch(/^encryption certificate of krz expired on /);
  });

  it('PRINT for an authority without a tenant, to its PO box', async () => {
    const r = await route({ recipientKey: 'ags:01062053', messageType: '100' });
    expect(r).toMatchObject({ channel: 'PRINT', postalAddress: { poBox: '1180', street: null, postalCode: '22113', city: 'Oststeinbek' } });
    expect(r.reasons).toEqual(['ags:01062053 has no tenant in a data centre', 'print to Postfach 1180, 22113 Oststeinbek']);
  });

  it('PRINT when the data centre has no endpoint or is inactive', async () => {
    const upd = await gql(app, `mutation { updateDataCenter(code: "krz", expectedVersion: 1, input: { endpoints: [], status: INACTIVE }) { version } }`, {}, admin);
    expect(upd.body.errors).toBeUndefined();
    const r = await route({ recipient: detmold, messageType: '100' });
    expect(r.channel).toBe('PRINT');
    expect(r.reasons.slice(0, 2)).toEqual(['data centre krz is inactive', 'data centre krz has no transport endpoint']);
  });

  it('an ambiguous or unknown recipient is not routed; the candidates are shown', async () => {
    const r = await route({ recipient: { postalCode: '22113' }, messageType: '100' });
    expect(r).toMatchObject({ routed: false, channel: null, authority: null, lookup: { status: 'AMBIGUOUS', candidates: [{ municipality: { ags: '01062053' } }, { municipality: { ags: '02000000' } }] } });
    expect(r.reasons[0]).toBe('not routed: the recipient lookup is AMBIGUOUS');
    const k = await route({ recipientKey: 'ags:99999999', messageType: '100' });
    expect(k).toMatchObject({ routed: false, reasons: ['no authority with key ags:99999999'] });
  });

  it('checks the input and the caller', async () => {
    const both = await gql(app, ROUTE, { input: { recipient: detmold, recipientKey: 'ags:05766020', messageType: '100' } }, client);
    expect(both.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'input' });
    const badType = await gql(app, ROUTE, { input: { recipientKey: 'ags:05766020', messageType: '107' } }, client);
    expect(badType.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'input.messageType' });
    const anon = await gql(app, ROUTE, { input: { recipientKey: 'ags:05766020', messageType: '100' } });
    expect(anon.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
