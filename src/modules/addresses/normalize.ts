// Normalisation of address parts as people write them: case, umlauts/ß, Straße/Strasse/Str.,
// hyphens and spaces, house-number suffixes and ranges.
import { foldName } from '../../lib/fold.js';

/** Longest name worth remembering: real street and city names are far shorter. */
const MEMO_MAX_KEY = 100;

/**
 * Memo bounded by characters held, not entries: the same street and city names come again and again
 * in bulk lookups, but a caller sending long or expanding (NFKD) strings must not grow it without bound.
 */
function memo(fn: (s: string) => string, maxChars = 4_000_000): (s: string) => string {
  const cache = new Map<string, string>();
  let chars = 0;
  return (s) => {
    let v = cache.get(s);
    if (v === undefined) {
      v = fn(s);
      if (s.length > MEMO_MAX_KEY) return v;
      if (chars + s.length + v.length > maxChars) {
        cache.clear();
        chars = 0;
      }
      cache.set(s, v);
      chars += s.length + v.length;
    }
    return v;
  };
}

/** "Bahnhofstraße", "Bahnhof-Str.", "bahnhof strasse" → "bahnhofstr". */
export const streetKey = memo((street: string) =>
  foldName(street)
    .replace(/stra(ss|ß)e\b|str\b\.?/g, 'str')
    .replace(/[\s.]+/g, ''),
);

/** City names: "Detmold, Stadt" and "Detmold" match; "Frankfurt (Oder)" → "frankfurt oder". */
export const cityKey = memo((name: string) => foldName(name));

/** The part of an official municipality name before the comma: "Lemgo, Stadt" → "lemgo". */
export function municipalityCityKey(officialName: string): string {
  return foldName(officialName.split(',')[0]!);
}

export interface HouseNumber {
  from: number;
  to: number;
  suffix: string | null;
  text: string;
}

/** "12", "12a", "12 A", "12-14", "12 - 14", "12a-c", "12/14". Returns undefined if it is not a house number. */
export function parseHouseNumber(raw: string): HouseNumber | undefined {
  const s = raw.trim().toLowerCase().replace(/\s+/g, ' ');
  const m = /^(\d{1,5}) ?([a-z])?(?: ?[-–/] ?(\d{1,5})? ?([a-z])?)?$/.exec(s);
  if (!m) return undefined;
  const from = Number(m[1]);
  const to = m[3] ? Number(m[3]) : from;
  if (to < from || from === 0) return undefined;
  return { from, to, suffix: m[2] ?? null, text: raw.trim() };
}

/** Postcodes lose their leading zero in spreadsheets: "1067" → "01067". */
export function normalizePostcode(raw: string): { postcode: string; padded: boolean } | undefined {
  const s = raw.trim();
  if (/^\d{5}$/.test(s)) return { postcode: s, padded: false };
  if (/^\d{4}$/.test(s)) return { postcode: `0${s}`, padded: true };
  return undefined;
}
