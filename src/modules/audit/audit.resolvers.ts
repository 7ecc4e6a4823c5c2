import { desc } from 'drizzle-orm';
import { registerImports } from '../../db/schema.js';
import { badInput } from '../../lib/errors.js';
import { type GraphQLContext } from '../../graphql/context.js';
import { decodeCursor, encodeCursor, pageSize } from '../../graphql/pagination.js';
import { listAudit } from './audit.service.js';
import type { Resolvers } from '../../graphql/generated/resolvers-types.js';

export const auditResolvers: Resolvers = {
  Query: {
    auditLog: async (
      _: unknown,
      a: { entityType?: string | null; entityId?: string | null; first?: number | null; after?: string | null },
      ctx: GraphQLContext,
    ) => {
      const first = pageSize(a.first, 500);
      let before: number | undefined;
      if (a.after) {
        const [id] = decodeCursor(a.after);
        if (!Number.isSafeInteger(id)) throw badInput('after', 'is not a cursor returned by this API');
        before = id as number;
      }
      const rows = await listAudit(ctx.deps.database.db, {
        entityType: a.entityType ?? undefined,
        entityId: a.entityId ?? undefined,
        before,
        limit: first + 1,
      });
      const nodes = rows.slice(0, first);
      return {
        nodes,
        pageInfo: { hasNextPage: rows.length > first, endCursor: nodes.length ? encodeCursor([nodes.at(-1)!.id]) : null },
      };
    },
    registerImports: async (_: unknown, a: { first?: number | null }, ctx: GraphQLContext) => {
      return ctx.deps.database.db
        .select()
        .from(registerImports)
        .orderBy(desc(registerImports.id))
        .limit(pageSize(a.first, 200));
    },
  },
};
