// A data centre tests its own endpoint: a small test message, encrypted for its active encryption
// certificate and signed as hand-offs are (message type "test", docs/wire-contract.md), POSTed to its
// preferred endpoint under the outbound URL policy, and the outcome answered at once. It is not a delivery: nothing is stored, so nothing can go to paper,
// count in statistics or touch endpoint health. One test at a time per data centre and a cool-down
// after it, kept in the database so that several instances share the bound.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { and, eq, isNull, lte, or } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { endpointHealth } from '../../db/schema.js';
import { conflict, notFound } from '../../lib/errors.js';
import { outboundPolicy, type OutboundPolicy } from '../../lib/url-policy.js';
import { activeCertificate } from '../certificates/certificates.service.js';
import type { ServiceContext } from '../directory/context.js';
import { checkDataCenterAccess, findDataCenter, type DataCenterRow } from '../tenants/tenants.service.js';
import { DEFAULT_HANDOFF_ISSUER, HANDOFF_VERSION, JWT_MEDIA_TYPE, RECEIPT_MAX_BYTES, TEST_MESSAGE_TYPE } from '../../lib/handoff-contract.js';
import { inProcess, type Offload } from './handoff.tasks.js';
import { post, PostFailure, redirectDetail } from './post.js';
import { checkReceipt } from './receipt.js';
import { ephemeralSigningKeys, type HandoffKeys } from './signing-keys.js';
import { sealFor } from './transport.adapter.js';

/** After a test ends, the next one for the same data centre waits this long. */
export const TEST_COOLDOWN_MS = 10_000;

export interface EndpointTestSettings {
  /** the transport's timeout (TRANSPORT_TIMEOUT_MS) */
  timeoutMs: number;
  /** where the JWE is encrypted; a test message is small, this thread by default */
  offload?: Offload;
  /** the server's signing keys and iss (default: a key made for this process, which no receiver knows: tests only) */
  handoff?: { keys: HandoffKeys; issuer: string };
}

export interface EndpointTestResult {
  ok: boolean;
  dataCenterCode: string;
  endpointUrl: string | null;
  certificateThumbprint: string | null;
  testId: string;
  httpStatus: number | null;
  detail: string;
  startedAt: Date;
  durationMs: number;
}

type Outcome = Pick<EndpointTestResult, 'ok' | 'endpointUrl' | 'certificateThumbprint' | 'httpStatus' | 'detail'>;

/** Takes the data centre's test slot, or says when it is free again. */
async function claimTest(db: Db, dc: DataCenterRow, now: Date, holdMs: number): Promise<void> {
  const h = endpointHealth;
  await db.insert(h).values({ dataCenterId: dc.id }).onConflictDoNothing();
  const taken = await db
    .update(h)
    .set({ testBlockedUntil: new Date(now.getTime() + holdMs) })
    .where(and(eq(h.dataCenterId, dc.id), or(isNull(h.testBlockedUntil), lte(h.testBlockedUntil, now))))
    .returning({ id: h.dataCenterId });
  if (taken.length) return;
  const [row] = await db.select({ until: h.testBlockedUntil }).from(h).where(eq(h.dataCenterId, dc.id));
  throw conflict(`An endpoint test of data centre ${dc.code} is running or ended less than ${TEST_COOLDOWN_MS / 1000} s ago; try again after ${row?.until?.toISOString()}`, {
    retryAfter: row?.until?.toISOString() ?? null,
  });
}

