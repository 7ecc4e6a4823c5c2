// The lookup: input → municipality or region → most specific jurisdiction valid on the date →
// authority. Pure and in memory: every decision is written into the explanation, and nothing
// uncertain is guessed: it becomes AMBIGUOUS with candidates and what input would settle it.
import type { DirectoryIndex } from '../../directory/directory-index.js';
import { answer } from './answer.js';
import { findByAddress } from './by-address.js';
import { findByAgs, findByArs } from './by-key.js';
import { Explanation } from './explanation.js';
import { lookupResult } from './result.js';
import type { Candidate, LookupInput, LookupResult, Target } from './types.js';

export function resolveJurisdiction(ix: DirectoryIndex, input: LookupInput): LookupResult {
  const ex = new Explanation(input.explain !== false);
  const target = find(ix, input, ex);
  if (target.status === 'FOUND') return answer(ix, input, ex, target);
  const candidates = target.status === 'AMBIGUOUS' ? withAuthorities(ix, input, target.candidates) : target.candidates;
  return lookupResult(input, ex, target.forwardedFrom, target.status, { candidates });
}

function find(ix: DirectoryIndex, input: LookupInput, ex: Explanation): Target {
  if (input.ags) return findByAgs(ix, input.ags, input.at, ex);
  if (input.ars) return findByArs(ix, input.ars, input.at, ex);
  return findByAddress(ix, input, ex);
}

/** For each candidate municipality, the authority it would lead to. */
function withAuthorities(ix: DirectoryIndex, input: LookupInput, candidates: Candidate[]): Candidate[] {
  return candidates.map((c) => {
    if (!c.ags) return c;
    const r = resolveJurisdiction(ix, { task: input.task, at: input.at, ags: c.ags, explain: false });
    return { ...c, authority: r.authority };
  });
}
