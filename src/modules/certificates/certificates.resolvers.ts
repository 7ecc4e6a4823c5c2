// Thin resolvers for certificates.
import { eq } from 'drizzle-orm';
import { dataCenters } from '../../db/schema.js';
import { forbidden } from '../../lib/errors.js';
import { serviceContext, type GraphQLContext } from '../../graphql/context.js';
import { requirePrincipal } from '../auth/principal.js';
import type { DataCenterRow } from '../tenants/tenants.service.js';
import {
  activeCertificate,
  certificatesOf,
  expiryReport,
  issueChallenge,
  revokeCertificate,
  statusOf,
  uploadCertificate,
  type CertificateRow,
  type UploadInput,
} from './certificates.service.js';
import type { CertificateUsage } from './inspect.js';

export const certificateResolvers = {
  Query: {
    certificateWarnings: async (_: unknown, a: { days?: number | null; at?: Date | null }, ctx: GraphQLContext) => {
      const p = requirePrincipal(ctx.principal);
      const report = await expiryReport(ctx.deps.database.db, a.at ?? ctx.deps.clock.now(), a.days ?? 30, ctx.deps.certificates.overlapMs);
      if (p.role === 'ADMIN') return report;
      const [own] = await ctx.deps.database.db.select().from(dataCenters).where(eq(dataCenters.code, p.scope!));
      return {
        expiring: report.expiring.filter((c) => c.dataCenterId === own?.id),
        dataCentersWithoutEncryption: report.dataCentersWithoutEncryption.filter((w) => w.dataCenterCode === p.scope),
      };
    },
  },
  Mutation: {
    requestCertificateChallenge: (_: unknown, a: { dataCenterCode: string; certificate: string }, ctx: GraphQLContext) =>
      issueChallenge(serviceContext(ctx), a.dataCenterCode, a.certificate),
    uploadCertificate: (_: unknown, a: { input: UploadInput }, ctx: GraphQLContext) => uploadCertificate(serviceContext(ctx), a.input),
    revokeCertificate: (_: unknown, a: { thumbprintSha256: string; reason: string }, ctx: GraphQLContext) =>
      revokeCertificate(serviceContext(ctx), a.thumbprintSha256, a.reason),
  },
  DataCenter: {
    certificates: (d: DataCenterRow, _: unknown, ctx: GraphQLContext) => certificatesOf(ctx.deps.database.db, d.id),
    activeCertificate: async (d: DataCenterRow, a: { usage?: CertificateUsage | null; at?: Date | null }, ctx: GraphQLContext) =>
      (await activeCertificate(ctx.deps.database.db, d.id, a.usage ?? 'ENCRYPTION', a.at ?? ctx.deps.clock.now())) ?? null,
  },
  Certificate: {
    status: (c: CertificateRow, a: { at?: Date | null }, ctx: GraphQLContext) =>
      statusOf(ctx.deps.database.db, c, a.at ?? ctx.deps.clock.now(), ctx.deps.certificates.overlapMs),
    dataCenter: async (c: CertificateRow, _: unknown, ctx: GraphQLContext) =>
      (await ctx.deps.database.db.select().from(dataCenters).where(eq(dataCenters.id, c.dataCenterId)))[0],
  },
};
