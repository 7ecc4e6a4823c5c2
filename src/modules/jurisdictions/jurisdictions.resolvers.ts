// Thin resolvers for lookups and jurisdictions.
import { today } from '../../lib/clock.js';
import { emitDomainEvent } from '../../lib/events.js';
import { badInput } from '../../lib/errors.js';
import { withPublicWording } from '../../graphql/access.js';
import { serviceContext, type GraphQLContext } from '../../graphql/context.js';
import { selects } from '../../graphql/selection.js';
import type { JurisdictionRow } from '../directory/directory-index.js';
import { createJurisdiction, deleteJurisdiction, endJurisdiction, type CreateJurisdictionInput } from './jurisdictions.service.js';
import { lookupMany, lookupOne, type RawLookupInput } from './lookup.js';
import { exportAuthoritiesCsv, exportTenantFor } from './registration-export.js';
import { importAuthorities } from './registration-import.js';
import { requirePrincipal } from '../auth/principal.js';
import { planCounts } from './registration-plan.js';
import type { Candidate, LookupResult } from './resolution/index.js';
import type { Resolvers } from '../../graphql/generated/resolvers-types.js';

function idOf(raw: string): number {
  if (!/^\d{1,15}$/.test(raw)) throw badInput('id', `"${raw}" is not a jurisdiction id`);
  return Number(raw);
}

/** Municipality and region fields reuse the register's resolvers through the batched loader. */
const municipalityOf = (ags: string | null, at: string, ctx: GraphQLContext) => {
  if (!ags) return null;
  return ctx.deps.directory.use((ix) => {
    const m = ix.municipality(ags, at);
    return m ? ctx.regions.region('MUNICIPALITY', m.ars, at) : null;
  });
};

export const jurisdictionResolvers: Resolvers = {
  Query: {
    // The explanation is worded only when the query reads it.
    responsibleAuthority: (_: unknown, a: { input: RawLookupInput }, ctx: GraphQLContext, info) =>
      ctx.deps.directory.use((ix) => {
        const r = lookupOne(ix, a.input, today(ctx.deps.clock), ctx.deps.clock.now(), selects(info, 'explanation'));
        emitDomainEvent('lookup', r.status, 1);
        return r;
      }),
    responsibleAuthorities: (_: unknown, a: { inputs: RawLookupInput[] }, ctx: GraphQLContext, info) =>
      ctx.deps.directory.use((ix) => {
        const explain = selects(info, 'explanation');
        const rs = lookupMany(ix, a.inputs, today(ctx.deps.clock), ctx.deps.bulkMax, ctx.deps.clock.now(), explain);
        // Counted per status: the counter hashes its labels on every increment (1,000 per request).
        const byStatus = new Map<string, number>();
        for (const r of rs) byStatus.set(r.status, (byStatus.get(r.status) ?? 0) + 1);
        for (const [status, n] of byStatus) emitDomainEvent('lookup', status, n);
        return rs;
      }),
    exportAuthorities: (_: unknown, a: { at?: string | null; tenantCode?: string | null }, ctx: GraphQLContext) => {
      const tenant = exportTenantFor(requirePrincipal(ctx.principal), a.tenantCode?.trim() || undefined);
      return exportAuthoritiesCsv(ctx.deps.database.db, { at: a.at ?? today(ctx.deps.clock), tenant });
    },
  },
  Mutation: {
    createJurisdiction: (_: unknown, a: { input: CreateJurisdictionInput }, ctx: GraphQLContext) =>
      createJurisdiction(serviceContext(ctx), a.input),
    endJurisdiction: (_: unknown, a: { id: string; validTo: string; expectedVersion: number }, ctx: GraphQLContext) =>
      endJurisdiction(serviceContext(ctx), idOf(a.id), a.validTo, a.expectedVersion),
    deleteJurisdiction: (_: unknown, a: { id: string; expectedVersion: number }, ctx: GraphQLContext) =>
      deleteJurisdiction(serviceContext(ctx), idOf(a.id), a.expectedVersion),
    importAuthorities: (_: unknown, a: { csv: string; dryRun: boolean }, ctx: GraphQLContext) =>
      importAuthorities(serviceContext(ctx), { text: a.csv, fileName: 'importAuthorities(csv)', dryRun: a.dryRun, endDate: today(ctx.deps.clock) }),
  },
  AuthorityImportPlan: {
    counts: planCounts,
  },
  JurisdictionResult: {
    // The delivery step in full for the data centre's insiders; access.ts (FIELD_WORDINGS) gives others the public one.
    explanation: withPublicWording((r: LookupResult) => r.explanation, (r: LookupResult) => r.publicExplanation),
    jurisdiction: (r: LookupResult) => r.rule,
    candidates: (r: LookupResult) => r.candidates.map((c) => ({ ...c, at: r.input.at })),
    municipality: (r: LookupResult, _: unknown, ctx: GraphQLContext) => municipalityOf(r.ags, r.input.at, ctx),
    region: (r: LookupResult, _: unknown, ctx: GraphQLContext) => {
      if (!r.regionArs) return null;
      const level = ({ 2: 'STATE', 3: 'GOVERNMENT_DISTRICT', 5: 'DISTRICT', 9: 'ASSOCIATION' } as const)[r.regionArs.length as 2 | 3 | 5 | 9];
      return ctx.regions.region(level, r.regionArs, r.input.at);
    },
  },
  JurisdictionCandidate: {
    municipality: (c: Candidate & { at?: string }, _: unknown, ctx: GraphQLContext) =>
      municipalityOf(c.ags, c.at ?? today(ctx.deps.clock), ctx),
  },
  Jurisdiction: {
    authority: async (j: JurisdictionRow, _: unknown, ctx: GraphQLContext) => {
      const ix = await ctx.deps.directory.get();
      const a = ix.authoritiesById.get(j.authorityId) ?? (await ctx.deps.directory.reload()).authoritiesById.get(j.authorityId);
      if (!a) throw new Error(`jurisdiction #${j.id} names authority #${j.authorityId}, which the directory does not hold`);
      return a;
    },
    task: (j: JurisdictionRow) => j.taskCode,
    postalCode: (j: JurisdictionRow) => j.postcode,
    street: (j: JurisdictionRow) => j.streetName,
    houseNumberFrom: (j: JurisdictionRow) => j.houseFrom,
    houseNumberTo: (j: JurisdictionRow) => j.houseTo,
  },
};
