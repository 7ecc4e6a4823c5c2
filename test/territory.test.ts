// Tenant territory (issue #14): a TENANT_MANAGER places authorities and jurisdictions only inside its
// tenant's areas; ADMIN sets the areas and is not restricted; the migration gives existing tenants the
// areas they cover. On every engine.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import type { App } from '../src/app/app.js';
import { MIGRATIONS_FOLDER, queryRows, type Database, type Db } from '../src/db/client.js';
import { regions } from '../src/db/schema.js';
import { inAreas, placeOfKey, placeOfScope } from '../src/modules/tenants/territory.js';
import { loadDemoSeed } from '../seed/load.js';
import { gql, makeKeys, testApp, token, type TestKeys } from './helpers/app.js';
import { forEachEngine } from './helpers/engines.js';
import { clock, testActor } from './helpers/fixtures.js';

const CREATE_AUTHORITY = `mutation($input: CreateAuthorityInput!) { createAuthority(input: $input) { key tenantCode } }`;
const UPDATE_AUTHORITY = `mutation($key: String!, $v: Int!, $input: UpdateAuthorityInput!) { updateAuthority(key: $key, expectedVersion: $v, input: $input) { key version } }`;
const CREATE_RULE = `mutation($input: CreateJurisdictionInput!) { createJurisdiction(input: $input) { id version level areaKey } }`;
const END_RULE = `mutation($id: ID!, $v: Int!) { endJurisdiction(id: $id, validTo: "2027-01-01", expectedVersion: $v) { id validTo } }`;
const DELETE_RULE = `mutation($id: ID!, $v: Int!) { deleteJurisdiction(id: $id, expectedVersion: $v) }`;
const CREATE_TENANT = `mutation($input: CreateTenantInput!) { createTenant(input: $input) { code areas version } }`;
const UPDATE_TENANT = `mutation($code: String!, $v: Int!, $input: UpdateTenantInput!) {
  updateTenant(code: $code, expectedVersion: $v, input: $input) { code areas version outsideTerritory { authorityKeys authorityCount jurisdictionIds jurisdictionCount } } }`;

const address = { street: 'Marktplatz', houseNumber: '5', postalCode: '32756', city: 'Detmold' };
const authority = (key: string, extra: Record<string, unknown> = {}) => ({ key, kind: 'ENFORCEMENT', name: `Kasse ${key}`, postalAddress: address, tenantCode: 'lippe', ...extra });
const detmoldStreet = { level: 'STREET', street: { ags: '05766020', postalCode: '32756', street: 'Bruchstraße' } };

describe('territory: where a key or a scope lies (pure)', () => {
  const lippe = ['05766'];
  it('a region lies in an ARS area when its ARS starts with it; a wider region does not', () => {
    expect(inAreas(lippe, placeOfScope({ level: 'DISTRICT', areaKey: '05766' }))).toBe(true);
    expect(inAreas(lippe, placeOfScope({ level: 'ASSOCIATION', areaKey: '057660020' }))).toBe(true);
    expect(inAreas(lippe, placeOfScope({ level: 'STATE', areaKey: '05' }))).toBe(false);
    expect(inAreas(lippe, placeOfScope({ level: 'GOVERNMENT_DISTRICT', areaKey: '057' }))).toBe(false);
    expect(inAreas(lippe, placeOfScope({ level: 'DISTRICT', areaKey: '05758' }))).toBe(false);
  });
  it('a municipality lies in an AGS area only if it is that one, and in an ARS area through its ARS', () => {
    expect(inAreas(['05766020'], { what: 'Detmold', ags: '05766020', ars: '057660020020' })).toBe(true);
    expect(inAreas(['05766020'], { what: 'Lemgo', ags: '05766044', ars: '057660044044' })).toBe(false);
    expect(inAreas(['05766020'], placeOfScope({ level: 'ASSOCIATION', areaKey: '057660020' }))).toBe(false);
    expect(inAreas(['057660020'], { what: 'Detmold', ags: '05766020', ars: '057660020020' })).toBe(true);
    // known only by AGS: its first five digits are its ARS's, deeper areas need the register
    expect(inAreas(lippe, { what: 'x', ags: '05766020' })).toBe(true);
    expect(inAreas(['057660020'], { what: 'x', ags: '05766020' })).toBe(false);
  });
  it('authority keys: ags: and ars: claim a place, malformed ones a place nobody holds, other prefixes none', () => {
    expect(inAreas(lippe, placeOfKey('ags:05766020')!)).toBe(true);
    expect(inAreas(lippe, placeOfKey('ags:02000000')!)).toBe(false);
    expect(inAreas(['05766020'], placeOfKey('ars:057660020020')!)).toBe(true);
    expect(inAreas(lippe, placeOfKey('ars:05')!)).toBe(false);
    expect(inAreas(lippe, placeOfKey('ags:0576602')!)).toBe(false);
    expect(inAreas(lippe, placeOfKey('ars:05766x')!)).toBe(false);
    expect(placeOfKey('kreis:05766')).toBeNull();
  });
});

