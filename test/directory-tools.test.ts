// Street import, the demo directory, streaming CSV resolution, and index refresh across instances.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { openPostgres, queryRows, type Database } from '../src/db/client.js';
import { authorities } from '../src/db/schema.js';
import { InputFileError } from '../src/lib/errors.js';
import { generateDemoAuthorities } from '../src/modules/authorities/demo-authorities.js';
import { resolveCsv } from '../src/modules/jurisdictions/bulk-csv.js';
import { Directory } from '../src/modules/directory/directory.js';
import { lookupOne } from '../src/modules/jurisdictions/lookup.js';
import { importStreets } from '../src/modules/streets/streets.import.js';
import { importGv100ad } from '../src/modules/regions/gv100ad.import.js';
import { importPostcodes } from '../src/modules/postcodes/postcodes.import.js';
import { loadDemoSeed } from '../seed/load.js';
import { engines, forEachEngine } from './helpers/engines.js';
import { clock, registerFingerprint, testActor } from './helpers/fixtures.js';
import { runCli } from './helpers/processes.js';
import { EDITIONS, POSTCODES, sharedFile } from './helpers/shared-data.js';
import { makeServiceContext } from '../src/modules/directory/context.js';

const edition = sharedFile(EDITIONS[2025]);
const postcodes = sharedFile(POSTCODES);

const STREETS_CSV = `Name,PostalCode,Locality,RegionalKey,Borough,Suburb
Möllner Landstraße,22113,Oststeinbek,010620053053,,
Großmannstraße,22113,Hamburg,02000000,Hamburg-Mitte,Billbrook
Bahnhofstraße,32756,Detmold,5766020,,
`;

forEachEngine('street directory import', (engine) => {
  let database: Database;
  const c = clock();
  beforeAll(async () => {
    database = await engine.open();
    await loadDemoSeed(database.db, c, testActor);
  });
  afterAll(async () => database?.close());

  it('imports OpenPLZ rows (AGS or ARS, lost leading zeros) and settles a shared postcode by street', async () => {
    const r = await importStreets(database.db, c, { bytes: Buffer.from(STREETS_CSV), fileName: 'streets.csv', actor: testActor });
    expect(r).toMatchObject({ rows: 3, streets: 3, added: 3, removed: 0, unknownAgs: 0 });
    const ix = await new Directory(database, { pollMs: 0 }).get();
    expect([...ix.streets.values()].flat().map((s) => s.ags).sort()).toEqual(['01062053', '02000000', '05766020']);
    const res = lookupOne(ix, { address: { street: 'Möllner Landstr.', postalCode: '22113' } }, '2026-11-22');
    expect(res.status).toBe('NO_JURISDICTION'); // the place is settled; the seed has no authorities
    expect(res.ags).toBe('01062053');
  });

  it('a malformed row fails with its line and changes nothing', async () => {
    const before = await registerFingerprint(database.db);
    const bad = STREETS_CSV + 'Kurze Straße,3275X,Detmold,05766020,,\n';
    const err = await importStreets(database.db, c, { bytes: Buffer.from(bad), fileName: 's.csv', actor: testActor }).catch((e) => e);
    expect(err).toBeInstanceOf(InputFileError);
    expect(err.message).toBe('s.csv:5: PostalCode "3275X" must be 5 digits');
    expect(await registerFingerprint(database.db)).toBe(before);
  });
});

