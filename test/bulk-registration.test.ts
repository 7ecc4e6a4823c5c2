// Bulk registration (issue #16): authorities with their jurisdictions from a CSV file. The file format
// on its own; the CLI export and import with real files on both engines (dry run, broken rows, update,
// end and unchanged detection, formulas neutralised and read back); the GraphQL mutation with its
// territory rules and the export query; deleting an unreferenced authority or task.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app/app.js';
import { queryRows, type Database } from '../src/db/client.js';
import { csvLine, neutralise, readBack } from '../src/lib/csv-stream.js';
import { streetKey } from '../src/modules/addresses/normalize.js';
import { COLUMNS, readRegistrationFile, type Column } from '../src/modules/jurisdictions/registration-csv.js';
import { loadDemoSeed } from '../seed/load.js';
import { gql, makeKeys, testApp, token } from './helpers/app.js';
import { forEachEngine } from './helpers/engines.js';
import { clock, testActor } from './helpers/fixtures.js';
import { ROOT, runCli } from './helpers/processes.js';

type Row = Partial<Record<Column, string>>;
/** A registration file: the header and the rows, written as a program would (no neutralisation). */
const csv = (...rows: Row[]) => [csvLine([...COLUMNS]), ...rows.map((r) => csvLine(COLUMNS.map((c) => r[c] ?? '')))].join('');

const detmold: Row = { key: 'ags:05766020', kind: 'ENFORCEMENT', name: 'Stadt Detmold, Stadtkasse', street: 'Marktplatz', house_number: '5', postal_code: '32756', city: 'Detmold', message_types: '101 100', standard_version: '1.1.0' };
const FORMULA = '=HYPERLINK("http://evil.example","Klick")';
const kasse: Row = { key: 'kasse:lippe', kind: 'ENFORCEMENT', name: FORMULA, po_box: '1234', postal_code: '32754', city: 'Detmold', contact_phone: '+49 5231 62-0' };
const creditor: Row = { key: 'creditor:fv-lippe', kind: 'CREDITOR', name: 'Finanzverwaltung Lippe', street: 'Felix-Fechenbach-Straße', house_number: '5', postal_code: '32756', city: 'Detmold' };
const hamburg: Row = { key: 'ags:02000000', kind: 'ENFORCEMENT', name: 'Kasse Hamburg', street: 'Steinstraße', house_number: '10', postal_code: '20095', city: 'Hamburg' };
const detmoldTown: Row = { scope_level: 'MUNICIPALITY', scope_key: '05766020' };
const bruchstrasse: Row = { scope_level: 'STREET', scope_key: '05766020', scope_postal_code: '32756', scope_street: 'Bruchstraße', house_number_from: '1', house_number_to: '99', parity: 'ODD' };
const lippe: Row = { scope_level: 'DISTRICT', scope_key: '05766', valid_from: '2026-01-01' };
/** a spreadsheet lost the leading zero */
const hamburgTown: Row = { scope_level: 'MUNICIPALITY', scope_key: '2000000' };

const V1 = csv({ ...detmold, ...detmoldTown }, { ...detmold, ...bruchstrasse }, { ...kasse, ...lippe }, creditor, { ...hamburg, ...hamburgTown });

