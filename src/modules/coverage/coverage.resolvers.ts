// Thin resolvers for the coverage report; the uncovered municipalities come a page at a time.
import { decodeCursor, encodeCursor, pageSize } from '../../graphql/pagination.js';
import type { GraphQLContext } from '../../graphql/context.js';
import type { Resolvers } from '../../graphql/generated/resolvers-types.js';
import { today } from '../../lib/clock.js';
import { badInput } from '../../lib/errors.js';
import { requirePrincipal } from '../auth/principal.js';
import { DEFAULT_TASK } from '../jurisdictions/lookup.js';
import type { CoverageReport, UncoveredMunicipality } from './coverage.js';
import { coverageFor } from './coverage.service.js';

const blankToNull = (s: string | null | undefined) => (s === null || s === undefined || s.trim() === '' ? null : s.trim());

/** Index of the first gap after the cursor's AGS (gaps are sorted by AGS). */
function startAfter(gaps: UncoveredMunicipality[], after: string | null | undefined): number {
  if (!after) return 0;
  const [ags] = decodeCursor(after);
  if (typeof ags !== 'string') throw badInput('after', 'is not a cursor returned by this API');
  let lo = 0;
  let hi = gaps.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (gaps[mid]!.ags <= ags) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function page(r: CoverageReport, first: number | null | undefined, after: string | null | undefined) {
  const n = pageSize(first ?? 100, 1000);
  const start = startAfter(r.gaps, after);
  const nodes = r.gaps.slice(start, start + n);
  const last = nodes[nodes.length - 1];
  return { nodes, totalCount: r.gaps.length, pageInfo: { hasNextPage: start + n < r.gaps.length, endCursor: last ? encodeCursor([last.ags]) : null } };
}

export const coverageResolvers: Resolvers = {
  Query: {
    coverage: async (_, a, ctx: GraphQLContext) => {
      const principal = requirePrincipal(ctx.principal);
      const ix = await ctx.deps.directory.get();
      const q = { task: blankToNull(a.task) ?? DEFAULT_TASK, at: a.at ?? today(ctx.deps.clock), district: blankToNull(a.district) };
      return coverageFor(ctx.deps.database.db, ix, principal, q);
    },
  },
  Coverage: {
    districts: (r, a) => (a.onlyWithGaps ? r.districts.filter((d) => d.uncovered > 0) : r.districts),
    uncoveredMunicipalities: (r, a) => page(r, a.first, a.after),
  },
};
