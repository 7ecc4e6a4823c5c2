// Thin resolvers for data centres' endpoint health and endpoint tests.
import { type GraphQLContext } from '../../graphql/context.js';
import { requirePrincipal } from '../auth/principal.js';
import { endpointHealthOf } from './endpoint-health.js';
import type { Resolvers } from '../../graphql/generated/resolvers-types.js';

export const endpointResolvers: Resolvers = {
  Query: {
    endpointHealth: (_: unknown, a: { dataCenterCode?: string | null }, ctx: GraphQLContext) =>
      endpointHealthOf(ctx.deps.database.db, requirePrincipal(ctx.principal), a.dataCenterCode),
  },
};
