import type { GraphQLContext } from '../../graphql/context.js';
import { requirePrincipal } from './principal.js';

export const authResolvers = {
  Query: {
    me: (_: unknown, __: unknown, ctx: GraphQLContext) => requirePrincipal(ctx.principal),
  },
};
