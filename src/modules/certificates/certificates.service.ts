// Certificates of data centres: proof-of-possession upload, rotation states computed for any
// instant, revocation, the transition job and expiry monitoring.
import { randomBytes } from 'node:crypto';
import { and, asc, desc, eq, inArray, isNull, lte } from 'drizzle-orm';
import { tryAdvisoryXactLock, type Db } from '../../db/client.js';
import { certificateChallenges, certificates, dataCenters } from '../../db/schema.js';
import { badInput, conflict, notFound } from '../../lib/errors.js';
import { writeAudit } from '../audit/audit.service.js';
import { checkDataCenterAccess, findDataCenter,  } from '../tenants/tenants.service.js';
import type { CertificateInfo, CertificateUsage } from './inspect.js';
import { MAX_UPLOAD_CERTIFICATES } from './upload-limit.js';
import type { ServiceContext } from '../directory/context.js';
import { checkProof } from './proof.js';
import { awaitDirectory } from '../directory/version.js';

export type CertificateRow = typeof certificates.$inferSelect;
export type CertificateStatus = CertificateRow['status'];

export const CHALLENGE_TTL_MS = 5 * 60_000;
const TRANSITIONS_LOCK = 727_101;

/**
 * The certificate in use for a data centre and usage at an instant, in one query: the newest one
 * activated by then, if it is neither expired nor revoked. There is no fallback to an older
 * certificate: its key may be gone; without a usable newest certificate delivery goes to print.
 */
export async function activeCertificate(db: Db, dataCenterId: number, usage: CertificateUsage, at: Date): Promise<CertificateRow | undefined> {
  const [row] = await db
    .select()
    .from(certificates)
    .where(and(eq(certificates.dataCenterId, dataCenterId), eq(certificates.usage, usage), lte(certificates.activationAt, at)))
    .orderBy(desc(certificates.activationAt), desc(certificates.id))
    .limit(1);
  return row && usable(row, at.getTime()) ? row : undefined;
}

const usable = (c: CertificateRow, t: number) =>
  c.activationAt.getTime() <= t && c.notAfter.getTime() > t && (!c.revokedAt || c.revokedAt.getTime() > t);

/** Status of each certificate of one data centre and usage at instant `at` (same rule as activeCertificate). */
export function statusesAt(list: CertificateRow[], at: Date, overlapMs: number): Map<number, CertificateStatus> {
  const t = at.getTime();
  const sorted = [...list].sort((a, b) => a.activationAt.getTime() - b.activationAt.getTime() || a.id - b.id);
  const newest = [...sorted].reverse().find((c) => c.activationAt.getTime() <= t);
  const out = new Map<number, CertificateStatus>();
  sorted.forEach((c, i) => {
    let s: CertificateStatus;
    if (c.revokedAt && c.revokedAt.getTime() <= t) s = 'REVOKED';
    else if (c.notAfter.getTime() <= t) s = 'EXPIRED';
    else if (t < c.activationAt.getTime()) s = 'PENDING';
    else if (c === newest) s = 'ACTIVE';
    else {
      const successor = sorted[i + 1]!; // activated by t, since c is not the newest
      s = t < successor.activationAt.getTime() + overlapMs ? 'RETIRING' : 'RETIRED';
    }
    out.set(c.id, s);
  });
  return out;
}

export async function certificatesOf(db: Db, dataCenterId: number): Promise<CertificateRow[]> {
  return db.select().from(certificates).where(eq(certificates.dataCenterId, dataCenterId)).orderBy(asc(certificates.usage), asc(certificates.activationAt));
}

/** The certificates of several data centres in one query, in the order of certificatesOf. */
export async function certificatesOfMany(db: Db, dataCenterIds: number[]): Promise<CertificateRow[]> {
  if (!dataCenterIds.length) return [];
  return db.select().from(certificates).where(inArray(certificates.dataCenterId, dataCenterIds)).orderBy(asc(certificates.usage), asc(certificates.activationAt));
}

