// Forgiving and never wrong on the national data set (#18): the 2025 GV100AD edition, the postcode
// mapping and the demo authorities. Seeded typo samples (the generator of bench/typos.bench.ts, which
// measures the full sets) and the town-hall set give no wrong answer; the cases named in the issue.
// Needs ../shared/data; skipped visibly without it. PGlite only: this is about the data, not the engine.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AT, municipalitiesOf, runCases, typoCases, type Municipality } from '../bench/typos.bench.js';
import type { Database } from '../src/db/client.js';
import { generateDemoAuthorities } from '../src/modules/authorities/demo-authorities.js';
import type { DirectoryIndex } from '../src/modules/directory/directory-index.js';
import { loadDirectoryIndex } from '../src/modules/directory/load-index.js';
import { lookupOne } from '../src/modules/jurisdictions/lookup.js';
import { importPostcodes } from '../src/modules/postcodes/postcodes.import.js';
import { importGv100ad } from '../src/modules/regions/gv100ad.import.js';
import { engines } from './helpers/engines.js';
import { clock, testActor } from './helpers/fixtures.js';
import { EDITIONS, POSTCODES, sharedFile } from './helpers/shared-data.js';

const edition = sharedFile(EDITIONS[2025]);
const postcodes = sharedFile(POSTCODES);

describe.skipIf(!edition || !postcodes)('near misses on the national data set [pglite]', () => {
  let database: Database;
  let ix: DirectoryIndex;
  let all: Municipality[];
  const look = (postalCode: string | null, city: string) => lookupOne(ix, { postalCode, city, at: AT }, AT);

  beforeAll(async () => {
    const c = clock();
    database = await engines().find((e) => e.name === 'pglite')!.open();
    await importGv100ad(database.db, c, { bytes: fs.readFileSync(edition!), fileName: 'GV100AD_30112025.txt', actor: testActor });
    await importPostcodes(database.db, c, { bytes: fs.readFileSync(postcodes!), fileName: 'plz.csv', actor: testActor });
    await generateDemoAuthorities(database.db, c, { at: AT, actor: testActor });
    ix = await loadDirectoryIndex(database.db);
    all = municipalitiesOf(edition!);
  }, 600_000);
  afterAll(async () => {
    await database?.close();
  });

  it('town hall postcode and name of every municipality: no wrong answer, only homonyms under one postcode left', () => {
    const cases = all.filter((m) => m.townHallPostcode).map((m) => ({ ags: m.ags, city: m.city, postalCode: m.townHallPostcode! }));
    const { counts } = runCases(ix, cases);
    expect(counts.wrong).toBe(0);
    expect(counts.notFound + counts.ambiguous).toBe(0);
    expect(counts.listed).toBeLessThanOrEqual(6);
  });

  it('one typo with the postcode (seeded sample): no wrong answer, at least 97 % exact', () => {
    const { counts } = runCases(ix, typoCases(ix, all, 400, 1818, true));
    expect(counts.wrong).toBe(0);
    expect(counts.exact).toBeGreaterThanOrEqual(0.97 * 400);
  });

  it('one typo without a postcode (seeded sample): no wrong answer, at least 90 % exact or listed', () => {
    const { counts } = runCases(ix, typoCases(ix, all, 400, 1819, false));
    expect(counts.wrong).toBe(0);
    expect(counts.exact + counts.listed).toBeGreaterThanOrEqual(0.9 * 400);
  });

  it('a name that is another municipality\'s and near the postcode\'s own does not win over the postcode', () => {
    const r = look('55296', 'Herxheim');
    expect(r.status).toBe('AMBIGUOUS');
    expect(r.candidates.map((c) => c.municipalityName)).toContain('Harxheim');
  });

  it.each([
    ['83013', 'Rosenheim', '09163000'],
    ['95015', 'Hof', '09464000'],
    ['90744', 'Fürth', '09563000'],
  ])('homonyms with an unknown postcode: %s %s is settled by where the postcode lies', (postcode, city, ags) => {
    expect(look(postcode, city)).toMatchObject({ status: 'RESOLVED', ags, confidence: 0.9 });
  });

  it('a misspelt big town with its postcode and without', () => {
    expect(look('32756', 'Detmlod')).toMatchObject({ status: 'RESOLVED', ags: '05766020', confidence: 0.9 });
    expect(look(null, 'Bielefleld')).toMatchObject({ status: 'RESOLVED', ags: '05711000', confidence: 0.8 });
  });
});
