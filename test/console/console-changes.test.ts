// The console's pages for structural changes, coverage and bulk import in Chromium (Debian's, through
// playwright-core), talking to a real server on 127.0.0.1 and nothing else: an administrator confirms
// a proposal from an edition, corrects the date of the planned change, rejects another and meets a
// stale version; coverage changes once a jurisdiction is registered, and a tenant manager's covers its
// territory only; a CSV import is previewed (the lookup unchanged), then applied; a broken CSV names
// its line and changes nothing. Writes the pages' screenshots into docs/console/.
import fs from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { structuralChanges } from '../../src/db/schema.js';
import { systemClock } from '../../src/lib/clock.js';
import { csvLine } from '../../src/lib/csv-stream.js';
import { COLUMNS, type Column } from '../../src/modules/jurisdictions/registration-csv.js';
import { loadDemoSeed } from '../../seed/load.js';
import { gql, serve } from '../helpers/app.js';
import { engines } from '../helpers/engines.js';
import { consoleApp } from './console-app.js';
import { describeInBrowser, launch, screenshot, sealedContext } from './browser.js';
import { expectNoPageScroll, lookUp, nav, signInAs } from './steps.js';

type App = Parameters<typeof gql>[0];

async function ok(app: App, token: string, query: string, variables: Record<string, unknown> = {}) {
  const res = await gql(app, query, variables, token);
  expect(res.body.errors, query).toBeUndefined();
  return res.body.data!;
}

async function setUpData(app: App, admin: string) {
  await ok(app, admin, 'mutation($i: CreateDataCenterInput!) { createDataCenter(input: $i) { code } }', { i: { code: 'krz-test', name: 'Test-Rechenzentrum' } });
  for (const [code, name, areas] of [['lippe', 'Kreis Lippe', ['05766']], ['hamburg', 'Hamburg', ['02']]] as const) {
    await ok(app, admin, 'mutation($i: CreateTenantInput!) { createTenant(input: $i) { code } }', { i: { code, name, dataCenterCode: 'krz-test', areas } });
  }
  await ok(app, admin, 'mutation($i: CreateAuthorityInput!) { createAuthority(input: $i) { key } }', {
    i: { key: 'ags:05766044', kind: 'ENFORCEMENT', name: 'Stadtkasse Lemgo', tenantCode: 'lippe', postalAddress: { street: 'Marktplatz', houseNumber: '1', postalCode: '32657', city: 'Lemgo' } },
  });
}

/** Proposals as an edition import leaves them: renames of three Lippe towns on 1 January 2027. */
async function propose(database: Database) {
  const now = new Date();
  const rename = (ags: string, name: string, confidence: number) => ({
    kind: 'RENAME' as const, effectiveDate: '2027-01-01', predecessors: [ags], successors: [{ ags, name }], policies: [], transfers: [],
    status: 'PROPOSED' as const, createdBy: 'import:gv100ad', createdAt: now, updatedAt: now,
    proposal: { confidence, reasons: [`name changed in the edition of 2027-01-01: ${name}`, 'same AGS, same Gemeindeverband'], edition: '2027-01-01' },
  });
  const rows = await database.db.insert(structuralChanges).values([
    rename('05766044', 'Lemgo, Alte Hansestadt', 0.95),
    rename('05766020', 'Detmold, Residenzstadt', 0.6),
    rename('05766016', 'Blomberg, Nelkenstadt', 0.8),
  ]).returning();
  return rows.map((r) => ({ id: String(r.id), version: r.version }));
}

type Row = Partial<Record<Column, string>>;
const csv = (...rows: Row[]) => [csvLine([...COLUMNS]), ...rows.map((r) => csvLine(COLUMNS.map((c) => r[c] ?? '')))].join('');
const detmold: Row = { key: 'ags:05766020', kind: 'ENFORCEMENT', name: 'Stadt Detmold, Stadtkasse', street: 'Marktplatz', house_number: '5', postal_code: '32756', city: 'Detmold', tenant: 'lippe', message_types: '100' };

