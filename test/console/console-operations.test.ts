// The console's operations pages in a real browser (Debian's Chromium through playwright-core), talking
// to a real server on 127.0.0.1 and nothing else: data centres with their certificates' expiry and the
// endpoint test against a receiver on loopback, creating a tenant with a territory (and the API's
// message at the territory field), a tenant manager and a data centre confined to their own, the
// deliveries chart with its table, and the audit log. Writes screenshots in docs/console/.
import 'reflect-metadata';
import fs from 'node:fs';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { eq } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { certificates, dataCenters } from '../../src/db/schema.js';
import { ManualClock } from '../../src/lib/clock.js';
import { certificateValues } from '../../src/modules/certificates/certificates.service.js';
import { describeCertificate } from '../../src/modules/certificates/inspect.js';
import { gql, serve } from '../helpers/app.js';
import { engines } from '../helpers/engines.js';
import { receiver, setUp } from '../helpers/network.js';
import { consoleApp } from './console-app.js';
import { describeInBrowser, launch, screenshot, sealedContext } from './browser.js';
import { asTablet, expectNoPageScroll, nav, signInAs } from './steps.js';

const DAY = 86_400_000;

/** A certificate of the data centre stored as an upload would store it (the upload's proof is tested elsewhere). */
async function addCertificate(database: Database, dataCenter: string, usage: 'ENCRYPTION' | 'TLS' | 'SIGNATURE', cn: string, days: number, revoked = false) {
  const keys = (await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as CryptoKeyPair;
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    name: `CN=${cn}`, keys, signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
    notBefore: new Date(now - 30 * DAY), notAfter: new Date(now + days * DAY + 3_600_000), // an hour over the whole days
    extensions: usage === 'ENCRYPTION' ? [new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyAgreement, true)] : [],
  });
  const info = describeCertificate(new Uint8Array(cert.rawData), 'test');
  const [dc] = await database.db.select().from(dataCenters).where(eq(dataCenters.code, dataCenter));
  const values = certificateValues(info, { dataCenterId: dc!.id, usage, activationAt: new Date(now - 30 * DAY), status: revoked ? 'REVOKED' : 'ACTIVE', uploadedBy: 'test' });
  await database.db.insert(certificates).values(revoked ? { ...values, revokedAt: new Date(now - DAY), revocationReason: 'Schlüssel kompromittiert' } : values);
}

/** Follows a link typed or pasted into the address bar, without a reload (the token lives in memory). */
const openPath = (page: Page, p: string) =>
  page.evaluate((to) => {
    history.pushState({}, '', to);
    dispatchEvent(new PopStateEvent('popstate'));
  }, `/console${p}`);

const rowTexts = (page: Page, table: string) => page.getByRole('table', { name: table }).locator('tbody tr').allTextContents();

