// Thin resolvers for authorities and tasks.
import { asc } from 'drizzle-orm';
import { tasks } from '../../db/schema.js';
import { today } from '../../lib/clock.js';
import { badInput } from '../../lib/errors.js';
import { serviceContext, type GraphQLContext } from '../../graphql/context.js';
import { groupBy } from '../../graphql/loaders.js';
import { decodeCursor, encodeCursor, pageSize } from '../../graphql/pagination.js';
import { decideDelivery } from '../directory/delivery-decision.js';
import type { AuthorityRow } from '../directory/directory-index.js';
import { MESSAGE_TYPES } from './message-types.js';
import { deleteAuthority, deleteTask } from './deletion.js';
import {
  createAuthority,
  createTask,
  jurisdictionsOfAuthorities,
  listAuthorities,
  updateAuthority,
  type AuthorityFields,
} from './authorities.service.js';
import type { Resolvers } from '../../graphql/generated/resolvers-types.js';

/** Route's decision for the authority, message type and instant (default now), from the in-memory directory. */
async function electronicDelivery(a: AuthorityRow, args: { messageType: string; at?: Date | null }, ctx: GraphQLContext) {
  if (!(MESSAGE_TYPES as readonly string[]).includes(args.messageType)) {
    throw badInput('messageType', `"${args.messageType}" is not an XAmtshilfe message type (${MESSAGE_TYPES.join(', ')})`);
  }
  const ix = await ctx.deps.directory.get();
  // The directory's row, as route reads it (a listing may hand a row read from the database).
  return decideDelivery(ix, ix.authoritiesByKey.get(a.key) ?? a, args.messageType, args.at ?? ctx.deps.clock.now());
}

export const authorityResolvers: Resolvers = {
  Query: {
    authority: async (_: unknown, a: { key: string }, ctx: GraphQLContext) => {
      return (await ctx.deps.directory.get()).authoritiesByKey.get(a.key) ?? null;
    },
    authorities: async (
      _: unknown,
      a: { kind?: 'ENFORCEMENT' | 'CREDITOR' | 'OTHER' | null; tenantCode?: string | null; name?: string | null; first?: number | null; after?: string | null },
      ctx: GraphQLContext,
    ) => {
      const limit = pageSize(a.first, 500);
      let afterKey: string | undefined;
      if (a.after) {
        const [k] = decodeCursor(a.after);
        if (typeof k !== 'string') throw badInput('after', 'is not a cursor returned by this API');
        afterKey = k;
      }
      const res = await listAuthorities(ctx.deps.database.db, {
        kind: a.kind ?? undefined,
        tenantCode: a.tenantCode ?? undefined,
        name: a.name ?? undefined,
        afterKey,
        limit,
      });
      return {
        nodes: res.rows,
        totalCount: res.total,
        pageInfo: { hasNextPage: res.hasNextPage, endCursor: res.rows.length ? encodeCursor([res.rows.at(-1)!.key]) : null },
      };
    },
    tasks: async (_: unknown, __: unknown, ctx: GraphQLContext) => {
      return ctx.deps.database.db.select().from(tasks).orderBy(asc(tasks.code));
    },
  },
  Mutation: {
    createAuthority: (_: unknown, a: { input: Parameters<typeof createAuthority>[1] }, ctx: GraphQLContext) =>
      createAuthority(serviceContext(ctx), a.input),
    updateAuthority: (_: unknown, a: { key: string; expectedVersion: number; input: AuthorityFields }, ctx: GraphQLContext) =>
      updateAuthority(serviceContext(ctx), a.key, a.expectedVersion, a.input),
    deactivateAuthority: (_: unknown, a: { key: string; expectedVersion: number }, ctx: GraphQLContext) =>
      updateAuthority(serviceContext(ctx), a.key, a.expectedVersion, { status: 'INACTIVE' }, 'DEACTIVATE_AUTHORITY'),
    createTask: (_: unknown, a: { code: string; name: string; description?: string | null }, ctx: GraphQLContext) =>
      createTask(serviceContext(ctx), a.code, a.name, a.description ?? null),
    deleteAuthority: (_: unknown, a: { key: string }, ctx: GraphQLContext) => deleteAuthority(serviceContext(ctx), a.key),
    deleteTask: (_: unknown, a: { code: string }, ctx: GraphQLContext) => deleteTask(serviceContext(ctx), a.code),
  },
  Authority: {
    postalAddress: (a: AuthorityRow) => ({
      street: a.street,
      houseNumber: a.houseNumber,
      poBox: a.poBox,
      postalCode: a.postcode,
      city: a.city,
    }),
    contact: (a: AuthorityRow) => a.contact ?? {},
    acceptedMessageTypes: (a: AuthorityRow) => a.messageTypes,
    acceptsElectronicDelivery: async (a: AuthorityRow, args: { messageType: string; at?: Date | null }, ctx: GraphQLContext) =>
      (await electronicDelivery(a, args, ctx)).electronic,
    electronicDelivery: (a: AuthorityRow, args: { messageType: string; at?: Date | null }, ctx: GraphQLContext) => electronicDelivery(a, args, ctx),
    jurisdictions: async (a: AuthorityRow, args: { at?: string | null; all?: boolean | null }, ctx: GraphQLContext) => {
      const at = args.all ? null : (args.at ?? today(ctx.deps.clock));
      const load = ctx.load(`jurisdictionsOfAuthority:${at ?? 'all'}`, async (ids) =>
        groupBy(await jurisdictionsOfAuthorities(ctx.deps.database.db, ids.map(Number), at), (j) => String(j.authorityId)),
      );
      return (await load(String(a.id))) ?? [];
    },
  },
};

