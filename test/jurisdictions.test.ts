// Authorities, jurisdictions and the lookup over GraphQL, on the demo seed, on every engine.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { App } from '../src/app/app.js';
import { queryRows, type Database } from '../src/db/client.js';
import { jurisdictions, streets } from '../src/db/schema.js';
import { streetKey } from '../src/modules/addresses/normalize.js';
import { loadDemoSeed } from '../seed/load.js';
import { gql, makeKeys, reloadDirectoryOf, testApp, token, type TestKeys } from './helpers/app.js';
import { forEachEngine } from './helpers/engines.js';
import { clock, testActor } from './helpers/fixtures.js';

const RESULT = `status authority { key name kind postalAddress { street houseNumber poBox postalCode city } acceptedMessageTypes }
  municipality { ags name } jurisdiction { id level areaKey } candidates { municipality { ags name } authority { key } settleBy }
  explanation warnings acceptsMessageType confidence input { task at messageType postalCode city ags address { street houseNumber postalCode city } }`;
const LOOKUP = `query($input: JurisdictionInput!) { responsibleAuthority(input: $input) { ${RESULT} } }`;

const CREATE_AUTHORITY = `mutation($input: CreateAuthorityInput!) { createAuthority(input: $input) { id key version status tenantCode } }`;
const CREATE_RULE = `mutation($input: CreateJurisdictionInput!) { createJurisdiction(input: $input) { id version specificity level areaKey } }`;

function authority(key: string, name: string, extra: Record<string, unknown> = {}) {
  return {
    key,
    kind: 'ENFORCEMENT',
    name,
    postalAddress: { street: 'Marktplatz', houseNumber: '1', postalCode: '32756', city: 'Detmold' },
    acceptedMessageTypes: ['100', '101', '102'],
    standardVersion: '1.1.0',
    ...extra,
  };
}

