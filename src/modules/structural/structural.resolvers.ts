// Thin resolvers for structural changes, municipality history and the change feed.
import { serviceContext, type GraphQLContext } from '../../graphql/context.js';
import { decodeCursor, encodeCursor, pageSize } from '../../graphql/pagination.js';
import { today } from '../../lib/clock.js';
import { badInput } from '../../lib/errors.js';
import type { StructuralChangeStatus } from '../../db/schema.js';
import { applyDueStructuralChanges } from './apply.js';
import { feedAfter, municipalityHistory, upcomingChanges, type FeedRow, type MunicipalityHistoryValue } from './history.js';
import {
  cancelStructuralChange,
  confirmProposal,
  editPlannedChange,
  findChange,
  listChanges,
  planStructuralChange,
  rejectProposal,
  dayBefore,
  type PlanInput,
  type StructuralChangeRow,
} from './plan.js';
import type { MutationConfirmStructuralChangeArgs, MutationEditStructuralChangeArgs, Resolvers } from '../../graphql/generated/resolvers-types.js';
import { withoutNulls } from '../../graphql/inputs.js';

function idOf(raw: string): number {
  if (!/^\d{1,15}$/.test(raw)) throw badInput('id', `"${raw}" is not a structural change id`);
  return Number(raw);
}

/** A register version shown as the municipality it was while valid. */
const versionView = <R extends { validFrom: string | null; validTo: string | null }>(row: R) => ({ row, at: row.validFrom ?? (row.validTo ? dayBefore(row.validTo) : '1900-01-01') });

export const structuralResolvers: Resolvers = {
  Query: {
    structuralChanges: async (
      _: unknown,
      a: { status?: StructuralChangeStatus | null; from?: string | null; to?: string | null; first?: number | null; after?: string | null },
      ctx: GraphQLContext,
    ) => {
      const limit = pageSize(a.first, 500);
      let after: [string, number] | undefined;
      if (a.after) {
        const [d, id] = decodeCursor(a.after);
        if (typeof d !== 'string' || !Number.isSafeInteger(id)) throw badInput('after', 'is not a cursor returned by this API');
        after = [d, id as number];
      }
      const rows = await listChanges(ctx.deps.database.db, { status: a.status, from: a.from, to: a.to, limit: limit + 1, after });
      const nodes = rows.slice(0, limit);
      const last = nodes.at(-1);
      return { nodes, pageInfo: { hasNextPage: rows.length > limit, endCursor: last ? encodeCursor([last.effectiveDate, last.id]) : null } };
    },
    structuralChange: async (_: unknown, a: { id: string }, ctx: GraphQLContext) => {
      return findChange(ctx.deps.database.db, idOf(a.id)).catch(() => null);
    },
    upcomingStructuralChanges: (_: unknown, a: { days?: number | null }, ctx: GraphQLContext) => {
      return upcomingChanges(ctx.deps.database.db, ctx.deps.clock, a.days ?? 90);
    },
    municipalityHistory: (_: unknown, a: { ags: string }, ctx: GraphQLContext) => {
      return municipalityHistory(ctx.deps.database.db, a.ags.trim());
    },
    directoryChanges: async (_: unknown, a: { after?: string | null; first?: number | null }, ctx: GraphQLContext) => {
      const limit = pageSize(a.first ?? 100, 1000);
      let after: [number, number] | null = null;
      if (a.after) {
        const [v, s] = decodeCursor(a.after);
        if (!Number.isInteger(v) || !Number.isInteger(s)) throw badInput('after', 'is not a cursor returned by this API');
        after = [v as number, s as number];
      }
      const rows = await feedAfter(ctx.deps.database.db, after, limit + 1);
      const nodes = rows.slice(0, limit);
      const last = nodes.at(-1);
      // At the end, the cursor stays where the client is, so it can poll with it.
      return { nodes, pageInfo: { hasNextPage: rows.length > limit, endCursor: last ? encodeCursor([last.version, last.seq]) : (a.after ?? null) } };
    },
  },
  Mutation: {
    planStructuralChange: (_: unknown, a: { input: PlanInput }, ctx: GraphQLContext) => planStructuralChange(serviceContext(ctx), a.input),
    cancelStructuralChange: (_: unknown, a: { id: string; expectedVersion: number }, ctx: GraphQLContext) =>
      cancelStructuralChange(serviceContext(ctx), idOf(a.id), a.expectedVersion),
    confirmStructuralChange: (_: unknown, a: MutationConfirmStructuralChangeArgs, ctx: GraphQLContext) =>
      confirmProposal(serviceContext(ctx), idOf(a.id), a.expectedVersion, withoutNulls(a.edits) as Partial<PlanInput>),
    editStructuralChange: (_: unknown, a: MutationEditStructuralChangeArgs, ctx: GraphQLContext) =>
      editPlannedChange(serviceContext(ctx), idOf(a.id), a.expectedVersion, withoutNulls(a.edits) as Partial<PlanInput>),
    rejectStructuralChange: (_: unknown, a: { id: string; expectedVersion: number }, ctx: GraphQLContext) =>
      rejectProposal(serviceContext(ctx), idOf(a.id), a.expectedVersion),
    applyDueStructuralChanges: async (_: unknown, a: { at: string }, ctx: GraphQLContext) => {
      const sc = serviceContext(ctx);
      if (a.at > today(ctx.deps.clock)) throw badInput('at', `${a.at} is in the future; changes apply on their date, not before`);
      const run = await applyDueStructuralChanges(sc.db, sc.clock, a.at, sc.actor);
      await ctx.deps.directory.reload();
      const applied = await Promise.all(run.applied.map((r) => findChange(sc.db, r.changeId)));
      return { ran: run.ran, applied };
    },
  },
  StructuralChange: {
    id: (c: StructuralChangeRow) => String(c.id),
  },
  MunicipalityHistory: {
    versions: (h: MunicipalityHistoryValue) => h.versions.map(versionView),
  },
  DirectoryChange: {
    cursor: (r: FeedRow) => encodeCursor([r.version, r.seq]),
    key: (r: FeedRow) => r.entityKey,
  },
};
