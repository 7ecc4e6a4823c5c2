// Bearer JWT authentication and role checks, on every engine.
import { SignJWT } from 'jose';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { App } from '../src/app/app.js';
import type { Database } from '../src/db/client.js';
import { importPostcodes } from '../src/modules/postcodes/postcodes.import.js';
import { gql, makeKeys, testApp, token, type TestKeys } from './helpers/app.js';
import { forEachEngine } from './helpers/engines.js';
import { clock, testActor } from './helpers/fixtures.js';

const ME = `{ me { subject role scope } }`;
const AUDIT = `{ auditLog(first: 10) { nodes { actor action entityType entityId after } } }`;

forEachEngine('authentication and roles', (engine) => {
  let database: Database;
  let app: App;
  let keys: TestKeys;
  const c = clock();
  const now = () => c.now();

  beforeAll(async () => {
    database = await engine.open();
    keys = await makeKeys();
    app = testApp(database, c, keys);
    await importPostcodes(database.db, c, {
      bytes: Buffer.from('osm_id,ags,ort,plz\n1,05766020,Detmold,32756\n'),
      fileName: 'p.csv',
      actor: testActor,
    });
  });
  afterAll(async () => {
    await database?.close();
  });

  const expectUnauthenticated = (res: Awaited<ReturnType<typeof gql>>, reason: RegExp) => {
    expect(res.status).toBe(401);
    expect(res.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(res.body.errors?.[0]?.message).toMatch(reason);
  };

  it('public register queries need no token', async () => {
    const res = await gql(app, `{ postalCode(postcode: "32756") { ags } }`);
    expect(res.status).toBe(200);
    expect(res.body.data!.postalCode).toEqual([{ ags: '05766020' }]);
  });

  it('a protected field without a token is UNAUTHENTICATED', async () => {
    const res = await gql(app, ME);
    expect(res.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(res.body.data).toBeNull();
  });

  it('a valid token identifies the caller', async () => {
    const res = await gql(app, ME, {}, await token(keys, { role: 'CLIENT', scope: 'ags:05766020', sub: 'client:fv-1', now: now() }));
    expect(res.body.data!.me).toEqual({ subject: 'client:fv-1', role: 'CLIENT', scope: 'ags:05766020' });
  });

  it('an expired token is refused', async () => {
    const t = await token(keys, { role: 'ADMIN', now: new Date(now().getTime() - 3600_000), expiresIn: 600 });
    expectUnauthenticated(await gql(app, ME, {}, t), /token has expired/);
  });

  it('the clock decides expiry: moving time past exp refuses the same token', async () => {
    const t = await token(keys, { role: 'ADMIN', now: now(), expiresIn: 600 });
    expect((await gql(app, ME, {}, t)).body.data!.me.role).toBe('ADMIN');
    c.advance(601_000 + 30_000); // past exp and the 30 s tolerance
    try {
      expectUnauthenticated(await gql(app, ME, {}, t), /token has expired/);
    } finally {
      c.set('2026-11-22T10:00:00Z');
    }
  });

  it('a token for another audience is refused', async () => {
    expectUnauthenticated(await gql(app, ME, {}, await token(keys, { role: 'ADMIN', aud: 'some-other-api', now: now() })), /claim "aud"/);
  });

  it('a token from another issuer is refused', async () => {
    expectUnauthenticated(await gql(app, ME, {}, await token(keys, { role: 'ADMIN', iss: 'https://evil.example', now: now() })), /claim "iss"/);
  });

  it('a token signed with an algorithm that is not pinned is refused, even with a published key', async () => {
    // RS256 key is in the JWKS, but only ES256 is allowed.
    expectUnauthenticated(await gql(app, ME, {}, await token(keys, { role: 'ADMIN', alg: 'RS256', now: now() })), /algorithm is not allowed/);
    // HS256 with the public key as secret (the classic confusion attack).
    const forged = await new SignJWT({ role: 'ADMIN' })
      .setProtectedHeader({ alg: 'HS256', kid: keys.es256.kid })
      .setIssuer('https://idp.test.example/realm')
      .setAudience('behoerdenverzeichnis-test')
      .setSubject('attacker')
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode('x'.repeat(32)));
    expectUnauthenticated(await gql(app, ME, {}, forged), /algorithm is not allowed/);
    // alg "none"
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"role":"ADMIN","sub":"x"}').toString('base64url')}.`;
    expectUnauthenticated(await gql(app, ME, {}, none), /Authorization header must be/);
  });

  it('a tampered token fails signature verification', async () => {
    const t = await token(keys, { role: 'CLIENT', scope: 'ags:05766020', now: now() });
    const [h, p, s] = t.split('.');
    const payload = JSON.parse(Buffer.from(p!, 'base64url').toString());
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...payload, role: 'ADMIN' })).toString('base64url')}.${s}`;
    expectUnauthenticated(await gql(app, ME, {}, tampered), /signature verification failed/);
  });

  it('a token without a known role, or a scoped role without scope, is refused', async () => {
    expectUnauthenticated(await gql(app, ME, {}, await token(keys, { role: 'SUPERUSER', now: now() })), /claim "role" must be one of/);
    expectUnauthenticated(await gql(app, ME, {}, await token(keys, { now: now() })), /claim "role"/);
    expectUnauthenticated(await gql(app, ME, {}, await token(keys, { role: 'TENANT_MANAGER', now: now() })), /needs claim "scope"/);
  });

  it('an invalid token is refused even on a public query', async () => {
    expectUnauthenticated(await gql(app, `{ postalCode(postcode: "32756") { ags } }`, {}, 'a.b.c'), /malformed|could not be verified/);
  });

  it('the wrong role is FORBIDDEN; ADMIN reads the audit log written by the import', async () => {
    for (const [role, scope] of [['CLIENT', 'ags:05766020'], ['TENANT_MANAGER', 't1'], ['DATA_CENTER', 'rz1']] as const) {
      const res = await gql(app, AUDIT, {}, await token(keys, { role, scope, now: now() }));
      expect(res.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(res.body.errors?.[0]?.message).toMatch(new RegExp(`Role ${role} may not use Query.auditLog; it needs ADMIN`));
      expect(res.body.data).toBeNull();
    }
    const res = await gql(app, AUDIT, {}, await token(keys, { role: 'ADMIN', now: now() }));
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data!.auditLog.nodes[0]).toMatchObject({
      actor: 'test:runner',
      action: 'IMPORT_POSTCODES',
      entityType: 'PostcodeMapping',
      entityId: '2026-11-22',
      after: { fileName: 'p.csv', rows: 1, added: 1 },
    });
    const imports = await gql(app, `{ registerImports { kind fileName edition importedBy } }`, {}, await token(keys, { role: 'ADMIN', now: now() }));
    expect(imports.body.data!.registerImports).toEqual([{ kind: 'POSTCODES', fileName: 'p.csv', edition: '2026-11-22', importedBy: 'test:runner' }]);
  });
});
