// Import of all three shared editions in sequence, on every engine.
import fs from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Database } from '../src/db/client.js';
import { regions } from '../src/db/schema.js';
import { InputFileError } from '../src/lib/errors.js';
import { importGv100ad, ImportRejectedError, type Gv100ImportResult } from '../src/modules/regions/gv100ad.import.js';
import { findMunicipalityAt } from '../src/modules/regions/regions.repository.js';
import { forEachEngine } from './helpers/engines.js';
import { clock, registerFingerprint, testActor } from './helpers/fixtures.js';
import { EDITIONS, sharedFile } from './helpers/shared-data.js';

const files = { 2021: sharedFile(EDITIONS[2021]), 2022: sharedFile(EDITIONS[2022]), 2025: sharedFile(EDITIONS[2025]) };
const haveData = !!(files[2021] && files[2022] && files[2025]);

forEachEngine('GV100AD import of 2021 → 2022 → 2025', (engine) => {
  let database: Database;
  const c = clock();
  const run = (bytes: Uint8Array, fileName: string, dryRun = false) =>
    importGv100ad(database.db, c, { bytes, fileName, dryRun, actor: testActor });
  const read = (y: 2021 | 2022 | 2025) => fs.readFileSync(files[y]!);
  const results: Record<string, Gv100ImportResult> = {};

  beforeAll(async () => {
    database = await engine.open();
  });
  afterAll(async () => {
    await database?.close();
  });

  it.skipIf(!haveData)('imports the 2021 edition into an empty register', async () => {
    const r = (results[2021] = await run(read(2021), 'GV100AD_31122021.txt'));
    expect(r.edition).toBe('2021-12-31');
    expect(r.encoding).toBe('utf-8');
    expect(r.counts).toEqual({ states: 16, governmentDistricts: 29, regions: 12, districts: 400, associations: 4606, municipalities: 10997 });
    expect(r.diff).toEqual({ added: 10997, removed: 0, renamed: 0, moved: 0 });
    const [{ n }] = (await database.db.select({ n: sql<number>`count(*)::int` }).from(regions)) as [{ n: number }];
    expect(Number(n)).toBe(16 + 29 + 12 + 400 + 4606 + 10997);
    // The first edition has no known start: valid since before it.
    expect((await findMunicipalityAt(database.db, '05766020', '1990-01-01'))?.name).toBe('Detmold, Stadt');
  });

  it.skipIf(!haveData)('re-importing the same edition changes nothing', async () => {
    const before = await registerFingerprint(database.db);
    const r = await run(read(2021), 'GV100AD_31122021.txt');
    expect(r.unchanged).toBe(true);
    expect(r.diff).toEqual({ added: 0, removed: 0, renamed: 0, moved: 0 });
    expect(await registerFingerprint(database.db)).toBe(before);
  });

  it.skipIf(!haveData)('a dry run of 2022 reports the diff and writes nothing', async () => {
    const before = await registerFingerprint(database.db);
    const r = await run(read(2022), 'GV100AD_31122022.txt', true);
    expect(r.dryRun).toBe(true);
    expect(r.diff).toEqual({ added: 0, removed: 4, renamed: 7, moved: 5 });
    expect(await registerFingerprint(database.db)).toBe(before);
  });

  it.skipIf(!haveData)('imports 2022 with its diff', async () => {
    const r = (results[2022] = await run(read(2022), 'GV100AD_31122022.txt'));
    expect(r.counts).toEqual({ states: 16, governmentDistricts: 29, regions: 12, districts: 400, associations: 4603, municipalities: 10993 });
    expect(r.diff).toEqual({ added: 0, removed: 4, renamed: 7, moved: 5 });
  });

  it.skipIf(!haveData)('imports 2025 with its diff', async () => {
    const r = (results[2025] = await run(read(2025), 'GV100AD_30112025.txt'));
    expect(r.edition).toBe('2025-11-30');
    expect(r.counts).toEqual({ states: 16, governmentDistricts: 29, regions: 12, districts: 400, associations: 4590, municipalities: 10953 });
    expect(r.diff).toEqual({ added: 5, removed: 45, renamed: 20, moved: 15 });
    expect(r.details.added).toContain('16061119'); // Uder, merged from eleven Eichsfeld municipalities
    expect(r.details.added).toContain('14522275'); // Jahnatal
    const current = await database.db
      .select({ n: sql<number>`count(*)::int` })
      .from(regions)
      .where(and(eq(regions.level, 'MUNICIPALITY'), isNull(regions.validTo)));
    expect(Number(current[0]!.n)).toBe(10953);
    expect((await findMunicipalityAt(database.db, '05766048', '2025-11-30'))?.name).toBe('Leopoldshöhe');
  });

  it.skipIf(!haveData)('answers for a date: vanished, new and renamed municipalities', async () => {
    const db = database.db;
    expect(await findMunicipalityAt(db, '16061119', '2025-11-29')).toBeUndefined();
    expect((await findMunicipalityAt(db, '16061119', '2025-11-30'))?.name).toBe('Uder');
    const gone = results[2025]!.details.removed.find((a) => a.startsWith('16061'))!;
    const old = await findMunicipalityAt(db, gone, '2025-11-29');
    expect(old?.validTo).toBe('2025-11-30');
    expect(await findMunicipalityAt(db, gone, '2025-11-30')).toBeUndefined();
    const renamed = results[2025]!.details.renamed[0]!;
    expect((await findMunicipalityAt(db, renamed.ags, '2025-11-29'))?.name).toBe(renamed.from);
    expect((await findMunicipalityAt(db, renamed.ags, '2025-11-30'))?.name).toBe(renamed.to);
    const moved = results[2025]!.details.moved[0]!;
    expect((await findMunicipalityAt(db, moved.ags, '2025-11-29'))?.ars.slice(0, 9)).toBe(moved.fromAssociation);
    expect((await findMunicipalityAt(db, moved.ags, '2025-11-30'))?.ars.slice(0, 9)).toBe(moved.toAssociation);
  });

  it.skipIf(!haveData)('refuses an older edition and changes nothing', async () => {
    const before = await registerFingerprint(database.db);
    await expect(run(read(2022), 'GV100AD_31122022.txt')).rejects.toThrow(ImportRejectedError);
    await expect(run(read(2022), 'GV100AD_31122022.txt')).rejects.toThrow(/older than edition 2025-11-30/);
    expect(await registerFingerprint(database.db)).toBe(before);
  });

  it.skipIf(!haveData)('a malformed line deep in the file fails the import with its line number; nothing is written', async () => {
    const before = await registerFingerprint(database.db);
    const lines = read(2025).toString('utf8').split('\n');
    // A newer edition whose 9000th line has a broken population field.
    const edited = lines.map((l) => (l ? l.slice(0, 2) + '20260101' + l.slice(10) : l));
    const bad = edited[8999]!;
    expect(bad.startsWith('60')).toBe(true);
    edited[8999] = bad.slice(0, 139) + 'xxxxxxxxxxx' + bad.slice(150);
    const err = await run(Buffer.from(edited.join('\n')), 'broken.txt').catch((e) => e);
    expect(err).toBeInstanceOf(InputFileError);
    expect(err.line).toBe(9000);
    expect(err.message).toMatch(/broken\.txt:9000: population "xxxxxxxxxxx"/);
    expect(await registerFingerprint(database.db)).toBe(before);
  });

  it.skipIf(!haveData)('reads the same edition as ISO-8859-1 with CRLF: only names ISO-8859-1 cannot hold differ', async () => {
    const text = read(2025).toString('utf8');
    const latin1 = Buffer.from(toLatin1Text(text).replace(/\n/g, '\r\n'), 'latin1');
    expect(latin1.includes(0xf6)).toBe(true); // ö as one byte
    const lossy = text
      .split('\n')
      .filter((l) => l.startsWith('60') && /[^\u0000-\u00ff]/.test(l.slice(22, 72))).length;
    expect(lossy).toBeGreaterThan(0); // Sorbian names such as Chóśebuz
    const r = await run(latin1, 'GV100AD_30112025.ASC');
    expect(r.encoding).toBe('latin1');
    expect(r.edition).toBe('2025-11-30');
    expect(r.counts.municipalities).toBe(10953);
    expect(r.diff).toEqual({ added: 0, removed: 0, renamed: lossy, moved: 0 });
    expect((await findMunicipalityAt(database.db, '05766048', '2025-11-30'))?.name).toBe('Leopoldshöhe');
  });
});

/** What an ISO-8859-1 file can hold: letters beyond it lose their diacritics (ś → s, ł → l). */
function toLatin1Text(s: string): string {
  return s.replace(/[^\u0000-\u00ff]/g, (ch) => {
    const base = ch.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
    return ({ ł: 'l', Ł: 'L' } as Record<string, string>)[ch] ?? (/^[\u0000-\u00ff]$/.test(base) ? base : '?');
  });
}