forEachEngine('demo directory and CSV resolution', (engine) => {
  let database: Database;
  const c = clock();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bv-bulk-'));
  beforeAll(async () => {
    database = await engine.open();
    if (edition && postcodes) {
      await importGv100ad(database.db, c, { bytes: fs.readFileSync(edition), fileName: 'GV100AD_30112025.txt', actor: testActor });
      await importPostcodes(database.db, c, { bytes: fs.readFileSync(postcodes), fileName: 'plz.csv', actor: testActor });
    }
  });
  afterAll(async () => {
    await database?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('refuses to build a demo directory without a register', async () => {
    const empty = await engine.open();
    try {
      await expect(generateDemoAuthorities(empty.db, c, { at: '2026-11-22', actor: testActor })).rejects.toThrow(/import a GV100AD edition first/);
    } finally {
      await empty.close();
    }
  });

  it.skipIf(!edition || !postcodes)('builds one demo authority per Gemeindeverband, deterministic, idempotent', async () => {
    const r = await generateDemoAuthorities(database.db, c, { at: '2026-11-22', actor: testActor });
    expect(r).toMatchObject({ associations: 4590, created: 4590, updated: 0, jurisdictionsCreated: 4590, skippedAreas: 0 });
    expect(r.electronic).toBeGreaterThan(4590 * 0.5);
    expect(r.electronic).toBeLessThan(4590 * 0.7);
    const again = await generateDemoAuthorities(database.db, c, { at: '2026-11-22', actor: testActor });
    expect(again).toMatchObject({ created: 0, updated: 0, jurisdictionsCreated: 0, skippedAreas: 4590, electronic: r.electronic });
    const [lemgo] = await database.db.select().from(authorities).where(eq(authorities.key, 'demo:057660044'));
    expect(lemgo).toMatchObject({ isDemo: true, kind: 'ENFORCEMENT', city: 'Lemgo', postcode: '32657', street: 'Rathausplatz' });
    expect(lemgo!.name).toMatch(/^\[DEMO\] /);
    const [n] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from jurisdictions where level = 'ASSOCIATION'`);
    expect(Number(n!.n)).toBe(4590);
  });

  it.skipIf(!edition || !postcodes)('resolves a CSV of addresses in order, with a row per input and errors per row', async () => {
    const input = path.join(dir, 'in.csv');
    fs.writeFileSync(
      input,
      [
        'id,street,houseNumber,postalCode,city',
        '1,Mittelstraße,12,32657,Lemgo',
        '2,"Hauptstraße, Hinterhaus",3,22113,',
        '3,Bahnhofstr.,1,22113,Oststeinbek',
        '4,Dorfstraße,1,1234X,Nirgendwo',
        '5,Marktplatz,1,01067,Dresden',
        '',
      ].join('\n'),
    );
    const chunks: string[] = [];
    const output = new (await import('node:stream')).PassThrough();
    output.on('data', (d) => chunks.push(String(d)));
    const ix = await new Directory(database, { pollMs: 0 }).get();
    const summary = await resolveCsv({ input, output, index: ix, today: '2026-11-22' });
    expect(summary).toEqual({ rows: 5, byStatus: { RESOLVED: 3, AMBIGUOUS: 1, ERROR: 1 } });
    const lines = chunks.join('').trim().split('\n');
    expect(lines[0]).toBe('id,street,houseNumber,postalCode,city,status,authority_key,authority_name,authority_postal_code,authority_city,electronic,ags,confidence,candidates,warnings,error');
    expect(lines[1]).toMatch(/^1,Mittelstraße,12,32657,Lemgo,RESOLVED,demo:057660044,\[DEMO\] Vollstreckungsstelle Lemgo, Stadt|^1,Mittelstraße,12,32657,Lemgo,RESOLVED,demo:057660044,"\[DEMO\]/);
    expect(lines[2]).toMatch(/^2,"Hauptstraße, Hinterhaus",3,22113,,AMBIGUOUS,/);
    expect(lines[2]).toContain('01062053:demo:010620053 02000000:demo:020000000');
    expect(lines[3]).toMatch(/^3,Bahnhofstr\.,1,22113,Oststeinbek,RESOLVED,demo:010620053,/);
    expect(lines[4]).toBe(`4,Dorfstraße,1,1234X,Nirgendwo,ERROR,,,,,,,,,,"line 5, column postalCode: ""1234X"" is not a postcode: expected 5 digits"`);
    expect(lines[5]).toMatch(/^5,Marktplatz,1,01067,Dresden,RESOLVED,demo:146120000,/);
    // confidence: 1 as written, 0 between places
    expect(lines[1]).toContain(',05766044,1,');
    expect(lines[2]).toContain(',,0,01062053:demo:010620053');
    // With a message type the column is route's decision: demo authorities have no data centre, so post, and why.
    const routed: string[] = [];
    const out2 = new (await import('node:stream')).PassThrough();
    out2.on('data', (d) => routed.push(String(d)));
    await resolveCsv({ input, output: out2, index: ix, today: '2026-11-22', messageType: '100' });
    const lemgo = routed.join('').trim().split('\n')[1]!;
    expect(lemgo).toContain(',false,05766044,');
    expect(lemgo).toContain('demo:057660044 has no tenant in a data centre');
  });

  it.skipIf(!edition || !postcodes)('the CLI writes the result file whole, with a progress bar on stderr', async () => {
    const input = path.join(dir, 'in2.csv');
    fs.writeFileSync(input, 'ags\n05766044\n02000000\n');
    const out = path.join(dir, 'out.csv');
    const env: Record<string, string> = { DATA_DIR: path.join(dir, 'data'), SEED_DEMO: 'false' };
    let drop: (() => Promise<void>) | undefined;
    if (engine.url) {
      // a separate database for the child process, filled the same way
      const fresh = await engine.url();
      env.DATABASE_URL = fresh.url;
      drop = fresh.drop;
    }
    try {
      expect((await runCli(['import', 'gv100ad', edition!], env)).code).toBe(0);
      expect((await runCli(['demo', 'authorities', '--json'], env)).code).toBe(0);
      const res = await runCli(['resolve', input, '--out', out], env);
      expect(res.code).toBe(0);
      expect(res.stderr).toMatch(/\[#{30}\] 100%\s+2 rows/);
      expect(res.stderr).toMatch(/2 rows: RESOLVED 2/);
      expect(fs.readFileSync(out, 'utf8').trim().split('\n').map((l) => l.split(',').slice(0, 3).join(','))).toEqual([
        'ags,status,authority_key',
        '05766044,RESOLVED,demo:057660044',
        '02000000,RESOLVED,demo:020000000',
      ]);
      expect(fs.readdirSync(dir).filter((f) => f.includes('.partial-'))).toEqual([]);
      // A wrong --message-type stops the run before any row (it would make every row an ERROR).
      const wrong = await runCli(['resolve', input, '--out', path.join(dir, 'wrong.csv'), '--message-type', '777'], env);
      expect(wrong.code).toBe(2);
      expect(wrong.stderr).toMatch(/--message-type "777" is not an XAmtshilfe message type/);
      expect(fs.existsSync(path.join(dir, 'wrong.csv'))).toBe(false);
      // So does a task not in the task list (every row would be NO_JURISDICTION).
      const task = await runCli(['resolve', input, '--out', path.join(dir, 'task.csv'), '--task', 'vollstreckungshilfe'], env);
      expect(task.code).toBe(2);
      expect(task.stderr).toMatch(/--task "vollstreckungshilfe" is not in the task list \(.*VOLLSTRECKUNGSHILFE/);
      // --out: a missing folder, a folder, the input itself are refused before anything is read or written.
      const targets: [string, RegExp][] = [
        [path.join(dir, 'missing', 'x.csv'), /--out: folder .* does not exist/],
        [path.join(input, 'sub', 'x.csv'), /--out: folder .* does not exist/],
        [dir, /--out .* is not a regular file/],
        [input, /--out .* is the input file/],
      ];
      for (const [target, message] of targets) {
        const r = await runCli(['resolve', input, '--out', target], env);
        expect([r.code, r.stderr]).toEqual([2, expect.stringMatching(message)]);
      }
      expect(fs.readFileSync(input, 'utf8')).toBe('ags\n05766044\n02000000\n');
      // A spreadsheet's ISO-8859-1 CSV is read as such: umlauts survive.
      const latin = path.join(dir, 'latin1.csv');
      fs.writeFileSync(latin, Buffer.from('ags,name\n09162000,M\xfcnchen\n', 'latin1'));
      expect((await runCli(['resolve', latin, '--out', path.join(dir, 'latin-out.csv')], env)).code).toBe(0);
      expect(fs.readFileSync(path.join(dir, 'latin-out.csv'), 'utf8')).toContain('09162000,München,RESOLVED');
      // A file that began as UTF-8 and is not further on: refused with the line, no file written.
      const mixed = path.join(dir, 'mixed.csv');
      fs.writeFileSync(mixed, Buffer.concat([Buffer.from(`ags,name\n${'05766044,Lemgo\n'.repeat(6000)}`), Buffer.from('09162000,M\xfcnchen\n', 'latin1')]));
      const bad = await runCli(['resolve', mixed, '--out', path.join(dir, 'mixed-out.csv')], env);
      expect([bad.code, bad.stderr]).toEqual([1, expect.stringMatching(/:6002: line is not valid UTF-8.*--encoding latin1/)]);
      expect(fs.existsSync(path.join(dir, 'mixed-out.csv'))).toBe(false);
      // Two columns meaning one thing: neither is guessed. Escape sequences in the header are shown, not sent to the terminal.
      const twice = path.join(dir, 'twice.csv');
      fs.writeFileSync(twice, 'ags,AGS\n05766044,09162000\n');
      const dup = await runCli(['resolve', twice, '--out', path.join(dir, 'twice-out.csv')], env);
      expect([dup.code, dup.stderr]).toEqual([1, expect.stringMatching(/columns 1 \(ags\) and 2 \(AGS\) are both ags/)]);
      const ansi = path.join(dir, 'ansi.csv');
      fs.writeFileSync(ansi, '\x1b]0;pwned\x07title\n1\n');
      const esc = await runCli(['resolve', ansi, '--out', path.join(dir, 'ansi-out.csv')], env);
      expect(esc.code).toBe(1);
      expect(esc.stderr).toContain('\\u001b]0;pwned\\u0007title');
      expect(esc.stderr).not.toContain('\x1b');
      expect(fs.readdirSync(dir).filter((f) => f.includes('.partial-') || f.endsWith('-out.csv') && !f.startsWith('latin'))).toEqual([]);
    } finally {
      await drop?.();
    }
  });
});

const pg = engines().find((e) => e.name === 'postgres');
describe.skipIf(!pg)('index refresh across server instances [postgres]', () => {
  it('a change made through one instance reaches the other instance’s index via NOTIFY', async () => {
    const fresh = await pg!.url!();
    const a = await openPostgres(fresh.url, 2);
    const b = await openPostgres(fresh.url, 2);
    const c = clock();
    const dirB = new Directory(b, { pollMs: 0 });
    try {
      await loadDemoSeed(a.db, c, testActor);
      await dirB.start();
      expect((await dirB.get()).authoritiesByKey.has('test:other')).toBe(false);
      const reloaded = new Promise<void>((resolve) => {
        const t = setInterval(() => {
          void dirB.get().then((ix) => {
            if (ix.authoritiesByKey.has('test:other')) {
              clearInterval(t);
              resolve();
            }
          });
        }, 20);
      });
      // "Instance A" writes through the service layer, which notifies.
      const { createAuthority } = await import('../src/modules/authorities/authorities.service.js');
      const dirA = new Directory(a, { pollMs: 0 });
      await createAuthority(
        makeServiceContext({ db: a.db, clock: c, principal: { subject: 'admin', role: 'ADMIN', scope: null }, actor: testActor, directory: dirA }),
        { key: 'test:other', kind: 'ENFORCEMENT', name: 'Other', postalAddress: { street: 'A', houseNumber: '1', postalCode: '32756', city: 'Detmold' } },
      );
      await Promise.race([reloaded, new Promise((_, reject) => setTimeout(() => reject(new Error('instance B did not reload within 5 s')), 5000))]);
      expect((await dirB.get()).authoritiesByKey.get('test:other')?.name).toBe('Other');
    } finally {
      await dirB.stop();
      await a.close();
      await b.close();
      await fresh.drop();
    }
  });

  it('the periodic version check catches a change whose notification was missed', async () => {
    const fresh = await pg!.url!();
    const db = await openPostgres(fresh.url, 2);
    const dir = new Directory(db, { pollMs: 50 });
    try {
      await dir.start(); // no LISTEN is needed for this path: the poll compares versions
      const v0 = (await dir.get()).version;
      await db.db.transaction(async (tx) => {
        const { bumpDirectoryVersion } = await import('../src/modules/directory/version.js');
        await bumpDirectoryVersion(tx);
      });
      for (let i = 0; i < 100 && (await dir.get()).version === v0; i++) await new Promise((r) => setTimeout(r, 20));
      expect((await dir.get()).version).toBe(v0 + 1);
    } finally {
      await dir.stop();
      await db.close();
      await fresh.drop();
    }
  });
});

