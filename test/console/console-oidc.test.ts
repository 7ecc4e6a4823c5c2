// Signing in to the console with OpenID Connect (authorization code flow with PKCE) against a real
// provider (oidc-provider) started here on 127.0.0.1: discovery from the issuer, the provider's own
// login and consent pages, the code exchanged in the browser, and the server accepting the access
// token (a JWT for its audience, checked against the provider's JWKS). Nothing else is reachable.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import Provider from 'oidc-provider';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApp } from '../../src/app/app.js';
import type { Database } from '../../src/db/client.js';
import { systemClock } from '../../src/lib/clock.js';
import { createVerifier } from '../../src/modules/auth/jwt.js';
import { Directory } from '../../src/modules/directory/directory.js';
import { loadDemoSeed } from '../../seed/load.js';
import { serve } from '../helpers/app.js';
import { engines } from '../helpers/engines.js';
import { describeInBrowser, launch, screenshot, sealedContext } from './browser.js';

const AUDIENCE = 'behoerdenverzeichnis-oidc-test';
const CLIENT_ID = 'bv-console';
/** RFC 8707 resource indicator the console asks for; the provider makes the token's audience from it. */
const RESOURCE = 'https://directory.test.example/graphql';

/** A listening server whose handler comes later: the provider must know its own URL first. */
async function reserve(): Promise<{ server: http.Server; url: string }> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

async function startProvider(issuer: string, server: http.Server, consoleUrl: string) {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const provider = new Provider(issuer, {
    clients: [{
      client_id: CLIENT_ID, redirect_uris: [`${consoleUrl}/console/callback`], token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code'], response_types: ['code'], id_token_signed_response_alg: 'ES256',
    }],
    jwks: { keys: [{ ...(await exportJWK(privateKey)), kid: 'test-es256', alg: 'ES256', use: 'sig' }] },
    cookies: { keys: ['console-oidc-test-cookie-key'] },
    ttl: { Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 600, IdToken: 600 },
    pkce: { required: () => true },
    clientBasedCORS: () => true,
    findAccount: (_ctx, id) => ({ accountId: id, claims: () => ({ sub: id }) }),
    // The role the directory reads from the access token.
    extraTokenClaims: () => ({ role: 'ADMIN' }),
    features: {
      devInteractions: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => RESOURCE,
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({ scope: '', audience: AUDIENCE, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'ES256' } } }),
      },
    },
  });
  server.on('request', provider.callback());
  return provider;
}

describeInBrowser('console in Chromium: OpenID Connect sign-in [pglite]', (executable) => {
  let database: Database;
  let app: { url: string; close(): Promise<void> };
  let idp: { server: http.Server; url: string };
  let browser: Browser;

  beforeAll(async () => {
    database = await engines()[0]!.open();
    await loadDemoSeed(database.db, systemClock, { id: 'test:console' });
    idp = await reserve();
    const directory = new Directory(database, { pollMs: 0 });
    const verifier = createVerifier({ jwks: `${idp.url}/jwks`, issuer: idp.url, audience: AUDIENCE, algorithms: ['ES256'] }, systemClock);
    const created = createApp({
      database, clock: systemClock, directory, bulkMax: 100, graphiql: false, verifier,
      console: { oidc: { issuer: idp.url, clientId: CLIENT_ID, scope: 'openid', resource: RESOURCE, allowHttp: true } },
    });
    app = await serve(created);
    await startProvider(idp.url, idp.server, app.url);
    browser = await launch(executable);
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    idp?.server.closeAllConnections();
    await new Promise((r) => idp?.server.close(r));
    await database?.close();
  });

  it('signs in through the provider with PKCE and uses the access token, kept in memory only', async () => {
    const sealed = await sealedContext(browser, [app.url, idp.url]);
    const page = await sealed.page();
    const authorizeRequests: URL[] = [];
    page.on('request', (r) => {
      if (r.url().startsWith(`${idp.url}/auth`)) authorizeRequests.push(new URL(r.url()));
    });
    await page.goto(`${app.url}/console/regions`);
    await page.getByRole('heading', { name: 'Mit Ihrem Dienstkonto' }).waitFor();
    expect(await page.getByRole('heading', { name: 'Entwicklungsanmeldung' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Anmelden' }).click();

    // The provider's development login and consent pages.
    await page.waitForURL((u) => u.origin === idp.url);
    await page.locator('input[name="login"]').fill('sachbearbeitung@kreis-lippe.example');
    await page.locator('input[name="password"]').fill('irrelevant');
    await page.getByRole('button', { name: 'Sign-in' }).click();
    await page.getByRole('button', { name: 'Continue' }).click(); // consent

    // Back in the console, on the page the user started from, as the server sees the token.
    await page.getByRole('heading', { name: 'Gebiete' }).waitFor();
    expect(page.url()).toBe(`${app.url}/console/regions`);
    expect(await page.getByTestId('user').textContent()).toContain('Administration');
    await page.getByLabel(/^Name/).fill('Detmold');
    await page.getByRole('button', { name: 'Suchen' }).click();
    await page.getByRole('link', { name: 'Detmold, Stadt' }).first().waitFor();

    const auth = authorizeRequests[0]!;
    expect(auth.searchParams.get('code_challenge_method')).toBe('S256');
    expect(auth.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(auth.searchParams.get('state')).toBeTruthy();
    expect(auth.searchParams.get('client_id')).toBe(CLIENT_ID);
    expect(auth.searchParams.get('redirect_uri')).toBe(`${app.url}/console/callback`);
    expect(auth.searchParams.get('resource')).toBe(RESOURCE);
    expect(await page.evaluate(() => [localStorage.length, sessionStorage.length])).toEqual([0, 0]);
    await screenshot(page, 'oidc-signed-in');
    // The provider's development pages ask for web fonts; they were blocked like anything outside.
    // The console itself asked for nothing outside the two servers.
    expect(sealed.blocked.filter((b) => !b.from.startsWith(idp.url))).toEqual([]);
    expect(sealed.problems).toEqual([]);
    await sealed.context.close();
  });
});
