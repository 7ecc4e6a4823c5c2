// Thin resolvers for postcodes: who is behind a postcode, and a municipality's postcodes (from the
// directory's in-memory register).
import type { GraphQLContext } from '../../graphql/context.js';
import type { RegisterIndex } from '../directory/register-index.js';
import { checkPostcode } from '../regions/keys.js';
import { dateOr } from '../regions/regions.resolvers.js';
import type { RegionView } from '../regions/regions.service.js';
import type { PostalCodeRow } from './postcodes.repository.js';
import type { Resolvers } from '../../graphql/generated/resolvers-types.js';

export type PostalView = { row: PostalCodeRow; at: string };

export interface PostcodeLoaders {
  ofMunicipality(ags: string, at: string): Promise<PostalCodeRow[]>;
}

/** A municipality's postal areas on a date, from the directory's register. */
export function postcodeLoaders(directory: { get(): Promise<{ register: RegisterIndex }> }): PostcodeLoaders {
  return {
    async ofMunicipality(ags, at) {
      return (await directory.get()).register.postcodesOf(ags, at);
    },
  };
}

export const postcodeResolvers: Resolvers = {
  Query: {
    postalCode: async (_: unknown, a: { postcode: string; at?: string | null }, ctx: GraphQLContext) => {
      const postcode = checkPostcode('postcode', a.postcode);
      const at = dateOr(ctx, a.at);
      const rows = (await ctx.deps.directory.get()).register.postalAreas(postcode, at);
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
    municipality: async (v: PostalView, _: unknown, ctx: GraphQLContext) => {
      const row = (await ctx.deps.directory.get()).register.municipality(v.row.ags, v.at);
      return row ? { row, at: v.at } : null;
    },
  },
};
