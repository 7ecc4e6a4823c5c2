// The routing decision: from a recipient (address lookup or authority key) and a message type to a
// channel. The decision itself is decideDelivery over the in-memory directory, the same one the
// lookups give; the database is read only for what an ELECTRONIC answer hands on (the data centre
// and the certificate to encrypt for), and those fresh rows win should the directory lag behind.
import { and, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { certificates, dataCenters } from '../../db/schema.js';
import { germanDate } from '../../lib/clock.js';
import { badInput } from '../../lib/errors.js';
import { MESSAGE_TYPES } from '../authorities/message-types.js';
import type { CertificateRow } from '../certificates/certificates.service.js';
import { decideDelivery, fullReasons, publicReasons, type DeliveryDecision } from '../directory/delivery-decision.js';
import type { AuthorityRow, DataCenterFact, DirectoryIndex } from '../directory/directory-index.js';
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

export interface Transport {
  dataCenter: DataCenterRow;
  endpointUrl: string;
  recipientKey: string;
  certificate: CertificateRow;
}

export interface RoutingDecision {
  routed: boolean;
  channel: 'ELECTRONIC' | 'PRINT' | null;
  authority: AuthorityRow | null;
  /** full wording: ADMIN and the data centre itself */
  reasons: string[];
  /** the same without the data centre's internals: everyone else */
  publicReasons: string[];
  /** the data centre hosting the recipient's tenant, if any: who may read the full reasons */
  dataCenter: { id: number; code: string } | null;
  transport: Transport | null;
  lookup: LookupResult | null;
  at: Date;
  messageType: string;
}

function checkRouteInput(input: RouteInput): void {
  if (!(MESSAGE_TYPES as readonly string[]).includes(input.messageType)) {
    throw badInput('input.messageType', `"${input.messageType}" is not an XAmtshilfe message type (${MESSAGE_TYPES.join(', ')})`);
  }
  if (!!input.recipient === !!input.recipientKey) throw badInput('input', 'give either recipient (an address lookup) or recipientKey');
}

export async function decideRoute(db: Db, ix: DirectoryIndex, input: RouteInput, now: Date): Promise<RoutingDecision> {
  checkRouteInput(input);
  const at = input.at ?? now;
  const base = { at, messageType: input.messageType, transport: null, dataCenter: null };
  const notRouted = (lookup: LookupResult | null, reasons: string[]): RoutingDecision => ({ ...base, routed: false, channel: null, authority: null, lookup, reasons, publicReasons: reasons });
  let authority: AuthorityRow | undefined;
  let lookup: LookupResult | null = null;
  if (input.recipientKey) {
    authority = ix.authoritiesByKey.get(input.recipientKey);
    if (!authority) return notRouted(null, [`no authority with key ${input.recipientKey}`]);
  } else {
    const raw = { ...input.recipient!, task: input.recipient!.task ?? input.task, at: input.recipient!.at ?? germanDate(at), messageType: input.messageType };
    // The lookup decides for the route's instant, so its answer is the route's.
    lookup = resolveJurisdiction(ix, { ...checkLookupInput(raw, germanDate(now), 'input.recipient', now), instant: at });
    if (lookup.status !== 'RESOLVED') return notRouted(lookup, [`not routed: the recipient lookup is ${lookup.status}`, ...lookup.explanation.slice(-1)]);
    authority = lookup.authority!;
  }
  // By place, the lookup has decided already (the same function, the same instant).
  let decision = lookup?.electronicDelivery ?? decideDelivery(ix, authority, input.messageType, at);
  let transport: Transport | null = null;
  if (decision.electronic) ({ decision, transport } = await withTransport(db, ix, authority, decision));
  const dc = decision.dataCenter;
  return {
    ...base,
    routed: true,
    channel: decision.channel,
    authority,
    lookup,
    reasons: fullReasons(decision.reasons),
    publicReasons: publicReasons(decision.reasons),
    dataCenter: dc && { id: dc.id, code: dc.code },
    transport,
  };
}

/**
 * The rows an ELECTRONIC answer hands on. Should they say otherwise than the directory (another
 * instance's change not heard yet), the decision is taken again over them: a revoked certificate
 * is never used.
 */
async function withTransport(db: Db, ix: DirectoryIndex, authority: AuthorityRow, decision: DeliveryDecision): Promise<{ decision: DeliveryDecision; transport: Transport | null }> {
  const [dc] = await db.select().from(dataCenters).where(eq(dataCenters.id, decision.dataCenter!.id));
  const certs = await db.select().from(certificates).where(and(eq(certificates.dataCenterId, decision.dataCenter!.id), eq(certificates.usage, 'ENCRYPTION')));
  // The tenant still leads to this data centre (same index), so it is the only one the decision reads.
  const fresh = new Map(dc ? [[dc.id, factOf(dc, certs)]] : []);
  const again = decideDelivery({ tenants: ix.tenants, dataCenters: fresh }, authority, decision.messageType, decision.at);
  const certificate = again.electronic ? certs.find((c) => c.id === again.certificate!.id) : undefined;
  if (!dc || !certificate) return { decision: again, transport: null };
  return { decision: again, transport: { dataCenter: dc, endpointUrl: again.endpointUrl!, recipientKey: authority.key, certificate } };
}

function factOf(dc: DataCenterRow, certs: CertificateRow[]): DataCenterFact {
  return {
    id: dc.id,
    code: dc.code,
    status: dc.status,
    endpoints: dc.endpoints,
    encryption: certs.map((c) => ({ id: c.id, thumbprintSha256: c.thumbprintSha256, activationAt: c.activationAt, notAfter: c.notAfter, revokedAt: c.revokedAt, revocationReason: c.revocationReason })),
  };
}