describe('the registration file', () => {
  const read = (text: string) => readRegistrationFile(text, streetKey);

  it('reads authorities and rules; restores a lost leading zero; an authority without rules is one row', () => {
    const { rows, errors } = read(V1);
    expect(errors).toEqual([]);
    expect(rows.map((r) => [r.line, r.authority.key, r.rule?.scope.level ?? null])).toEqual([
      [2, 'ags:05766020', 'MUNICIPALITY'], [3, 'ags:05766020', 'STREET'], [4, 'kasse:lippe', 'DISTRICT'], [5, 'creditor:fv-lippe', null], [6, 'ags:02000000', 'MUNICIPALITY'],
    ]);
    expect(rows[4]!.rule!.scope.key).toBe('02000000');
    expect(rows[0]!.authority.acceptedMessageTypes).toEqual(['100', '101']);
    expect(rows[1]!.rule).toMatchObject({ task: 'VOLLSTRECKUNGSHILFE', scope: { street: { ags: '05766020', postalCode: '32756', street: 'Bruchstraße', houseNumberFrom: 1, houseNumberTo: 99, parity: 'ODD' } } });
  });

  it('names line and column of every cell it cannot read', () => {
    const { errors } = read(csv(
      { ...detmold, kind: 'BEHOERDE' },
      { ...detmold, postal_code: '3275X' },
      { ...creditor, scope_level: 'MUNICIPALITY', scope_key: '05766020', valid_from: '2026-13-01' },
      { ...creditor, scope_level: 'DISTRICT', scope_key: '05766', scope_street: 'Bruchstraße' },
      { ...hamburg, ...hamburgTown },
      { ...hamburg, name: 'Andere Kasse', ...hamburgTown, valid_from: '2027-01-01' },
      { ...hamburg, ...hamburgTown },
    ));
    expect(errors).toEqual([
      { line: 2, column: 'kind', message: '"BEHOERDE": expected ENFORCEMENT, CREDITOR, OTHER' },
      { line: 3, column: 'postal_code', message: '"3275X" is not a postcode: expected 5 digits' },
      { line: 4, column: 'valid_from', message: '"2026-13-01" is not a date YYYY-MM-DD' },
      { line: 5, column: 'scope_street', message: 'is only for scope_level STREET, not DISTRICT' },
      { line: 7, column: 'name', message: '"Andere Kasse" differs from line 6 ("Kasse Hamburg"): the rows of one authority must agree' },
      { line: 8, column: 'scope_key', message: 'the same jurisdiction as line 6 (authority, task, scope and valid_from)' },
    ]);
  });

  it('refuses text that lost characters on the way (a Windows-1252 file read as UTF-8)', () => {
    const latin1ReadAsUtf8 = new TextDecoder('utf-8').decode(Buffer.from(csv({ ...detmold, city: 'Lügde' }), 'latin1'));
    expect(read(latin1ReadAsUtf8).errors).toEqual([
      { line: 2, column: 'city', message: expect.stringMatching(/^holds U\+FFFD, a character lost when the file was read as UTF-8: save the file as UTF-8/) },
    ]);
  });

  it('refuses a header without every column, and cells over their limit', () => {
    expect(read('key,kind,name\nags:1,ENFORCEMENT,x\n').errors[0]).toMatchObject({ line: 1, column: null, message: expect.stringMatching(/^header: missing street, house_number, .*valid_to \(expected the columns key,kind,name,/) });
    expect(read(csv({ ...detmold, name: 'x'.repeat(201) })).errors).toEqual([{ line: 2, column: 'name', message: 'at most 200 characters, got 201' }]);
    expect(read('').errors).toEqual([{ line: 1, column: null, message: expect.stringMatching(/^file is empty/) }]);
  });

  it("the README's example file reads without an error", () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const example = /```csv\n([\s\S]*?)```/.exec(readme)![1]!;
    const { rows, errors } = read(example);
    expect(errors).toEqual([]);
    expect(rows.map((r) => r.authority.key)).toEqual(['ags:05766020', 'ags:05766020', 'kasse:lippe', 'creditor:fv-lippe']);
  });

  it.each([['=1+1'], ["'=x"], ["''@y"], ['-12'], ['+49 30 1234'], ["'plain"], ['\t=1']])('reads back %j exactly as it was before neutralisation', (cell) => {
    expect(readBack(neutralise(cell))).toBe(cell);
  });
});

const exportLines = (text: string) => text.trim().split('\n');

