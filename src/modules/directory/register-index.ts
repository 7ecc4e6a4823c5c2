// The public register as the read API serves it: every region version and postal area as its full
// row, loaded with the lookup index in the same snapshot and rebuilt with it, so `municipality`,
// `region`, `regions` and `postalCode` answer from memory and follow imports and structural
// changes on every instance exactly as lookups do.
import type { postalCodes, RegionLevel, regions } from '../../db/schema.js';

export type RegisterRegionRow = typeof regions.$inferSelect;
export type RegisterPostalRow = typeof postalCodes.$inferSelect;

/** The longest name_key start `byNameStart` indexes. */
export const NAME_START = 3;

/** ARS prefix lengths a `parentArs` may have below which a region lies (the key lengths of the levels). */
const PARENT_LENGTHS = [2, 3, 4, 5, 9];

/**
 * isValidAt for the register's rows. A function of its own: isValidAt sees rows of every kind and its
 * property reads are megamorphic, while these rows all have one shape (a district's `regions` page
 * checks a few hundred of them).
 */
export function rowValidAt(r: { validFrom: string | null; validTo: string | null }, at: string): boolean {
  return (r.validFrom === null || r.validFrom <= at) && (r.validTo === null || r.validTo > at);
}

/** A list's rows valid on one date, kept for the last date asked (a page of `regions` counts them all). */
interface ValidOn {
  at: string;
  /** the list's length when filtered: a list that grew (while loading) is filtered again */
  of: number;
  rows: RegisterRegionRow[];
}
const validCache = new WeakMap<readonly RegisterRegionRow[], ValidOn>();

/**
 * The rows of one of the register's lists valid on the date, in the list's order. Kept per list for
 * the last date asked: almost every request asks for today, and a district's page counted a few
 * hundred versions scattered over the heap (a tenth of the request, #17).
 */
export function validRows(list: readonly RegisterRegionRow[], at: string): readonly RegisterRegionRow[] {
  const known = validCache.get(list);
  if (known && known.at === at && known.of === list.length) return known.rows;
  const rows = list.filter((r) => rowValidAt(r, at));
  validCache.set(list, { at, of: list.length, rows });
  return rows;
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V) {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

export class RegisterIndex {
  /**
   * Every region version in the database's own order of (name_key, id), the order `regions` pages
   * in: the collation decides it (C on PGlite, the cluster's locale on PostgreSQL), so it is taken
   * from the database at load rather than sorted here.
   */
  readonly regions: RegisterRegionRow[] = [];
  /** region id → its position in `regions` (a cursor's place) */
  readonly position = new Map<number, number>();
  readonly byLevel = new Map<RegionLevel, RegisterRegionRow[]>();
  /** ARS prefix → the regions below it, at any depth, in `regions` order */
  readonly below = new Map<string, RegisterRegionRow[]>();
  /** the same per level: a district's municipalities without its associations and their history of other levels */
  readonly belowAtLevel = new Map<RegionLevel, Map<string, RegisterRegionRow[]>>();
  /**
   * the first one, two and three characters of name_key → the regions whose name_key starts so, in
   * `regions` order (three: a four-letter name prefix then scans tens of regions, not hundreds)
   */
  readonly byNameStart = new Map<string, RegisterRegionRow[]>();
  /** ARS → versions (any level) */
  readonly byArs = new Map<string, RegisterRegionRow[]>();
  /** AGS → municipality versions */
  readonly municipalities = new Map<string, RegisterRegionRow[]>();
  /** postcode → postal areas ordered by AGS */
  readonly areasOfPostcode = new Map<string, RegisterPostalRow[]>();
  /** AGS → postal areas ordered by postcode and locality (database order) */
  readonly postcodesOfAgs = new Map<string, RegisterPostalRow[]>();

  /** Regions must come in the database's (name_key, id) order. */
  addRegion(r: RegisterRegionRow): void {
    this.position.set(r.id, this.regions.length);
    this.regions.push(r);
    push(this.byLevel, r.level, r);
    push(this.byArs, r.ars, r);
    if (r.level === 'MUNICIPALITY' && r.ags) push(this.municipalities, r.ags, r);
    let atLevel = this.belowAtLevel.get(r.level);
    if (!atLevel) this.belowAtLevel.set(r.level, (atLevel = new Map()));
    for (const n of PARENT_LENGTHS) {
      if (n >= r.ars.length) continue;
      const prefix = r.ars.slice(0, n);
      push(this.below, prefix, r);
      push(atLevel, prefix, r);
    }
    for (let n = 1; n <= NAME_START && n <= r.nameKey.length; n++) push(this.byNameStart, r.nameKey.slice(0, n), r);
  }

  /** Postal areas must come in the database's (postcode, locality, id) order. */
  addPostalArea(p: RegisterPostalRow): void {
    push(this.areasOfPostcode, p.postcode, p);
    push(this.postcodesOfAgs, p.ags, p);
  }

  /** After the last postal area: a postcode's areas by AGS (stable, so equal AGS keep locality order). */
  finish(): void {
    for (const list of this.areasOfPostcode.values()) list.sort((a, b) => (a.ags < b.ags ? -1 : a.ags > b.ags ? 1 : 0));
  }

  municipality(ags: string, at: string): RegisterRegionRow | undefined {
    return this.municipalities.get(ags)?.find((r) => rowValidAt(r, at));
  }

  /** A region by ARS on the date, of the given level or any. */
  region(ars: string, at: string, level?: RegionLevel): RegisterRegionRow | undefined {
    return this.byArs.get(ars)?.find((r) => (!level || r.level === level) && rowValidAt(r, at));
  }

  postalAreas(postcode: string, at: string): RegisterPostalRow[] {
    return (this.areasOfPostcode.get(postcode) ?? []).filter((p) => rowValidAt(p, at));
  }

  postcodesOf(ags: string, at: string): RegisterPostalRow[] {
    return (this.postcodesOfAgs.get(ags) ?? []).filter((p) => rowValidAt(p, at));
  }
}
