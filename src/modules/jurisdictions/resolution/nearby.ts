// Homonyms and an unknown postcode (a PO box or large-customer postcode the mapping lacks): the
// postcode still says where it lies. Postcodes that share leading digits lie in one postal routing
// region; failing that, the nearest known postcodes name the district.
import { isValidAt, type RegionEntry } from '../../directory/directory-index.js';
import { assume, CONFIDENCE } from './confidence.js';
import { byStreetOrAmbiguous, settle, type Search } from './settle.js';
import type { Place } from './types.js';

/** How far (numerically) to look for the nearest known postcode. */
const NEIGHBOUR_SPAN = 50;

/** The municipalities among `among` with a known postcode starting with `prefix`. */
function withPostcodePrefix(s: Search, among: RegionEntry[], prefix: string): RegionEntry[] {
  return among.filter((m) => (s.ix.postcodesByAgs.get(m.ags!) ?? []).some((p) => p.postcode.startsWith(prefix) && isValidAt(p, s.at)));
}

/** Whether the municipality has a known postcode in the postal routing region (first two digits) of the input's. */
export function inPostcodeRegion(s: Search, m: RegionEntry): boolean {
  return withPostcodePrefix(s, [m], s.place.postcode!.slice(0, 2)).length === 1;
}

/** The district (AGS, 5 digits) of the nearest known postcodes, if they agree on one. */
function districtOfNeighbours(s: Search, postcode: string): string | undefined {
  const n = Number(postcode);
  for (let delta = 1; delta <= NEIGHBOUR_SPAN; delta++) {
    const districts = new Set<string>();
    for (const q of [n - delta, n + delta]) {
      for (const p of s.ix.postcodes.get(String(q).padStart(5, '0')) ?? []) if (isValidAt(p, s.at)) districts.add(p.ags.slice(0, 5));
    }
    if (districts.size) return districts.size === 1 ? [...districts][0] : undefined;
  }
  return undefined;
}

/** Settles homonyms by where the unknown postcode of the input lies; what stays open is AMBIGUOUS. */
export function byPostcodeRegion(s: Search, among: RegionEntry[]): Place {
  const pc = s.place.postcode!;
  let open = among;
  for (const digits of [3, 2]) {
    const prefix = pc.slice(0, digits);
    const near = withPostcodePrefix(s, open, prefix);
    if (near.length === 1) {
      assume(s.place, CONFIDENCE.postcodeRegion);
      return settle(s, near, `Postcode ${pc} is unknown, but only {m} has postcodes starting with ${prefix}.`);
    }
    if (near.length > 1) {
      open = near;
      break;
    }
  }
  const district = districtOfNeighbours(s, pc);
  const inDistrict = district ? open.filter((m) => m.ags!.startsWith(district)) : [];
  if (inDistrict.length === 1) {
    assume(s.place, CONFIDENCE.postcodeRegion);
    return settle(s, inDistrict, `Postcode ${pc} is unknown; the nearest known postcodes lie in district ${district}, as does {m}.`);
  }
  return byStreetOrAmbiguous(s, open);
}
