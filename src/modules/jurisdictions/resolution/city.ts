// The municipalities a city name stands for: by the municipality's name or by a locality's.
import { isValidAt, postcodeValidAt, type RegionEntry } from '../../directory/directory-index.js';
import { entryMunicipalities } from './forwarding.js';
import type { Search } from './settle.js';

/** Municipalities whose name or a locality of which has the city key, on the date. */
export function municipalitiesOfKey(s: Search, key: string): RegionEntry[] {
  const found: RegionEntry[] = [];
  for (const m of s.ix.municipalitiesByCity.get(key) ?? []) if (isValidAt(m, s.at)) found.push(m);
  for (const p of s.ix.postcodesByLocality.get(key) ?? []) {
    if (postcodeValidAt(p, s.at)) for (const m of entryMunicipalities(s.ix, p, s.at, s.place)) found.push(m);
  }
  return unique(found);
}

/** The input city's municipalities (looked up once). */
export function municipalitiesOfCity(s: Search): RegionEntry[] {
  if (s.byCity) return s.byCity;
  return (s.byCity = s.cityK ? municipalitiesOfKey(s, s.cityK) : []);
}

/** Each municipality once, by AGS. */
export function unique(list: RegionEntry[]): RegionEntry[] {
  // Most postcodes and names have one municipality: no map, no sort.
  if (list.length === 1) return list[0]!.ags ? list : [];
  const seen = new Map<string, RegionEntry>();
  for (const m of list) if (m.ags && !seen.has(m.ags)) seen.set(m.ags, m);
  // AGS are eight digits: code-unit order is their order (localeCompare cost a tenth of a lookup).
  return [...seen.values()].sort((a, b) => (a.ags! < b.ags! ? -1 : a.ags! > b.ags! ? 1 : 0));
}