forEachEngine('bulk registration by CSV (CLI)', (engine) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bv-bulk-reg-'));
  let env: Record<string, string> = { DATA_DIR: path.join(dir, 'data'), SEED_DEMO: 'false' };
  let drop: (() => Promise<void>) | undefined;
  const file = (name: string, text: string) => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, text);
    return p;
  };
  const cli = async (args: string[], code = 0) => {
    const res = await runCli(args, env);
    expect(res.code, res.stderr).toBe(code);
    return res;
  };
  const exported = async (...extra: string[]) => (await cli(['export', 'authorities', ...extra])).stdout;

  beforeAll(async () => {
    if (engine.url) {
      const fresh = await engine.url();
      env = { ...env, DATABASE_URL: fresh.url };
      drop = fresh.drop;
    }
    await cli(['seed']);
  });
  afterAll(async () => {
    await drop?.();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a dry run shows the plan and writes nothing; the import then writes it', async () => {
    const v1 = file('v1.csv', V1);
    const dry = JSON.parse((await cli(['import', 'authorities', v1, '--dry-run', '--json'])).lastLine);
    const counts = { authoritiesCreated: 4, authoritiesUpdated: 0, authoritiesUnchanged: 0, jurisdictionsCreated: 4, jurisdictionsEnded: 0, jurisdictionsUnchanged: 0, errors: 0 };
    expect(dry).toMatchObject({ applied: false, dryRun: true, counts });
    expect(dry.authorities.created.map((a: { key: string; line: number }) => [a.key, a.line])).toEqual([['ags:05766020', 2], ['kasse:lippe', 4], ['creditor:fv-lippe', 5], ['ags:02000000', 6]]);
    expect(dry.jurisdictions.created.every((j: { id: string | null }) => j.id === null)).toBe(true);
    expect(exportLines(await exported())).toEqual([COLUMNS.join(',')]); // nothing written
    const real = JSON.parse((await cli(['import', 'authorities', v1, '--json'])).lastLine);
    expect(real).toMatchObject({ applied: true, dryRun: false, counts });
    expect(real.jurisdictions.created.map((j: { areaKey: string }) => j.areaKey)).toEqual(['05766020', '05766020', '05766', '02000000']);
  });

  it('the export neutralises formula-looking cells; importing it back changes nothing', async () => {
    const e1 = path.join(dir, 'e1.csv');
    const res = await cli(['export', 'authorities', '--out', e1, '--json']);
    expect(JSON.parse(res.lastLine)).toMatchObject({ authorities: 4, rows: 5 });
    const text = fs.readFileSync(e1, 'utf8');
    const lines = exportLines(text);
    expect(lines[0]).toBe(COLUMNS.join(','));
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(['ags:02000000', 'ags:05766020', 'ags:05766020', 'creditor:fv-lippe', 'kasse:lippe']);
    const kasseLine = lines.find((l) => l.startsWith('kasse:lippe'))!;
    expect(kasseLine).toContain(`"'=HYPERLINK(""http://evil.example"",""Klick"")"`);
    expect(kasseLine).toContain(",'+49 5231 62-0,");
    expect(kasseLine).toContain(',VOLLSTRECKUNGSHILFE,DISTRICT,05766,,,,,,2026-01-01,');
    const cells = parse(text, { columns: true }) as Record<Column, string>[];
    expect(cells.find((c) => c.scope_level === 'STREET')).toMatchObject({ scope_key: '05766020', scope_postal_code: '32756', scope_street: 'Bruchstraße', house_number_from: '1', house_number_to: '99', parity: 'ODD' });
    expect(cells.find((c) => c.key === 'ags:02000000')).toMatchObject({ scope_key: '02000000', message_types: '', status: 'ACTIVE' });
    expect(cells.find((c) => c.key === 'ags:05766020')).toMatchObject({ message_types: '100 101', standard_version: '1.1.0' });
    const again = JSON.parse((await cli(['import', 'authorities', e1, '--json'])).lastLine);
    expect(again.counts).toEqual({ authoritiesCreated: 0, authoritiesUpdated: 0, authoritiesUnchanged: 4, jurisdictionsCreated: 0, jurisdictionsEnded: 0, jurisdictionsUnchanged: 4, errors: 0 });
    expect(await exported()).toBe(text);
  });

  it('detects updates, ends what the file no longer lists on the import date, creates new rules', async () => {
    const before = await exported('--at', '2026-12-01');
    const langeStrasse: Row = { scope_level: 'STREET', scope_key: '05766020', scope_postal_code: '32756', scope_street: 'Lange Straße' };
    const renamed = { ...detmold, name: 'Stadt Detmold, Stadtkasse (neu)' };
    const v2 = file('v2.csv', csv({ ...renamed, ...detmoldTown }, { ...renamed, ...langeStrasse }, { ...kasse, ...lippe, valid_to: '2027-01-01' }, creditor, { ...hamburg, ...hamburgTown }));
    const dry = await cli(['import', 'authorities', v2, '--dry-run', '--valid-from', '2026-12-01']);
    expect(dry.stdout).toContain('Dry run: authorities 0 created, 1 updated, 3 unchanged; jurisdictions 1 created, 2 ended, 2 unchanged');
    expect(dry.stdout).toContain('  update authority ags:05766020 (line 2): name\n');
    expect(dry.stdout).toMatch(/ {2}end jurisdiction #\d+ ags:05766020 VOLLSTRECKUNGSHILFE STREET 05766020 32756 Bruchstraße 1-99 ODD, valid always to open on 2026-12-01: not in the file any more\n/);
    expect(dry.stdout).toMatch(/ {2}end jurisdiction #\d+ kasse:lippe VOLLSTRECKUNGSHILFE DISTRICT 05766, valid 2026-01-01 to open on 2027-01-01: valid_to of line 4\n/);
    expect(dry.stdout).toContain('  create jurisdiction ags:05766020 VOLLSTRECKUNGSHILFE STREET 05766020 32756 Lange Straße, valid always to open (line 3)\n');
    expect(dry.stdout).toContain('Nothing was written (dry run).');
    expect(await exported('--at', '2026-12-01')).toBe(before);
    const real = JSON.parse((await cli(['import', 'authorities', v2, '--valid-from', '2026-12-01', '--json'])).lastLine);
    expect(real.counts).toEqual({ authoritiesCreated: 0, authoritiesUpdated: 1, authoritiesUnchanged: 3, jurisdictionsCreated: 1, jurisdictionsEnded: 2, jurisdictionsUnchanged: 2, errors: 0 });
    expect(real.authorities.updated).toEqual([{ line: 2, key: 'ags:05766020', change: 'UPDATE', fields: ['name'] }]);
    const after = await exported('--at', '2026-12-01');
    expect(after).not.toContain('Bruchstraße');
    expect(after).toContain('Lange Straße');
    expect(after).toContain('Stadt Detmold, Stadtkasse (neu)');
    expect(after).toContain(',2026-01-01,2027-01-01\n');
    // before the import date the ended street rule still holds, and is exported
    expect(await exported('--at', '2026-11-30')).toContain('Bruchstraße');
    // the same file again: nothing to do
    expect(JSON.parse((await cli(['import', 'authorities', v2, '--valid-from', '2026-12-01', '--json'])).lastLine).counts).toMatchObject({ authoritiesUnchanged: 4, jurisdictionsUnchanged: 4, jurisdictionsCreated: 0, jurisdictionsEnded: 0 });
  });

  it('a broken row fails the import with file:line: column: reason, and nothing is written', async () => {
    const before = await exported();
    const broken = file('broken.csv', csv({ ...detmold, ...detmoldTown }, { key: 'ags:05766044', kind: 'ENFORCEMENT', name: 'Stadt Lemgo', street: 'Marktplatz', house_number: '1', postal_code: '3265X', city: 'Lemgo' }, { ...creditor, kind: 'BEHOERDE' }));
    const res = await cli(['import', 'authorities', broken], 1);
    expect(res.stderr).toContain('broken.csv:3: postal_code: "3265X" is not a postcode: expected 5 digits\n');
    expect(res.stderr).toContain('broken.csv:4: kind: "BEHOERDE": expected ENFORCEMENT, CREDITOR, OTHER\n');
    expect(res.stderr).toContain('2 rows cannot be imported; nothing was written.');
    // what only the services can tell (tenant, register): the same, after everything before it was applied and rolled back
    const refused = file('refused.csv', csv(
      { key: 'ags:05766044', kind: 'ENFORCEMENT', name: 'Stadt Lemgo', street: 'Marktplatz', house_number: '1', postal_code: '32657', city: 'Lemgo', scope_level: 'MUNICIPALITY', scope_key: '05766044' },
      { ...creditor, tenant: 'nope' },
      { ...hamburg, ...hamburgTown },
      { ...hamburg, scope_level: 'DISTRICT', scope_key: '05999' },
    ));
    const json = await cli(['import', 'authorities', refused, '--json'], 1);
    expect(json.stderr).toContain('refused.csv:3: tenant: no tenant with code nope\n');
    expect(json.stderr).toContain('refused.csv:5: scope_key: district 05999 is not in the register\n');
    expect(JSON.parse(json.lastLine).error.errors).toEqual([
      { line: 3, column: 'tenant', message: 'no tenant with code nope' },
      { line: 5, column: 'scope_key', message: 'district 05999 is not in the register' },
    ]);
    expect(await exported()).toBe(before); // Lemgo was not created
  });
});

