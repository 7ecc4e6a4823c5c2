// Steps the console's browser tests share: signing in for a role, following the navigation, a lookup.
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

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

/** The page does not scroll sideways: wide content (tables) scrolls inside its own box. */
export async function expectNoPageScroll(page: Page) {
  expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBe(0);
}

/** Runs `check` with the window at tablet width (820 px), then restores the size it had. */
export async function asTablet(page: Page, check: () => Promise<void>) {
  const size = page.viewportSize();
  await page.setViewportSize({ width: 820, height: 1180 });
  try {
    await check();
  } finally {
    if (size) await page.setViewportSize(size);
  }
}
