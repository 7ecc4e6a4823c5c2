// Thin resolvers for dispatch and deliveries.
import { withPublicWording } from '../../graphql/access.js';
import { serviceContext, type GraphQLContext } from '../../graphql/context.js';
import { withoutNulls } from '../../graphql/inputs.js';
import { decodeCursor, encodeCursor, pageSize } from '../../graphql/pagination.js';
import { badInput } from '../../lib/errors.js';
import { requirePrincipal } from '../auth/principal.js';
import { publicAttemptDetail, publicDeliveryReasons } from '../routing/disclosure.js';
import { attemptsOf, deliveryStatistics, findDelivery, listDeliveries, nextAttemptsOf, type AttemptRow, type DeliveryFilter, type DeliveryRow, type GroupBy } from './deliveries.service.js';
import { dispatch, type DispatchInput } from './intake.service.js';
import { acknowledgeDelivery } from './acknowledge.service.js';
import type { Receipt } from './receipt.js';
import type { MutationAcknowledgeDeliveryArgs, QueryDeliveriesArgs, Resolvers } from '../../graphql/generated/resolvers-types.js';

const storedReasons = (d: DeliveryRow) => (d.decision as { reasons?: string[] }).reasons ?? [];

export const dispatchResolvers: Resolvers = {
  Query: {
    deliveries: async (_: unknown, a: QueryDeliveriesArgs, ctx: GraphQLContext) => {
      const p = requirePrincipal(ctx.principal);
      const limit = pageSize(a.first, 500);
      let after: DeliveryFilter['after'];
      if (a.after) {
        const [t, id] = decodeCursor(a.after);
        if (typeof t !== 'string' || typeof id !== 'string' || Number.isNaN(Date.parse(t))) throw badInput('after', 'is not a cursor returned by this API');
        after = { createdAt: new Date(t), id };
      }
      const rows = await listDeliveries(ctx.deps.database.db, p, { ...withoutNulls(a.filter), limit: limit + 1, after });
      const nodes = rows.slice(0, limit);
      const last = nodes.at(-1);
      return { nodes, pageInfo: { hasNextPage: rows.length > limit, endCursor: last ? encodeCursor([last.createdAt.toISOString(), last.id]) : null } };
    },
    deliveryStatistics: async (_: unknown, a: { from: Date; to: Date; groupBy: GroupBy }, ctx: GraphQLContext) => {
      if (a.to <= a.from) throw badInput('to', 'must be after from');
      return deliveryStatistics(ctx.deps.database.db, a.from, a.to, a.groupBy);
    },
    delivery: async (_: unknown, a: { id: string }, ctx: GraphQLContext) => {
      const p = requirePrincipal(ctx.principal);
      const d = await findDelivery(ctx.deps.database.db, a.id).catch(() => null);
      // Another sender's delivery answers as an unknown one: its existence is not disclosed.
      if (!d || (p.role !== 'ADMIN' && !(p.role === 'CLIENT' && p.scope === d.senderKey))) return null;
      return d;
    },
  },
  Mutation: {
    dispatch: async (_: unknown, a: { input: DispatchInput }, ctx: GraphQLContext) =>
      dispatch(serviceContext(ctx), a.input, { maxPayloadBytes: ctx.deps.maxPayloadBytes ?? 10 * 1024 * 1024 }),
    acknowledgeDelivery: async (_: unknown, a: MutationAcknowledgeDeliveryArgs, ctx: GraphQLContext) =>
      acknowledgeDelivery(serviceContext(ctx), { id: a.id, outcome: a.outcome, reason: a.reason }),
  },
  // Full wording for ADMIN; access.ts (FIELD_WORDINGS) gives the sender the public one.
  Delivery: {
    reasons: withPublicWording(
      (d: DeliveryRow) => storedReasons(d),
      (d: DeliveryRow) => publicDeliveryReasons(storedReasons(d)),
    ),
    attempts: (d: DeliveryRow, _: unknown, ctx: GraphQLContext) => attemptsOf(ctx.deps.database.db, d.id),
    receipt: (d: DeliveryRow) => (d.receipt as Receipt | null) ?? null,
    acknowledgement: (d: DeliveryRow) =>
      d.acknowledgedAt && (d.status === 'ACCEPTED' || d.status === 'REJECTED')
        ? { outcome: d.status, reason: d.acknowledgementReason, at: d.acknowledgedAt }
        : null,
    nextAttemptAt: async (d: DeliveryRow, _: unknown, ctx: GraphQLContext) =>
      (await ctx.load('nextAttemptAt', (ids) => nextAttemptsOf(ctx.deps.database.db, ids))(d.id)) ?? null,
  },
  DeliveryAttempt: {
    detail: withPublicWording((a: AttemptRow) => a.detail, (a: AttemptRow) => publicAttemptDetail(a)),
  },
};
