// Thin resolvers for data centres and tenants.
import { inArray } from 'drizzle-orm';
import { groupBy } from '../../graphql/loaders.js';
import { dataCenters } from '../../db/schema.js';
import { serviceContext, type GraphQLContext } from '../../graphql/context.js';
import { today } from '../../lib/clock.js';
import { requirePrincipal } from '../auth/principal.js';
import { outsideTerritory } from './territory.service.js';
import {
  authorityCounts,
  createDataCenter,
  createTenant,
  findTenant,
  tenantsOf,
  updateDataCenter,
  updateTenant,
  visibleDataCenters,
  type DataCenterRow,
  type TenantRow,
} from './tenants.service.js';
import type { Resolvers } from '../../graphql/generated/resolvers-types.js';

/** Data centres by id, batched over the request. */
export async function dataCenterById(ctx: GraphQLContext, id: number): Promise<DataCenterRow> {
  const dc = await ctx.load('dataCenterById', async (ids) => {
    const rows = await ctx.deps.database.db.select().from(dataCenters).where(inArray(dataCenters.id, ids.map(Number)));
    return new Map(rows.map((r) => [String(r.id), r]));
  })(String(id));
  if (!dc) throw new Error(`data centre #${id} is referenced but missing`); // a foreign key guarantees it
  return dc;
}

export const tenantResolvers: Resolvers = {
  Query: {
    dataCenters: (_: unknown, __: unknown, ctx: GraphQLContext) => visibleDataCenters(ctx.deps.database.db, requirePrincipal(ctx.principal)),
    dataCenter: async (_: unknown, a: { code: string }, ctx: GraphQLContext) =>
      (await visibleDataCenters(ctx.deps.database.db, requirePrincipal(ctx.principal))).find((d) => d.code === a.code) ?? null,
    tenant: async (_: unknown, a: { code: string }, ctx: GraphQLContext) => {
      const p = requirePrincipal(ctx.principal);
      const t = await findTenant(ctx.deps.database.db, a.code);
      if (!t) return null;
      return (await tenantsOf(ctx.deps.database.db, p, [t.dataCenterId])).find((x) => x.id === t.id) ?? null;
    },
  },
  Mutation: {
    createDataCenter: (_: unknown, a: { input: Parameters<typeof createDataCenter>[1] }, ctx: GraphQLContext) => createDataCenter(serviceContext(ctx), a.input),
    updateDataCenter: (_: unknown, a: { code: string; expectedVersion: number; input: Parameters<typeof updateDataCenter>[3] }, ctx: GraphQLContext) =>
      updateDataCenter(serviceContext(ctx), a.code, a.expectedVersion, a.input),
    createTenant: (_: unknown, a: { input: Parameters<typeof createTenant>[1] }, ctx: GraphQLContext) => createTenant(serviceContext(ctx), a.input),
    updateTenant: (_: unknown, a: { code: string; expectedVersion: number; input: Parameters<typeof updateTenant>[3] }, ctx: GraphQLContext) =>
      updateTenant(serviceContext(ctx), a.code, a.expectedVersion, a.input),
  },
  DataCenter: {
    contact: (d: DataCenterRow) => d.contact ?? {},
    tenants: async (d: DataCenterRow, _: unknown, ctx: GraphQLContext) =>
      (await ctx.load('tenantsOfDataCenter', async (ids) =>
        groupBy(await tenantsOf(ctx.deps.database.db, requirePrincipal(ctx.principal), ids.map(Number)), (t) => String(t.dataCenterId)),
      )(String(d.id))) ?? [],
  },
  Tenant: {
    dataCenter: (t: TenantRow, _: unknown, ctx: GraphQLContext) => dataCenterById(ctx, t.dataCenterId),
    authorityCount: async (t: TenantRow, _: unknown, ctx: GraphQLContext) =>
      (await ctx.load('authorityCountOfTenant', (codes) => authorityCounts(ctx.deps.database.db, codes))(t.code)) ?? 0,
    outsideTerritory: async (t: TenantRow, _: unknown, ctx: GraphQLContext) => {
      const o = await outsideTerritory(ctx.deps.database.db, t.code, t.areas, today(ctx.deps.clock));
      return { ...o, jurisdictionIds: o.jurisdictionIds.map(String) };
    },
  },
};
