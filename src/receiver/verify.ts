// Checking a signed hand-off before anything else is done with it (docs/wire-contract.md, "Verifying
// a hand-off"): a compact JWS of the right type, signed by one of the server's published keys, from
// the expected issuer, for a recipient this receiver serves, within its validity, with every claim.
import { decodeProtectedHeader, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { DELIVERY_ID, TEST_MESSAGE_TYPE, HANDOFF_ALGORITHMS, HANDOFF_TTL_SECONDS, HANDOFF_TYP, type HandoffClaims } from '../lib/handoff-contract.js';
import { Refusal } from './refusal.js';

export interface Expectations {
  /** the server's iss */
  issuer: string;
  /** recipient keys served here; undefined: any */
  audience?: string[];
  /** allowed clock difference to the server, seconds */
  clockToleranceS: number;
}

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
const STRING_CLAIMS = ['jti', 'delivery_id', 'sender', 'recipient', 'message_type', 'reference', 'file_name', 'content_type', 'jwe'] as const;

const malformed = (why: string) => new Refusal(400, 'malformed', why);

/** The header alone: cheap refusals before any key is looked up. */
function checkHeader(token: string): void {
  if (!COMPACT_JWS.test(token)) throw malformed('the body is not a compact JWS (header.payload.signature)');
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(token);
  } catch {
    throw malformed('the JWS header cannot be read');
  }
  if (!header.alg || header.alg === 'none' || token.endsWith('.')) throw new Refusal(401, 'unsigned', 'the hand-off is not signed');
  if (header.typ !== HANDOFF_TYP) throw malformed(`typ must be ${HANDOFF_TYP}`);
  if (!(HANDOFF_ALGORITHMS as readonly string[]).includes(header.alg)) throw new Refusal(401, 'signature', `alg ${header.alg} is not accepted (${HANDOFF_ALGORITHMS.join(', ')})`);
  if (typeof header.kid !== 'string' || !header.kid) throw new Refusal(401, 'unknown-key', 'the header names no kid');
}

/** jose's verdicts as refusals; a key set that cannot be fetched is our problem (503: try again). */
function refusalFor(e: unknown): Refusal {
  if (e instanceof Refusal) return e;
  if (e instanceof errors.JWKSNoMatchingKey) return new Refusal(401, 'unknown-key', 'the kid is not among the server\'s published keys');
  if (e instanceof errors.JWSSignatureVerificationFailed) return new Refusal(401, 'signature', 'the signature does not verify');
  if (e instanceof errors.JWTExpired) return new Refusal(401, 'expired', `the hand-off has expired (${e.claim})`);
  if (e instanceof errors.JWTClaimValidationFailed) {
    if (e.claim === 'iss') return new Refusal(403, 'issuer', 'iss is not the expected server');
    if (e.claim === 'aud') return new Refusal(403, 'audience', 'aud is not a recipient served here');
    if (e.claim === 'iat' || e.claim === 'nbf') return new Refusal(401, 'not-yet-valid', `${e.claim} lies in the future`);
    return malformed(e.message);
  }
  if (e instanceof errors.JWTInvalid || e instanceof errors.JWSInvalid || e instanceof errors.JOSEAlgNotAllowed) return malformed((e as Error).message);
  return new Refusal(503, 'keys-unavailable', `the server's key set cannot be fetched: ${(e as Error).message}`);
}

function checkClaims(c: Record<string, unknown>): HandoffClaims {
  for (const name of STRING_CLAIMS) if (typeof c[name] !== 'string' || !c[name]) throw malformed(`claim ${name} is missing or not a string`);
  if ((c.jti as string).length > 200) throw malformed('jti is longer than 200 characters');
  if (!DELIVERY_ID.test(c.delivery_id as string)) throw malformed('delivery_id is not a UUID');
  if (typeof c.aud !== 'string' || c.aud !== c.recipient) throw new Refusal(403, 'audience', 'aud is not the recipient');
  return c as unknown as HandoffClaims;
}

/** A data centre's endpoint test (message type "test", aud data-center:CODE) goes to every receiver; a delivery only to one serving its recipient. */
export const isEndpointTest = (c: HandoffClaims) => c.message_type === TEST_MESSAGE_TYPE && c.aud.startsWith('data-center:');

function checkAudience(c: HandoffClaims, audience: string[] | undefined): HandoffClaims {
  if (audience && !isEndpointTest(c) && !audience.includes(c.aud)) throw new Refusal(403, 'audience', 'aud is not a recipient served here');
  return c;
}

/** Verifies a hand-off; throws a Refusal saying why not. */
export async function verifyHandoff(token: string, keys: JWTVerifyGetKey, e: Expectations): Promise<HandoffClaims> {
  checkHeader(token);
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(token, keys, {
      algorithms: [...HANDOFF_ALGORITHMS],
      typ: HANDOFF_TYP,
      issuer: e.issuer,
      clockTolerance: e.clockToleranceS,
      maxTokenAge: HANDOFF_TTL_SECONDS, // refuses an iat in the future or older than the TTL too
      requiredClaims: ['iss', 'aud', 'iat', 'exp', 'jti'],
    }));
  } catch (err) {
    throw refusalFor(err);
  }
  return checkAudience(checkClaims(payload), e.audience);
}

/** Until when a jti must be remembered: after that the hand-off is refused as expired anyway. */
export function forgetAfter(c: HandoffClaims, clockToleranceS: number): number {
  return Math.min(c.exp, c.iat + HANDOFF_TTL_SECONDS) + clockToleranceS + 1;
}