forEachEngine('jurisdictions and lookups', (engine) => {
  let database: Database;
  let app: App;
  let keys: TestKeys;
  let admin: string;
  let client: string;
  const c = clock();
  const ok = async (query: string, variables: Record<string, unknown>, bearer = admin) => {
    const res = await gql(app, query, variables, bearer);
    expect(res.body.errors, JSON.stringify(res.body.errors)).toBeUndefined();
    return res.body.data!;
  };
  const lookup = async (input: Record<string, unknown>) => (await ok(LOOKUP, { input }, client)).responsibleAuthority;
  const rule = async (authorityKey: string, scope: Record<string, unknown>, dates: Record<string, string> = {}) =>
    (await ok(CREATE_RULE, { input: { authorityKey, scope, ...dates } })).createJurisdiction;

  beforeAll(async () => {
    database = await engine.open();
    await loadDemoSeed(database.db, c, testActor);
    keys = await makeKeys();
    app = testApp(database, c, keys);
    admin = await token(keys, { role: 'ADMIN', sub: 'user:admin', now: c.now(), expiresIn: 3600 });
    client = await token(keys, { role: 'CLIENT', scope: 'ags:05766020', sub: 'client:fv', now: c.now(), expiresIn: 3600 });
    await ok(`mutation { createDataCenter(input: { code: "krz", name: "KRZ" }) { code } }`, {});
    // each tenant's territory (issue #14): Kreis Lippe, Hamburg
    for (const [t, areas] of [['krz-lippe', ['05766']], ['dataport', ['02']]] as const) {
      await ok(`mutation($t: String!, $areas: [String!]) { createTenant(input: { code: $t, name: $t, dataCenterCode: "krz", areas: $areas }) { code } }`, { t, areas });
    }
    // Kreis Lippe handles enforcement for its municipalities; Detmold and Lemgo have their own.
    for (const [key, name, extra] of [
      ['kreis:05766', 'Kreis Lippe, Kreiskasse', { acceptedMessageTypes: ['100', '101', '102', '103', '104', '105', '106', '999'] }],
      ['ags:05766020', 'Stadt Detmold, Stadtkasse', {}],
      ['ags:05766044', 'Alte Hansestadt Lemgo, Stadtkasse', { acceptedMessageTypes: [] }],
      ['ags:01062053', 'Gemeinde Oststeinbek, Gemeindekasse', { postalAddress: { poBox: '1180', postalCode: '22113', city: 'Oststeinbek' } }],
      ['ags:02000000', 'Kasse.Hamburg', { postalAddress: { street: 'Steinstraße', houseNumber: '10', postalCode: '20095', city: 'Hamburg' } }],
    ] as const) {
      await ok(CREATE_AUTHORITY, { input: authority(key, name, extra) });
    }
    await rule('kreis:05766', { level: 'DISTRICT', key: '05766' });
    await rule('ags:05766020', { level: 'MUNICIPALITY', key: '05766020' });
    await rule('ags:01062053', { level: 'MUNICIPALITY', key: '01062053' });
    await rule('ags:02000000', { level: 'STATE', key: '02' });
  });
  afterAll(async () => {
    await database?.close();
  });

  describe('statuses', () => {
    it('RESOLVED: an address in Detmold goes to the Stadtkasse, with the explanation and the input echoed', async () => {
      const r = await lookup({ address: { street: 'Marktplatz', houseNumber: '5', postalCode: '32756', city: 'Detmold' }, messageType: '100' });
      expect(r.status).toBe('RESOLVED');
      expect(r.authority).toMatchObject({ key: 'ags:05766020', kind: 'ENFORCEMENT', postalAddress: { street: 'Marktplatz', houseNumber: '1', postalCode: '32756', city: 'Detmold' } });
      expect(r.municipality).toEqual({ ags: '05766020', name: 'Detmold, Stadt' });
      expect(r.jurisdiction).toMatchObject({ level: 'MUNICIPALITY', areaKey: '05766020' });
      // It declares type 100, but has no tenant in a data centre: route sends it by post, so the lookup says so too.
      expect(r.acceptsMessageType).toBe(false);
      expect(r.explanation.at(-1)).toMatch(/^XAmtshilfe message 100 goes by post at .*: ags:05766020 has no tenant in a data centre; print to /);
      expect(r.input).toMatchObject({ task: 'VOLLSTRECKUNGSHILFE', at: '2026-11-22', messageType: '100', address: { street: 'Marktplatz', houseNumber: '5', postalCode: '32756', city: 'Detmold' } });
      expect(r.explanation.join('\n')).toMatch(/Postcode 32756 belongs to Detmold, Stadt \(05766020\)/);
      expect(r.explanation.join('\n')).toMatch(/Less specific: rule #\d+ \(district 05766/);
      expect(r.explanation.join('\n')).toMatch(/Most specific for task VOLLSTRECKUNGSHILFE on 2026-11-22: rule #\d+ \(municipality 05766020/);
    });

    it('words the explanation when the query reads it, through fragments and aliases too', async () => {
      const input = { address: { street: 'Marktplatz', houseNumber: '5', postalCode: '32756', city: 'Detmold' }, messageType: '100' };
      const expected = (await lookup(input)).explanation;
      const q = `query($i: JurisdictionInput!) {
        plain: responsibleAuthority(input: $i) { status warnings }
        named: responsibleAuthority(input: $i) { status ...Why }
        inline: responsibleAuthority(input: $i) { status ... on JurisdictionResult { explanation } }
        many: responsibleAuthorities(inputs: [$i]) { ...Why }
        manyPlain: responsibleAuthorities(inputs: [$i]) { status }
        merged: responsibleAuthority(input: $i) { status }
        merged: responsibleAuthority(input: $i) { explanation }
      }
      fragment Why on JurisdictionResult { explanation }`;
      const d = await ok(q, { i: input }, client);
      expect(d.plain).toEqual({ status: 'RESOLVED', warnings: [] });
      expect(d.named.explanation).toEqual(expected);
      expect(d.inline.explanation).toEqual(expected);
      expect(d.many[0].explanation).toEqual(expected);
      expect(d.manyPlain).toEqual([{ status: 'RESOLVED' }]);
      expect(d.merged).toEqual({ status: 'RESOLVED', explanation: expected });
    });

    it('RESOLVED by the district rule where the municipality has none', async () => {
      const r = await lookup({ address: { postalCode: '32657', city: 'Lemgo' } });
      expect(r.status).toBe('RESOLVED');
      expect(r.authority.key).toBe('kreis:05766');
      expect(r.jurisdiction.level).toBe('DISTRICT');
    });

    it('AMBIGUOUS: postcode 22113 alone is Hamburg or Oststeinbek, across a state border', async () => {
      const r = await lookup({ postalCode: '22113' });
      expect(r.status).toBe('AMBIGUOUS');
      expect(r.authority).toBeNull();
      expect(r.candidates).toEqual([
        { municipality: { ags: '01062053', name: 'Oststeinbek' }, authority: { key: 'ags:01062053' }, settleBy: expect.stringMatching(/city "Oststeinbek"/) },
        { municipality: { ags: '02000000', name: 'Hamburg, Freie und Hansestadt' }, authority: { key: 'ags:02000000' }, settleBy: expect.stringMatching(/city "Hamburg"/) },
      ]);
      expect(r.explanation[0]).toMatch(/Postcode 22113 is shared by 2 municipalities/);
    });

    it('the city settles 22113 either way', async () => {
      const o = await lookup({ address: { street: 'Möllner Landstraße', houseNumber: '3', postalCode: '22113', city: 'oststeinbek' } });
      expect(o.status).toBe('RESOLVED');
      expect(o.authority).toMatchObject({ key: 'ags:01062053', postalAddress: { poBox: '1180', street: null, postalCode: '22113' } });
      const h = await lookup({ postalCode: '22113', city: 'HAMBURG' });
      expect(h.status).toBe('RESOLVED');
      expect(h.authority.key).toBe('ags:02000000');
      expect(h.jurisdiction.level).toBe('STATE');
    });

    it('NOT_FOUND: an unknown AGS, an unknown city, an unknown postcode without city', async () => {
      expect((await lookup({ ags: '05766999' })).status).toBe('NOT_FOUND');
      expect((await lookup({ city: 'Atlantis' })).status).toBe('NOT_FOUND');
      const r = await lookup({ postalCode: '99999' });
      expect(r.status).toBe('NOT_FOUND');
      expect(r.explanation).toContain('Postcode 99999 is not known on 2026-11-22.');
    });

    it('NO_JURISDICTION: Berlin is known, but nobody has the task there', async () => {
      const r = await lookup({ ags: '11000000' });
      expect(r.status).toBe('NO_JURISDICTION');
      expect(r.municipality.ags).toBe('11000000');
      expect(r.explanation.at(-1)).toMatch(/No jurisdiction for task VOLLSTRECKUNGSHILFE on 2026-11-22 covers Berlin, Stadt/);
      expect((await lookup({ ags: '05766020', task: 'GRUNDSTEUER' })).status).toBe('NO_JURISDICTION');
    });

    it('looks up by ARS at municipality and region level', async () => {
      expect((await lookup({ ars: '057660020020' })).authority.key).toBe('ags:05766020');
      expect((await lookup({ ars: '05766' })).authority.key).toBe('kreis:05766');
      expect((await lookup({ ars: '02' })).authority.key).toBe('ags:02000000');
    });
  });

  describe('address matching', () => {
    it('ignores case, umlauts and ß spelling in city names', async () => {
      for (const city of ['Lügde', 'LUEGDE', 'lugde']) {
        const r = await lookup({ address: { postalCode: '32676', city } });
        expect(r.status).toBe('RESOLVED');
        expect(r.municipality.ags).toBe('05766052');
      }
    });

    it('finds and flags a wrong postcode with the right city', async () => {
      const r = await lookup({ address: { street: 'Mittelstraße', houseNumber: '1', postalCode: '32756', city: 'Lemgo' } });
      expect(r.status).toBe('RESOLVED');
      expect(r.municipality.ags).toBe('05766044');
      expect(r.warnings[0]).toMatch(/Postcode 32756 does not belong to Lemgo; resolved by the city name to Lemgo, Stadt \(05766044\)/);
    });

    it('flags a city that does not fit the postcode and resolves by the postcode', async () => {
      const r = await lookup({ address: { postalCode: '32756', city: 'Hinterwald' } });
      expect(r.status).toBe('RESOLVED');
      expect(r.municipality.ags).toBe('05766020');
      expect(r.warnings[0]).toMatch(/City "Hinterwald" is not known for postcode 32756/);
      expect(r.confidence).toBe(0.8);
    });

    it('reads a misspelt city as the postcode municipality\'s name, says so, and lowers the confidence', async () => {
      const r = await lookup({ address: { postalCode: '32756', city: 'Detmolt' } });
      expect(r).toMatchObject({ status: 'RESOLVED', municipality: { ags: '05766020' }, confidence: 0.9 });
      expect(r.warnings).toEqual(['City "Detmolt" is not known as written; assumed "Detmold". Check the city.']);
      expect((await lookup({ address: { postalCode: '32756', city: 'Detmold' } })).confidence).toBe(1);
    });

    it('a city alone resolves when it is unique', async () => {
      expect((await lookup({ city: 'Blomberg' })).municipality.ags).toBe('05766016');
    });

    it('settles a shared postcode by street data when the city does not', async () => {
      await database.db.insert(streets).values([
        { ags: '01062053', postcode: '22113', streetKey: streetKey('Möllner Landstraße'), name: 'Möllner Landstraße', locality: 'Oststeinbek', source: 'test' },
        { ags: '02000000', postcode: '22113', streetKey: streetKey('Großmannstraße'), name: 'Großmannstraße', locality: 'Hamburg', source: 'test' },
      ]);
      const ix = await reloadDirectoryOf(app); // written around the services: reload by hand
      expect(ix.streets.size).toBe(2);
      const r = await lookup({ address: { street: 'Grossmannstr.', houseNumber: '12', postalCode: '22113' } });
      expect(r.status).toBe('RESOLVED');
      expect(r.municipality.ags).toBe('02000000');
      expect(r.explanation.join('\n')).toMatch(/Street "Grossmannstr." is in Hamburg, Freie und Hansestadt \(02000000\) according to the street directory/);
      const unknownStreet = await lookup({ address: { street: 'Irgendweg', postalCode: '22113' } });
      expect(unknownStreet.status).toBe('AMBIGUOUS');
    });

    it('street rules by house number: suffixes, ranges, parity; without a number it is AMBIGUOUS', async () => {
      await ok(CREATE_AUTHORITY, { input: authority('test:schloss-odd', 'Vollstreckungsstelle Schloss (ungerade)') });
      await rule('test:schloss-odd', { level: 'STREET', street: { ags: '05766020', postalCode: '32756', street: 'Schloßstraße', houseNumberFrom: 1, houseNumberTo: 99, parity: 'ODD' } });
      const at = (houseNumber: string | undefined, street = 'Schlossstr.') =>
        lookup({ address: { street, houseNumber, postalCode: '32756', city: 'Detmold' } });
      expect((await at('13')).authority.key).toBe('test:schloss-odd');
      expect((await at('13a')).authority.key).toBe('test:schloss-odd');
      expect((await at('13 A', 'SCHLOSS-STRASSE')).authority.key).toBe('test:schloss-odd');
      expect((await at('13-15')).authority.key).toBe('test:schloss-odd');
      expect((await at('12')).authority.key).toBe('ags:05766020'); // even: the municipality's rule
      expect((await at('101')).authority.key).toBe('ags:05766020'); // outside the range
      expect((await at('13-16')).authority.key).toBe('ags:05766020'); // a range crossing parity does not fit the odd rule
      const none = await at(undefined);
      expect(none.status).toBe('AMBIGUOUS');
      expect(none.candidates.map((c: any) => [c.authority.key, c.settleBy])).toEqual([
        ['test:schloss-odd', 'a house number 1–99 (odd)'],
        ['ags:05766020', 'a house number outside the ranges of the street rules'],
      ]);
    });
  });

  describe('time', () => {
    it('a jurisdiction that ends and another that starts: the date decides', async () => {
      await ok(CREATE_AUTHORITY, { input: authority('test:lemgo-neu', 'Lemgo, neue Kasse') });
      const old = await rule('ags:05766044', { level: 'MUNICIPALITY', key: '05766044' }, { validFrom: '2020-01-01' });
      const ended = await ok(`mutation($id: ID!, $v: Int!) { endJurisdiction(id: $id, validTo: "2027-01-01", expectedVersion: $v) { validTo version } }`, { id: old.id, v: old.version });
      expect(ended.endJurisdiction).toEqual({ validTo: '2027-01-01', version: 2 });
      await rule('test:lemgo-neu', { level: 'MUNICIPALITY', key: '05766044' }, { validFrom: '2027-01-01' });
      expect((await lookup({ ags: '05766044', at: '2026-12-31' })).authority.key).toBe('ags:05766044');
      expect((await lookup({ ags: '05766044', at: '2027-01-01' })).authority.key).toBe('test:lemgo-neu');
      expect((await lookup({ ags: '05766044', at: '2019-12-31' })).authority.key).toBe('kreis:05766'); // before both: the district
      expect((await lookup({ ags: '05766044' })).authority.key).toBe('ags:05766044'); // today is 2026-11-22
    });

    it('refuses an overlapping rule of the same specificity, naming the rule; the database refuses it too', async () => {
      const before = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from jurisdictions`);
      const res = await gql(app, CREATE_RULE, { input: { authorityKey: 'kreis:05766', scope: { level: 'MUNICIPALITY', key: '05766044' }, validFrom: '2026-06-01', validTo: '2027-06-01' } }, admin);
      expect(res.body.errors?.[0]?.extensions?.code).toBe('CONFLICT');
      expect(res.body.errors?.[0]?.message).toMatch(/Overlaps jurisdiction #\d+ of ags:05766044 for task VOLLSTRECKUNGSHILFE in the same area, valid 2020-01-01–2027-01-01/);
      // The same through the table, around the service:
      const [existing] = await database.db.select().from(jurisdictions).where(sql`area_key = '05766044' and valid_to = '2027-01-01'`);
      const { id: _id, ...copy } = existing!;
      await expect(database.db.insert(jurisdictions).values({ ...copy, validFrom: '2026-01-01', validTo: null })).rejects.toThrow();
      const after = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from jurisdictions`);
      expect(Number(after[0]!.n)).toBe(Number(before[0]!.n));
      // Odd and even ranges of one street do not overlap; odd and all do.
      await ok(CREATE_AUTHORITY, { input: authority('test:schloss-even', 'Schloss (gerade)') });
      await rule('test:schloss-even', { level: 'STREET', street: { ags: '05766020', postalCode: '32756', street: 'Schlossstraße', houseNumberFrom: 2, houseNumberTo: 98, parity: 'EVEN' } });
      const clash = await gql(app, CREATE_RULE, { input: { authorityKey: 'test:schloss-even', scope: { level: 'STREET', street: { ags: '05766020', postalCode: '32756', street: 'Schloß-Str.', houseNumberFrom: 50, houseNumberTo: 60 } } } }, admin);
      expect(clash.body.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    });

    it('a deactivated authority no longer wins; the next specific rule does', async () => {
      const a = await ok(`{ authority(key: "ags:01062053") { version } }`, {});
      await ok(`mutation($v: Int!) { deactivateAuthority(key: "ags:01062053", expectedVersion: $v) { status } }`, { v: a.authority.version });
      const r = await lookup({ ags: '01062053' });
      expect(r.status).toBe('NO_JURISDICTION');
      expect(r.explanation.join('\n')).toMatch(/Skipped rule #\d+ .*: the authority is deactivated/);
    });
  });

  describe('authorities: versions, roles, validation', () => {
    it('a stale expectedVersion is a CONFLICT and writes nothing', async () => {
      const upd = `mutation($v: Int!, $name: String!) { updateAuthority(key: "kreis:05766", expectedVersion: $v, input: { name: $name }) { name version } }`;
      const first = await ok(upd, { v: 1, name: 'Kreis Lippe, Kreiskasse Detmold' });
      expect(first.updateAuthority).toEqual({ name: 'Kreis Lippe, Kreiskasse Detmold', version: 2 });
      const audits = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from audit_log`);
      const stale = await gql(app, upd, { v: 1, name: 'Overwritten' }, admin);
      expect(stale.body.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', currentVersion: 2 });
      expect(stale.body.errors?.[0]?.message).toMatch(/at version 2, not 1/);
      expect((await ok(`{ authority(key: "kreis:05766") { name version } }`, {})).authority).toEqual({ name: 'Kreis Lippe, Kreiskasse Detmold', version: 2 });
      const audits2 = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from audit_log`);
      expect(Number(audits2[0]!.n)).toBe(Number(audits[0]!.n));
    });

    it('every change is audited with before and after', async () => {
      const log = await ok(`{ auditLog(entityType: "Authority", entityId: "kreis:05766") { nodes { action actor before after } } }`, {});
      expect(log.auditLog.nodes[0]).toMatchObject({ action: 'UPDATE_AUTHORITY', actor: 'user:admin', before: { name: 'Kreis Lippe, Kreiskasse', version: 1 }, after: { name: 'Kreis Lippe, Kreiskasse Detmold', version: 2 } });
      const rules = await ok(`{ auditLog(entityType: "Jurisdiction", first: 100) { nodes { action } } }`, {});
      expect(rules.auditLog.nodes.map((n: any) => n.action)).toContain('END_JURISDICTION');
    });

    it('TENANT_MANAGER manages its tenant only; CLIENT may look up but not manage', async () => {
      const tm = await token(keys, { role: 'TENANT_MANAGER', scope: 'krz-lippe', now: c.now() });
      const own = await gql(app, CREATE_AUTHORITY, { input: authority('test:tm-own', 'Mandant Lippe', { tenantCode: 'krz-lippe' }) }, tm);
      expect(own.body.data?.createAuthority).toMatchObject({ key: 'test:tm-own', tenantCode: 'krz-lippe' });
      const other = await gql(app, CREATE_AUTHORITY, { input: authority('test:tm-other', 'Fremd', { tenantCode: 'dataport' }) }, tm);
      expect(other.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const noTenant = await gql(app, `mutation { updateAuthority(key: "kreis:05766", expectedVersion: 2, input: { name: "x" }) { name } }`, {}, tm);
      expect(noTenant.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const move = await gql(app, `mutation { updateAuthority(key: "test:tm-own", expectedVersion: 1, input: { tenantCode: "dataport" }) { name } }`, {}, tm);
      expect(move.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const ruleOwn = await gql(app, CREATE_RULE, { input: { authorityKey: 'test:tm-own', scope: { level: 'MUNICIPALITY', key: '05766064' } } }, tm);
      expect(ruleOwn.body.errors).toBeUndefined();
      const ruleOther = await gql(app, CREATE_RULE, { input: { authorityKey: 'kreis:05766', scope: { level: 'MUNICIPALITY', key: '05766064' }, validFrom: '2030-01-01' } }, tm);
      expect(ruleOther.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const unknownTenant = await gql(app, CREATE_AUTHORITY, { input: authority('test:t', 'T', { tenantCode: 'nowhere' }) }, admin);
      expect(unknownTenant.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'input.tenantCode' });
      const byClient = await gql(app, CREATE_AUTHORITY, { input: authority('test:client', 'X') }, client);
      expect(byClient.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const task = await gql(app, `mutation { createTask(code: "GRUNDSTEUER", name: "Grundsteuer") { code } }`, {}, tm);
      expect(task.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const anon = await gql(app, LOOKUP, { input: { ags: '05766020' } });
      expect(anon.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    });

    it('admins add tasks; rules are per task', async () => {
      await ok(`mutation { createTask(code: "GRUNDSTEUER", name: "Grundsteuer") { code } }`, {});
      await rule('kreis:05766', { level: 'DISTRICT', key: '05766' }).catch(() => undefined); // already there for the default task
      await ok(CREATE_RULE, { input: { authorityKey: 'ags:05766020', task: 'GRUNDSTEUER', scope: { level: 'DISTRICT', key: '05766' } } });
      expect((await lookup({ ags: '05766044', task: 'GRUNDSTEUER' })).authority.key).toBe('ags:05766020');
      expect((await ok(`{ tasks { code } }`, {}, client)).tasks.map((t: any) => t.code)).toEqual(['GRUNDSTEUER', 'VOLLSTRECKUNGSHILFE']);
    });

    it('bad input names the field', async () => {
      const cases: [Record<string, unknown>, string, RegExp][] = [
        [{ ...authority('no-colon', 'X') }, 'input.key', /not an addressing key/],
        [{ ...authority('test:x', 'X', { acceptedMessageTypes: ['100', '107'] }) }, 'input.acceptedMessageTypes', /unknown XAmtshilfe message type 107/],
        [{ ...authority('test:x', 'X', { postalAddress: { postalCode: '3275', city: 'Detmold', street: 'A' } }) }, 'input.postalAddress.postalCode', /not a postcode/],
        [{ ...authority('test:x', 'X', { postalAddress: { postalCode: '32756', city: 'Detmold' } }) }, 'input.postalAddress', /needs a street .* or a PO box/],
      ];
      for (const [input, argument, message] of cases) {
        const res = await gql(app, CREATE_AUTHORITY, { input }, admin);
        expect(res.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument });
        expect(res.body.errors?.[0]?.message).toMatch(message);
      }
      const badScope = await gql(app, CREATE_RULE, { input: { authorityKey: 'kreis:05766', scope: { level: 'DISTRICT', key: '05799' } } }, admin);
      expect(badScope.body.errors?.[0]?.message).toMatch(/input.scope.key: district 05799 is not in the register/);
      const twoInputs = await gql(app, LOOKUP, { input: { ags: '05766020', postalCode: '32756' } }, client);
      expect(twoInputs.body.errors?.[0]?.message).toMatch(/give only one of address, ags, ars, postalCode\/city; got ags and postalCode\/city/);
      const badType = await gql(app, LOOKUP, { input: { ags: '05766020', messageType: '107' } }, client);
      expect(badType.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'input.messageType' });
    });
  });

  describe('bulk', () => {
    const BULK = `query($inputs: [JurisdictionInput!]!) { responsibleAuthorities(inputs: $inputs) { status authority { key } input { ags postalCode } } }`;
    it('keeps the order, one result per input', async () => {
      const inputs = [{ ags: '05766020' }, { postalCode: '22113' }, { ags: '11000000' }, { postalCode: '22113', city: 'Hamburg' }, { ags: '05766999' }];
      const r = (await ok(BULK, { inputs }, client)).responsibleAuthorities;
      expect(r.map((x: any) => [x.status, x.authority?.key ?? null])).toEqual([
        ['RESOLVED', 'ags:05766020'],
        ['AMBIGUOUS', null],
        ['NO_JURISDICTION', null],
        ['RESOLVED', 'ags:02000000'],
        ['NOT_FOUND', null],
      ]);
    });

    it('refuses more than the maximum and names a bad input by its index', async () => {
      const many = Array.from({ length: 1001 }, () => ({ ags: '05766020' }));
      const over = await gql(app, BULK, { inputs: many }, client);
      expect(over.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'inputs' });
      expect(over.body.errors?.[0]?.message).toMatch(/at most 1000 inputs per request, got 1001/);
      const bad = await gql(app, BULK, { inputs: [{ ags: '05766020' }, { ags: '123' }] }, client);
      expect(bad.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'inputs[1].ags' });
    });
  });
});
