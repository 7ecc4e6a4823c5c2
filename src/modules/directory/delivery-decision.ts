// The one answer to "does a message of this type go to this authority electronically at this
// instant?". `route` (and so dispatch and the hand-off), the lookups (single, bulk, CSV) and
// Authority.acceptsElectronicDelivery all take it from here, so they cannot disagree. Pure: it reads
// only the in-memory directory's facts and the instant asked (certificates activate and expire by
// time, so no reload is needed for that).
import type { AuthorityRow, CertificateFact, DataCenterFact, TenantFact } from './directory-index.js';

/** One reason, in two wordings. */
export interface Reason {
  /** the full wording: ADMIN and the data centre itself */
  text: string;
  /** without a data centre's internals (status, endpoints, certificates): everyone else */
  public: string;
}

/** What the decision reads (the DirectoryIndex holds them; route may lay fresher rows over them). */
export interface DeliveryFacts {
  tenants: ReadonlyMap<string, TenantFact>;
  dataCenters: ReadonlyMap<number, DataCenterFact>;
}

export interface DeliveryDecision {
  channel: 'ELECTRONIC' | 'PRINT';
  electronic: boolean;
  messageType: string;
  at: Date;
  /** for ELECTRONIC one, for PRINT every condition that failed and then where the letter goes */
  reasons: Reason[];
  /** the data centre hosting the authority's tenant, if there is one: it may read the full reasons */
  dataCenter: DataCenterFact | null;
  /** for ELECTRONIC: the certificate to encrypt for and the endpoint to send to */
  certificate: CertificateFact | null;
  endpointUrl: string | null;
}

/** What everyone but ADMIN and the data centre itself is told about any problem of the data centre. */
export const DATA_CENTRE_UNAVAILABLE = "the recipient's data centre cannot receive electronically at the moment";

const iso = (d: Date) => d.toISOString();

// A certificate's dates are worded in every lookup that decides for it: once per certificate, not
// per lookup (3 % of a lookup in the #17 profile). Instants are new per request and stay with iso().
const certificateDates = new WeakMap<Date, string>();
const certificateIso = (d: Date) => {
  let text = certificateDates.get(d);
  if (text === undefined) certificateDates.set(d, (text = d.toISOString()));
  return text;
};

type Found = { certificate: CertificateFact; problem?: undefined } | { certificate?: undefined; problem: string };

/**
 * The newest encryption certificate activated by `at`, if it is neither revoked nor expired then.
 * There is no fallback to an older one: its key may be gone.
 */
export function encryptionCertificateAt(dc: DataCenterFact, at: Date): Found {
  const t = at.getTime();
  let newest: CertificateFact | undefined;
  let pending: CertificateFact | undefined;
  for (const c of dc.encryption) {
    const a = c.activationAt.getTime();
    if (a > t) {
      if (!pending || a < pending.activationAt.getTime()) pending = c;
    } else if (!newest || a > newest.activationAt.getTime() || (a === newest.activationAt.getTime() && c.id > newest.id)) newest = c;
  }
  if (!newest) {
    return {
      problem: pending
        ? `encryption certificate of ${dc.code} is not active before ${iso(pending.activationAt)}`
        : `data centre ${dc.code} has no encryption certificate`,
    };
  }
  if (newest.revokedAt && newest.revokedAt.getTime() <= t) {
    return { problem: `encryption certificate of ${dc.code} was revoked on ${iso(newest.revokedAt)} (${newest.revocationReason ?? 'no reason given'})` };
  }
  if (newest.notAfter.getTime() <= t) return { problem: `encryption certificate of ${dc.code} expired on ${iso(newest.notAfter)}` };
  return { certificate: newest };
}

const printLine = (a: AuthorityRow) =>
  `print to ${a.poBox ? `Postfach ${a.poBox}` : `${a.street ?? ''} ${a.houseNumber ?? ''}`.trim()}, ${a.postcode} ${a.city}`;

const open = (text: string): Reason => ({ text, public: text });
const internal = (text: string): Reason => ({ text, public: DATA_CENTRE_UNAVAILABLE });

/**
 * Reasons that depend on the authority alone, worded once per authority row (a reloaded index has new
 * rows): most lookups end in "no tenant" and "print to …", and wording them was a tenth of a lookup.
 */