/** Sends the test message; every failure is an outcome, worded like an attempt's detail. */
async function probe(ctx: ServiceContext, dc: DataCenterRow, testId: string, s: EndpointTestSettings, policy: OutboundPolicy): Promise<Outcome> {
  const endpointUrl = dc.endpoints[0] ?? null; // the preferred one: where deliveries go
  const none = { endpointUrl, certificateThumbprint: null, httpStatus: null, ok: false };
  if (!endpointUrl) return { ...none, detail: `data centre ${dc.code} has no transport endpoint` };
  const cert = await activeCertificate(ctx.db, dc.id, 'ENCRYPTION', ctx.clock.now());
  if (!cert) return { ...none, detail: `data centre ${dc.code} has no usable encryption certificate` };
  const out = { ...none, certificateThumbprint: cert.thumbprintSha256 };
  const message = JSON.stringify({ test: true, testId, dataCenter: dc.code, at: ctx.clock.now().toISOString() });
  try {
    const keys = s.handoff?.keys ?? (await ephemeralSigningKeys());
    const d = { id: testId, senderKey: 'directory', messageType: TEST_MESSAGE_TYPE, reference: 'endpoint test', fileName: 'endpoint-test.json', contentType: 'application/json', payload: Buffer.from(message).toString('base64') };
    const sealed = await sealFor(s.offload ?? inProcess, { keys, issuer: s.handoff?.issuer ?? DEFAULT_HANDOFF_ISSUER, certificate: cert, d, recipientKey: `data-center:${dc.code}`, now: ctx.clock.now() });
    const headers = { 'content-type': JWT_MEDIA_TYPE, 'x-handoff-version': HANDOFF_VERSION, 'x-delivery-id': testId, 'x-message-type': 'test', 'x-test': 'true', 'x-file-name': 'endpoint-test.json' };
    const a = await post(endpointUrl, { headers, body: sealed.token, readAnswer: RECEIPT_MAX_BYTES }, s.timeoutMs, policy);
    const ok = a.status >= 200 && a.status < 300;
    const detail = a.status >= 300 && a.status < 400 ? `endpoint answered ${redirectDetail(a)}` : `endpoint answered HTTP ${a.status}`;
    if (!ok) return { ...out, ok, httpStatus: a.status, detail };
    const checked = await checkReceipt(a.body, { certificatePem: cert.pem, deliveryId: testId, payloadSha256: sealed.payloadSha256 });
    return { ...out, ok, httpStatus: a.status, detail: 'missing' in checked ? `${detail}; no valid receipt: ${checked.missing}` : `${detail}; receipt verified` };
  } catch (e) {
    if (!(e instanceof PostFailure)) return { ...out, detail: `the test message could not be encrypted: ${(e as Error).message}` };
    const detail = e.kind === 'refused' ? `endpoint not contacted: ${e.message}` : e.kind === 'timeout' ? `endpoint ${e.message}` : `endpoint unreachable: ${e.message}`;
    return { ...out, detail };
  }
}

/** ADMIN or the DATA_CENTER itself; CONFLICT while a test runs or cools down. */
export async function testEndpoint(ctx: ServiceContext, code: string, s: EndpointTestSettings): Promise<EndpointTestResult> {
  checkDataCenterAccess(ctx.principal, code, 'test the endpoint of');
  const dc = await findDataCenter(ctx.db, code);
  if (!dc) throw notFound(`No data centre ${code}`);
  const startedAt = ctx.clock.now();
  // Held for the longest a test can take; should the process die meanwhile, the hold runs out.
  await claimTest(ctx.db, dc, startedAt, s.timeoutMs + 5_000 + TEST_COOLDOWN_MS);
  const testId = randomUUID(); // a delivery id as receivers expect one; message type "test" marks it
  const t0 = performance.now();
  try {
    const outcome = await probe(ctx, dc, testId, s, outboundPolicy(ctx.requireHttps, ctx.allowlist));
    return { ...outcome, dataCenterCode: dc.code, testId, startedAt, durationMs: Math.round(performance.now() - t0) };
  } finally {
    const until = new Date(ctx.clock.now().getTime() + TEST_COOLDOWN_MS);
    await ctx.db.update(endpointHealth).set({ testBlockedUntil: until }).where(eq(endpointHealth.dataCenterId, dc.id));
  }
}