/** The stored row for a described certificate. */
export function certificateValues(
  leaf: CertificateInfo,
  o: { dataCenterId: number; usage: CertificateUsage; activationAt: Date; status: CertificateStatus; uploadedBy: string; chainPem?: string | null; createdAt?: Date },
): typeof certificates.$inferInsert {
  return {
    dataCenterId: o.dataCenterId,
    usage: o.usage,
    pem: leaf.pem,
    chainPem: o.chainPem ?? null,
    thumbprintSha256: leaf.thumbprintSha256,
    serialNumber: leaf.serialNumber,
    subject: leaf.subject,
    issuer: leaf.issuer,
    notBefore: leaf.notBefore,
    notAfter: leaf.notAfter,
    keyAlgorithm: leaf.keyAlgorithm,
    keySize: leaf.keySize,
    activationAt: o.activationAt,
    status: o.status,
    uploadedBy: o.uploadedBy,
    createdAt: o.createdAt,
  };
}

// @peculiar/x509 takes 100 ms to load: with the first upload, not at the server's start.
const inspect = () => import('./inspect.js');

type Parsed = { leaf: CertificateInfo; chain: CertificateInfo[] } | { unreadable: string };

/** The uploaded certificate and its chain, or why they cannot be read. */
async function parseUpload(text: string): Promise<Parsed> {
  const { CertificateInputError, describeCertificate, readCertificates } = await inspect();
  const trimmed = text.trim();
  const bytes = trimmed.includes('-----BEGIN') ? Buffer.from(trimmed) : Buffer.from(trimmed, 'base64');
  try {
    const [leaf, ...chain] = readCertificates(bytes, 'certificate', MAX_UPLOAD_CERTIFICATES).map((der) => describeCertificate(der, 'certificate'));
    return { leaf: leaf!, chain };
  } catch (e) {
    if (e instanceof CertificateInputError) return { unreadable: e.reason };
    throw e;
  }
}

export async function issueChallenge(ctx: ServiceContext, dataCenterCode: string, certificate: string) {
  checkDataCenterAccess(ctx.principal, dataCenterCode, 'upload certificates for');
  const dc = await findDataCenter(ctx.db, dataCenterCode);
  if (!dc) throw notFound(`No data centre with code ${dataCenterCode}`);
  const parsed = await parseUpload(certificate);
  if ('unreadable' in parsed) throw badInput('certificate', parsed.unreadable);
  const thumbprint = parsed.leaf.thumbprintSha256;
  const nonce = randomBytes(32).toString('base64url');
  const expiresAt = new Date(ctx.clock.now().getTime() + CHALLENGE_TTL_MS);
  await ctx.db.insert(certificateChallenges).values({ nonce, dataCenterId: dc.id, thumbprintSha256: thumbprint, expiresAt, createdAt: ctx.clock.now() });
  return { nonce, expiresAt, thumbprintSha256: thumbprint, dataCenterCode: dc.code };
}

export interface UploadInput {
  dataCenterCode: string;
  usage: CertificateUsage;
  certificate: string;
  activationAt?: Date | null;
  proof: string;
}

export interface UploadResult {
  accepted: boolean;
  reasons: string[];
  certificate: CertificateRow | null;
}

/** What is wrong with the proof for this upload: the JWS and its payload, then the payload's values. */
async function proofReasons(proof: string, leaf: CertificateInfo, dataCenterCode: string): Promise<{ reasons: string[]; nonce?: string }> {
  const check = await checkProof(proof, leaf.der, leaf.pem);
  if (!check.payload) return { reasons: check.problems };
  const p = check.payload;
  const reasons: string[] = [];
  if (p.dataCenter !== dataCenterCode) reasons.push(`proof of possession: made for data centre ${p.dataCenter.slice(0, 64)}, not ${dataCenterCode}`);
  if (p.thumbprint !== leaf.thumbprintSha256) {
    reasons.push(
      p.thumbprint.replace(/:/g, '').toLowerCase() === leaf.thumbprintSha256
        ? 'proof of possession: the payload\'s "thumbprint" must be lowercase hex without colons, as the challenge gives it'
        : `proof of possession: the payload's "thumbprint" is not the uploaded certificate's SHA-256 thumbprint ${leaf.thumbprintSha256}`,
    );
  }
  return { reasons, nonce: p.nonce };
}

type ChallengeRow = typeof certificateChallenges.$inferSelect;
const ALREADY_USED = 'proof of possession: the challenge was already used';

