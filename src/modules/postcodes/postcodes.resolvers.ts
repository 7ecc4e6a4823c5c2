// Thin resolvers for postcodes: who is behind a postcode, and a municipality's postcodes.
import type { GraphQLContext } from '../../graphql/context.js';
import { batchLoader } from '../../lib/batch.js';
import type { Db } from '../../db/client.js';
import { checkPostcode } from '../regions/keys.js';
import { dateOr } from '../regions/regions.resolvers.js';
import type { RegionView } from '../regions/regions.service.js';
import { areasOfPostcode, postcodesOfMunicipalities, type PostalCodeRow } from './postcodes.repository.js';
import type { Resolvers } from '../../graphql/generated/resolvers-types.js';

export type PostalView = { row: PostalCodeRow; at: string };

export interface PostcodeLoaders {
  ofMunicipality(ags: string, at: string): Promise<PostalCodeRow[]>;
}

/** Per request: the postcodes of many municipalities on one date in one query. */
export function postcodeLoaders(db: Db): PostcodeLoaders {
  const byDate = new Map<string, (ags: string) => Promise<PostalCodeRow[] | undefined>>();
  const loaderFor = (at: string) =>
    batchLoader<string, PostalCodeRow[]>(
      async (keys) => {
        const m = new Map<string, PostalCodeRow[]>();
        for (const r of await postcodesOfMunicipalities(db, keys, at)) m.set(r.ags, [...(m.get(r.ags) ?? []), r]);
        return m;
      },
      (k) => k,
    );
  return {
    async ofMunicipality(ags, at) {
      let load = byDate.get(at);
      if (!load) byDate.set(at, (load = loaderFor(at)));
      return (await load(ags)) ?? [];
    },
  };
}

export const postcodeResolvers: Resolvers = {
  Query: {
    postalCode: async (_: unknown, a: { postcode: string; at?: string | null }, ctx: GraphQLContext) => {
      const postcode = checkPostcode('postcode', a.postcode);
      const at = dateOr(ctx, a.at);
      const rows = await areasOfPostcode(ctx.deps.database.db, postcode, at);
      return rows.map((row) => ({ row, at }));
    },
  },
  Municipality: {
    postcodes: async (v: RegionView, _: unknown, ctx: GraphQLContext) =>
      (await ctx.postcodes.ofMunicipality(v.row.ags!, v.at)).map((row) => ({ row, at: v.at })),
  },
  PostalArea: {
    postcode: (v: PostalView) => v.row.postcode,
    ags: (v: PostalView) => v.row.ags,
    locality: (v: PostalView) => v.row.locality,
    validFrom: (v: PostalView) => v.row.validFrom,
    validTo: (v: PostalView) => v.row.validTo,
    // Through the in-memory index to the batched region loader: one query for all postal areas.
    municipality: async (v: PostalView, _: unknown, ctx: GraphQLContext) => {
      const m = (await ctx.deps.directory.get()).municipality(v.row.ags, v.at);
      return m ? ((await ctx.regions.region('MUNICIPALITY', m.ars, v.at)) ?? null) : null;
    },
  },
};
