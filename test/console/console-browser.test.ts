// The console in a real browser (Debian's Chromium through playwright-core), talking to a real server
// on 127.0.0.1 and nothing else: development sign-in, registering an authority and a jurisdiction
// and watching the lookup answer change, the API's validation messages at their fields, and a tenant
// manager confined to its own tenant. Writes the screenshots in docs/console/.
import fs from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { systemClock } from '../../src/lib/clock.js';
import { loadDemoSeed } from '../../seed/load.js';
import { gql, serve } from '../helpers/app.js';
import { engines } from '../helpers/engines.js';
import { consoleApp } from './console-app.js';
import { describeInBrowser, launch, screenshot, sealedContext } from './browser.js';
import { lookUp, nav, signInAs } from './steps.js';

async function setUpData(app: Parameters<typeof gql>[0], admin: string) {
  const run = async (query: string, variables: Record<string, unknown>) => {
    const res = await gql(app, query, variables, admin);
    expect(res.body.errors, query).toBeUndefined();
  };
  await run('mutation($i: CreateDataCenterInput!) { createDataCenter(input: $i) { code } }', { i: { code: 'krz-test', name: 'Test-Rechenzentrum' } });
  for (const [code, name, areas] of [['lippe', 'Kreis Lippe', ['05766']], ['hamburg', 'Hamburg', ['02']]] as const) {
    await run('mutation($i: CreateTenantInput!) { createTenant(input: $i) { code } }', { i: { code, name, dataCenterCode: 'krz-test', areas } });
  }
  const authority = (key: string, name: string, street: string, postalCode: string, city: string, tenantCode: string) => ({
    key, kind: 'ENFORCEMENT', name, tenantCode, postalAddress: { street, houseNumber: '1', postalCode, city },
  });
  for (const a of [
    authority('ags:05766044', 'Stadtkasse Lemgo', 'Marktplatz', '32657', 'Lemgo', 'lippe'),
    authority('ags:02000000', 'Kasse Hamburg', 'Steinstraße', '20095', 'Hamburg', 'hamburg'),
  ]) {
    await run('mutation($i: CreateAuthorityInput!) { createAuthority(input: $i) { key } }', { i: a });
  }
}