/** Why the challenge a proof signed does not admit this upload; null when it does. */
function challengeProblem(challenge: ChallengeRow | undefined, dataCenterId: number, thumbprint: string, now: Date): string | null {
  const ttl = `challenges are valid for ${CHALLENGE_TTL_MS / 60_000} minutes and for one upload: request a new one with requestCertificateChallenge`;
  if (!challenge) return 'proof of possession: unknown challenge: the payload\'s "nonce" was not issued by this server (sign the nonce requestCertificateChallenge returned)';
  if (challenge.usedAt) return `${ALREADY_USED}; ${ttl}`;
  if (challenge.expiresAt.getTime() <= now.getTime()) return `proof of possession: the challenge expired at ${challenge.expiresAt.toISOString()}; ${ttl}`;
  if (challenge.dataCenterId !== dataCenterId) return 'proof of possession: the challenge was issued for another data centre: request it with the dataCenterCode you upload for';
  if (challenge.thumbprintSha256 !== thumbprint) return 'proof of possession: the challenge was issued for another certificate: request it with the certificate you upload';
  return null;
}

export async function uploadCertificate(ctx: ServiceContext, input: UploadInput): Promise<UploadResult> {
  checkDataCenterAccess(ctx.principal, input.dataCenterCode, 'upload certificates for');
  const dc = await findDataCenter(ctx.db, input.dataCenterCode);
  if (!dc) throw notFound(`No data centre with code ${input.dataCenterCode}`);
  const refuse = (reasons: string[]): UploadResult => ({ accepted: false, reasons, certificate: null });
  const parsed = await parseUpload(input.certificate);
  if ('unreadable' in parsed) return refuse([`unreadable: ${parsed.unreadable}`]);
  const now = ctx.clock.now();
  const activation = input.activationAt ?? now;
  if (activation.getTime() < now.getTime() - 60_000) return refuse([`activation ${activation.toISOString()} lies in the past`]);
  const { leaf, chain } = parsed;
  const verdict = await (await inspect()).checkCertificate(leaf, { usage: input.usage, at: now, activation, intermediates: chain.map((c) => c.cert), anchors: ctx.anchors });
  const proof = await proofReasons(input.proof, leaf, dc.code);
  const reasons = [...verdict.reasons, ...proof.reasons];
  if (reasons.length) return refuse(reasons);

  const result = await ctx.db.transaction(async (tx): Promise<UploadResult> => {
    // Single use: the challenge is consumed in the same transaction that stores the certificate.
    const [challenge] = await tx.select().from(certificateChallenges).where(eq(certificateChallenges.nonce, proof.nonce!));
    const problem = challengeProblem(challenge, dc.id, leaf.thumbprintSha256, now);
    if (problem) return refuse([problem]);
    const used = await tx
      .update(certificateChallenges)
      .set({ usedAt: now })
      .where(and(eq(certificateChallenges.nonce, challenge!.nonce), isNull(certificateChallenges.usedAt)))
      .returning();
    if (!used.length) return refuse([ALREADY_USED]); // a concurrent upload consumed it first
    const [exists] = await tx.select({ id: certificates.id }).from(certificates).where(eq(certificates.thumbprintSha256, leaf.thumbprintSha256));
    if (exists) throw conflict(`Certificate ${leaf.thumbprintSha256} is stored already`);
    const [row] = await tx
      .insert(certificates)
      .values(
        certificateValues(leaf, {
          dataCenterId: dc.id,
          usage: input.usage,
          activationAt: activation,
          status: activation.getTime() <= now.getTime() ? 'ACTIVE' : 'PENDING',
          uploadedBy: ctx.actor.id,
          chainPem: chain.length ? chain.map((c) => c.pem).join('\n') : null,
          createdAt: now,
        }),
      )
      .returning();
    const { pem: _pem, chainPem: _chain, ...summary } = row!;
    await writeAudit(tx, ctx.clock, ctx.actor, { action: 'UPLOAD_CERTIFICATE', entityType: 'Certificate', entityId: row!.thumbprintSha256, after: { ...summary, dataCenterCode: dc.code } });
    return { accepted: true, reasons: [], certificate: row! };
  });
  if (result.accepted) await awaitDirectory(ctx); // an encryption certificate changes the delivery decision
  return result;
}

