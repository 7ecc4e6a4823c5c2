import type { GraphQLContext } from '../../graphql/context.js';
import { requirePrincipal } from './principal.js';
import type { Resolvers } from '../../graphql/generated/resolvers-types.js';

export const authResolvers: Resolvers = {
  Query: {
    me: (_: unknown, __: unknown, ctx: GraphQLContext) => requirePrincipal(ctx.principal),
  },
};
