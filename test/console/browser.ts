// Chromium for the console tests: Debian's system browser driven by playwright-core (no browser
// download), with every request outside the servers under test blocked, and page errors and CSP
// violations collected so a test can insist there were none.
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { describe } from 'vitest';
import { ROOT } from '../helpers/processes.js';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/lib/chromium/chromium', '/usr/bin/google-chrome'];

export function findChromium(): string | undefined {
  const given = process.env.CHROMIUM_PATH;
  if (given) return given;
  return CANDIDATES.find((p) => fs.existsSync(p));
}

/**
 * Declares browser tests. Without Chromium they are skipped with a message, except in CI (.ci/run
 * installs Chromium and sets CI): there a missing browser fails the run.
 */
export function describeInBrowser(title: string, fn: (executable: string) => void): void {
  const exe = findChromium();
  if (!exe && !process.env.CI) {
    console.warn(`[console] SKIPPED "${title}": no Chromium found. Install Debian's package (apt-get install chromium) or set CHROMIUM_PATH.`);
    describe.skip(title, () => fn(''));
    return;
  }
  describe(title, () => fn(exe ?? CANDIDATES[0]!));
}

/** Chromium's own background traffic (updates, sync, field trials) is switched off: the tests allow none. */
const QUIET = ['--lang=de-DE', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-default-apps'];

export function launch(executable: string): Promise<Browser> {
  // Chromium's sandbox needs an unprivileged user; CI runs as root.
  const args = process.getuid?.() === 0 ? [...QUIET, '--no-sandbox'] : QUIET;
  return chromium.launch({ executablePath: executable, headless: true, args });
}

export interface Sealed {
  context: BrowserContext;
  /** requests that tried to leave the allowed origins, and the page that made them */
  blocked: { url: string; from: string }[];
  /** uncaught errors and console errors of every page (CSP violations land here) */
  problems: string[];
  page(): Promise<Page>;
}

const originOf = (url: string) => {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
};

/** A browser context that may talk to the given origins only. */
export async function sealedContext(browser: Browser, origins: string[], viewport = { width: 1280, height: 860 }): Promise<Sealed> {
  const context = await browser.newContext({ viewport, locale: 'de-DE', timezoneId: 'Europe/Berlin', serviceWorkers: 'block' });
  const blocked: Sealed['blocked'] = [];
  const problems: string[] = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (origins.includes(originOf(url))) return route.continue();
    let from = '';
    try {
      from = route.request().frame().url();
    } catch {
      /* a service worker or a detached frame */
    }
    blocked.push({ url, from });
    return route.abort('blockedbyclient');
  });
  return {
    context,
    blocked,
    problems,
    async page() {
      const page = await context.newPage();
      page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
      page.on('console', (m) => {
        // Blocked requests are counted in `blocked`, with the page that made them.
        if (m.type() === 'error' && !/status of 40[134]|ERR_BLOCKED_BY_CLIENT/.test(m.text())) problems.push(`console: ${m.text()}`);
      });
      return page;
    },
  };
}

export const SCREENSHOTS = path.join(ROOT, 'docs', 'console');

export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}
