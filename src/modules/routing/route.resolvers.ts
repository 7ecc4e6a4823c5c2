// Thin resolver for the routing decision.
import { withPublicWording } from '../../graphql/access.js';
import type { GraphQLContext } from '../../graphql/context.js';
import { fullReasons, publicReasons, type DeliveryDecision } from '../directory/delivery-decision.js';
import { decideRoute, type RouteInput, type RoutingDecision } from './route.service.js';
import type { Resolvers } from '../../graphql/generated/resolvers-types.js';

export const routeResolvers: Resolvers = {
  Query: {
    route: async (_: unknown, a: { input: RouteInput }, ctx: GraphQLContext) =>
      decideRoute(ctx.deps.database.db, await ctx.deps.directory.get(), a.input, ctx.deps.clock.now()),
  },
  RoutingDecision: {
    // Full wording for the data centre's insiders; access.ts (FIELD_WORDINGS) gives others the public one.
    reasons: withPublicWording((d: RoutingDecision) => d.reasons, (d: RoutingDecision) => d.publicReasons),
    postalAddress: (d: RoutingDecision) =>
      d.channel === 'PRINT' && d.authority
        ? { street: d.authority.street, houseNumber: d.authority.houseNumber, poBox: d.authority.poBox, postalCode: d.authority.postcode, city: d.authority.city }
        : null,
  },
  ElectronicDelivery: {
    reasons: withPublicWording((d: DeliveryDecision) => fullReasons(d.reasons), (d: DeliveryDecision) => publicReasons(d.reasons)),
  },
};
