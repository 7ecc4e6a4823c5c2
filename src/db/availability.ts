// Telling "the database is unreachable right now" apart from real failures, and riding it out.

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
]);

/** True for errors that mean "the database is not reachable right now" rather than a bug. */
export function isDatabaseUnavailable(e: unknown): boolean {
  for (let cur = e, depth = 0; cur && depth < 8; depth++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string' && (CONNECTION_CODES.has(code) || /^08|^57P0[1-3]$/.test(code))) return true;
    if (cur instanceof Error && /PGlite is closed|database is closed/i.test(cur.message)) return true;
    cur = (cur as { cause?: unknown; originalError?: unknown }).originalError ?? (cur as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * Runs fn again while it fails only because the database is unreachable, until the deadline; used for
 * bookkeeping that must not be lost (a hand-off already happened), not for requests (those fail fast).
 */
export async function retryWhileUnavailable<T>(fn: () => Promise<T>, deadline: number, pauseMs = 500): Promise<T> {
  for (;;) {
    try {
      return await fn();
    } catch (e) {
      if (!isDatabaseUnavailable(e) || Date.now() + pauseMs > deadline) throw e;
      await new Promise((r) => setTimeout(r, pauseMs));
      pauseMs = Math.min(pauseMs * 2, 5_000);
    }
  }
}
