// Steps the console's browser tests share: signing in for a role, following the navigation, a lookup.
import type { Page } from 'playwright-core';

/** Development sign-in; with a scope the form is sent by Enter in the field (keyboard use). */
export async function signInAs(page: Page, url: string, role: string, scope?: string) {
  await page.goto(`${url}/console/`);
  await page.getByRole('heading', { name: 'Entwicklungsanmeldung' }).waitFor();
  await page.getByLabel('Rolle').selectOption(role);
  if (scope) {
    const field = page.getByLabel(/\(Code\)/);
    await field.fill(scope);
    await field.press('Enter');
  } else {
    await page.getByRole('button', { name: 'Als Entwickler anmelden' }).click();
  }
  await page.getByRole('heading', { name: 'Übersicht' }).waitFor();
}

export const nav = (page: Page, name: string) =>
  page.getByRole('navigation', { name: 'Hauptnavigation' }).getByRole('link', { name, exact: true }).click();

/** A lookup by AGS on the lookup page; the heading of the answer. */
export async function lookUp(page: Page, ags: string, messageType?: string) {
  await nav(page, 'Zuständigkeit ermitteln');
  await page.getByLabel('Suchen nach').selectOption('ags');
  await page.getByLabel(/Gemeindeschlüssel/).fill(ags);
  if (messageType) await page.getByLabel(/Nachrichtentyp/).selectOption(messageType);
  await page.getByRole('button', { name: 'Zuständigkeit ermitteln' }).click();
  await page.locator('section.result').first().waitFor();
  return page.locator('section.result h2').textContent();
}
