// The public register reads from memory (issue #17) give the database's answers: municipality,
// region, regions (every filter, every page by cursor) and postal areas, compared key by key with
// the database queries on the demo seed and, where ../shared/data is present, on the national data
// set, on every engine; and another instance's register follows an import.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemoSeed } from '../seed/load.js';
import type { Database } from '../src/db/client.js';
import { regions as regionsTable } from '../src/db/schema.js';
import { Directory } from '../src/modules/directory/directory.js';
import type { RegisterIndex } from '../src/modules/directory/register-index.js';
import { importPostcodes } from '../src/modules/postcodes/postcodes.import.js';
import { areasOfPostcode, postcodesOfMunicipalities } from '../src/modules/postcodes/postcodes.repository.js';
import { importGv100ad } from '../src/modules/regions/gv100ad.import.js';
import { findMunicipalityAt, findRegionAt } from '../src/modules/regions/regions.repository.js';
import { searchDatabase, searchRegister, type SearchInput } from '../src/modules/regions/regions.service.js';
import { engines, forEachEngine } from './helpers/engines.js';
import { clock, testActor } from './helpers/fixtures.js';
import { EDITIONS, POSTCODES, sharedFile } from './helpers/shared-data.js';

type Row = typeof regionsTable.$inferSelect;

/** Every date a version starts or ends on, and the day before each: the edges of validity. */
function edgeDates(rows: { validFrom: string | null; validTo: string | null }[], max = 12): string[] {
  const dates = new Set<string>(['1990-01-01', '2026-11-22']);
  for (const r of rows) {
    for (const d of [r.validFrom, r.validTo]) {
      if (!d || dates.size >= max) continue;
      dates.add(d);
      dates.add(new Date(Date.parse(`${d}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10));
    }
  }
  return [...dates];
}

/** Pages through a search on both paths and compares every page. */
async function comparePages(database: Database, register: RegisterIndex, input: Omit<SearchInput, 'after'>): Promise<number> {
  let after: SearchInput['after'];
  let pages = 0;
  for (;;) {
    const fromDb = await searchDatabase(database.db, { ...input, after });
    const fromMemory = searchRegister(register, { ...input, after });
    expect(fromMemory, JSON.stringify(input)).toEqual(fromDb);
    pages++;
    const last = fromDb.rows.at(-1);
    if (!fromDb.hasNextPage || !last) return pages;
    after = { nameKey: last.nameKey, id: last.id };
  }
}

/** Postal areas on both paths; the database orders a postcode's areas by AGS only, so ties compare as sets. */
async function comparePostcode(database: Database, register: RegisterIndex, postcode: string, at: string): Promise<void> {
  const fromDb = await areasOfPostcode(database.db, postcode, at);
  const fromMemory = register.postalAreas(postcode, at);
  expect(fromMemory.map((p) => p.ags)).toEqual(fromDb.map((p) => p.ags));
  expect(new Set(fromMemory.map((p) => p.id))).toEqual(new Set(fromDb.map((p) => p.id)));
}

async function compareKeys(database: Database, register: RegisterIndex, rows: Row[], dates: string[]): Promise<void> {
  for (const at of dates) {
    for (const r of rows) {
      if (r.ags) expect(register.municipality(r.ags, at)?.id, `${r.ags} ${at}`).toBe((await findMunicipalityAt(database.db, r.ags, at))?.id);
      expect(register.region(r.ars, at)?.id, `${r.ars} ${at}`).toBe((await findRegionAt(database.db, r.ars, at))?.id);
      expect(register.region(r.ars, at, r.level)?.id).toBe((await findRegionAt(database.db, r.ars, at, r.level))?.id);
    }
  }
}

async function compareSearches(database: Database, register: RegisterIndex, rows: Row[], at: string, first: number, every = 1): Promise<void> {
  const parents = [...new Set(rows.filter((r, i) => r.ars.length < 12 && i % every === 0).map((r) => r.ars))];
  const prefixes = [...new Set(rows.flatMap((r, i) => (i % every === 0 ? [r.nameKey.slice(0, 1), r.nameKey.slice(0, 3)] : [])))];
  await comparePages(database, register, { at, first });
  for (const level of ['STATE', 'GOVERNMENT_DISTRICT', 'REGION', 'DISTRICT', 'ASSOCIATION', 'MUNICIPALITY'] as const) {
    await comparePages(database, register, { at, first, level });
  }
  for (const parentArs of parents) {
    await comparePages(database, register, { at, first, parentArs });
    await comparePages(database, register, { at, first, parentArs, level: 'MUNICIPALITY' });
  }
  for (const name of prefixes) await comparePages(database, register, { at, first, name });
  await comparePages(database, register, { at, first, name: 'Lübeck' });
}

async function comparePostcodes(database: Database, register: RegisterIndex, dates: string[], limit = Infinity): Promise<void> {
  const postcodes = [...register.areasOfPostcode.keys()].slice(0, limit);
  const agsList = [...register.postcodesOfAgs.keys()].slice(0, limit);
  for (const at of dates) {
    for (const p of postcodes) await comparePostcode(database, register, p, at);
    for (const ags of agsList) {
      expect(register.postcodesOf(ags, at).map((p) => p.id)).toEqual((await postcodesOfMunicipalities(database.db, [ags], at)).map((p) => p.id));
    }
  }
}

forEachEngine('register reads from memory, demo seed', (engine) => {
  let database: Database;
  let register: RegisterIndex;
  let rows: Row[];

  beforeAll(async () => {
    database = await engine.open();
    expect(await loadDemoSeed(database.db, clock(), testActor)).toBe('seeded');
    register = (await new Directory(database, { pollMs: 0 }).get()).register;
    rows = await database.db.select().from(regionsTable);
  });
  afterAll(async () => {
    await database?.close();
  });

  it('holds every region version and postal area of the database', () => {
    expect(register.regions.length).toBe(rows.length);
    expect(rows.length).toBeGreaterThan(10);
  });

  it('finds every municipality and region on every edge date as the database does', async () => {
    await compareKeys(database, register, rows, edgeDates(rows));
    expect(register.municipality('99999999', '2026-11-22')).toBeUndefined();
  });

  it('searches and pages like the database, for every filter', async () => {
    for (const first of [1, 3, 20]) await compareSearches(database, register, rows, '2026-11-22', first);
  });


  it('answers postcodes and a municipality postcodes as the database does', async () => {
    await comparePostcodes(database, register, edgeDates(rows));
  });

  it('leaves a cursor of a region it no longer holds to the database', () => {
    expect(searchRegister(register, { at: '2026-11-22', first: 5, after: { nameKey: 'a', id: -1 } })).toBeUndefined();
  });
});

const edition2022 = sharedFile(EDITIONS[2022]);
const edition2025 = sharedFile(EDITIONS[2025]);
const postcodes = sharedFile(POSTCODES);

describe.skipIf(!edition2022 || !edition2025 || !postcodes)('register reads from memory, national data set', () => {
  for (const engine of engines()) {
    describe(`[${engine.name}]`, () => {
      let database: Database;
      let other: Directory;
      const c = clock();

      beforeAll(async () => {
        database = await engine.open();
        await importGv100ad(database.db, c, { bytes: fs.readFileSync(edition2022!), fileName: 'GV100AD_31122022.txt', actor: testActor });
        await importPostcodes(database.db, c, { bytes: fs.readFileSync(postcodes!), fileName: 'plz.csv', actor: testActor });
        // Another instance: it hears of the next import only by NOTIFY or its version check.
        other = new Directory(database, { pollMs: 50 });
        await other.start();
        await importGv100ad(database.db, c, { bytes: fs.readFileSync(edition2025!), fileName: 'GV100AD_30112025.txt', actor: testActor });
      }, 600_000);
      afterAll(async () => {
        await other?.stop();
        await database?.close();
      });

      it('another instance follows the import, and its register answers as the database does', async () => {
        const imported = await new Directory(database, { pollMs: 0 }).get();
        while (other.loaded()!.version !== imported.version) await new Promise((r) => setTimeout(r, 50));
        const register = other.loaded()!.register;
        const rows = await database.db.select().from(regionsTable);
        expect(register.regions.length).toBe(rows.length);
        const sample = rows.filter((_, i) => i % 97 === 0);
        const changed = rows.filter((r) => r.validFrom !== null || r.validTo !== null).slice(0, 100);
        await compareKeys(database, register, [...sample, ...changed], ['2025-11-29', '2025-11-30']);
        await compareSearches(database, register, rows, '2025-11-30', 200, 97);
        // The register keeps each list's valid rows for the last date asked: dates in turn, around the change.
        const around = [...new Set(changed.flatMap((r) => [r.validFrom, r.validTo]).filter((d): d is string => d !== null))].slice(0, 2);
        expect(around.length).toBeGreaterThan(0);
        const before = (d: string) => new Date(Date.parse(`${d}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
        for (const at of around.flatMap((d) => [before(d), d, before(d)])) await compareSearches(database, register, changed, at, 20);
        await comparePostcodes(database, register, ['2025-11-30'], 200);
      }, 600_000);
    });
  }
});
