// Data centres and tenants: management, optimistic concurrency, audit and role scoping, on every engine.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { App } from '../src/app/app.js';
import type { Database } from '../src/db/client.js';
import { gql, makeKeys, testApp, token, type TestKeys } from './helpers/app.js';
import { forEachEngine } from './helpers/engines.js';
import { clock } from './helpers/fixtures.js';

const CREATE_DC = `mutation($input: CreateDataCenterInput!) { createDataCenter(input: $input) { code name endpoints status version } }`;
const UPDATE_DC = `mutation($code: String!, $v: Int!, $input: UpdateDataCenterInput!) { updateDataCenter(code: $code, expectedVersion: $v, input: $input) { code endpoints version status } }`;
const CREATE_TENANT = `mutation($input: CreateTenantInput!) { createTenant(input: $input) { code name version dataCenter { code } } }`;

forEachEngine('data centres and tenants', (engine) => {
  let database: Database;
  let app: App;
  let keys: TestKeys;
  let admin: string;
  const c = clock();
  const as = (role: string, scope?: string) => token(keys, { role, scope, now: c.now() });

  beforeAll(async () => {
    database = await engine.open();
    keys = await makeKeys();
    app = testApp(database, c, keys);
    admin = await as('ADMIN');
    for (const [code, name] of [['krz-lemgo', 'Kommunales Rechenzentrum Minden-Ravensberg/Lippe'], ['dataport', 'Dataport AöR']]) {
      const r = await gql(app, CREATE_DC, { input: { code, name, endpoints: [`https://xta.${code}.example/osci`] } }, admin);
      expect(r.body.errors).toBeUndefined();
    }
    for (const [code, dc] of [['lippe', 'krz-lemgo'], ['hamburg', 'dataport'], ['stormarn', 'dataport']]) {
      const r = await gql(app, CREATE_TENANT, { input: { code, name: `Mandant ${code}`, dataCenterCode: dc } }, admin);
      expect(r.body.errors).toBeUndefined();
    }
  });
  afterAll(async () => database?.close());

  it('ADMIN sees everything; a DATA_CENTER only its own data centre and tenants; a TENANT_MANAGER its tenant', async () => {
    const q = `{ dataCenters { code tenants { code } } }`;
    expect((await gql(app, q, {}, admin)).body.data!.dataCenters).toEqual([
      { code: 'dataport', tenants: [{ code: 'hamburg' }, { code: 'stormarn' }] },
      { code: 'krz-lemgo', tenants: [{ code: 'lippe' }] },
    ]);
    expect((await gql(app, q, {}, await as('DATA_CENTER', 'dataport'))).body.data!.dataCenters).toEqual([
      { code: 'dataport', tenants: [{ code: 'hamburg' }, { code: 'stormarn' }] },
    ]);
    expect((await gql(app, q, {}, await as('TENANT_MANAGER', 'stormarn'))).body.data!.dataCenters).toEqual([{ code: 'dataport', tenants: [{ code: 'stormarn' }] }]);
    expect((await gql(app, q, {}, await as('CLIENT', 'ags:05766020'))).body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await gql(app, `{ dataCenter(code: "krz-lemgo") { code } }`, {}, await as('DATA_CENTER', 'dataport'))).body.data!.dataCenter).toBeNull();
    expect((await gql(app, `{ tenant(code: "lippe") { code } }`, {}, await as('DATA_CENTER', 'dataport'))).body.data!.tenant).toBeNull();
    expect((await gql(app, `{ tenant(code: "hamburg") { code dataCenter { code } } }`, {}, await as('DATA_CENTER', 'dataport'))).body.data!.tenant).toEqual({ code: 'hamburg', dataCenter: { code: 'dataport' } });
    expect((await gql(app, q)).body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it("a tenant's authorityCount counts its authorities, deactivated ones too, as the authorities list does", async () => {
    const create = `mutation($input: CreateAuthorityInput!) { createAuthority(input: $input) { key version } }`;
    const address = { poBox: '1', postalCode: '32756', city: 'Detmold' };
    for (const [key, tenantCode] of [['kasse:count-1', 'lippe'], ['kasse:count-2', 'lippe'], ['kasse:count-3', 'hamburg'], ['kasse:count-4', null]]) {
      const r = await gql(app, create, { input: { key, kind: 'ENFORCEMENT', name: key, postalAddress: address, tenantCode } }, admin);
      expect(r.body.errors).toBeUndefined();
    }
    const off = await gql(app, `mutation { deactivateAuthority(key: "kasse:count-2", expectedVersion: 1) { status } }`, {}, admin);
    expect(off.body.errors).toBeUndefined();
    const counts = await gql(app, `{ dataCenters { tenants { code authorityCount } } }`, {}, admin);
    expect(counts.body.data!.dataCenters.flatMap((d: { tenants: unknown[] }) => d.tenants)).toEqual([
      { code: 'hamburg', authorityCount: 1 },
      { code: 'stormarn', authorityCount: 0 },
      { code: 'lippe', authorityCount: 2 },
    ]);
    const listed = await gql(app, `{ authorities(tenantCode: "lippe") { totalCount } }`, {}, admin);
    expect(listed.body.data!.authorities.totalCount).toBe(2);
    const own = await gql(app, `{ tenant(code: "lippe") { authorityCount } }`, {}, await as('TENANT_MANAGER', 'lippe'));
    expect(own.body.data!.tenant).toEqual({ authorityCount: 2 });
  });

  it('a data centre manages its own endpoints, not another one’s, and not its status', async () => {
    const dp = await as('DATA_CENTER', 'dataport');
    const own = await gql(app, UPDATE_DC, { code: 'dataport', v: 1, input: { endpoints: ['https://xta2.dataport.example/osci', 'https://xta.dataport.example/osci'] } }, dp);
    expect(own.body.data?.updateDataCenter).toEqual({ code: 'dataport', endpoints: ['https://xta2.dataport.example/osci', 'https://xta.dataport.example/osci'], version: 2, status: 'ACTIVE' });
    const other = await gql(app, UPDATE_DC, { code: 'krz-lemgo', v: 1, input: { endpoints: ['https://evil.example/'] } }, dp);
    expect(other.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const status = await gql(app, UPDATE_DC, { code: 'dataport', v: 2, input: { status: 'INACTIVE' } }, dp);
    expect(status.body.errors?.[0]?.message).toBe('Only ADMIN may change the status of a data centre');
    const create = await gql(app, CREATE_DC, { input: { code: 'mine', name: 'Mine' } }, dp);
    expect(create.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const tm = await gql(app, CREATE_TENANT, { input: { code: 'x1', name: 'X', dataCenterCode: 'dataport' } }, await as('TENANT_MANAGER', 'stormarn'));
    expect(tm.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('a stale expectedVersion is a CONFLICT and writes nothing; every change is audited', async () => {
    const stale = await gql(app, UPDATE_DC, { code: 'krz-lemgo', v: 7, input: { name: 'Overwritten' } }, admin);
    expect(stale.body.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', currentVersion: 1 });
    expect((await gql(app, `{ dataCenter(code: "krz-lemgo") { name version } }`, {}, admin)).body.data!.dataCenter).toEqual({
      name: 'Kommunales Rechenzentrum Minden-Ravensberg/Lippe',
      version: 1,
    });
    const move = await gql(app, `mutation { updateTenant(code: "stormarn", expectedVersion: 1, input: { dataCenterCode: "krz-lemgo" }) { version dataCenter { code } } }`, {}, admin);
    expect(move.body.data?.updateTenant).toEqual({ version: 2, dataCenter: { code: 'krz-lemgo' } });
    const log = await gql(app, `{ auditLog(first: 50) { nodes { action entityId actor } } }`, {}, admin);
    const actions = log.body.data!.auditLog.nodes.map((n: any) => `${n.action} ${n.entityId}`);
    expect(actions).toEqual(expect.arrayContaining(['CREATE_DATA_CENTER krz-lemgo', 'UPDATE_DATA_CENTER dataport', 'CREATE_TENANT stormarn', 'UPDATE_TENANT stormarn']));
    expect(actions).not.toContain('UPDATE_DATA_CENTER krz-lemgo');
  });

  it('bad input names the field', async () => {
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ code: 'Bad Code', name: 'x' }, 'input.code', /not a code/],
      [{ code: 'ok-code', name: 'x', endpoints: ['not a url'] }, 'input.endpoints[0]', /not a URL/],
      [{ code: 'ok-code', name: 'x', endpoints: ['https://a.example/', 'ftp://b.example/'] }, 'input.endpoints[1]', /must use https/],
      [{ code: 'ok-code', name: 'x', endpoints: ['https://user:pw@a.example/'] }, 'input.endpoints[0]', /credentials/],
      [{ code: 'ok-code', name: 'x', contact: { email: 'kein-email' } }, 'input.contact.email', /not an e-mail address/],
      [{ code: 'ok-code', name: 'x', contact: { website: 'javascript:alert(3)' } }, 'input.contact.website', /only https:\/\/ and http:\/\//],
      [{ code: 'ok-code', name: 'x', contact: { website: 'www.example.org' } }, 'input.contact.website', /not a web address/],
    ];
    for (const [input, argument, message] of cases) {
      const r = await gql(app, CREATE_DC, { input }, admin);
      expect(r.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument });
      expect(r.body.errors?.[0]?.message).toMatch(message);
    }
    const dup = await gql(app, CREATE_DC, { input: { code: 'dataport', name: 'again' } }, admin);
    expect(dup.body.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    const noDc = await gql(app, CREATE_TENANT, { input: { code: 't9', name: 'T', dataCenterCode: 'nowhere' } }, admin);
    expect(noDc.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'input.dataCenterCode' });
  });
});
