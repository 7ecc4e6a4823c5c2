// How a place search ends: with one municipality, or with candidates and what would settle them.
// The street directory is the last tiebreaker between municipalities.
import { isValidAt, type DirectoryIndex, type PostcodeEntry, type RegionEntry, type StreetEntry } from '../../directory/directory-index.js';
import { cityOf, label } from './describe.js';
import type { Explanation } from './explanation.js';
import { assumeStreet, directoryStreetKeys, nearestStreetKey } from './near-street.js';
import type { Place } from './types.js';

/** One place search under way: the input read so far and what it matched. */
export interface Search {
  ix: DirectoryIndex;
  at: string;
  ex: Explanation;
  place: Place;
  /** the city as given, and its key (undefined without a city) */
  city: string | null;
  cityK: string | undefined;
  /** the postcode's entries valid on the date */
  entries: PostcodeEntry[];
  /** the postcode's municipalities */
  inPostcode: RegionEntry[];
  /** the city's municipalities, once looked up */
  byCity: RegionEntry[] | undefined;
}

/** Settles the place on the one municipality of `list`; `how` names it where it says {m}. */
export function settle(s: Search, list: RegionEntry[], how: string): Place {
  if (list.length === 1) {
    s.ex.step(() => how.replace('{m}', label(list[0]!)));
    s.place.municipalities = list;
  }
  return s.place;
}

/** The municipalities among `among` that have the street of the input, by the street directory. */
function withStreet(s: Search, among: RegionEntry[]): RegionEntry[] {
  const { place } = s;
  if (!place.streetKey) return [];
  let hits = streetEntries(s, among, place.streetKey);
  if (!hits.length) {
    // Not as written: a misspelling of one street the directory clearly knows there?
    const near = nearestStreetKey(directoryStreetKeys(s.ix, place, among), place.streetKey);
    hits = near === undefined ? [] : streetEntries(s, among, near);
    if (hits.length) assumeStreet(place, near!, hits[0]!.name, s.ex, 'street directory');
  }
  const ags = new Set(hits.map((h) => h.ags));
  return among.filter((m) => ags.has(m.ags!));
}

/** The street directory's entries of the street key valid on the date, under the postcode or in `among`. */
function streetEntries(s: Search, among: RegionEntry[], key: string): StreetEntry[] {
  const hits = s.place.postcode
    ? (s.ix.streets.get(`${s.place.postcode}:${key}`) ?? [])
    : among.flatMap((m) => s.ix.streetsInMunicipality.get(`${m.ags}:${key}`) ?? []);
  return hits.filter((h) => isValidAt(h, s.at));
}

export function byStreetOrAmbiguous(s: Search, among: RegionEntry[]): Place {
  const narrowed = withStreet(s, among);
  if (narrowed.length === 1) return settle(s, narrowed, `Street "${s.place.street}" is in {m} according to the street directory.`);
  s.ex.step(() => `Cannot decide between ${among.length} municipalities without more input.`);
  return withCandidates(s, among, settleByCityOrAgs);
}

/** Leaves the place unsettled, with `options` as candidates. */
export function withCandidates(s: Search, options: RegionEntry[], settleBy: (s: Search, m: RegionEntry) => string): Place {
  s.place.municipalities = [];
  s.place.candidates = options.map((m) => ({ ags: m.ags, municipalityName: m.name, authority: null, settleBy: settleBy(s, m) }));
  return s.place;
}

function settleByCityOrAgs(s: Search, m: RegionEntry): string {
  return s.place.street ? `city "${cityOf(m)}", or the AGS ${m.ags}` : `city "${cityOf(m)}", a street in the street directory, or the AGS ${m.ags}`;
}

export function settleByPostcodeOrCity(s: Search, m: RegionEntry): string {
  return s.inPostcode.includes(m) ? `city "${cityOf(m)}" with postcode ${s.place.postcode}` : `the correct postcode of ${cityOf(m)}`;
}