describeInBrowser('console in Chromium: data centres, tenants, deliveries, audit log [pglite]', (executable) => {
  let database: Database;
  let dataDir: string;
  let rx: Awaited<ReturnType<typeof receiver>>;
  let server: { url: string; close(): Promise<void> };
  let browser: Browser;
  let admin: string;

  beforeAll(async () => {
    database = await engines()[0]!.open();
    rx = await receiver();
    // Data centre krz (endpoint: the receiver, an encryption certificate for 90 days), tenant lippe (Kreis Lippe), Detmold and Lemgo.
    const net = await setUp(database, new ManualClock(new Date().toISOString()), rx.url);
    await rx.setKey(net.privateJwk);
    await addCertificate(database, 'krz', 'TLS', 'tls.krz.test', 12);
    await addCertificate(database, 'krz', 'SIGNATURE', 'sig.krz.test', 200, true);
    const started = await consoleApp(database, 'ops', { directory: net.directory, transportTimeoutMs: 5000 });
    const app = started.app;
    ({ dataDir, admin } = started);
    const run = async (query: string, variables: Record<string, unknown>) => {
      const res = await gql(app, query, variables, admin);
      expect(res.body.errors, query).toBeUndefined();
      return res.body.data!;
    };
    // A second data centre whose endpoint does not answer (the discard port), with its own tenant.
    await run('mutation($i: CreateDataCenterInput!) { createDataCenter(input: $i) { code } }', { i: { code: 'krz-nord', name: 'Rechenzentrum Nord', endpoints: ['http://127.0.0.1:9/xta'] } });
    await run('mutation($i: CreateTenantInput!) { createTenant(input: $i) { code } }', { i: { code: 'hamburg', name: 'Hamburg', dataCenterCode: 'krz-nord', areas: ['02'] } });
    await addCertificate(database, 'krz-nord', 'ENCRYPTION', 'xta.krz-nord.test', 300);
    // Deliveries of today: two electronic (Detmold accepts 100), one on paper (it does not accept 102).
    for (const [n, messageType] of [[1, '100'], [2, '100'], [3, '102']] as const) {
      const d = await run('mutation($i: DispatchInput!) { dispatch(input: $i) { channel } }', {
        i: { idempotencyKey: `console-ops-${n}`, senderKey: 'ags:05766044', recipientKey: 'ags:05766020', messageType, reference: `VH-${n}/2026`, payload: Buffer.from(`<m n="${n}"/>`).toString('base64'), fileName: 'm.xml', contentType: 'application/xml' },
      });
      expect(d.dispatch.channel).toBe(messageType === '100' ? 'ELECTRONIC' : 'PRINT');
    }
    server = await serve(app);
    browser = await launch(executable);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await rx?.close();
    await database?.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("an administrator sees certificates' expiry, tests an endpoint, creates and edits a data centre, creates a tenant with a territory, and reads deliveries and the audit log", async () => {
    const sealed = await sealedContext(browser, [server.url]);
    const page = await sealed.page();
    await signInAs(page, server.url, 'ADMIN');

    await nav(page, 'Rechenzentren und Mandanten');
    await page.getByRole('heading', { name: 'Rechenzentren und Mandanten' }).waitFor();
    const expiring = page.locator('li.cert-expiring', { hasText: 'TLS: läuft in 12 Tagen ab' });
    await expiring.waitFor();
    await page.locator('li.cert-dead', { hasText: /^Signatur: widerrufen am / }).waitFor();
    await page.getByRole('status', { name: 'Warnungen' }).getByText('1 Zertifikat läuft in den nächsten 30 Tagen ab.').waitFor();
    // Name, code, data centre, territory, number of authorities.
    await expect.poll(() => rowTexts(page, 'Mandanten')).toEqual(['HamburghamburgRechenzentrum Nord020', 'LippelippeKRZ057661']);
    await screenshot(page, 'data-centers');
    await asTablet(page, () => expectNoPageScroll(page));

    await page.getByRole('link', { name: 'KRZ', exact: true }).click();
    await page.getByRole('heading', { name: 'KRZ', exact: true }).waitFor();
    await page.getByRole('row', { name: /TLS.*tls\.krz\.test.*läuft in 12 Tagen ab/ }).waitFor();
    await page.getByRole('row', { name: /Signatur.*widerrufen.*Schlüssel kompromittiert/ }).waitFor();
    await page.getByRole('button', { name: 'Endpunkt testen' }).click();
    const result = page.getByTestId('endpoint-test');
    await result.getByText('Der Endpunkt hat die Testnachricht angenommen.').waitFor();
    expect(await result.textContent()).toContain('HTTP-Status202');
    await screenshot(page, 'data-center');

    // A new data centre: an endpoint the API refuses is named at the endpoints field; then it is put out of service.
    await nav(page, 'Rechenzentren und Mandanten');
    await page.getByRole('link', { name: 'Neues Rechenzentrum' }).click();
    await page.getByLabel(/^Code/).fill('krz-west');
    await page.getByLabel(/^Name/).fill('Rechenzentrum West');
    const endpoints = page.getByLabel(/^Endpunkte/);
    await endpoints.fill('https://127.0.0.1:8443/xta\nftp://xta.krz-west.test/x');
    await page.getByRole('button', { name: 'Rechenzentrum anlegen' }).click();
    await page.locator('textarea[aria-invalid="true"]').waitFor();
    const endpointError = (await endpoints.getAttribute('aria-describedby'))!.split(' ').pop();
    expect(await page.locator(`[id="${endpointError}"]`).textContent()).toBe('"ftp://xta.krz-west.test/x" must use https (or http outside production)');
    await screenshot(page, 'data-center-form-error');
    await endpoints.fill('https://127.0.0.1:8443/xta');
    await page.getByRole('button', { name: 'Rechenzentrum anlegen' }).click();
    await page.getByRole('heading', { name: 'Rechenzentrum West' }).waitFor();
    await nav(page, 'Rechenzentren und Mandanten'); // without an encryption certificate it is warned about
    await page.getByText('Rechenzentrum krz-west hat jetzt oder in den nächsten 30 Tagen kein aktives Verschlüsselungszertifikat', { exact: false }).waitFor();
    await page.getByRole('link', { name: 'Rechenzentrum West' }).click();
    await page.getByRole('link', { name: 'Bearbeiten' }).click();
    await page.getByLabel('Status').selectOption('INACTIVE');
    await page.getByRole('button', { name: 'Änderungen speichern' }).click();
    await page.getByRole('heading', { name: 'Rechenzentrum West' }).waitFor();
    await page.getByText('außer Betrieb', { exact: true }).waitFor();

    // A new tenant: an area the API refuses is named at the territory field; corrected, it is created.
    await nav(page, 'Rechenzentren und Mandanten');
    await page.getByRole('link', { name: 'Neuer Mandant' }).click();
    await page.getByLabel(/^Code/).fill('detmold');
    await page.getByLabel(/^Name/).fill('Stadt Detmold');
    await page.getByLabel(/^Rechenzentrum/).selectOption('krz');
    await page.getByLabel(/^Gebiet/).fill('05766020, 0576');
    await page.getByRole('button', { name: 'Mandant anlegen' }).click();
    const areas = page.getByLabel(/^Gebiet/);
    await page.locator('input[aria-invalid="true"]').first().waitFor();
    expect(await areas.getAttribute('aria-invalid')).toBe('true');
    const describedBy = (await areas.getAttribute('aria-describedby'))!;
    expect(await page.locator(`[id="${describedBy.split(' ').pop()}"]`).textContent()).toBe('"0576" is not an area: an ARS prefix has 2, 3, 5, 9 or 12 digits, an AGS 8');
    await screenshot(page, 'tenant-form-error');
    await areas.fill('05766020');
    await areas.press('Enter'); // keyboard: Enter submits
    await page.getByRole('heading', { name: 'Stadt Detmold' }).waitFor();
    await page.getByRole('link', { name: '05766020', exact: true }).waitFor();
    await screenshot(page, 'tenant');

    // Deliveries: the chart of today and its table give the same counts; the list filters by channel.
    await nav(page, 'Zustellungen');
    const today = new Intl.DateTimeFormat('de-DE', { day: '2-digit', month: '2-digit', year: 'numeric', timeZone: 'Europe/Berlin' }).format(new Date());
    const chartTable = page.getByRole('table', { name: 'Zustellungen je Tag und Weg (Tabelle)' });
    await chartTable.getByRole('row', { name: new RegExp(`^${today.replace(/\./g, '\\.')} 2 1$`) }).waitFor();
    expect(await chartTable.locator('tbody tr').count()).toBe(14);
    expect(await page.getByRole('img', { name: /Zustellungen je Tag und Weg .*: 2 elektronisch, 1 auf Papier/ }).count()).toBe(1);
    expect(await page.locator('svg.chart rect').evaluateAll((rs) => rs.filter((r) => Number(r.getAttribute('height')) > 0).map((r) => r.querySelector('title')?.textContent)))
      .toEqual([`${today}, elektronisch: 2`, `${today}, auf Papier: 1`]);
    expect(await rowTexts(page, 'Zustellungen, neueste zuerst')).toHaveLength(3);
    await screenshot(page, 'deliveries');
    // The scale: whole numbers at their own height (3 deliveries at most a day → 0, 1, 2).
    expect(await page.locator('svg.chart text[text-anchor="end"]').allTextContents()).toEqual(['0', '1', '2']);
    await asTablet(page, () => expectNoPageScroll(page));
    await page.getByLabel('Weg', { exact: true }).selectOption('PRINT');
    await page.getByRole('button', { name: 'Anzeigen' }).click();
    await expect.poll(() => rowTexts(page, 'Zustellungen, neueste zuerst')).toEqual([expect.stringContaining('VH-3/2026')]);

    // The audit log names what was done here, in German.
    await nav(page, 'Protokoll');
    await page.getByRole('row', { name: /Mandant angelegt.*Mandant detmold/ }).waitFor();
    await page.getByRole('row', { name: /Mandant angelegt.*Mandant hamburg/ }).waitFor();
    await page.getByRole('row', { name: /Rechenzentrum angelegt.*Rechenzentrum krz-nord/ }).waitFor();
    await page.getByRole('row', { name: /Rechenzentrum geändert.*Rechenzentrum krz-west/ }).waitFor();
    await screenshot(page, 'audit-log');
    await page.getByLabel('Art des Eintrags').selectOption('DataCenter');
    await page.getByRole('button', { name: 'Filtern' }).click();
    const subjects = page.getByRole('table', { name: 'Protokolleinträge' }).locator('tbody tr td:nth-child(3)');
    await expect.poll(() => subjects.allTextContents()).toEqual(['Rechenzentrum krz-west', 'Rechenzentrum krz-west', 'Rechenzentrum krz-nord', 'Rechenzentrum krz']);

    expect(sealed.blocked).toEqual([]);
    expect(sealed.problems).toEqual([]);
    await sealed.context.close();
  });

  it('a tenant manager sees its own tenant and data centre only; another tenant by URL is not found', async () => {
    const sealed = await sealedContext(browser, [server.url], { width: 820, height: 1180 }); // a tablet
    const page = await sealed.page();
    await signInAs(page, server.url, 'TENANT_MANAGER', 'lippe');
    await nav(page, 'Rechenzentren und Mandanten');
    await page.getByRole('link', { name: 'Lippe', exact: true }).waitFor();
    expect(await rowTexts(page, 'Mandanten')).toEqual([expect.stringMatching(/^Lippelippe/)]);
    expect(await rowTexts(page, 'Rechenzentren')).toEqual([expect.stringMatching(/^KRZkrz/)]);
    expect(await page.getByRole('link', { name: 'Neuer Mandant' }).count()).toBe(0);
    expect(await page.getByRole('columnheader', { name: 'Zustand des Endpunkts' }).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Zustellungen' }).count()).toBe(0);
    await screenshot(page, 'data-centers-tenant-manager-tablet');

    await openPath(page, '/tenants/hamburg');
    await page.getByRole('heading', { name: 'Mandant nicht gefunden' }).waitFor();
    await openPath(page, '/data-centers/krz-nord');
    await page.getByRole('heading', { name: 'Rechenzentrum nicht gefunden' }).waitFor();
    await openPath(page, '/tenants/lippe');
    await page.getByRole('heading', { name: 'Lippe' }).waitFor();
    expect(await page.getByRole('link', { name: 'Bearbeiten' }).count()).toBe(0);
    expect(sealed.blocked).toEqual([]);
    expect(sealed.problems).toEqual([]);
    await sealed.context.close();
  });

  it('a data centre sees its own data centre and tenants only, and the failed test of an endpoint that does not answer', async () => {
    const sealed = await sealedContext(browser, [server.url]);
    const page = await sealed.page();
    await signInAs(page, server.url, 'DATA_CENTER', 'krz-nord');
    await nav(page, 'Rechenzentren und Mandanten');
    await page.getByRole('link', { name: 'Hamburg', exact: true }).waitFor();
    expect(await rowTexts(page, 'Mandanten')).toEqual([expect.stringMatching(/^Hamburghamburg/)]);
    expect(await rowTexts(page, 'Rechenzentren')).toEqual([expect.stringMatching(/^Rechenzentrum Nordkrz-nord/)]);
    await openPath(page, '/tenants/lippe');
    await page.getByRole('heading', { name: 'Mandant nicht gefunden' }).waitFor();
    await openPath(page, '/data-centers/krz-nord');
    await page.getByRole('heading', { name: 'Rechenzentrum Nord' }).waitFor();
    await page.getByRole('button', { name: 'Endpunkt testen' }).click();
    const result = page.getByTestId('endpoint-test');
    await result.getByText('Der Test ist fehlgeschlagen.').waitFor();
    expect(await result.textContent()).toContain('HTTP-Statuskeine Antwort');
    expect(await result.textContent()).not.toContain('certificate'); // it got as far as the endpoint
    await screenshot(page, 'data-center-endpoint-test-failed');
    expect(sealed.blocked).toEqual([]);
    expect(sealed.problems).toEqual([]);
    await sealed.context.close();
  });
});
