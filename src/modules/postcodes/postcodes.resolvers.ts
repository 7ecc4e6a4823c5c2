// Thin resolvers for postcodes: who is behind a postcode, and a municipality's postcodes (from the
// directory's in-memory register).
import type { GraphQLContext } from '../../graphql/context.js';
import { andThen, type MaybePromise } from '../../lib/maybe-promise.js';
import type { Directory } from '../directory/directory.js';
import { checkPostcode } from '../regions/keys.js';
import { dateOr } from '../regions/regions.resolvers.js';
import type { RegionView } from '../regions/regions.service.js';
import type { PostalCodeRow } from './postcodes.repository.js';
import type { Resolvers } from '../../graphql/generated/resolvers-types.js';

export type PostalView = { row: PostalCodeRow; at: string };

export interface PostcodeLoaders {
  ofMunicipality(ags: string, at: string): MaybePromise<PostalCodeRow[]>;
}

/** A municipality's postal areas on a date, from the directory's register (at once when it is loaded). */
export function postcodeLoaders(directory: Pick<Directory, 'use'>): PostcodeLoaders {
  return { ofMunicipality: (ags, at) => directory.use((ix) => ix.register.postcodesOf(ags, at)) };
}

export const postcodeResolvers: Resolvers = {
  Query: {
    postalCode: (_: unknown, a: { postcode: string; at?: string | null }, ctx: GraphQLContext) => {
      const postcode = checkPostcode('postcode', a.postcode);
      const at = dateOr(ctx, a.at);
      return ctx.deps.directory.use((ix) => ix.register.postalAreas(postcode, at).map((row) => ({ row, at })));
    },
  },
  Municipality: {
    postcodes: (v: RegionView, _: unknown, ctx: GraphQLContext) =>
      andThen(ctx.postcodes.ofMunicipality(v.row.ags!, v.at), (rows) => rows.map((row) => ({ row, at: v.at }))),
  },
  PostalArea: {
    postcode: (v: PostalView) => v.row.postcode,
    ags: (v: PostalView) => v.row.ags,
    locality: (v: PostalView) => v.row.locality,
    validFrom: (v: PostalView) => v.row.validFrom,
    validTo: (v: PostalView) => v.row.validTo,
    municipality: (v: PostalView, _: unknown, ctx: GraphQLContext) =>
      ctx.deps.directory.use((ix) => {
        const row = ix.register.municipality(v.row.ags, v.at);
        return row ? { row, at: v.at } : null;
      }),
  },
};
