// The routing decision: from a recipient (address lookup or authority key) and a message type to a
// channel — ELECTRONIC only when every condition holds, otherwise PRINT with the reasons.
import { and, desc, eq, lte } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { certificates, dataCenters, tenants } from '../../db/schema.js';
import { germanDate } from '../../lib/clock.js';
import { badInput } from '../../lib/errors.js';
import { MESSAGE_TYPES } from '../authorities/message-types.js';
import { activeCertificate, type CertificateRow } from '../certificates/certificates.service.js';
import type { AuthorityRow, DirectoryIndex } from '../directory/directory-index.js';
import { checkLookupInput, type RawLookupInput } from '../jurisdictions/lookup.js';
import { resolveJurisdiction, type LookupResult } from '../jurisdictions/resolution/index.js';
import type { DataCenterRow } from '../tenants/tenants.service.js';

export interface RouteInput {
  recipient?: RawLookupInput | null;
  recipientKey?: string | null;
  messageType: string;
  task?: string | null;
  at?: Date | null;
}

export interface RoutingDecision {
  routed: boolean;
  channel: 'ELECTRONIC' | 'PRINT' | null;
  authority: AuthorityRow | null;
  reasons: string[];
  transport: { dataCenter: DataCenterRow; endpointUrl: string; recipientKey: string; certificate: CertificateRow } | null;
  lookup: LookupResult | null;
  at: Date;
  messageType: string;
}

const iso = (d: Date) => d.toISOString();

/** Why there is no usable encryption certificate at `at`, from the newest one activated by then. */
async function certificateProblem(db: Db, dc: DataCenterRow, at: Date): Promise<string> {
  const [newest] = await db
    .select()
    .from(certificates)
    .where(and(eq(certificates.dataCenterId, dc.id), eq(certificates.usage, 'ENCRYPTION'), lte(certificates.activationAt, at)))
    .orderBy(desc(certificates.activationAt), desc(certificates.id))
    .limit(1);
  if (!newest) {
    const [pending] = await db.select().from(certificates).where(and(eq(certificates.dataCenterId, dc.id), eq(certificates.usage, 'ENCRYPTION'))).limit(1);
    return pending ? `encryption certificate of ${dc.code} is not active before ${iso(pending.activationAt)}` : `data centre ${dc.code} has no encryption certificate`;
  }
  if (newest.revokedAt && newest.revokedAt <= at) return `encryption certificate of ${dc.code} was revoked on ${iso(newest.revokedAt)} (${newest.revocationReason})`;
  return `encryption certificate of ${dc.code} expired on ${iso(newest.notAfter)}`;
}

export async function decideRoute(db: Db, ix: DirectoryIndex, input: RouteInput, now: Date): Promise<RoutingDecision> {
  if (!(MESSAGE_TYPES as readonly string[]).includes(input.messageType)) {
    throw badInput('input.messageType', `"${input.messageType}" is not an XAmtshilfe message type (${MESSAGE_TYPES.join(', ')})`);
  }
  if (!!input.recipient === !!input.recipientKey) throw badInput('input', 'give either recipient (an address lookup) or recipientKey');
  const at = input.at ?? now;
  const base = { at, messageType: input.messageType, transport: null };
  let authority: AuthorityRow | undefined;
  let lookup: LookupResult | null = null;
  if (input.recipientKey) {
    authority = ix.authoritiesByKey.get(input.recipientKey);
    if (!authority) return { ...base, routed: false, channel: null, authority: null, lookup, reasons: [`no authority with key ${input.recipientKey}`] };
  } else {
    const li = checkLookupInput({ ...input.recipient!, task: input.recipient!.task ?? input.task, at: input.recipient!.at ?? germanDate(at), messageType: input.messageType }, germanDate(now), 'input.recipient');
    lookup = resolveJurisdiction(ix, li);
    if (lookup.status !== 'RESOLVED') {
      return { ...base, routed: false, channel: null, authority: null, lookup, reasons: [`not routed: the recipient lookup is ${lookup.status}`, ...lookup.explanation.slice(-1)] };
    }
    authority = lookup.authority!;
  }

  const reasons: string[] = [];
  if (authority.status !== 'ACTIVE') reasons.push(`authority ${authority.key} is deactivated`);
  if (!authority.messageTypes.includes(input.messageType)) reasons.push(`${authority.key} does not accept ${input.messageType} electronically`);
  let dc: DataCenterRow | undefined;
  if (!authority.tenantCode) reasons.push(`${authority.key} has no tenant in a data centre`);
  else {
    const [row] = await db
      .select({ dc: dataCenters })
      .from(tenants)
      .innerJoin(dataCenters, eq(tenants.dataCenterId, dataCenters.id))
      .where(eq(tenants.code, authority.tenantCode));
    dc = row?.dc;
    if (!dc) reasons.push(`tenant ${authority.tenantCode} has no data centre`);
  }
  let certificate: CertificateRow | undefined;
  if (dc) {
    if (dc.status !== 'ACTIVE') reasons.push(`data centre ${dc.code} is inactive`);
    if (!dc.endpoints.length) reasons.push(`data centre ${dc.code} has no transport endpoint`);
    certificate = await activeCertificate(db, dc.id, 'ENCRYPTION', at);
    if (!certificate) reasons.push(await certificateProblem(db, dc, at));
  }
  if (reasons.length || !dc || !certificate) {
    return { ...base, routed: true, channel: 'PRINT', authority, lookup, reasons: [...reasons, `print to ${authority.poBox ? `Postfach ${authority.poBox}` : `${authority.street ?? ''} ${authority.houseNumber ?? ''}`.trim()}, ${authority.postcode} ${authority.city}`] };
  }
  return {
    ...base,
    routed: true,
    channel: 'ELECTRONIC',
    authority,
    lookup,
    reasons: [`${authority.key} accepts ${input.messageType} electronically via data centre ${dc.code} (certificate ${certificate.thumbprintSha256.slice(0, 16)}…, valid until ${iso(certificate.notAfter)})`],
    transport: { dataCenter: dc, endpointUrl: dc.endpoints[0]!, recipientKey: authority.key, certificate },
  };
}
