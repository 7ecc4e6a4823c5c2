// Misspelt street names, tried only when the exact street key misses: in the street directory (the
// tiebreaker between municipalities) and in street rules. A street is assumed only when the
// directory knows the area's streets, the input's is not among them, and one name is clearly best.
import { looseStreetKey } from '../../addresses/name-variants.js';
import { editDistance } from '../../addresses/similarity.js';
import { isValidAt, type DirectoryIndex, type JurisdictionRow, type RegionEntry } from '../../directory/directory-index.js';
import { allowedEdits, MAX_NAME_LENGTH } from '../../directory/name-index.js';
import { assume, CONFIDENCE } from './confidence.js';
import type { Explanation } from './explanation.js';
import type { Place } from './types.js';

/** The one key among `keys` clearly nearest to `key` (none other within one more edit), if any. */
export function nearestStreetKey(keys: Iterable<string>, key: string): string | undefined {
  const l = looseStreetKey(key);
  const max = allowedEdits(l.length);
  if (l.length > MAX_NAME_LENGTH) return undefined;
  let best: string | undefined;
  let bestD = Infinity;
  let crowded = false;
  for (const k of new Set(keys)) {
    const d = editDistance(l, looseStreetKey(k), Math.min(max, bestD) + 1);
    if (d > max + 1) continue;
    if (d < bestD) {
      crowded = bestD <= d + 1;
      [best, bestD] = [k, d];
    } else if (d <= bestD + 1) crowded = true;
  }
  return best !== undefined && bestD <= max && !crowded ? best : undefined;
}

/** The street directory's keys where the place lies: under its postcode, or in the municipalities. */
export function directoryStreetKeys(ix: DirectoryIndex, place: Place, among: RegionEntry[]): string[] {
  return place.postcode ? ix.streetKeysIn(`P:${place.postcode}`) : among.flatMap((m) => ix.streetKeysIn(`M:${m.ags}`));
}

/** Reads the input's street as `key` (a near miss of it), in the explanation and the confidence. */
export function assumeStreet(place: Place, key: string, name: string, ex: Explanation, where: string): void {
  ex.step(() => `Street "${place.street}" is not in the ${where} as written; read as "${name}".`);
  ex.warn(`Street "${place.street}" is not known as written; assumed "${name}". Check the street.`);
  place.streetKey = key;
  assume(place, CONFIDENCE.nearStreet);
}

/**
 * Before the rules are read: the municipality's street rules for the task miss the input's street,
 * the street directory knows the area's streets but not this one, and one rule's street is clearly
 * nearest (among the rules' and the directory's streets): that street is assumed.
 */
export function nearStreetRule(ix: DirectoryIndex, task: string, at: string, municipality: RegionEntry, place: Place, ex: Explanation): void {
  const key = place.streetKey;
  if (!key) return;
  const rules = ix.rulesFor(task, municipality.ags!).filter((r) => r.level === 'STREET' && isValidAt(r, at) && (!place.postcode || r.postcode === place.postcode));
  if (!rules.length || rules.some((r) => r.streetKey === key)) return;
  const known = directoryStreetKeys(ix, place, [municipality]);
  if (!known.length || known.includes(key)) return;
  const near = nearestStreetKey([...rules.map((r) => r.streetKey!), ...known], key);
  const rule = near === undefined ? undefined : rules.find((r: JurisdictionRow) => r.streetKey === near);
  if (rule) assumeStreet(place, near!, rule.streetName ?? near!, ex, 'street directory');
}