forEachEngine('tenant territory', (engine) => {
  let database: Database;
  let app: App;
  let keys: TestKeys;
  let admin: string;
  let manager: string;
  const c = clock();
  const ok = async (query: string, variables: Record<string, unknown>, bearer = admin) => {
    const res = await gql(app, query, variables, bearer);
    expect(res.body.errors, JSON.stringify(res.body.errors)).toBeUndefined();
    return res.body.data!;
  };
  /** Everything a refused change could have written. */
  const written = async () =>
    (await queryRows(database.db, sql`select (select count(*) from audit_log)::int as audit, (select count(*) from authorities)::int as authorities,
      (select count(*) from jurisdictions)::int as jurisdictions, (select count(*) from tenants)::int as tenants,
      (select coalesce(sum(version), 0) from jurisdictions)::int as versions, (select value from app_meta where key = 'directory_version') as dv`))[0];
  /** Runs a refused call: FORBIDDEN, naming the territory, nothing written. */
  const refused = async (query: string, variables: Record<string, unknown>, pattern: RegExp, bearer = manager) => {
    const before = await written();
    const res = await gql(app, query, variables, bearer);
    expect(res.body.errors?.[0]?.extensions?.code, JSON.stringify(res.body)).toBe('FORBIDDEN');
    expect(res.body.errors![0]!.message).toMatch(pattern);
    expect(await written()).toEqual(before);
  };

  beforeAll(async () => {
    database = await engine.open();
    await loadDemoSeed(database.db, c, testActor);
    // Kreis Herford, Lippe's neighbour, is not in the demo seed.
    await database.db.insert(regions).values({ level: 'DISTRICT', ars: '05758', name: 'Herford', nameKey: 'herford', parentArs: '057', source: 'TEST' });
    keys = await makeKeys();
    app = testApp(database, c, keys);
    admin = await token(keys, { role: 'ADMIN', sub: 'user:admin', now: c.now(), expiresIn: 3600 });
    manager = await token(keys, { role: 'TENANT_MANAGER', scope: 'lippe', sub: 'user:lippe', now: c.now(), expiresIn: 3600 });
    await ok(`mutation { createDataCenter(input: { code: "krz", name: "KRZ" }) { code } }`, {});
    await ok(`mutation { createTask(code: "GRUNDSTEUER", name: "Grundsteuer") { code } }`, {});
    expect((await ok(CREATE_TENANT, { input: { code: 'lippe', name: 'Lippe', dataCenterCode: 'krz', areas: ['05766'] } })).createTenant).toEqual({ code: 'lippe', areas: ['05766'], version: 1 });
  });
  afterAll(async () => database?.close());

  it('the manager of Lippe creates an authority ags:05766020, a municipality rule and a street rule in Detmold', async () => {
    expect((await ok(CREATE_AUTHORITY, { input: authority('ags:05766020') }, manager)).createAuthority).toEqual({ key: 'ags:05766020', tenantCode: 'lippe' });
    expect((await ok(CREATE_RULE, { input: { authorityKey: 'ags:05766020', scope: { level: 'MUNICIPALITY', key: '05766020' } } }, manager)).createJurisdiction).toMatchObject({ level: 'MUNICIPALITY', areaKey: '05766020' });
    expect((await ok(CREATE_RULE, { input: { authorityKey: 'ags:05766020', scope: detmoldStreet } }, manager)).createJurisdiction).toMatchObject({ level: 'STREET', areaKey: '05766020' });
    expect((await ok(CREATE_RULE, { input: { authorityKey: 'ags:05766020', scope: { level: 'DISTRICT', key: '05766' }, task: 'GRUNDSTEUER' } }, manager)).createJurisdiction).toMatchObject({ level: 'DISTRICT' });
    // a key that names no place: allowed; it reaches addresses only through (checked) jurisdictions
    expect((await ok(CREATE_AUTHORITY, { input: authority('kasse:lippe-nord') }, manager)).createAuthority.key).toBe('kasse:lippe-nord');
  });

  it('outside Lippe: FORBIDDEN naming the territory, and nothing is written', async () => {
    const territory = /outside the tenant's territory \(05766\)/;
    await refused(CREATE_AUTHORITY, { input: authority('ags:02000000') }, /may not create authority ags:02000000: authority key ags:02000000 lies outside the tenant's territory \(05766\)/);
    await refused(CREATE_AUTHORITY, { input: authority('ars:05') }, territory);
    await refused(CREATE_AUTHORITY, { input: authority('ags:0576602') }, territory);
    await refused(CREATE_RULE, { input: { authorityKey: 'ags:05766020', scope: { level: 'STATE', key: '05' } } }, /Land 05 lies outside the tenant's territory \(05766\)/);
    await refused(CREATE_RULE, { input: { authorityKey: 'ags:05766020', scope: { level: 'GOVERNMENT_DISTRICT', key: '057' } } }, territory);
    await refused(CREATE_RULE, { input: { authorityKey: 'ags:05766020', scope: { level: 'DISTRICT', key: '05758' } } }, /Kreis 05758 lies outside/);
    await refused(CREATE_RULE, { input: { authorityKey: 'kasse:lippe-nord', scope: { level: 'MUNICIPALITY', key: '02000000' } } }, territory);
    const hamburg = { level: 'STREET', street: { ags: '02000000', postalCode: '20095', street: 'Steinstraße' } };
    await refused(CREATE_RULE, { input: { authorityKey: 'ags:05766020', scope: hamburg } }, /street rule \(Steinstraße\) in municipality 02000000 lies outside the tenant's territory \(05766\)/);
  });

  it('ADMIN is not restricted; the manager cannot end, delete or change what lies outside', async () => {
    expect((await ok(CREATE_AUTHORITY, { input: authority('ags:02000000', { postalAddress: { ...address, postalCode: '20095', city: 'Hamburg' } }) })).createAuthority.key).toBe('ags:02000000');
    const state = (await ok(CREATE_RULE, { input: { authorityKey: 'ags:05766020', scope: { level: 'STATE', key: '05' } } })).createJurisdiction;
    const street = (await ok(CREATE_RULE, { input: { authorityKey: 'ags:05766020', scope: { level: 'STREET', street: { ags: '02000000', postalCode: '20095', street: 'Steinstraße' } } } })).createJurisdiction;
    for (const r of [state, street]) {
      await refused(END_RULE, { id: r.id, v: r.version }, new RegExp(`may not change jurisdiction #${r.id}: .* outside the tenant's territory \\(05766\\)`));
      await refused(DELETE_RULE, { id: r.id, v: r.version }, /outside the tenant's territory \(05766\)/);
    }
    await refused(UPDATE_AUTHORITY, { key: 'ags:02000000', v: 1, input: { name: 'Hijacked' } }, /may not change authority ags:02000000/);
    await refused(`mutation { deactivateAuthority(key: "ags:02000000", expectedVersion: 1) { key } }`, {}, /outside the tenant's territory/);
    // inside: the manager ends and deletes its own rules and changes its own authority
    const inside = (await ok(CREATE_RULE, { input: { authorityKey: 'ags:05766020', scope: { level: 'MUNICIPALITY', key: '05766020' }, task: 'GRUNDSTEUER' } }, manager)).createJurisdiction;
    expect((await ok(END_RULE, { id: inside.id, v: 1 }, manager)).endJurisdiction).toEqual({ id: inside.id, validTo: '2027-01-01' });
    expect((await ok(DELETE_RULE, { id: inside.id, v: 2 }, manager)).deleteJurisdiction).toBe(true);
    expect((await ok(UPDATE_AUTHORITY, { key: 'ags:05766020', v: 1, input: { name: 'Stadtkasse Detmold' } }, manager)).updateAuthority.version).toBe(2);
    // and ADMIN ends what the manager may not
    expect((await ok(END_RULE, { id: state.id, v: state.version })).endJurisdiction.validTo).toBe('2027-01-01');
  });

  it('areas are validated: digits, ARS or AGS lengths, known to the register; named by index; nothing written', async () => {
    const bad: [unknown[], string, RegExp][] = [
      [['0576x'], 'input.areas[0]', /digits only/],
      [['05766', '0576'], 'input.areas[1]', /2, 3, 5, 9 or 12 digits, an AGS 8/],
      [['05766', ' 05766'], 'input.areas[1]', /digits only/],
      [['05766', '05799'], 'input.areas[1]', /no region with ARS 05799 in the register/],
      [['05766099'], 'input.areas[0]', /no region with AGS 05766099/],
    ];
    for (const [areas, argument, message] of bad) {
      const before = await written();
      const created = await gql(app, CREATE_TENANT, { input: { code: 'neu', name: 'Neu', dataCenterCode: 'krz', areas } }, admin);
      expect(created.body.errors?.[0]?.extensions, JSON.stringify(created.body)).toMatchObject({ code: 'BAD_USER_INPUT', argument });
      expect(created.body.errors![0]!.message).toMatch(message);
      const updated = await gql(app, UPDATE_TENANT, { code: 'lippe', v: 1, input: { areas } }, admin);
      expect(updated.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument });
      expect(await written()).toEqual(before);
    }
    const long = await gql(app, UPDATE_TENANT, { code: 'lippe', v: 1, input: { areas: ['0576600200201'] } }, admin);
    expect(long.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const many = await gql(app, UPDATE_TENANT, { code: 'lippe', v: 1, input: { areas: Array(501).fill('05766') } }, admin);
    expect(many.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    // every level, sorted and without repeats
    const ok1 = await ok(CREATE_TENANT, { input: { code: 'neu', name: 'Neu', dataCenterCode: 'krz', areas: ['02000000', '057660020', '05', '057', '057660020020', '05', '05766'] } });
    expect(ok1.createTenant.areas).toEqual(['05', '057', '05766', '057660020', '057660020020', '02000000'].sort());
  });

  it('a TENANT_MANAGER cannot set areas, not even its own', async () => {
    await refused(UPDATE_TENANT, { code: 'lippe', v: 1, input: { areas: ['05'] } }, /may not use Mutation.updateTenant; it needs ADMIN/);
    await refused(CREATE_TENANT, { input: { code: 'mine', name: 'Mine', dataCenterCode: 'krz', areas: ['05'] } }, /needs ADMIN/);
    expect((await ok(`{ tenant(code: "lippe") { areas } }`, {}, manager)).tenant).toEqual({ areas: ['05766'] });
  });

  it('narrowing the areas is allowed but not silent: the audit entry and Tenant.outsideTerritory name what lies outside', async () => {
    const res = (await ok(UPDATE_TENANT, { code: 'lippe', v: 1, input: { areas: ['05766044'] } })).updateTenant;
    expect(res.areas).toEqual(['05766044']);
    // Detmold's authority (ags:05766020) and its live rules, Hamburg's authority and its street rule
    expect(res.outsideTerritory.authorityKeys).toEqual(['ags:02000000', 'ags:05766020']);
    expect(res.outsideTerritory.authorityCount).toBe(2);
    expect(res.outsideTerritory.jurisdictionCount).toBe(res.outsideTerritory.jurisdictionIds.length);
    const rules = await queryRows<{ id: string }>(database.db, sql`select j.id::text as id from jurisdictions j join authorities a on a.id = j.authority_id
      where a.tenant_code = 'lippe' and (j.valid_to is null or j.valid_to > '2026-11-22') order by j.id`);
    expect(res.outsideTerritory.jurisdictionIds).toEqual(rules.map((r) => r.id));
    const log = await gql(app, `{ auditLog(entityType: "Tenant", entityId: "lippe", first: 5) { nodes { action after } } }`, {}, admin);
    const entry = log.body.data!.auditLog.nodes.find((n: any) => n.action === 'UPDATE_TENANT');
    expect(entry.after.areas).toEqual(['05766044']);
    expect(entry.after.outsideTerritory).toMatchObject({ authorityKeys: ['ags:02000000', 'ags:05766020'], authorityCount: 2, jurisdictionCount: rules.length });
    // the manager now acts only in Lemgo
    await refused(CREATE_RULE, { input: { authorityKey: 'ags:05766020', scope: { level: 'MUNICIPALITY', key: '05766020' }, task: 'GRUNDSTEUER' } }, /outside the tenant's territory \(05766044\)/);
    expect((await ok(CREATE_RULE, { input: { authorityKey: 'ags:05766020', scope: { level: 'MUNICIPALITY', key: '05766044' }, task: 'GRUNDSTEUER' } }, manager)).createJurisdiction.areaKey).toBe('05766044');
    const back = (await ok(UPDATE_TENANT, { code: 'lippe', v: 2, input: { areas: ['05', '02'] } })).updateTenant;
    expect(back.areas).toEqual(['02', '05']);
    expect(back.outsideTerritory).toEqual({ authorityKeys: [], authorityCount: 0, jurisdictionIds: [], jurisdictionCount: 0 });
  });
});

/** The migrations before the territory one, and that one, as drizzle reads them. */
function migrationsAroundTerritory() {
  const journal = JSON.parse(fs.readFileSync(path.join(MIGRATIONS_FOLDER, 'meta/_journal.json'), 'utf8')) as { entries: { tag: string }[] };
  const at = journal.entries.findIndex((e) => e.tag.endsWith('_tenant_territory'));
  const all = readMigrationFiles({ migrationsFolder: MIGRATIONS_FOLDER });
  return { before: all.slice(0, at), upTo: all.slice(0, at + 1) };
}

async function migrateWith(db: Db, migrations: ReturnType<typeof readMigrationFiles>) {
  const d = db as unknown as { dialect: { migrate(m: unknown, s: unknown, c: unknown): Promise<void> }; session: unknown };
  await d.dialect.migrate(migrations, d.session, { migrationsFolder: MIGRATIONS_FOLDER });
}

forEachEngine('the territory migration', (engine) => {
  let database: Database;
  const c = clock();
  beforeAll(async () => {
    database = await engine.open();
    // Back to an empty database, then up to the migration before the territory one.
    await database.db.execute(sql`drop schema if exists drizzle cascade`);
    await database.db.execute(sql`drop schema public cascade`);
    await database.db.execute(sql`create schema public`);
    await migrateWith(database.db, migrationsAroundTerritory().before);
  });
  afterAll(async () => database?.close());

  it('gives existing tenants the areas their authorities cover today, and reports them in the audit log', async () => {
    const db = database.db;
    expect(await queryRows(db, sql`select 1 from information_schema.columns where table_name = 'tenants' and column_name = 'areas'`)).toEqual([]);
    await loadDemoSeed(db, c, testActor);
    await db.execute(sql`insert into data_centers (code, name) values ('krz', 'KRZ')`);
    await db.execute(sql`insert into tenants (code, name, data_center_id) select t, t, id from data_centers, unnest(array['lippe', 'hh', 'leer']) t`);
    await db.execute(sql`insert into authorities (key, kind, name, postcode, city, tenant_code) values
      ('ags:05766020', 'ENFORCEMENT', 'Detmold', '32756', 'Detmold', 'lippe'),
      ('kreis:05766', 'ENFORCEMENT', 'Kreis Lippe', '32756', 'Detmold', 'lippe'),
      ('ags:05766999', 'ENFORCEMENT', 'Not in the register', '32756', 'Detmold', 'lippe'),
      ('ars:020000000', 'ENFORCEMENT', 'Hamburg', '20095', 'Hamburg', 'hh'),
      ('ags:11000000', 'ENFORCEMENT', 'Berlin, no tenant', '10178', 'Berlin', null)`);
    const rule = (key: string, level: string, area: string, specificity: number, street: [string, string, string] | null = null, validTo: string | null = null) =>
      db.execute(sql`insert into jurisdictions (authority_id, task_code, level, area_key, specificity, postcode, street_key, street_name, valid_to)
        values ((select id from authorities where key = ${key}), 'VOLLSTRECKUNGSHILFE', ${level}, ${area}, ${specificity}, ${street?.[0] ?? null}, ${street?.[1] ?? null}, ${street?.[2] ?? null}, ${validTo})`);
    await rule('kreis:05766', 'DISTRICT', '05766', 30);
    await rule('ags:05766020', 'STREET', '05766044', 60, ['32657', 'bismarckstr', 'Bismarckstraße']);
    await rule('ags:05766020', 'MUNICIPALITY', '09162000', 50, null, '2099-01-01'); // ends in the future: covered today
    await rule('ags:05766020', 'STATE', '09', 10, null, '2020-01-01'); // ended: not covered today
    await rule('ars:020000000', 'MUNICIPALITY', '02000000', 50);
    await rule('ags:11000000', 'STATE', '11', 10); // no tenant: nobody's territory

    await migrateWith(db, migrationsAroundTerritory().upTo);

    const areas = await queryRows<{ code: string; areas: string[] }>(db, sql`select code, areas from tenants order by code`);
    expect(areas).toEqual([
      { code: 'hh', areas: ['02000000', '020000000'] },
      { code: 'leer', areas: [] },
      { code: 'lippe', areas: ['05766', '05766020', '05766044', '09162000'] },
    ]);
    const report = await queryRows<{ actor: string; action: string; entity_type: string; entity_id: string; after: unknown }>(
      db,
      sql`select actor, action, entity_type, entity_id, after from audit_log where action = 'ASSIGN_TERRITORY' order by entity_id`,
    );
    expect(report).toEqual([
      { actor: 'system:migration', action: 'ASSIGN_TERRITORY', entity_type: 'Tenant', entity_id: 'hh', after: { areas: ['02000000', '020000000'] } },
      { actor: 'system:migration', action: 'ASSIGN_TERRITORY', entity_type: 'Tenant', entity_id: 'leer', after: { areas: [] } },
      { actor: 'system:migration', action: 'ASSIGN_TERRITORY', entity_type: 'Tenant', entity_id: 'lippe', after: { areas: ['05766', '05766020', '05766044', '09162000'] } },
    ]);
    // the whole chain is now applied: migrating again changes nothing
    await database.migrate();
    expect(await queryRows(db, sql`select count(*)::int as n from audit_log where action = 'ASSIGN_TERRITORY'`)).toEqual([{ n: 3 }]);
  });
});
