// The public register queries over GraphQL, on the demo seed, on every engine.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import type { App } from '../src/app/app.js';
import type { Database } from '../src/db/client.js';
import { regions } from '../src/db/schema.js';
import { foldName } from '../src/lib/fold.js';
import { loadDemoSeed } from '../seed/load.js';
import { testApp, gql, makeKeys, reloadDirectoryOf } from './helpers/app.js';
import { forEachEngine } from './helpers/engines.js';
import { clock, testActor } from './helpers/fixtures.js';

forEachEngine('register over GraphQL', (engine) => {
  let database: Database;
  let app: App;
  const c = clock();

  beforeAll(async () => {
    database = await engine.open();
    expect(await loadDemoSeed(database.db, c, testActor)).toBe('seeded');
    app = testApp(database, c, await makeKeys());
  });
  afterAll(async () => {
    await database?.close();
  });

  it('answers a municipality with its hierarchy, postcodes and districts', async () => {
    const { body } = await gql(
      app,
      `{ municipality(ags: "05766020") { ags ars name type typeCode validFrom validTo
          association { ars name typeName } district { ars name typeName parent { ars name } }
          governmentDistrict { name } state { ars name }
          postcodes { postcode locality } townHallPostcode hasSinglePostcode population areaHectares
          taxOfficeDistrict courtDistricts { higherRegionalCourt regionalCourt localCourt } employmentAgencyDistrict } }`,
    );
    expect(body.errors).toBeUndefined();
    expect(body.data!.municipality).toEqual({
      ags: '05766020',
      ars: '057660020020',
      name: 'Detmold, Stadt',
      type: 'Stadt',
      typeCode: '63',
      validFrom: null,
      validTo: null,
      association: { ars: '057660020', name: 'Detmold, Stadt', typeName: 'verbandsfreie Gemeinde' },
      district: { ars: '05766', name: 'Lippe', typeName: 'Kreis', parent: { ars: '057', name: 'Reg.-Bez. Detmold' } },
      governmentDistrict: { name: 'Reg.-Bez. Detmold' },
      state: { ars: '05', name: 'Nordrhein-Westfalen' },
      postcodes: [
        { postcode: '32756', locality: 'Detmold' },
        { postcode: '32758', locality: 'Detmold' },
        { postcode: '32760', locality: 'Detmold' },
      ],
      townHallPostcode: '32756',
      hasSinglePostcode: false,
      population: 74278,
      areaHectares: 12939,
      taxOfficeDistrict: '5313',
      courtDistricts: { higherRegionalCourt: '4', regionalCourt: '43', localCourt: '4314' },
      employmentAgencyDistrict: '33101',
    });
  });

  it('returns null for an unknown AGS and BAD_USER_INPUT naming the argument for a malformed one', async () => {
    expect((await gql(app, `{ municipality(ags: "05766999") { name } }`)).body.data!.municipality).toBeNull();
    for (const bad of ['5766020', '0576602A', '057660200']) {
      const { body } = await gql(app, `query($a: String!) { municipality(ags: $a) { name } }`, { a: bad });
      expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(body.errors?.[0]?.extensions?.argument).toBe('ags');
      expect(body.errors?.[0]?.message).toMatch(/^ags: ".*" is not an AGS: expected 8 digits/);
    }
  });

  it('finds regions at every level by ARS', async () => {
    const q = `query($a: String!) { region(ars: $a) { level name typeName parent { level ars } municipality { ags } } }`;
    expect((await gql(app, q, { a: '05' })).body.data!.region).toEqual({ level: 'STATE', name: 'Nordrhein-Westfalen', typeName: null, parent: null, municipality: null });
    expect((await gql(app, q, { a: '05766' })).body.data!.region).toMatchObject({ level: 'DISTRICT', name: 'Lippe', parent: { level: 'GOVERNMENT_DISTRICT', ars: '057' } });
    // Hamburg has no Regierungsbezirk: its Kreis hangs on the Land.
    expect((await gql(app, q, { a: '02000' })).body.data!.region).toMatchObject({ level: 'DISTRICT', parent: { level: 'STATE', ars: '02' } });
    expect((await gql(app, q, { a: '020000000000' })).body.data!.region).toMatchObject({ level: 'MUNICIPALITY', municipality: { ags: '02000000' } });
    const bad = await gql(app, q, { a: '0576' + 'x' });
    expect(bad.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'ars' });
  });

  it('searches by name prefix regardless of case and umlaut spelling', async () => {
    const q = `query($n: String!) { regions(name: $n, level: MUNICIPALITY) { totalCount edges { node { ags name } } } }`;
    for (const n of ['Lügde', 'luegde', 'LUGDE', 'lü']) {
      const { body } = await gql(app, q, { n });
      expect(body.errors).toBeUndefined();
      expect(body.data!.regions.edges.map((e: any) => e.node.ags)).toEqual(['05766052']);
    }
    const { body } = await gql(app, q, { n: 'Bad' });
    expect(body.data!.regions.edges.map((e: any) => e.node.name)).toEqual(['Bad Salzuflen, Stadt']);
  });

  it('pages through the 16 municipalities of Kreis Lippe in name order', async () => {
    const q = `query($after: String) { regions(level: MUNICIPALITY, parentArs: "05766", first: 5, after: $after) {
      totalCount pageInfo { hasNextPage endCursor } edges { cursor node { name } } } }`;
    const names: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const { body } = await gql(app, q, { after });
      expect(body.errors).toBeUndefined();
      const page: any = body.data!.regions;
      expect(page.totalCount).toBe(16);
      names.push(...page.edges.map((e: any) => e.node.name));
      pages++;
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(pages).toBe(4);
    expect(names).toHaveLength(16);
    expect(new Set(names).size).toBe(16);
    expect([...names].sort((a, b) => foldName(a).localeCompare(foldName(b)))).toEqual(names);
    expect(names[0]).toBe('Augustdorf');
    const bad = await gql(app, `{ regions(first: 500) { totalCount } }`);
    expect(bad.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'first' });
    const badCursor = await gql(app, `{ regions(after: "nonsense") { totalCount } }`);
    expect(badCursor.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'after' });
    // Forged ids that are numbers but not row ids reached the database and failed there (500).
    for (const forged of [['detmold', 1.5], ['detmold', 1e308], ['detmold', -(2 ** 60)]]) {
      const cursor = Buffer.from(JSON.stringify(forged)).toString('base64url');
      const r = await gql(app, `{ regions(after: "${cursor}") { totalCount } }`);
      expect(r.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'after' });
    }
  });

  it('lists a postcode shared across a state border', async () => {
    const { body } = await gql(app, `{ postalCode(postcode: "22113") { ags locality municipality { name state { name } } } }`);
    expect(body.data!.postalCode).toEqual([
      { ags: '01062053', locality: 'Oststeinbek', municipality: { name: 'Oststeinbek', state: { name: 'Schleswig-Holstein' } } },
      { ags: '02000000', locality: 'Hamburg', municipality: { name: 'Hamburg, Freie und Hansestadt', state: { name: 'Hamburg' } } },
    ]);
  });

  it('answers for the date asked: a rename splits a municipality into versions', async () => {
    const db = database.db;
    const [cur] = await db.select().from(regions).where(and(eq(regions.ags, '05766044'), eq(regions.level, 'MUNICIPALITY')));
    await db.update(regions).set({ validTo: '2030-01-01' }).where(eq(regions.id, cur!.id));
    const { id: _id, createdAt: _c, ...rest } = cur!;
    await db.insert(regions).values({ ...rest, name: 'Lemgo, Alte Hansestadt', nameKey: foldName('Lemgo, Alte Hansestadt'), validFrom: '2030-01-01', validTo: null });
    await reloadDirectoryOf(app); // written behind the directory's back: the register reads serve its snapshot
    const q = `query($at: Date) { municipality(ags: "05766044", at: $at) { name validFrom validTo district { name } } }`;
    expect((await gql(app, q, { at: '2029-12-31' })).body.data!.municipality).toEqual({ name: 'Lemgo, Stadt', validFrom: null, validTo: '2030-01-01', district: { name: 'Lippe' } });
    expect((await gql(app, q, { at: '2030-01-01' })).body.data!.municipality).toEqual({ name: 'Lemgo, Alte Hansestadt', validFrom: '2030-01-01', validTo: null, district: { name: 'Lippe' } });
    // Default date is today (the clock says 2026-11-22).
    expect((await gql(app, q)).body.data!.municipality.name).toBe('Lemgo, Stadt');
    const s = await gql(app, `{ regions(name: "lemgo", level: MUNICIPALITY, at: "2030-06-01") { edges { node { name } } } }`);
    expect(s.body.data!.regions.edges.map((e: any) => e.node.name)).toEqual(['Lemgo, Alte Hansestadt']);
    const bad = await gql(app, `{ municipality(ags: "05766044", at: "2030-02-30") { name } }`);
    expect(bad.body.errors?.[0]?.message).toMatch(/Date must be a calendar date YYYY-MM-DD/);
  });

  it('the database refuses overlapping versions of one key', async () => {
    const [cur] = await database.db.select().from(regions).where(eq(regions.ags, '05766020'));
    const { id: _id, createdAt: _c, ...rest } = cur!;
    await expect(database.db.insert(regions).values({ ...rest, ars: '057660020099', validFrom: '2028-01-01' })).rejects.toThrow();
  });
});