describeInBrowser('console in Chromium: development sign-in [pglite]', (executable) => {
  let database: Database;
  let dataDir: string;
  let server: { url: string; close(): Promise<void> };
  let browser: Browser;

  beforeAll(async () => {
    database = await engines()[0]!.open();
    await loadDemoSeed(database.db, systemClock, { id: 'test:console' });
    const started = await consoleApp(database, 'browser');
    const app = started.app;
    dataDir = started.dataDir;
    await setUpData(app, started.admin);
    server = await serve(app);
    browser = await launch(executable);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await database?.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('an administrator registers an authority and a jurisdiction, sees the lookup answer change, ends the jurisdiction, edits and deactivates the authority', async () => {
    const sealed = await sealedContext(browser, [server.url]);
    const page = await sealed.page();
    await page.goto(`${server.url}/console/`);
    await page.getByRole('heading', { name: 'Entwicklungsanmeldung' }).waitFor();
    await screenshot(page, 'sign-in');
    await signInAs(page, server.url, 'ADMIN');
    expect(await page.getByTestId('user').textContent()).toContain('Administration');

    expect(await lookUp(page, '05766020')).toBe('Keine Behörde zuständig');

    await nav(page, 'Behörden');
    await page.getByRole('link', { name: 'Neue Behörde' }).click();
    await page.getByLabel(/^Schlüssel/).fill('ags:05766020');
    await page.getByLabel(/^Name/).fill('Stadt Detmold – Stadtkasse');
    await page.getByLabel(/^Straße/).fill('Marktplatz');
    await page.getByLabel(/^Hausnummer/).fill('5');
    await page.getByLabel(/^Postleitzahl/).fill('3275');
    await page.getByLabel(/^Ort/).fill('Detmold');
    await page.getByLabel(/^Mandant/).fill('lippe');
    await page.getByRole('checkbox', { name: '100' }).check();
    await page.getByRole('button', { name: 'Behörde anlegen' }).click();
    // The API's message, at the field it names, tied to it for assistive technology.
    const postcode = page.getByLabel(/^Postleitzahl/);
    await page.locator('input[aria-invalid="true"]').first().waitFor();
    expect(await postcode.getAttribute('aria-invalid')).toBe('true');
    const describedBy = (await postcode.getAttribute('aria-describedby'))!;
    expect(await page.locator(`[id="${describedBy.split(' ').pop()}"]`).textContent()).toBe('"3275" is not a postcode: expected 5 digits');
    await screenshot(page, 'authority-form-error');
    await postcode.fill('32756');
    await page.getByRole('button', { name: 'Behörde anlegen' }).click();
    await page.getByRole('heading', { name: 'Stadt Detmold – Stadtkasse' }).waitFor();

    await page.getByRole('button', { name: 'Zuständigkeit anlegen' }).click();
    await page.getByLabel(/Gemeindeschlüssel \(AGS/).fill('05766020');
    await page.getByRole('button', { name: 'Zuständigkeit anlegen' }).click();
    // The task by its name, the municipality with its name beside the key.
    await page.getByRole('cell', { name: 'Gemeinde 05766020 (Detmold, Stadt)' }).waitFor();
    await page.getByRole('cell', { name: 'Vollstreckungshilfe' }).waitFor();
    await screenshot(page, 'authority');

    // "Prüfen" asks the lookup the rule's question at once.
    await page.getByRole('link', { name: 'Ergebnis in der Zuständigkeitsermittlung prüfen' }).click();
    await page.getByRole('heading', { name: 'Zuständige Behörde gefunden' }).waitFor();
    expect(await page.getByLabel(/Gemeindeschlüssel/).inputValue()).toBe('05766020');
    expect(await page.getByLabel('Aufgabe').inputValue()).toBe('VOLLSTRECKUNGSHILFE');

    expect(await lookUp(page, '05766020', '100')).toBe('Zuständige Behörde gefunden');
    await page.getByRole('link', { name: 'Stadt Detmold – Stadtkasse' }).waitFor();
    await page.getByRole('heading', { name: 'Versand von Nachrichtentyp 100' }).waitFor();
    expect(await page.locator('ol.explanation li').count()).toBeGreaterThan(0);
    await screenshot(page, 'lookup');

    // Ending the jurisdiction today: the same question has no answer any more.
    await page.getByRole('link', { name: 'Stadt Detmold – Stadtkasse' }).click();
    await page.getByRole('button', { name: 'Beenden…' }).click();
    await page.getByRole('button', { name: 'Beenden', exact: true }).click();
    await page.getByText('beendet', { exact: true }).waitFor();
    expect(await lookUp(page, '05766020')).toBe('Keine Behörde zuständig');

    await nav(page, 'Behörden');
    await page.getByText('3 Behörden').waitFor();
    await screenshot(page, 'authorities');

    // Editing (optimistic version handled by the form) and deactivating.
    await page.getByRole('link', { name: 'Stadt Detmold – Stadtkasse' }).click(); // from the list
    await page.getByRole('link', { name: 'Bearbeiten' }).click();
    await page.getByLabel(/^Name/).fill('Stadt Detmold – Stadtkasse (Vollstreckung)');
    await page.getByRole('button', { name: 'Änderungen speichern' }).click();
    await page.getByRole('heading', { name: 'Stadt Detmold – Stadtkasse (Vollstreckung)' }).waitFor();
    await page.getByRole('button', { name: 'Deaktivieren' }).click();
    await page.getByRole('button', { name: 'Ja, deaktivieren' }).click();
    await page.getByText('deaktiviert', { exact: true }).waitFor();
    expect(await page.getByRole('button', { name: 'Zuständigkeit anlegen' }).count()).toBe(0);

    await nav(page, 'Gebiete');
    await page.getByLabel(/^Innerhalb von/).fill('05766');
    await page.getByLabel(/^Ebene/).selectOption('MUNICIPALITY');
    await page.getByRole('button', { name: 'Suchen' }).click();
    await page.getByText('16 Gebiete').waitFor();
    await screenshot(page, 'regions');
    await page.getByRole('link', { name: 'Lemgo, Stadt' }).first().click(); // the municipality; its Gemeindeverband has the same name
    await page.getByRole('heading', { name: 'Lemgo, Stadt' }).waitFor();
    await page.getByText('057660044044').first().waitFor();
    await screenshot(page, 'region');

    // Tokens live in memory only: nothing in the browser's storage, and a reload means signing in again.
    expect(await page.evaluate(() => [localStorage.length, sessionStorage.length])).toEqual([0, 0]);
    await page.reload();
    await page.getByRole('heading', { name: 'Entwicklungsanmeldung' }).waitFor();
    expect(sealed.blocked).toEqual([]);
    expect(sealed.problems).toEqual([]);
    await sealed.context.close();
  });

  it("a tenant manager sees its own tenant's authorities only, and the API's refusal outside its territory", async () => {
    const sealed = await sealedContext(browser, [server.url], { width: 820, height: 1180 }); // a tablet
    const page = await sealed.page();
    await signInAs(page, server.url, 'TENANT_MANAGER', 'lippe');
    expect(await page.getByTestId('user').textContent()).toContain('lippe');
    await page.getByRole('heading', { name: 'Ihr Mandant: Kreis Lippe' }).waitFor();
    await page.getByRole('link', { name: '05766', exact: true }).waitFor(); // its territory
    await nav(page, 'Behörden');
    await page.getByRole('link', { name: 'Stadtkasse Lemgo' }).waitFor();
    await page.getByText(/^\d+ Behörden$/).waitFor();
    expect(await page.getByRole('link', { name: 'Kasse Hamburg' }).count()).toBe(0);
    expect(await page.getByLabel(/^Mandant/).count()).toBe(0); // no filter for other tenants
    await screenshot(page, 'authorities-tenant-manager-tablet');

    // Following a link to another tenant's authority (a lookup answer, say) shows no details.
    await page.evaluate(() => {
      history.pushState({}, '', '/console/authorities/ags:02000000');
      dispatchEvent(new PopStateEvent('popstate'));
    });
    await page.getByRole('heading', { name: 'Kein Zugriff' }).waitFor();
    expect(await page.getByText('Steinstraße').count()).toBe(0);

    // Creating an authority outside the tenant's territory: the API refuses, the form says why.
    await nav(page, 'Behörden');
    await page.getByRole('link', { name: 'Neue Behörde' }).click();
    expect(await page.getByLabel(/^Mandant/).inputValue()).toBe('lippe');
    await page.getByLabel(/^Schlüssel/).fill('ags:01062053');
    await page.getByLabel(/^Name/).fill('Gemeindekasse Oststeinbek');
    await page.getByLabel(/^Straße/).fill('Möllner Landstraße');
    await page.getByLabel(/^Hausnummer/).fill('22');
    await page.getByLabel(/^Postleitzahl/).fill('22113');
    await page.getByLabel(/^Ort/).fill('Oststeinbek');
    await page.getByRole('button', { name: 'Behörde anlegen' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/^Keine Berechtigung: .*territory/);
    expect(sealed.blocked).toEqual([]);
    expect(sealed.problems).toEqual([]);
    await sealed.context.close();
  });

  it('a data centre sees its own data centre with its tenants, and the directory read-only', async () => {
    const sealed = await sealedContext(browser, [server.url]);
    const page = await sealed.page();
    await signInAs(page, server.url, 'DATA_CENTER', 'krz-test');
    await page.getByRole('heading', { name: 'Ihr Rechenzentrum: Test-Rechenzentrum' }).waitFor();
    // The start page offers nothing a data centre may not do.
    expect(await page.locator('.tiles').textContent()).not.toMatch(/anlegen|bearbeiten/);
    await page.getByText('Hamburg (hamburg), Kreis Lippe (lippe)').waitFor();
    await nav(page, 'Behörden');
    await page.getByRole('link', { name: 'Kasse Hamburg' }).waitFor();
    expect(await page.getByRole('link', { name: 'Neue Behörde' }).count()).toBe(0);
    await page.getByRole('link', { name: 'Stadtkasse Lemgo' }).click();
    await page.getByRole('heading', { name: 'Stadtkasse Lemgo' }).waitFor();
    expect(await page.getByRole('link', { name: 'Bearbeiten' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Zuständigkeit anlegen' }).count()).toBe(0);
    expect(sealed.blocked).toEqual([]);
    expect(sealed.problems).toEqual([]);
    await sealed.context.close();
  });
  it('a sign-in without the code is stopped at the field; a code the directory does not know is named, not shown as empty or covered', async () => {
    const sealed = await sealedContext(browser, [server.url]);
    const page = await sealed.page();
    await page.goto(`${server.url}/console/`);
    await page.getByRole('heading', { name: 'Entwicklungsanmeldung' }).waitFor();
    let tokenRequests = 0;
    page.on('request', (r) => { if (r.url().endsWith('/console/dev-token')) tokenRequests++; });
    for (const [role, message] of [['TENANT_MANAGER', 'Pflichtfeld: Geben Sie den Code Ihres Mandanten an.'], ['DATA_CENTER', 'Pflichtfeld: Geben Sie den Code Ihres Rechenzentrums an.']] as const) {
      await page.getByLabel('Rolle').selectOption(role);
      await page.getByRole('button', { name: 'Als Entwickler anmelden' }).click();
      const field = page.getByLabel(/\(Code\)/);
      await page.getByText(message).waitFor();
      expect(await field.getAttribute('aria-invalid')).toBe('true');
      expect(await field.evaluate((e) => e === document.activeElement)).toBe(true);
    }
    expect(tokenRequests).toBe(0);

    await signInAs(page, server.url, 'TENANT_MANAGER', 'gibt-es-nicht');
    await page.getByText('Der Mandant „gibt-es-nicht“ ist dem Verzeichnis nicht bekannt.', { exact: false }).waitFor();
    await nav(page, 'Abdeckung');
    await page.getByText('Der Mandant „gibt-es-nicht“ ist dem Verzeichnis nicht bekannt.', { exact: false }).waitFor();
    await page.getByRole('button', { name: 'Abdeckung ermitteln' }).click();
    await page.getByText(/^Das Gebiet ist leer/).waitFor();
    expect(await page.getByText('Alle Gemeinden sind abgedeckt.').count()).toBe(0);

    await signInAs(page, server.url, 'DATA_CENTER', 'krz-unbekannt');
    await page.getByText('Das Rechenzentrum „krz-unbekannt“ ist dem Verzeichnis nicht bekannt.', { exact: false }).waitFor();
    expect(sealed.blocked).toEqual([]);
    expect(sealed.problems).toEqual([]);
    await sealed.context.close();
  });
});