function perAuthority(word: (a: AuthorityRow) => string): (a: AuthorityRow) => Reason {
  const worded = new WeakMap<AuthorityRow, Reason>();
  return (a) => {
    let r = worded.get(a);
    if (!r) worded.set(a, (r = Object.freeze(open(word(a)))));
    return r;
  };
}
const printTo = perAuthority(printLine);
const noTenant = perAuthority((a) => `${a.key} has no tenant in a data centre`);

/** ELECTRONIC only when every condition holds at `at`; otherwise PRINT with every failed condition. */
export function decideDelivery(facts: DeliveryFacts, authority: AuthorityRow, messageType: string, at: Date): DeliveryDecision {
  const reasons: Reason[] = [];
  if (authority.status !== 'ACTIVE') reasons.push(open(`authority ${authority.key} is deactivated`));
  if (!authority.messageTypes.includes(messageType)) reasons.push(open(`${authority.key} does not accept ${messageType} electronically`));
  let dc: DataCenterFact | undefined;
  if (!authority.tenantCode) reasons.push(noTenant(authority));
  else {
    const tenant = facts.tenants.get(authority.tenantCode);
    dc = tenant && facts.dataCenters.get(tenant.dataCenterId);
    if (!dc) reasons.push(open(`tenant ${authority.tenantCode} has no data centre`));
  }
  let found: Found | undefined;
  if (dc) {
    if (dc.status !== 'ACTIVE') reasons.push(internal(`data centre ${dc.code} is inactive`));
    if (!dc.endpoints.length) reasons.push(internal(`data centre ${dc.code} has no transport endpoint`));
    found = encryptionCertificateAt(dc, at);
    if (found.problem) reasons.push(internal(found.problem));
  }
  if (reasons.length || !dc || !found?.certificate) {
    reasons.push(printTo(authority));
    return { channel: 'PRINT', electronic: false, messageType, at, reasons, dataCenter: dc ?? null, certificate: null, endpointUrl: null };
  }
  const c = found.certificate;
  const via = `${authority.key} accepts ${messageType} electronically via data centre ${dc.code}`;
  const text = `${via} (certificate ${c.thumbprintSha256.slice(0, 16)}…, valid until ${certificateIso(c.notAfter)})`;
  return { channel: 'ELECTRONIC', electronic: true, messageType, at, reasons: [{ text, public: via }], dataCenter: dc, certificate: c, endpointUrl: dc.endpoints[0]! };
}

/** The full wording of the reasons. */
export const fullReasons = (reasons: Reason[]): string[] => reasons.map((r) => r.text);

/** The public wording; several problems of the data centre become one line. */
export const publicReasons = (reasons: Reason[]): string[] => distinct(reasons.map((r) => r.public));

function distinct(lines: string[]): string[] {
  return lines.filter((l, i) => lines.indexOf(l) === i);
}

/** The lookup's explanation step for the decision, in both wordings. */
export function explainDecision(d: DeliveryDecision): Reason {
  const head = `XAmtshilfe message ${d.messageType} ${d.electronic ? 'goes electronically' : 'goes by post'} at ${iso(d.at)}: `;
  return { text: `${head}${fullReasons(d.reasons).join('; ')}.`, public: `${head}${publicReasons(d.reasons).join('; ')}.` };
}

/** Reasons the decision words the same for everyone (and "print to …"), recognised in stored text. */
const OPEN_REASONS = [
  /^authority \S+ is deactivated$/,
  /^\S+ does not accept \S+ electronically$/,
  /^\S+ has no tenant in a data centre$/,
  /^tenant \S+ has no data centre$/,
  /^print to [^\n]*$/,
];
const INTERNAL_REASONS = [/^data centre \S+ (is inactive|has no transport endpoint|has no encryption certificate)$/, /^encryption certificate of \S+ /];
const ELECTRONIC_REASON = /^(\S+ accepts \S+ electronically via data centre \S+) \(certificate [^)]*\)$/;

/**
 * The public wording of a stored full reason (deliveries keep the reasons of their decision as text).
 * Anything not recognised is withheld rather than guessed safe; returns null then.
 */
export function publicReasonOf(text: string): string | null {
  if (OPEN_REASONS.some((r) => r.test(text))) return text;
  if (INTERNAL_REASONS.some((r) => r.test(text))) return DATA_CENTRE_UNAVAILABLE;
  const electronic = ELECTRONIC_REASON.exec(text);
  return electronic ? electronic[1]! : null;
}