describeInBrowser('console in Chromium: structural changes, coverage, bulk import [pglite]', (executable) => {
  let database: Database;
  let dataDir: string;
  let server: { url: string; close(): Promise<void> };
  let browser: Browser;
  let app: App;
  let admin: string;
  let proposals: { id: string; version: number }[];

  beforeAll(async () => {
    database = await engines()[0]!.open();
    await loadDemoSeed(database.db, systemClock, { id: 'test:console' });
    ({ app, dataDir, admin } = await consoleApp(database, 'changes'));
    await setUpData(app, admin);
    proposals = await propose(database);
    server = await serve(app);
    browser = await launch(executable);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await database?.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('an administrator confirms a proposal, corrects the planned date, rejects another, reloads after a stale version and cancels', async () => {
    const sealed = await sealedContext(browser, [server.url]);
    const page = await sealed.page();
    await signInAs(page, server.url, 'ADMIN');
    await nav(page, 'Gebietsänderungen');
    await page.getByRole('heading', { name: 'Gebietsänderungen' }).waitFor();
    const lemgoRow = page.getByRole('row', { name: /Lemgo, Alte Hansestadt/ });
    await lemgoRow.waitFor();
    expect(await lemgoRow.textContent()).toContain('95 %'); // the confidence and reasons as the API gives them
    expect(await lemgoRow.textContent()).toContain('same AGS, same Gemeindeverband');
    await page.getByText('3 Gebietsänderungen').waitFor();
    await screenshot(page, 'structural-changes');

    // Confirm: the change is planned, and listed as such.
    await lemgoRow.getByRole('link').click();
    await page.getByRole('heading', { name: 'Umbenennung zum 01.01.2027' }).waitFor();
    await page.getByRole('link', { name: 'Lemgo, Stadt' }).waitFor(); // the predecessor's name on the day before
    await page.getByText('Konfidenz').waitFor();
    await screenshot(page, 'structural-change-proposal');
    await page.getByRole('button', { name: 'Bestätigen' }).click();
    await page.getByRole('heading', { name: 'Korrigieren' }).waitFor();
    expect(await page.getByRole('status').filter({ hasText: 'Status' }).textContent()).toContain('geplant');

    // Correct its date: validated like a new plan, stays planned.
    await page.getByLabel(/^Neuer Stichtag/).fill('2027-02-01');
    await page.getByRole('button', { name: 'Stichtag ändern' }).click();
    await page.getByRole('heading', { name: 'Umbenennung zum 01.02.2027' }).waitFor();
    await screenshot(page, 'structural-change-planned');
    await page.getByRole('link', { name: /← Gebietsänderungen/ }).click();
    await page.getByRole('row', { name: /01\.02\.2027.*Lemgo, Alte Hansestadt/ }).waitFor();

    // Reject another.
    await page.getByRole('navigation', { name: 'Status' }).getByRole('link', { name: 'Vorgeschlagen' }).click();
    await page.getByRole('row', { name: /Detmold, Residenzstadt/ }).getByRole('link').click();
    await page.getByRole('button', { name: 'Ablehnen' }).click();
    await page.getByRole('button', { name: 'Ja, ablehnen' }).click();
    await page.getByRole('status').getByText('abgelehnt', { exact: true }).waitFor();
    expect(await page.getByRole('button', { name: 'Bestätigen' }).count()).toBe(0);

    // Someone else decides the third one meanwhile: the page says so plainly and reloads.
    await page.getByRole('link', { name: /← Gebietsänderungen/ }).click();
    await page.getByRole('navigation', { name: 'Status' }).getByRole('link', { name: 'Vorgeschlagen' }).click();
    await page.getByRole('row', { name: /Blomberg, Nelkenstadt/ }).getByRole('link').click();
    await page.getByRole('button', { name: 'Bestätigen' }).waitFor();
    const blomberg = proposals[2]!;
    await ok(app, admin, 'mutation($id: ID!, $v: Int!) { confirmStructuralChange(id: $id, expectedVersion: $v) { status } }', { id: blomberg.id, v: blomberg.version });
    await page.getByRole('button', { name: 'Bestätigen' }).click();
    await page.getByText(/wurde inzwischen geändert/).waitFor();
    await screenshot(page, 'structural-change-stale');
    await page.getByRole('button', { name: 'Neu laden' }).click();
    await page.getByRole('heading', { name: 'Korrigieren' }).waitFor();
    // Now planned: cancelled before its date.
    await page.getByRole('button', { name: 'Stornieren' }).click();
    await page.getByRole('button', { name: 'Ja, stornieren' }).click();
    await page.getByRole('status').getByText('storniert', { exact: true }).waitFor();
    expect(await page.getByRole('button', { name: 'Stichtag ändern' }).count()).toBe(0);

    const stored = await ok(app, admin, '{ structuralChanges { nodes { predecessors status effectiveDate } } }');
    expect(stored.structuralChanges.nodes).toEqual([
      { predecessors: ['05766020'], status: 'REJECTED', effectiveDate: '2027-01-01' },
      { predecessors: ['05766016'], status: 'CANCELLED', effectiveDate: '2027-01-01' },
      { predecessors: ['05766044'], status: 'PLANNED', effectiveDate: '2027-02-01' },
    ]);
    expect(sealed.blocked).toEqual([]);
    expect(sealed.problems).toEqual([]);
    await sealed.context.close();
  });

  it('coverage: an uncovered municipality becomes covered once a jurisdiction is registered', async () => {
    const sealed = await sealedContext(browser, [server.url]);
    const page = await sealed.page();
    await signInAs(page, server.url, 'ADMIN');
    await nav(page, 'Abdeckung');
    await page.getByLabel(/^Kreis/).fill('05766');
    await page.getByRole('button', { name: 'Abdeckung ermitteln' }).click();
    const lemgo = page.getByRole('row', { name: /05766044/ });
    await lemgo.waitFor();
    expect(await lemgo.textContent()).toContain('keine Regel für die Aufgabe');
    await page.getByText('16 Gemeinden ohne zuständige Behörde').waitFor();
    await screenshot(page, 'coverage');

    await ok(app, admin, 'mutation { createJurisdiction(input: { authorityKey: "ags:05766044", scope: { level: MUNICIPALITY, key: "05766044" } }) { id } }');
    await page.getByRole('button', { name: 'Abdeckung ermitteln' }).click();
    await page.getByText('15 Gemeinden ohne zuständige Behörde').waitFor();
    expect(await page.getByRole('row', { name: /05766044/ }).count()).toBe(0);
    // The links lead to pages that exist.
    await page.getByRole('link', { name: 'Detmold, Stadt' }).click();
    await page.getByRole('heading', { name: 'Detmold, Stadt' }).waitFor();
    expect(sealed.blocked).toEqual([]);
    expect(sealed.problems).toEqual([]);
    await sealed.context.close();
  });

  it("a tenant manager's coverage covers its territory only, and it sees structural changes without decisions (on a tablet)", async () => {
    const sealed = await sealedContext(browser, [server.url], { width: 820, height: 1180 });
    const page = await sealed.page();
    await signInAs(page, server.url, 'TENANT_MANAGER', 'lippe');
    await nav(page, 'Abdeckung');
    await page.getByRole('button', { name: 'Abdeckung ermitteln' }).click();
    const totals = page.getByRole('status').filter({ hasText: 'Gemeinden' });
    await totals.waitFor();
    expect(await totals.textContent()).toMatch(/^16 Gemeinden/);
    const districts = page.getByRole('table', { name: 'Kreise mit Lücken' }).getByRole('row');
    expect(await districts.count()).toBe(2); // the header and Lippe
    expect(await districts.nth(1).textContent()).toContain('05766');
    expect(await page.getByText(/^02/).count()).toBe(0);
    await screenshot(page, 'coverage-tenant-manager-tablet');
    await expectNoPageScroll(page);
    // Structural changes: read, but no decisions (the API would refuse them).
    await nav(page, 'Gebietsänderungen');
    await page.getByRole('navigation', { name: 'Status' }).getByRole('link', { name: 'Geplant' }).click();
    await page.getByRole('row', { name: /Lemgo, Alte Hansestadt/ }).waitFor();
    await expectNoPageScroll(page);
    await page.getByRole('row', { name: /Lemgo, Alte Hansestadt/ }).getByRole('link').click();
    await page.getByRole('heading', { name: /^Umbenennung zum/ }).waitFor();
    expect(await page.getByRole('button').filter({ hasText: /Stichtag ändern|Stornieren|Bestätigen/ }).count()).toBe(0);
    expect(sealed.blocked).toEqual([]);
    expect(sealed.problems).toEqual([]);
    await sealed.context.close();
  });

  it('bulk import: a preview changes nothing, applying does; a broken CSV names its line; too large a file and one not in UTF-8 are refused; the export downloads', async () => {
    const sealed = await sealedContext(browser, [server.url]);
    const page = await sealed.page();
    await signInAs(page, server.url, 'ADMIN');
    const authorities = async () => (await ok(app, admin, '{ authorities { totalCount } }')).authorities.totalCount as number;
    const before = await authorities();

    // A broken row: its line and column, nothing written.
    await nav(page, 'Sammelimport');
    await page.getByLabel('oder CSV einfügen').fill(csv({ ...detmold, scope_level: 'MUNICIPALITY', scope_key: '05766020' }, { ...detmold, kind: 'BEHOERDE' }));
    await page.getByRole('button', { name: 'Vorschau' }).click();
    const errors = page.getByRole('alert').filter({ hasText: 'nicht übernehmbar' });
    await errors.waitFor();
    expect(await errors.getByRole('row').nth(1).textContent()).toBe('3kind"BEHOERDE": expected ENFORCEMENT, CREDITOR, OTHER');
    expect(await page.getByRole('button', { name: 'Übernehmen' }).isDisabled()).toBe(true);
    await screenshot(page, 'import-errors');
    expect(await authorities()).toBe(before);

    // Too large a file is refused in the browser, before it is sent.
    await page.getByLabel('CSV-Datei').setInputFiles({ name: 'gross.csv', mimeType: 'text/csv', buffer: Buffer.alloc(8 * 1024 * 1024 + 1, 'x') });
    await page.getByText(/Die Datei gross\.csv ist zu groß \(8\.0 MiB\): der Server nimmt höchstens 8 MiB an/).waitFor();
    await page.getByText(/Höchstens 8 MiB und 50\.000 Zeilen/).waitFor();
    expect(await page.getByRole('button', { name: 'Vorschau' }).isDisabled()).toBe(true);

    // Excel's "CSV" in Windows-1252 (here Latin-1, "Lügde" with a single byte ü) is refused in the browser: nothing is guessed or previewed.
    const lugde = { ...detmold, key: 'ags:05766048', name: 'Stadtkasse Lügde', city: 'Lügde', postal_code: '32676', scope_level: 'MUNICIPALITY', scope_key: '05766048' };
    await page.getByLabel('CSV-Datei').setInputFiles({ name: 'luegde.csv', mimeType: 'text/csv', buffer: Buffer.from(csv(lugde), 'latin1') });
    await page.getByRole('alert').getByText(/Die Datei luegde\.csv ist nicht in UTF-8 kodiert.*„CSV UTF-8/).waitFor();
    expect(await page.getByRole('button', { name: 'Vorschau' }).isDisabled()).toBe(true);
    expect(await page.getByLabel('oder CSV einfügen').inputValue()).toBe('');
    expect(await page.getByRole('heading', { name: /^Vorschau/ }).count()).toBe(0);
    expect(await page.getByText('nicht übernehmbar').count()).toBe(0);

    // A good file: the preview lists what would change, and the lookup is unchanged until it is applied.
    const good = csv({ ...detmold, scope_level: 'MUNICIPALITY', scope_key: '05766020' }, { ...detmold, scope_level: 'STREET', scope_key: '05766020', scope_postal_code: '32756', scope_street: 'Bruchstraße' });
    // Saved as Excel's "CSV UTF-8", with a byte order mark: fine.
    await page.getByLabel('CSV-Datei').setInputFiles({ name: 'lippe.csv', mimeType: 'text/csv', buffer: Buffer.from(`\uFEFF${good}`) });
    await page.getByRole('button', { name: 'Vorschau' }).click();
    await page.getByRole('heading', { name: 'Vorschau – noch nichts geschrieben' }).waitFor();
    await page.getByRole('heading', { name: 'Neue Behörden (1)' }).waitFor();
    await page.getByRole('heading', { name: 'Neue Zuständigkeiten (2)' }).waitFor();
    expect(await page.getByRole('status', { name: 'Änderungen' }).textContent()).toContain('1 Behörde neu');
    await screenshot(page, 'import-preview');
    expect(await lookUp(page, '05766020')).toBe('Keine Behörde zuständig');
    expect(await authorities()).toBe(before);

    await nav(page, 'Sammelimport');
    await page.getByLabel('oder CSV einfügen').fill(good);
    await page.getByRole('button', { name: 'Vorschau' }).click();
    await page.getByRole('heading', { name: 'Neue Behörden (1)' }).waitFor();
    await page.getByRole('button', { name: 'Übernehmen' }).click();
    await page.getByRole('heading', { name: 'Übernommen' }).waitFor();
    expect(await lookUp(page, '05766020')).toBe('Zuständige Behörde gefunden');
    expect(await authorities()).toBe(before + 1);

    // The export: the current file, downloaded.
    await nav(page, 'Sammelimport');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: /exportieren/ }).click()]);
    const exported = fs.readFileSync((await download.path())!, 'utf8');
    expect(exported.split('\n')[0]).toBe(COLUMNS.join(','));
    expect(exported).toContain('ags:05766020,ENFORCEMENT,"Stadt Detmold, Stadtkasse"');
    expect(sealed.blocked).toEqual([]);
    expect(sealed.problems).toEqual([]);
    await sealed.context.close();
  });
});
