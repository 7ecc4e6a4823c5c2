// OpenID Connect authorization code flow with PKCE (oauth4webapi), against the provider the server
// names. Only the flow's one-time values (verifier, state, nonce) wait in sessionStorage across the
// redirect; the tokens stay in memory.
import * as oauth from 'oauth4webapi';
import type { OidcSettings } from './settings';

const PENDING = 'bv-console-oidc-pending';
export const CALLBACK_PATH = '/console/callback';

interface Pending {
  verifier: string;
  state: string;
  nonce: string;
  returnTo: string;
}

export const redirectUri = () => `${window.location.origin}${CALLBACK_PATH}`;

const insecure = (o: OidcSettings) => ({ [oauth.allowInsecureRequests]: o.allowHttp });

async function discover(o: OidcSettings): Promise<oauth.AuthorizationServer> {
  const issuer = new URL(o.issuer);
  const response = await oauth.discoveryRequest(issuer, { algorithm: 'oidc', ...insecure(o) });
  return oauth.processDiscoveryResponse(issuer, response);
}

/** Sends the browser to the provider's sign-in page. */
export async function startSignIn(o: OidcSettings, returnTo: string): Promise<void> {
  const as = await discover(o);
  if (!as.authorization_endpoint) throw new Error('Der Identitätsanbieter nennt keinen Anmeldeendpunkt.');
  const pending: Pending = {
    verifier: oauth.generateRandomCodeVerifier(),
    state: oauth.generateRandomState(),
    nonce: oauth.generateRandomNonce(),
    returnTo,
  };
  const url = new URL(as.authorization_endpoint);
  url.searchParams.set('client_id', o.clientId);
  url.searchParams.set('redirect_uri', redirectUri());
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('scope', o.scope);
  url.searchParams.set('code_challenge', await oauth.calculatePKCECodeChallenge(pending.verifier));
  url.searchParams.set('code_challenge_method', 'S256');
  url.searchParams.set('state', pending.state);
  url.searchParams.set('nonce', pending.nonce);
  if (o.resource) url.searchParams.set('resource', o.resource);
  sessionStorage.setItem(PENDING, JSON.stringify(pending));
  window.location.assign(url.href);
}

function takePending(): Pending {
  const raw = sessionStorage.getItem(PENDING);
  sessionStorage.removeItem(PENDING);
  if (!raw) throw new Error('Keine Anmeldung begonnen (oder sie wurde in einem anderen Tab begonnen). Bitte erneut anmelden.');
  return JSON.parse(raw) as Pending;
}

function describe(e: unknown): string {
  if (e instanceof oauth.AuthorizationResponseError) return `${e.error}${e.error_description ? `: ${e.error_description}` : ''}`;
  if (e instanceof oauth.ResponseBodyError) return `${e.error}${e.error_description ? `: ${e.error_description}` : ''}`;
  return e instanceof Error ? e.message : String(e);
}

/** Back from the provider: checks the answer and exchanges the code (with the PKCE verifier) for tokens. */
export async function finishSignIn(o: OidcSettings, currentUrl: URL): Promise<{ accessToken: string; returnTo: string }> {
  const pending = takePending();
  try {
    const as = await discover(o);
    const client: oauth.Client = { client_id: o.clientId };
    const params = oauth.validateAuthResponse(as, client, currentUrl, pending.state);
    const additionalParameters = o.resource ? { resource: o.resource } : undefined;
    const response = await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), params, redirectUri(), pending.verifier, {
      ...insecure(o),
      additionalParameters,
    });
    const result = await oauth.processAuthorizationCodeResponse(as, client, response, {
      expectedNonce: pending.nonce,
      requireIdToken: o.scope.split(/\s+/).includes('openid'),
    });
    return { accessToken: result.access_token, returnTo: pending.returnTo };
  } catch (e) {
    throw new Error(`Die Anmeldung beim Identitätsanbieter ist fehlgeschlagen: ${describe(e)}`);
  }
}
