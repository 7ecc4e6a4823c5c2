// Misspelt and variant city names, tried only once the exact maps have missed. A near miss is taken
// only when it is clearly best (one municipality at the smallest distance within the allowed edits of
// name-index.ts, and no other within one more edit) and agrees with the postcode; where the postcode
// and the name point apart, or several names are as near, the answer lists them all (never a guess).
import { firstHalf, looseCityKey, nameAliases } from '../../addresses/name-variants.js';
import { cityKey } from '../../addresses/normalize.js';
import { editDistance } from '../../addresses/similarity.js';
import type { RegionEntry } from '../../directory/directory-index.js';
import { allowedEdits, MAX_NAME_LENGTH } from '../../directory/name-index.js';
import { foldName } from '../../../lib/fold.js';
import { municipalitiesOfKey, unique } from './city.js';
import { assume, CONFIDENCE } from './confidence.js';
import { cityOf, label } from './describe.js';
import type { Search } from './settle.js';

/** More municipalities than this from near misses tell the caller nothing: the name is not found. */
export const MAX_NEAR_MISSES = 20;

export interface NearMiss {
  /** the municipalities of the nearest names, then of those one edit further */
  municipalities: RegionEntry[];
  /** the nearest names, as the directory writes them */
  spelled: string[];
  /** edits of the nearest names from the input (0: a variant of the name) */
  distance: number;
  /** the documented threshold: one municipality is nearest, and none is within one more edit */
  clear: boolean;
}

const NONE: NearMiss = Object.freeze({ municipalities: [], spelled: [], distance: Infinity, clear: false }) as NearMiss;

/** A near miss from names with their distances (any order) and the municipalities they stand for. */
function nearMiss(found: { name: string; d: number; municipalities: RegionEntry[] }[]): NearMiss {
  const live = found.filter((f) => f.municipalities.length);
  if (!live.length) return NONE;
  const best = Math.min(...live.map((f) => f.d));
  const nearest = live.filter((f) => f.d === best);
  const all = unique(live.filter((f) => f.d <= best + 1).flatMap((f) => f.municipalities));
  const first = unique(nearest.flatMap((f) => f.municipalities));
  return {
    municipalities: [...first, ...all.filter((m) => !first.includes(m))],
    spelled: [...new Set(nearest.map((f) => f.name))],
    distance: best,
    clear: first.length === 1 && all.length === 1,
  };
}

/** The postcode's municipalities nearest to the city by their names, aliases and localities there. */
export function nearInPostcode(s: Search): NearMiss {
  const l = looseCityKey(s.cityK!);
  if (!l || l.length > MAX_NAME_LENGTH) return NONE;
  // A handful of candidates: one edit is safe even in short names.
  const max = Math.max(1, allowedEdits(l.length));
  const found: { name: string; d: number; municipalities: RegionEntry[] }[] = [];
  for (const m of s.inPostcode) {
    for (const name of namesUnderPostcode(s, m)) {
      const d = editDistance(l, looseCityKey(foldName(name)), max + 1);
      if (d <= max + 1) found.push({ name, d, municipalities: [m] });
    }
  }
  const near = nearMiss(found);
  return near.distance <= max ? near : NONE;
}

/** A municipality's names as the postcode knows it: its name, aliases, and its localities there. */
function namesUnderPostcode(s: Search, m: RegionEntry): string[] {
  const names = [cityOf(m), ...nameAliases(m.name, m.ags!)];
  for (const p of s.entries) if (p.ags === m.ags || s.place.forwards?.get(m.ags!)?.ags === p.ags) names.push(p.locality);
  return names;
}

/** The municipalities of the names nearest to the city anywhere (or to the first half of a double name). */
export function nearInCountry(s: Search): NearMiss {
  const names = s.ix.cityNames();
  let hits = names.nearest(s.cityK!);
  const half = hits.length ? undefined : firstHalf(s.city!);
  if (half) hits = names.nearest(cityKey(half));
  return nearMiss(hits.map((h) => ({ name: spelling(s, h.key), d: h.distance, municipalities: municipalitiesOfKey(s, h.key) })));
}

/** Municipalities off the postcode whose names are within the allowed edits of the city (at most MAX_NEAR_MISSES). */
export function nearElsewhere(s: Search): RegionEntry[] {
  const hits = s.ix.cityNames().closerThan(s.cityK!, allowedEdits(looseCityKey(s.cityK!).length) + 1);
  return unique(hits.flatMap((h) => municipalitiesOfKey(s, h.key)))
    .filter((m) => !s.inPostcode.includes(m))
    .slice(0, MAX_NEAR_MISSES);
}

/** A city key as the directory writes it: the municipality's name, or the locality's. */
function spelling(s: Search, key: string): string {
  const m = s.ix.municipalitiesByCity.get(key)?.[0];
  return m ? cityOf(m) : (s.ix.postcodesByLocality.get(key)?.[0]?.locality ?? key);
}

/** Notes the assumed spelling in the explanation and warnings, and lowers the confidence. */
export function assumeSpelling(s: Search, near: NearMiss, withPostcode: boolean): void {
  const as = near.spelled.map((n) => `"${n}"`).join(' or ');
  const how = near.distance === 0 ? 'a variant of' : near.distance === 1 ? 'one letter off' : `${near.distance} letters off`;
  s.ex.step(() => `City "${s.city}" is not known as written; read as ${as} (${how}${near.distance === 0 ? ' the name' : ''}).`);
  s.ex.warn(`City "${s.city}" is not known as written; assumed ${as}. Check the city.`);
  assume(s.place, near.distance === 0 ? CONFIDENCE.variant : withPostcode ? CONFIDENCE.nearWithPostcode : CONFIDENCE.near);
}

/** Near misses of the city under the postcode: one that nothing else contradicts is taken. */
export function conflictWithPostcode(s: Search, near: NearMiss, elsewhere: RegionEntry[]): RegionEntry[] | undefined {
  if (elsewhere.length) {
    s.ex.step(() => `City "${s.city}" is the name of ${elsewhere.map(label).join(', ')}, and close to ${near.municipalities.map(label).join(', ')} with postcode ${s.place.postcode}.`);
    return unique([...near.municipalities, ...elsewhere]);
  }
  // Only a name strictly nearer elsewhere contradicts the postcode (as near: the postcode decides).
  const hits = s.ix.cityNames().closerThan(s.cityK!, near.distance);
  const closer = unique(hits.flatMap((h) => municipalitiesOfKey(s, h.key))).filter((m) => !s.inPostcode.includes(m));
  if (!closer.length) return undefined;
  const names = [...new Set(hits.map((h) => `"${spelling(s, h.key)}"`))].join(', ');
  s.ex.step(() => `City "${s.city}" is closer to ${names} than to the municipalities of postcode ${s.place.postcode}.`);
  return unique([...near.municipalities, ...closer]);
}
