// Import of the postcode mapping, on every engine.
import fs from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Database } from '../src/db/client.js';
import { InputFileError } from '../src/lib/errors.js';
import { importPostcodes } from '../src/modules/postcodes/postcodes.import.js';
import { areasOfPostcode } from '../src/modules/postcodes/postcodes.repository.js';
import { importGv100ad } from '../src/modules/regions/gv100ad.import.js';
import { forEachEngine } from './helpers/engines.js';
import { clock, registerFingerprint, testActor } from './helpers/fixtures.js';
import { EDITIONS, POSTCODES, sharedFile } from './helpers/shared-data.js';

const csvFile = sharedFile(POSTCODES);
const editionFile = sharedFile(EDITIONS[2025]);
const haveData = !!(csvFile && editionFile);

/** AGS of the CSV that the 2025 edition does not list, computed independently of the importer. */
function expectedUnknownAgs(): string[] {
  const known = new Set(
    fs.readFileSync(editionFile!, 'utf8').split('\n').filter((l) => l.startsWith('60')).map((l) => l.slice(10, 18)),
  );
  const csvAgs = fs.readFileSync(csvFile!, 'utf8').trim().split('\n').slice(1).map((l) => l.split(',')[1]!.padStart(8, '0'));
  return [...new Set(csvAgs.filter((a) => !known.has(a)))].sort();
}

forEachEngine('postcode mapping import', (engine) => {
  let database: Database;
  const c = clock();
  const run = (text: string | Buffer, opts: { validFrom?: string; dryRun?: boolean; fileName?: string } = {}) =>
    importPostcodes(database.db, c, {
      bytes: typeof text === 'string' ? Buffer.from(text) : text,
      fileName: opts.fileName ?? 'zuordnung_plz_ort.csv',
      validFrom: opts.validFrom,
      dryRun: opts.dryRun,
      actor: testActor,
    });

  beforeAll(async () => {
    database = await engine.open();
    if (haveData) {
      await importGv100ad(database.db, c, { bytes: fs.readFileSync(editionFile!), fileName: 'GV100AD_30112025.txt', actor: testActor });
    }
  });
  afterAll(async () => {
    await database?.close();
  });

  it.skipIf(!haveData)('imports the shared mapping with restored leading zeros', async () => {
    const r = await run(fs.readFileSync(csvFile!));
    expect(r).toMatchObject({ rows: 12871, postcodes: 8170, sharedPostcodes: 1390, added: 12871, removed: 0, duplicateRows: 0 });
    expect(r.unknownAgs).toEqual(expectedUnknownAgs());
    // 9184149 in the file is 09184149.
    const areas = await areasOfPostcode(database.db, '22113', '2026-11-22');
    expect(areas.map((a) => [a.ags, a.locality])).toEqual([
      ['01062053', 'Oststeinbek'],
      ['02000000', 'Hamburg'],
    ]);
    expect((await areasOfPostcode(database.db, '01067', '2026-11-22'))[0]?.ags).toBe('14612000'); // Dresden, 4-digit in the file
  });

  it.skipIf(!haveData)('re-importing the same file changes nothing', async () => {
    const before = await registerFingerprint(database.db);
    const r = await run(fs.readFileSync(csvFile!));
    expect(r.unchanged).toBe(true);
    expect(await registerFingerprint(database.db)).toBe(before);
  });

  it.skipIf(!haveData)('a row missing from a newer file is closed on its date, not deleted', async () => {
    const lines = fs.readFileSync(csvFile!, 'utf8').trim().split('\n');
    const idx = lines.findIndex((l) => l.includes(',1062053,Oststeinbek,22113,'));
    expect(idx).toBeGreaterThan(0);
    const dry = await run(lines.filter((_, i) => i !== idx).join('\n'), { validFrom: '2027-01-01', dryRun: true });
    expect(dry.removed).toBe(1);
    expect((await areasOfPostcode(database.db, '22113', '2027-01-01')).length).toBe(2);
    const r = await run(lines.filter((_, i) => i !== idx).join('\n'), { validFrom: '2027-01-01' });
    expect(r).toMatchObject({ removed: 1, added: 0 });
    expect((await areasOfPostcode(database.db, '22113', '2026-12-31')).map((a) => a.ags)).toEqual(['01062053', '02000000']);
    expect((await areasOfPostcode(database.db, '22113', '2027-01-01')).map((a) => a.ags)).toEqual(['02000000']);
  });

  it('a malformed row fails the import with its line number; nothing is written', async () => {
    const before = await registerFingerprint(database.db);
    const text = 'osm_id,ags,ort,plz,landkreis,bundesland\n1,5766020,Detmold,32756,Lippe,NRW\n2,5766020,Detmold,3275,Lippe,NRW\n3,5766020,Detmold,32X58,Lippe,NRW\n';
    const err = await run(text, { fileName: 'bad.csv' }).catch((e) => e);
    expect(err).toBeInstanceOf(InputFileError);
    expect(err.message).toBe('bad.csv:4: plz "32X58" must be 5 digits (4 when the leading zero was lost)');
    expect(await registerFingerprint(database.db)).toBe(before);
  });
});
