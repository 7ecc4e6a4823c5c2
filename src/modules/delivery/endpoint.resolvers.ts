// Thin resolvers for data centres' endpoint health and endpoint tests.
import { serviceContext, type GraphQLContext } from '../../graphql/context.js';
import { requirePrincipal } from '../auth/principal.js';
import { endpointHealthOf } from './endpoint-health.js';
import { testEndpoint } from './endpoint-test.js';
import type { Resolvers } from '../../graphql/generated/resolvers-types.js';

export const endpointResolvers: Resolvers = {
  Query: {
    endpointHealth: (_: unknown, a: { dataCenterCode?: string | null }, ctx: GraphQLContext) =>
      endpointHealthOf(ctx.deps.database.db, requirePrincipal(ctx.principal), a.dataCenterCode),
  },
  Mutation: {
    testDataCenterEndpoint: (_: unknown, a: { dataCenterCode: string }, ctx: GraphQLContext) =>
      testEndpoint(serviceContext(ctx), a.dataCenterCode, { timeoutMs: ctx.deps.transportTimeoutMs ?? 10_000, handoff: ctx.deps.handoff }),
  },
};