const IMPORT = `mutation($csv: String!, $dry: Boolean!) { importAuthorities(csv: $csv, dryRun: $dry) {
  applied dryRun endDate
  counts { authoritiesCreated authoritiesUpdated authoritiesUnchanged jurisdictionsCreated jurisdictionsEnded jurisdictionsUnchanged errors }
  authorities { created { line key change fields } updated { line key change fields } unchanged { key } }
  jurisdictions { created { line id authorityKey change level areaKey street parity } ended { line id endsOn deleted } unchanged { id } }
  errors { line column message } } }`;

forEachEngine('importAuthorities, deleteAuthority and deleteTask (GraphQL)', (engine) => {
  let database: Database;
  let app: App;
  let admin: string;
  let manager: string;
  let client: string;
  const c = clock();
  const call = (query: string, variables: Record<string, unknown>, bearer: string) => gql(app, query, variables, bearer);
  const ok = async (query: string, variables: Record<string, unknown>, bearer = admin) => {
    const res = await call(query, variables, bearer);
    expect(res.body.errors, JSON.stringify(res.body.errors)).toBeUndefined();
    return res.body.data!;
  };
  /** Everything a refused call could have written. */
  const written = async () =>
    (await queryRows(database.db, sql`select (select count(*) from audit_log)::int as audit, (select count(*) from authorities)::int as authorities,
      (select count(*) from jurisdictions)::int as jurisdictions, (select count(*) from tasks)::int as tasks, (select count(*) from register_imports)::int as imports,
      (select coalesce(sum(version), 0) from jurisdictions)::int as versions, (select value from app_meta where key = 'directory_version') as dv`))[0];
  const refused = async (query: string, variables: Record<string, unknown>, code: string, pattern: RegExp, bearer = manager) => {
    const before = await written();
    const res = await call(query, variables, bearer);
    expect(res.body.errors?.[0]?.extensions?.code, JSON.stringify(res.body)).toBe(code);
    expect(res.body.errors![0]!.message).toMatch(pattern);
    expect(await written()).toEqual(before);
  };
  const lippeDetmold = { ...detmold, tenant: 'lippe' };

  beforeAll(async () => {
    database = await engine.open();
    await loadDemoSeed(database.db, c, testActor);
    const keys = await makeKeys();
    app = testApp(database, c, keys);
    admin = await token(keys, { role: 'ADMIN', sub: 'user:admin', now: c.now(), expiresIn: 3600 });
    manager = await token(keys, { role: 'TENANT_MANAGER', scope: 'lippe', sub: 'user:lippe', now: c.now(), expiresIn: 3600 });
    client = await token(keys, { role: 'CLIENT', scope: 'ags:05766020', sub: 'user:client', now: c.now(), expiresIn: 3600 });
    await ok(`mutation { createDataCenter(input: { code: "krz", name: "KRZ" }) { code } }`, {});
    await ok(`mutation { createTenant(input: { code: "lippe", name: "Lippe", dataCenterCode: "krz", areas: ["05766"] }) { code } }`, {});
  });
  afterAll(async () => database?.close());

  it('a tenant manager previews its file, then imports it; lookups answer with it at once', async () => {
    const file = csv({ ...lippeDetmold, ...detmoldTown }, { ...lippeDetmold, ...bruchstrasse });
    const before = await written();
    const dry = (await ok(IMPORT, { csv: file, dry: true }, manager)).importAuthorities;
    expect(dry).toMatchObject({ applied: false, dryRun: true, endDate: '2026-11-22', errors: [] });
    expect(dry.counts).toMatchObject({ authoritiesCreated: 1, jurisdictionsCreated: 2 });
    expect(dry.authorities.created).toEqual([{ line: 2, key: 'ags:05766020', change: 'CREATE', fields: [] }]);
    expect(dry.jurisdictions.created).toEqual([
      { line: 2, id: null, authorityKey: 'ags:05766020', change: 'CREATE', level: 'MUNICIPALITY', areaKey: '05766020', street: null, parity: 'ALL' },
      { line: 3, id: null, authorityKey: 'ags:05766020', change: 'CREATE', level: 'STREET', areaKey: '05766020', street: 'Bruchstraße', parity: 'ODD' },
    ]);
    expect(await written()).toEqual(before);
    const real = (await ok(IMPORT, { csv: file, dry: false }, manager)).importAuthorities;
    expect(real).toMatchObject({ applied: true, dryRun: false, counts: dry.counts });
    expect(real.jurisdictions.created.every((j: { id: string | null }) => /^\d+$/.test(j.id ?? ''))).toBe(true);
    const found = (await ok(`{ responsibleAuthority(input: { ags: "05766020" }) { status authority { key tenantCode } } }`, {}, manager)).responsibleAuthority;
    expect(found).toEqual({ status: 'RESOLVED', authority: { key: 'ags:05766020', tenantCode: 'lippe' } });
    const audit = await queryRows<{ action: string; actor: string }>(database.db, sql`select action, actor from audit_log where actor = 'user:lippe' order by id`);
    expect(audit.map((a) => a.action)).toEqual(['CREATE_AUTHORITY', 'CREATE_JURISDICTION', 'CREATE_JURISDICTION', 'IMPORT_AUTHORITIES']);
    const again = (await ok(IMPORT, { csv: file, dry: false }, manager)).importAuthorities;
    expect(again.counts).toMatchObject({ authoritiesUnchanged: 1, jurisdictionsUnchanged: 2, authoritiesCreated: 0, jurisdictionsCreated: 0 });
  });

  it('outside its territory or tenant: FORBIDDEN naming the line, and nothing is written, dry run or not', async () => {
    const outsideKey = csv({ ...lippeDetmold, ...detmoldTown }, { ...lippeDetmold, ...bruchstrasse }, { ...hamburg, tenant: 'lippe', ...hamburgTown });
    const territory = /^line 4: TENANT_MANAGER of tenant lippe may not create authority ags:02000000: authority key ags:02000000 lies outside the tenant's territory \(05766\)/;
    await refused(IMPORT, { csv: outsideKey, dry: true }, 'FORBIDDEN', territory);
    await refused(IMPORT, { csv: outsideKey, dry: false }, 'FORBIDDEN', territory);
    const outsideRule = csv({ ...lippeDetmold, ...detmoldTown }, { ...lippeDetmold, ...bruchstrasse }, { ...lippeDetmold, ...hamburgTown });
    await refused(IMPORT, { csv: outsideRule, dry: false }, 'FORBIDDEN', /^line 4: .*municipality 02000000 lies outside the tenant's territory \(05766\)/);
    const otherTenant = csv({ ...creditor, key: 'kasse:fremd' });
    await refused(IMPORT, { csv: otherTenant, dry: false }, 'FORBIDDEN', /^line 2: TENANT_MANAGER of tenant lippe may not create an authority of no tenant/);
    // leaving a rule out would end it: outside the territory that is refused too (ADMIN placed it there)
    await ok(`mutation { createJurisdiction(input: { authorityKey: "ags:05766020", scope: { level: STATE, key: "05" } }) { id } }`, {});
    await refused(IMPORT, { csv: csv({ ...lippeDetmold, ...detmoldTown }, { ...lippeDetmold, ...bruchstrasse }), dry: false }, 'FORBIDDEN', /^line 2: .*may not change jurisdiction #\d+: Land 05 lies outside/);
    await refused(IMPORT, { csv: outsideKey, dry: false }, 'FORBIDDEN', /^Role CLIENT may not use Mutation.importAuthorities/, client);
  });

  it('rows that cannot be imported come back with line and column, and nothing is written', async () => {
    const before = await written();
    const badCell = (await ok(IMPORT, { csv: csv({ ...creditor, kind: 'BEHOERDE' }), dry: false })).importAuthorities;
    expect(badCell).toMatchObject({ applied: false, errors: [{ line: 2, column: 'kind', message: '"BEHOERDE": expected ENFORCEMENT, CREDITOR, OTHER' }] });
    const lemgo: Row = { key: 'ags:05766044', kind: 'ENFORCEMENT', name: 'Stadt Lemgo', street: 'Marktplatz', house_number: '1', postal_code: '32657', city: 'Lemgo' };
    const unknown = (await ok(IMPORT, { csv: csv({ ...lemgo, scope_level: 'MUNICIPALITY', scope_key: '05766044' }, { ...lemgo, scope_level: 'DISTRICT', scope_key: '05999' }), dry: false })).importAuthorities;
    expect(unknown).toMatchObject({ applied: false, errors: [{ line: 3, column: 'scope_key', message: 'district 05999 is not in the register' }] });
    expect(unknown.counts).toMatchObject({ authoritiesCreated: 1, jurisdictionsCreated: 1, errors: 1 });
    const overlap = (await ok(IMPORT, { csv: csv({ ...lemgo, ...detmoldTown }), dry: true })).importAuthorities;
    expect(overlap.errors).toEqual([{ line: 2, column: 'scope_key', message: expect.stringMatching(/^Overlaps jurisdiction #\d+ of ags:05766020 for task VOLLSTRECKUNGSHILFE/) }]);
    const webhook = (await ok(IMPORT, { csv: csv({ ...lemgo, webhook_url: 'https://hooks.example/x' }), dry: false })).importAuthorities;
    expect(webhook.errors).toEqual([{ line: 2, column: 'webhook_url', message: expect.stringMatching(/a webhook needs its secret, which a file does not carry/) }]);
    expect(await written()).toEqual(before);
    await refused(IMPORT, { csv: 'x'.repeat(8388609), dry: true }, 'BAD_USER_INPUT', /^csv: at most 8388608 characters/, admin);
  });

  it('deleteAuthority refuses while jurisdictions reference it and deletes an unreferenced one, audited', async () => {
    await refused(`mutation { deleteAuthority(key: "ags:05766020") }`, {}, 'CONFLICT',
      /^Authority ags:05766020 cannot be deleted: it is referenced by 3 jurisdictions \(#\d+, #\d+, #\d+\)\. Deactivate it instead \(deactivateAuthority\) and end its jurisdictions/, admin);
    await ok(`mutation { createAuthority(input: { key: "kasse:lippe-sued", kind: ENFORCEMENT, name: "Kasse Süd", tenantCode: "lippe",
      postalAddress: { street: "Markt", houseNumber: "1", postalCode: "32756", city: "Detmold" } }) { key } }`, {}, manager);
    expect((await ok(`mutation { deleteAuthority(key: "kasse:lippe-sued") }`, {}, manager)).deleteAuthority).toBe(true);
    expect((await ok(`{ authority(key: "kasse:lippe-sued") { key } }`, {})).authority).toBeNull();
    const [entry] = await queryRows<{ actor: string; before: { key: string; webhookSecret: unknown } }>(database.db, sql`select actor, before from audit_log where action = 'DELETE_AUTHORITY'`);
    expect(entry).toMatchObject({ actor: 'user:lippe', before: { key: 'kasse:lippe-sued', webhookSecret: null } });
    await ok(`mutation { createAuthority(input: { key: "kasse:bund", kind: OTHER, name: "Bund", postalAddress: { poBox: "1", postalCode: "53113", city: "Bonn" } }) { key } }`, {});
    await refused(`mutation { deleteAuthority(key: "kasse:bund") }`, {}, 'FORBIDDEN', /TENANT_MANAGER of tenant lippe may not delete an authority of no tenant/);
    await refused(`mutation { deleteAuthority(key: "kasse:nirgends") }`, {}, 'NOT_FOUND', /No authority with key kasse:nirgends/, admin);
  });

  it('deleteTask: ADMIN only, refused while jurisdictions use it and for the default task', async () => {
    await ok(`mutation { createTask(code: "GRUNDSTEUER", name: "Grundsteuer") { code } }`, {});
    await ok(`mutation { createTask(code: "HUNDESTEUER", name: "Hundesteuer") { code } }`, {});
    await ok(`mutation { createJurisdiction(input: { authorityKey: "ags:05766020", task: "GRUNDSTEUER", scope: { level: MUNICIPALITY, key: "05766020" } }) { id } }`, {});
    await refused(`mutation { deleteTask(code: "GRUNDSTEUER") }`, {}, 'CONFLICT', /^Task GRUNDSTEUER cannot be deleted: it is referenced by 1 jurisdiction \(#\d+\)\. End its jurisdictions instead/, admin);
    await refused(`mutation { deleteTask(code: "VOLLSTRECKUNGSHILFE") }`, {}, 'CONFLICT', /default task/, admin);
    await refused(`mutation { deleteTask(code: "HUNDESTEUER") }`, {}, 'FORBIDDEN', /needs ADMIN/);
    expect((await ok(`mutation { deleteTask(code: "HUNDESTEUER") }`, {})).deleteTask).toBe(true);
    expect((await ok(`{ tasks { code } }`, {})).tasks.map((t: { code: string }) => t.code)).not.toContain('HUNDESTEUER');
    const [entry] = await queryRows<{ entity_id: string }>(database.db, sql`select entity_id from audit_log where action = 'DELETE_TASK'`);
    expect(entry!.entity_id).toBe('HUNDESTEUER');
  });

  it("exportAuthorities: the CLI's CSV; a tenant manager gets its own tenant's only; importing it back changes nothing", async () => {
    const EXPORT = `query($t: String) { exportAuthorities(tenantCode: $t) }`;
    const all = (await ok(EXPORT, {})).exportAuthorities as string;
    expect(exportLines(all)[0]).toBe(COLUMNS.join(','));
    expect(exportLines(all).slice(1).map((l) => l.split(',')[0])).toContain('kasse:bund');
    const own = (await ok(EXPORT, {}, manager)).exportAuthorities as string;
    expect(own).toBe((await ok(EXPORT, { t: 'lippe' })).exportAuthorities);
    const keys = new Set(exportLines(own).slice(1).map((l) => l.split(',')[0]));
    expect([...keys]).toEqual(['ags:05766020']);
    const dry = (await ok(IMPORT, { csv: own, dry: true }, manager)).importAuthorities;
    expect(dry.counts).toMatchObject({ authoritiesCreated: 0, authoritiesUpdated: 0, authoritiesUnchanged: 1, jurisdictionsCreated: 0, jurisdictionsEnded: 0, errors: 0 });
    await refused(EXPORT, { t: 'hamburg' }, 'FORBIDDEN', /^TENANT_MANAGER of tenant lippe may not export the authorities of tenant hamburg/);
    await refused(EXPORT, {}, 'FORBIDDEN', /^Role CLIENT may not use Query.exportAuthorities/, client);
  });
});
