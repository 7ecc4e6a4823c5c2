// Thin resolvers for certificates.
import { serviceContext, type GraphQLContext } from '../../graphql/context.js';
import { requirePrincipal } from '../auth/principal.js';
import { dataCenterById } from '../tenants/tenants.resolvers.js';
import { findDataCenter } from '../tenants/tenants.service.js';
import type { DataCenterRow } from '../tenants/tenants.service.js';
import { groupBy } from '../../graphql/loaders.js';
import {
  activeCertificate,
  certificatesOfMany,
  expiryReport,
  issueChallenge,
  revokeCertificate,
  statusesAt,
  uploadCertificate,
  type CertificateRow,
  type UploadInput,
} from './certificates.service.js';
import type { CertificateUsage } from './inspect.js';
import type { Resolvers } from '../../graphql/generated/resolvers-types.js';

/** A data centre's certificates, batched over all data centres of the request. */
const certificatesOfDataCenter = async (ctx: GraphQLContext, id: number): Promise<CertificateRow[]> =>
  (await ctx.load('certificatesOfDataCenter', async (ids) =>
    groupBy(await certificatesOfMany(ctx.deps.database.db, ids.map(Number)), (c) => String(c.dataCenterId)),
  )(String(id))) ?? [];

export const certificateResolvers: Resolvers = {
  Query: {
    certificateWarnings: async (_: unknown, a: { days?: number | null; at?: Date | null }, ctx: GraphQLContext) => {
      const p = requirePrincipal(ctx.principal);
      const report = await expiryReport(ctx.deps.database.db, a.at ?? ctx.deps.clock.now(), a.days ?? 30, ctx.deps.certificates.overlapMs);
      if (p.role === 'ADMIN') return report;
      const own = await findDataCenter(ctx.deps.database.db, p.scope!);
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
    certificates: (d: DataCenterRow, _: unknown, ctx: GraphQLContext) => certificatesOfDataCenter(ctx, d.id),
    activeCertificate: async (d: DataCenterRow, a: { usage?: CertificateUsage | null; at?: Date | null }, ctx: GraphQLContext) =>
      (await activeCertificate(ctx.deps.database.db, d.id, a.usage ?? 'ENCRYPTION', a.at ?? ctx.deps.clock.now())) ?? null,
  },
  Certificate: {
    status: async (c: CertificateRow, a: { at?: Date | null }, ctx: GraphQLContext) => {
      const same = (await certificatesOfDataCenter(ctx, c.dataCenterId)).filter((x) => x.usage === c.usage);
      return statusesAt(same, a.at ?? ctx.deps.clock.now(), ctx.deps.certificates.overlapMs).get(c.id)!;
    },
    dataCenter: (c: CertificateRow, _: unknown, ctx: GraphQLContext) => dataCenterById(ctx, c.dataCenterId),
  },
};
