// Thin resolver for the routing decision.
import type { GraphQLContext } from '../../graphql/context.js';
import { decideRoute, type RouteInput, type RoutingDecision } from './route.service.js';
import type { Resolvers } from '../../graphql/generated/resolvers-types.js';

export const routeResolvers: Resolvers = {
  Query: {
    route: async (_: unknown, a: { input: RouteInput }, ctx: GraphQLContext) =>
      decideRoute(ctx.deps.database.db, await ctx.deps.directory.get(), a.input, ctx.deps.clock.now()),
  },
  RoutingDecision: {
    postalAddress: (d: RoutingDecision) =>
      d.channel === 'PRINT' && d.authority
        ? { street: d.authority.street, houseNumber: d.authority.houseNumber, poBox: d.authority.poBox, postalCode: d.authority.postcode, city: d.authority.city }
        : null,
  },
};