export async function revokeCertificate(ctx: ServiceContext, thumbprint: string, reason: string): Promise<CertificateRow> {
  if (!reason.trim()) throw badInput('reason', 'must not be empty');
  const revoked = await ctx.db.transaction(async (tx) => {
    const [c] = await tx.select().from(certificates).where(eq(certificates.thumbprintSha256, thumbprint.toLowerCase()));
    if (!c) throw notFound(`No certificate with thumbprint ${thumbprint}`);
    const [dc] = await tx.select().from(dataCenters).where(eq(dataCenters.id, c.dataCenterId));
    checkDataCenterAccess(ctx.principal, dc!.code, 'revoke certificates of');
    if (c.revokedAt) throw conflict(`Certificate ${thumbprint} was revoked on ${c.revokedAt.toISOString()}`);
    const now = ctx.clock.now();
    const [row] = await tx
      .update(certificates)
      .set({ revokedAt: now, revocationReason: reason.trim(), status: 'REVOKED' })
      .where(eq(certificates.id, c.id))
      .returning();
    await writeAudit(tx, ctx.clock, ctx.actor, {
      action: 'REVOKE_CERTIFICATE',
      entityType: 'Certificate',
      entityId: c.thumbprintSha256,
      before: { status: c.status },
      after: { status: 'REVOKED', reason: reason.trim(), revokedAt: now },
    });
    return row!;
  });
  await awaitDirectory(ctx); // the delivery decision must stop using it at once
  return revoked;
}

/** The transition job: stores the status each certificate has now. One instance at a time (advisory lock). */
export async function runTransitions(db: Db, now: Date, overlapMs: number): Promise<{ ran: boolean; changed: { thumbprint: string; from: string; to: string }[] }> {
  return db.transaction(async (tx) => {
    if (!(await tryAdvisoryXactLock(tx, TRANSITIONS_LOCK))) return { ran: false, changed: [] };
    const all = await tx.select().from(certificates);
    const groups = new Map<string, CertificateRow[]>();
    for (const c of all) {
      const k = `${c.dataCenterId}:${c.usage}`;
      groups.set(k, [...(groups.get(k) ?? []), c]);
    }
    const changed: { thumbprint: string; from: string; to: string }[] = [];
    for (const list of groups.values()) {
      const st = statusesAt(list, now, overlapMs);
      for (const c of list) {
        const s = st.get(c.id)!;
        if (s !== c.status) {
          await tx.update(certificates).set({ status: s }).where(eq(certificates.id, c.id));
          changed.push({ thumbprint: c.thumbprintSha256, from: c.status, to: s });
        }
      }
    }
    return { ran: true, changed };
  });
}

export interface ExpiryReport {
  expiring: CertificateRow[];
  dataCentersWithoutEncryption: { dataCenterCode: string; message: string }[];
}

/** Certificates in use that expire within `days`, and data centres that have or will have no encryption certificate. */
export async function expiryReport(db: Db, at: Date, days: number, overlapMs: number): Promise<ExpiryReport> {
  const horizon = new Date(at.getTime() + days * 86_400_000);
  const all = await db.select().from(certificates);
  const expiring: CertificateRow[] = [];
  const groups = new Map<number, CertificateRow[]>();
  for (const c of all) groups.set(c.dataCenterId, [...(groups.get(c.dataCenterId) ?? []), c]);
  for (const list of groups.values()) {
    for (const usage of ['ENCRYPTION', 'SIGNATURE', 'TLS'] as const) {
      const same = list.filter((c) => c.usage === usage);
      const st = statusesAt(same, at, overlapMs);
      for (const c of same) if (['ACTIVE', 'PENDING', 'RETIRING'].includes(st.get(c.id)!) && c.notAfter.getTime() <= horizon.getTime()) expiring.push(c);
    }
  }
  const dataCentersWithoutEncryption: ExpiryReport['dataCentersWithoutEncryption'] = [];
  for (const dc of await db.select().from(dataCenters).where(eq(dataCenters.status, 'ACTIVE')).orderBy(asc(dataCenters.code))) {
    const enc = (groups.get(dc.id) ?? []).filter((c) => c.usage === 'ENCRYPTION');
    const activeAt = (when: Date) => [...statusesAt(enc, when, overlapMs)].some(([, s]) => s === 'ACTIVE');
    if (!activeAt(at)) {
      dataCentersWithoutEncryption.push({ dataCenterCode: dc.code, message: `${dc.code} has no active encryption certificate` });
      continue;
    }
    if (!activeAt(horizon)) {
      const last = Math.max(...enc.filter((c) => !c.revokedAt).map((c) => c.notAfter.getTime()));
      dataCentersWithoutEncryption.push({
        dataCenterCode: dc.code,
        message: `${dc.code} will be left without an active encryption certificate on ${new Date(last).toISOString()}`,
      });
    }
  }
  expiring.sort((a, b) => a.notAfter.getTime() - b.notAfter.getTime());
  return { expiring, dataCentersWithoutEncryption };
}
