// The round trip on the national data set (issue #16, "Done means"): the 2025 GV100AD edition, the
// postcode mapping and the demo authorities; export the authorities to a file, wipe authorities and
// jurisdictions, import the file, and every municipality gets the same answer as before. PGlite only
// (the same code runs on PostgreSQL in bulk-registration.test.ts; this one is about the data's size).
// Needs ../shared/data; skipped visibly without it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/client.js';
import { regions } from '../src/db/schema.js';
import { validAt } from '../src/db/versioned.js';
import { safeCsvLine } from '../src/lib/csv-stream.js';
import { generateDemoAuthorities } from '../src/modules/authorities/demo-authorities.js';
import { makeServiceContext } from '../src/modules/directory/context.js';
import { Directory } from '../src/modules/directory/directory.js';
import { lookupOne } from '../src/modules/jurisdictions/lookup.js';
import { exportAuthorities } from '../src/modules/jurisdictions/registration-export.js';
import { importAuthorities } from '../src/modules/jurisdictions/registration-import.js';
import { importPostcodes } from '../src/modules/postcodes/postcodes.import.js';
import { importGv100ad } from '../src/modules/regions/gv100ad.import.js';
import { engines } from './helpers/engines.js';
import { clock, testActor } from './helpers/fixtures.js';
import { EDITIONS, POSTCODES, sharedFile } from './helpers/shared-data.js';

const edition = sharedFile(EDITIONS[2025]);
const postcodes = sharedFile(POSTCODES);
const AT = '2026-11-22';

describe.skipIf(!edition || !postcodes)('bulk registration round trip on the national data set [pglite]', () => {
  let database: Database;
  const c = clock();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bv-bulk-national-'));

  beforeAll(async () => {
    database = await engines().find((e) => e.name === 'pglite')!.open();
    await importGv100ad(database.db, c, { bytes: fs.readFileSync(edition!), fileName: 'GV100AD_30112025.txt', actor: testActor });
    await importPostcodes(database.db, c, { bytes: fs.readFileSync(postcodes!), fileName: 'plz.csv', actor: testActor });
    await generateDemoAuthorities(database.db, c, { at: AT, actor: testActor });
  }, 600_000);
  afterAll(async () => {
    await database?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Every municipality's answer: the authority's key, or the status when there is none. */
  async function answers(): Promise<Map<string, string>> {
    const ix = await new Directory(database, { pollMs: 0 }).get();
    const munis = await database.db.select({ ags: regions.ags }).from(regions).where(and(eq(regions.level, 'MUNICIPALITY'), validAt(regions, AT)));
    return new Map(munis.map((m) => {
      const r = lookupOne(ix, { ags: m.ags }, AT);
      return [m.ags!, r.authority?.key ?? r.status];
    }));
  }

  it('export, wipe, import the export: the same authority for every municipality', async () => {
    const before = await answers();
    expect(before.size).toBe(10953);
    expect([...before.values()].filter((k) => k.startsWith('demo:')).length).toBe(10953);

    const file = path.join(dir, 'authorities.csv');
    fs.writeFileSync(file, (await exportAuthorities(database.db, { at: AT })).map((r) => safeCsvLine(r)).join(''));
    await database.db.execute(sql`delete from jurisdictions`);
    await database.db.execute(sql`delete from authorities`);
    expect(new Set((await answers()).values())).toEqual(new Set(['NO_JURISDICTION']));

    const directory = new Directory(database, { pollMs: 0 });
    const ctx = makeServiceContext({ db: database.db, clock: c, principal: { subject: 'test', role: 'ADMIN', scope: null }, actor: testActor, directory });
    const started = performance.now();
    const plan = await importAuthorities(ctx, { text: fs.readFileSync(file, 'utf8'), fileName: 'authorities.csv', dryRun: false, endDate: AT });
    console.log(`[bulk-registration] imported ${plan.authorities.created.length} authorities and ${plan.jurisdictions.created.length} jurisdictions in ${Math.round(performance.now() - started)} ms`);
    expect(plan.errors).toEqual([]);
    expect(plan.authorities.created).toHaveLength(4590);
    expect(plan.jurisdictions.created).toHaveLength(4590);

    const after = await answers();
    const differ = [...before].filter(([ags, key]) => after.get(ags) !== key);
    expect(differ.slice(0, 10)).toEqual([]);
    expect(after.size).toBe(before.size);
  }, 900_000);
});
