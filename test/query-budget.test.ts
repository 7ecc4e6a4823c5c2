// Work a single request can cause: page sizes passed as variables count against the cost limit like
// literals, and nested lists are loaded with one query per level, not one per parent (N+1).
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { App } from '../src/app/app.js';
import type { Database } from '../src/db/client.js';
import { ManualClock } from '../src/lib/clock.js';
import { createAuthority } from '../src/modules/authorities/authorities.service.js';
import { makeServiceContext } from '../src/modules/directory/context.js';
import { Directory } from '../src/modules/directory/directory.js';
import { createJurisdiction } from '../src/modules/jurisdictions/jurisdictions.service.js';
import { createDataCenter, createTenant } from '../src/modules/tenants/tenants.service.js';
import { loadDemoSeed } from '../seed/load.js';
import { gql, makeKeys, testApp, token } from './helpers/app.js';
import { forEachEngine } from './helpers/engines.js';
import { testActor } from './helpers/fixtures.js';

const admin = { subject: 'admin', role: 'ADMIN' as const, scope: null };
const LIPPE = ['05766008', '05766012', '05766016', '05766020', '05766024', '05766028', '05766032', '05766036', '05766040', '05766044'];

/** The database with its query builders counted: every select/insert/update/delete/execute started. */
function counted(database: Database): { database: Database; queries: () => number } {
  let n = 0;
  const db = new Proxy(database.db, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver);
      if (typeof v !== 'function') return v;
      if (['select', 'selectDistinct', 'execute', 'insert', 'update', 'delete'].includes(String(prop))) n++;
      return v.bind(target);
    },
  });
  return { database: { ...database, db } as Database, queries: () => n };
}

forEachEngine('work budget and batching', (engine) => {
  let database: Database;
  let app: App;
  let bearer: string;
  let queries: () => number;
  const clock = new ManualClock('2026-11-22T10:00:00Z');

  beforeAll(async () => {
    database = await engine.open();
    await loadDemoSeed(database.db, clock, testActor);
    const directory = new Directory(database, { pollMs: 0 });
    const ctx = makeServiceContext({ db: database.db, clock, principal: admin, actor: testActor, directory });
    for (const dc of ['krz', 'itebo', 'citkomm']) {
      await createDataCenter(ctx, { code: dc, name: `RZ ${dc}` });
      for (const t of [1, 2, 3]) await createTenant(ctx, { code: `${dc}-${t}`, name: `Mandant ${dc} ${t}`, dataCenterCode: dc });
    }
    for (const ags of LIPPE) {
      const key = `ags:${ags}`;
      await createAuthority(ctx, { key, kind: 'ENFORCEMENT', name: `Kasse ${ags}`, postalAddress: { street: 'Markt', houseNumber: '1', postalCode: '32756', city: 'Detmold' } });
      await createJurisdiction(ctx, { authorityKey: key, scope: { level: 'MUNICIPALITY', key: ags } });
    }
    const c = counted(database);
    queries = c.queries;
    const keys = await makeKeys();
    app = testApp(c.database, clock, keys, ['ES256'], { directory });
    bearer = await token(keys, { role: 'ADMIN', now: clock.now() });
  });
  afterAll(async () => {
    await database?.close();
  });

  it('a page size passed as a variable counts like a literal', async () => {
    const fields = 'key name kind status acceptedMessageTypes standardVersion jurisdictions { id level areaKey validFrom validTo }';
    const aliases = (arg: string) => Array.from({ length: 20 }, (_, i) => `a${i}: authorities(first: ${arg}) { nodes { ${fields} } }`).join(' ');
    const literal = await gql(app, `{ ${aliases('500')} }`, {}, bearer);
    const variable = await gql(app, `query($f: Int) { ${aliases('$f')} }`, { f: 500 }, bearer);
    for (const r of [literal, variable]) {
      expect(r.status).toBe(400);
      expect(r.body.errors?.[0]?.extensions?.code).toBe('QUERY_LIMIT_EXCEEDED');
    }
    expect(variable.body.errors?.[0]?.message).toMatch(/Query Cost limit of 20000 exceeded, found \d+/);
    const small = await gql(app, `query($f: Int) { ${aliases('$f')} }`, { f: 5 }, bearer);
    expect(small.body.errors).toBeUndefined();
    expect(small.body.data?.a0?.nodes).toHaveLength(5);
    // A variable's default counts when the request leaves the variable out (found by an attack: the
    // field's default of 20 was counted while GraphQL ran with 500).
    const defaulted = await gql(app, `query($f: Int = 500) { ${aliases('$f')} }`, {}, bearer);
    expect(defaulted.status).toBe(400);
    expect(defaulted.body.errors?.[0]?.extensions?.code).toBe('QUERY_LIMIT_EXCEEDED');
    const fragment = await gql(app, `query($f: Int = 500) { ...Q } fragment Q on Query { ${aliases('$f')} }`, {}, bearer);
    expect(fragment.body.errors?.[0]?.extensions?.code).toBe('QUERY_LIMIT_EXCEEDED');
    const overridden = await gql(app, `query($f: Int = 500) { ${aliases('$f')} }`, { f: 5 }, bearer);
    expect(overridden.body.data?.a0?.nodes).toHaveLength(5);
  });

  it('nested lists cost one query per level, however many parents', async () => {
    const cost = async (query: string, variables: Record<string, unknown>) => {
      const before = queries();
      const r = await gql(app, query, variables, bearer);
      expect(r.body.errors).toBeUndefined();
      return { n: queries() - before, data: r.body.data! };
    };
    const authorities = 'query($f: Int) { authorities(first: $f) { nodes { key jurisdictions { id authority { key } } } } }';
    const few = await cost(authorities, { f: 2 });
    const many = await cost(authorities, { f: 10 });
    expect(many.data.authorities.nodes).toHaveLength(10);
    expect(many.data.authorities.nodes.every((a: any) => a.jurisdictions.length === 1)).toBe(true);
    expect(many.n).toBe(few.n);

    const centres = '{ dataCenters { code tenants { code dataCenter { code } } certificates { thumbprintSha256 status } } }';
    const dc = await cost(centres, {});
    expect(dc.data.dataCenters).toHaveLength(3);
    expect(dc.data.dataCenters.every((d: any) => d.tenants.length === 3 && d.tenants.every((t: any) => t.dataCenter.code === d.code))).toBe(true);
    expect(dc.n).toBeLessThanOrEqual(4); // data centres, tenants, their data centres, certificates

    const areas = '{ regions(level: MUNICIPALITY, parentArs: "05766", first: 16) { edges { node { name municipality { postcodes { postcode municipality { name } } } } } } }';
    const pc = await cost(areas, {});
    expect(pc.data.regions.edges).toHaveLength(16);
    expect(pc.n).toBeLessThanOrEqual(5); // page, count, postcodes, municipalities of the postal areas
  });
});
