// The server's public signing keys, fetched from its /.well-known/jwks.json with jose's remote key set:
// cached for five minutes, fetched again when a hand-off names a key id (kid) it does not hold, never
// following a redirect. jose's own cool-down counts from the last fetch of any kind, so a hand-off
// signed with a freshly rotated key would be refused if it came soon after a routine fetch; here the
// first unknown kid always refreshes, and further refreshes for unknown kids wait `refreshGapMs`,
// so forged kids cannot make us hammer the server.
import { createRemoteJWKSet, type JWTVerifyGetKey } from 'jose';
import { JWKS_PATH } from '../lib/handoff-contract.js';
import { Refusal } from './refusal.js';

export interface ServerKeysOptions {
  /** least time between two refreshes caused by unknown kids (default 10 s) */
  refreshGapMs?: number;
  /** how long a fetched key set is used before it is fetched again (default 5 min) */
  cacheMaxAgeMs?: number;
}

export function serverKeys(serverUrl: string, opts: ServerKeysOptions = {}): JWTVerifyGetKey {
  const url = new URL(JWKS_PATH, serverUrl);
  const remote = createRemoteJWKSet(url, { cooldownDuration: 0, cacheMaxAge: opts.cacheMaxAgeMs ?? 5 * 60_000, timeoutDuration: 5_000 });
  const gap = opts.refreshGapMs ?? 10_000;
  let lastUnknownRefresh = -Infinity;
  return async (header, token) => {
    const known = remote.jwks()?.keys.some((k) => k.kid === header.kid);
    if (remote.fresh && !known) {
      const since = Date.now() - lastUnknownRefresh;
      if (since < gap) throw new Refusal(401, 'unknown-key', `no key ${String(header.kid)} in the server's key set, refreshed ${Math.round(since / 1000)} s ago`);
      lastUnknownRefresh = Date.now();
    }
    return remote(header, token);
  };
}
