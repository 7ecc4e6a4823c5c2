// Thin resolvers: check input, call the service, map the result.
import type { RegionLevel } from '../../db/schema.js';
import { today } from '../../lib/clock.js';
import { badInput } from '../../lib/errors.js';
import { andThen } from '../../lib/maybe-promise.js';
import { type GraphQLContext } from '../../graphql/context.js';
import { decodeCursor, encodeCursor, pageSize } from '../../graphql/pagination.js';
import { checkAgs, checkArs } from './keys.js';
import { parentOf, search, type RegionView } from './regions.service.js';
import type { RegionRow } from './regions.repository.js';
import { TYPE_NAMES } from './type-codes.js';
import type { Resolvers } from '../../graphql/generated/resolvers-types.js';

export const dateOr = (ctx: GraphQLContext, at: string | null | undefined) => at ?? today(ctx.deps.clock);

const municipalityField = (v: RegionView) => (v.row.level === 'MUNICIPALITY' ? v : null);

// A row's cursor never changes, and the register's rows live as long as its version: encoded once
// (twenty cursors were 10 µs of a `regions` page, #17 profile).
const cursors = new WeakMap<RegionRow, string>();
function cursorOf(row: RegionRow): string {
  let c = cursors.get(row);
  if (c === undefined) cursors.set(row, (c = encodeCursor([row.nameKey, row.id])));
  return c;
}

export const regionResolvers: Resolvers = {
  Query: {
    municipality: (_: unknown, a: { ags: string; at?: string | null }, ctx: GraphQLContext) => {
      const ags = checkAgs('ags', a.ags);
      const at = dateOr(ctx, a.at);
      return ctx.deps.directory.use((ix) => {
        const row = ix.register.municipality(ags, at);
        return row ? { row, at } : null;
      });
    },
    region: (_: unknown, a: { ars: string; at?: string | null }, ctx: GraphQLContext) => {
      const ars = checkArs('ars', a.ars);
      const at = dateOr(ctx, a.at);
      return ctx.deps.directory.use((ix) => {
        const row = ix.register.region(ars, at);
        return row ? { row, at } : null;
      });
    },
    regions: (
      _: unknown,
      a: { level?: RegionLevel | null; parentArs?: string | null; name?: string | null; at?: string | null; first?: number | null; after?: string | null },
      ctx: GraphQLContext,
    ) => {
      const at = dateOr(ctx, a.at);
      const first = pageSize(a.first, 200);
      let after: { nameKey: string; id: number } | undefined;
      if (a.after) {
        const [nameKey, id] = decodeCursor(a.after);
        if (typeof nameKey !== 'string' || !Number.isSafeInteger(id)) throw badInput('after', 'is not a cursor returned by this API');
        after = { nameKey, id: id as number };
      }
      if (a.name !== undefined && a.name !== null && a.name.trim() === '') throw badInput('name', 'must not be empty');
      const input = { level: a.level ?? undefined, parentArs: a.parentArs ? checkArs('parentArs', a.parentArs) : undefined, name: a.name ?? undefined, at, first, after };
      return ctx.deps.directory.use((ix) =>
        andThen(search(ix.register, ctx.deps.database.db, input), (res) => {
          const edges = res.rows.map((row) => ({ cursor: cursorOf(row), node: { row, at } }));
          return { edges, totalCount: res.total, pageInfo: { hasNextPage: res.hasNextPage, endCursor: edges.at(-1)?.cursor ?? null } };
        }),
      );
    },
  },
  Region: {
    level: (v: RegionView) => v.row.level,
    ars: (v: RegionView) => v.row.ars,
    ags: (v: RegionView) => v.row.ags,
    name: (v: RegionView) => v.row.name,
    seat: (v: RegionView) => v.row.seat,
    typeCode: (v: RegionView) => v.row.typeCode,
    typeName: (v: RegionView) => (v.row.typeCode ? (TYPE_NAMES[v.row.typeCode] ?? null) : null),
    parent: (v: RegionView, _: unknown, ctx: GraphQLContext) => parentOf(ctx.regions, v),
    validFrom: (v: RegionView) => v.row.validFrom,
    validTo: (v: RegionView) => v.row.validTo,
    edition: (v: RegionView) => v.row.edition,
    source: (v: RegionView) => v.row.source,
    municipality: municipalityField,
  },
  Municipality: {
    ags: (v: RegionView) => v.row.ags!, // a municipality always has its AGS
    ars: (v: RegionView) => v.row.ars,
    name: (v: RegionView) => v.row.name,
    type: (v: RegionView) => (v.row.typeCode ? (TYPE_NAMES[v.row.typeCode] ?? null) : null),
    typeCode: (v: RegionView) => v.row.typeCode,
    validFrom: (v: RegionView) => v.row.validFrom,
    validTo: (v: RegionView) => v.row.validTo,
    association: (v: RegionView, _: unknown, ctx: GraphQLContext) => ctx.regions.region('ASSOCIATION', v.row.ars.slice(0, 9), v.at),
    district: (v: RegionView, _: unknown, ctx: GraphQLContext) => ctx.regions.region('DISTRICT', v.row.ars.slice(0, 5), v.at),
    governmentDistrict: (v: RegionView, _: unknown, ctx: GraphQLContext) =>
      ctx.regions.region('GOVERNMENT_DISTRICT', v.row.ars.slice(0, 3), v.at),
    state: (v: RegionView, _: unknown, ctx: GraphQLContext) => ctx.regions.region('STATE', v.row.ars.slice(0, 2), v.at),
    townHallPostcode: (v: RegionView) => v.row.townHallPostcode,
    hasSinglePostcode: (v: RegionView) => v.row.postcodeUnique,
    population: (v: RegionView) => v.row.population,
    areaHectares: (v: RegionView) => v.row.areaHectares,
    taxOfficeDistrict: (v: RegionView) => v.row.taxOfficeDistrict,
    courtDistricts: (v: RegionView) =>
      v.row.localCourtDistrict || v.row.regionalCourtDistrict || v.row.higherRegionalCourtDistrict
        ? {
            higherRegionalCourt: v.row.higherRegionalCourtDistrict,
            regionalCourt: v.row.regionalCourtDistrict,
            localCourt: v.row.localCourtDistrict,
          }
        : null,
    employmentAgencyDistrict: (v: RegionView) => v.row.employmentAgencyDistrict,
    edition: (v: RegionView) => v.row.edition,
    region: (v: RegionView) => v,
  },
};
