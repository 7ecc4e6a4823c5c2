// Configurable claim names: an OpenID Connect provider puts OAuth scopes ("openid profile") in "scope",
// so the tenant or data-centre code must be readable from a claim of the operator's choice.
import { SignJWT } from 'jose';
import { beforeAll, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { createVerifier } from '../src/modules/auth/jwt.js';
import { AUDIENCE, ISSUER, makeKeys, type TestKeys } from './helpers/app.js';
import { clock } from './helpers/fixtures.js';

let keys: TestKeys;
beforeAll(async () => {
  keys = await makeKeys();
});

async function sign(claims: Record<string, unknown>): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'ES256', kid: keys.es256.kid })
    .setIssuer(ISSUER).setAudience(AUDIENCE).setSubject('user:claims')
    .setIssuedAt(now).setExpirationTime(now + 300)
    .sign(keys.es256.key);
}

const verifier = (claims?: { roleClaim: string; scopeClaim: string }) =>
  createVerifier({ jwks: keys.jwksFile, issuer: ISSUER, audience: AUDIENCE, algorithms: ['ES256'], ...claims }, clock());

it('reads role and tenant from the configured claims and ignores the OAuth "scope"', async () => {
  const verify = verifier({ roleClaim: 'bv_role', scopeClaim: 'https://example.org/tenant' });
  const t = await sign({ bv_role: 'TENANT_MANAGER', 'https://example.org/tenant': 'lippe', scope: 'openid profile', role: 'ADMIN' });
  expect(await verify(`Bearer ${t}`)).toEqual({ subject: 'user:claims', role: 'TENANT_MANAGER', scope: 'lippe' });
});

it('names the configured claim when it is missing', async () => {
  const verify = verifier({ roleClaim: 'bv_role', scopeClaim: 'bv_tenant' });
  await expect(verify(`Bearer ${await sign({ role: 'ADMIN' })}`)).rejects.toThrow(/claim "bv_role" must be one of/);
  await expect(verify(`Bearer ${await sign({ bv_role: 'TENANT_MANAGER', scope: 'openid' })}`)).rejects.toThrow(/needs claim "bv_tenant"/);
});

it('defaults to "role" and "scope"', async () => {
  const t = await sign({ role: 'DATA_CENTER', scope: 'krz' });
  expect(await verifier()(`Bearer ${t}`)).toEqual({ subject: 'user:claims', role: 'DATA_CENTER', scope: 'krz' });
});

it('AUTH_ROLE_CLAIM and AUTH_SCOPE_CLAIM reach the verifier settings; a claim name with spaces, or a renamed claim without AUTH_JWKS, is refused', () => {
  const config = loadConfig({ NODE_ENV: 'test', AUTH_JWKS: '/etc/jwks.json', AUTH_ROLE_CLAIM: 'bv_role', AUTH_SCOPE_CLAIM: 'bv_tenant' });
  expect(config.auth).toMatchObject({ roleClaim: 'bv_role', scopeClaim: 'bv_tenant' });
  expect(loadConfig({ NODE_ENV: 'test' }).auth).toMatchObject({ roleClaim: 'role', scopeClaim: 'scope' });
  expect(() => loadConfig({ NODE_ENV: 'test', AUTH_JWKS: '/etc/jwks.json', AUTH_SCOPE_CLAIM: 'tenant code' })).toThrow(/AUTH_SCOPE_CLAIM/);
  // development tokens carry "role" and "scope", so other names need a real JWKS
  expect(() => loadConfig({ NODE_ENV: 'test', AUTH_SCOPE_CLAIM: 'bv_tenant' })).toThrow(/AUTH_SCOPE_CLAIM: needs AUTH_JWKS/);
});
