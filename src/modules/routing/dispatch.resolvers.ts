// Thin resolvers for dispatch and deliveries.
import type { GraphQLContext } from '../../graphql/context.js';
import { forbidden } from '../../lib/errors.js';
import { requirePrincipal } from '../auth/principal.js';
import { attemptsOf, dispatch, findDelivery, type DeliveryRow, type DispatchInput } from './dispatch.service.js';

export const dispatchResolvers = {
  Query: {
    delivery: async (_: unknown, a: { id: string }, ctx: GraphQLContext) => {
      const p = requirePrincipal(ctx.principal);
      const d = await findDelivery(ctx.deps.database.db, a.id).catch(() => null);
      if (!d) return null;
      if (p.role !== 'ADMIN' && !(p.role === 'CLIENT' && p.scope === d.senderKey)) throw forbidden(`Role ${p.role} may not see delivery ${a.id}`);
      return d;
    },
  },
  Mutation: {
    dispatch: async (_: unknown, a: { input: DispatchInput }, ctx: GraphQLContext) =>
      dispatch(ctx.deps.database.db, await ctx.deps.directory.get(), ctx.deps.clock, requirePrincipal(ctx.principal), a.input, {
        maxPayloadBytes: ctx.deps.maxPayloadBytes ?? 10 * 1024 * 1024,
      }),
  },
  Delivery: {
    reasons: (d: DeliveryRow) => ((d.decision as { reasons?: string[] }).reasons ?? []),
    attempts: (d: DeliveryRow, _: unknown, ctx: GraphQLContext) => attemptsOf(ctx.deps.database.db, d.id),
  },
};
