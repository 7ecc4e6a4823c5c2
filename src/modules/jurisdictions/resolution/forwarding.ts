// Old keys lead on: a municipality replaced by a structural change (merger, split, new key) is
// followed through its key successions to the municipalities valid on the date.
import type { DirectoryIndex, PostcodeEntry, RegionEntry, Succession } from '../../directory/directory-index.js';
import type { Forwarding, Place } from './types.js';

/** Successions are followed at most this deep (a guard; real chains are short). */
const MAX_DEPTH = 20;

export interface ForwardTarget {
  municipality: RegionEntry;
  via: Forwarding;
}

/** The name a key had in its latest version. */
function lastName(ix: DirectoryIndex, ags: string): string | null {
  let latest: RegionEntry | undefined;
  for (const v of ix.municipalitiesByAgs.get(ags) ?? []) if (!latest || (v.validFrom ?? '') > (latest.validFrom ?? '')) latest = v;
  return latest?.name ?? null;
}

function forwarding(ix: DirectoryIndex, oldAgs: string, s: Succession): Forwarding {
  return { ags: oldAgs, name: lastName(ix, oldAgs), successorAgs: s.newAgs, changeId: s.changeId, kind: s.kind, effectiveDate: s.effectiveDate };
}

/** Where an old key leads on the date: successions followed until a valid municipality (a split leads to several). */
export function forwardKey(ix: DirectoryIndex, ags: string, at: string): ForwardTarget[] {
  const w: Walk = { ix, at, origin: ags, out: new Map(), seen: new Set() };
  walk(w, ags, undefined, 0);
  return [...w.out.values()];
}

interface Walk {
  ix: DirectoryIndex;
  at: string;
  /** the key the lookup started from */
  origin: string;
  /** successor AGS → target, first way found wins */
  out: Map<string, ForwardTarget>;
  seen: Set<string>;
}

/** Depth first through the successions of `key`; `first` is the step the origin took. */
function walk(w: Walk, key: string, first: Forwarding | undefined, depth: number): void {
  if (depth > MAX_DEPTH || w.seen.has(key)) return;
  w.seen.add(key);
  for (const s of w.ix.successionsAt(key, w.at)) {
    const via = first ?? forwarding(w.ix, w.origin, s);
    const m = w.ix.municipality(s.newAgs, w.at);
    if (m) {
      if (!w.out.has(m.ags!)) w.out.set(m.ags!, { municipality: m, via });
    } else walk(w, s.newAgs, via, depth + 1);
  }
}

/** The municipality of a postcode entry on the date; through successions when its key is gone (noted in `place.forwards`). */
export function entryMunicipalities(ix: DirectoryIndex, p: PostcodeEntry, at: string, place: Pick<Place, 'forwards'>): RegionEntry[] {
  const m = ix.municipalityOf(p, at);
  if (m) {
    if (p.predecessorAgs && !place.forwards?.has(m.ags!)) {
      const s = ix.successionsAt(p.predecessorAgs, at).find((x) => x.newAgs === p.ags);
      if (s) (place.forwards ??= new Map()).set(m.ags!, forwarding(ix, p.predecessorAgs, s));
    }
    return [m];
  }
  return forwardKey(ix, p.ags, at).map((f) => {
    const forwards = (place.forwards ??= new Map());
    if (!forwards.has(f.municipality.ags!)) forwards.set(f.municipality.ags!, f.via);
    return f.municipality;
  });
}
