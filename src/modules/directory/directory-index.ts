// The in-memory directory: everything a lookup needs, loaded from the database (the source of
// truth) and rebuilt whenever the directory changes. Lookups never wait on the database.
import type { authorities, dataCenters, jurisdictions, RegionLevel, StructuralChangeKind } from '../../db/schema.js';
import { nameAliases } from '../addresses/name-variants.js';
import { cityKey, municipalityCityKey } from '../addresses/normalize.js';
import { NameIndex } from './name-index.js';
import { RegisterIndex } from './register-index.js';

export interface Validity {
  validFrom: string | null;
  validTo: string | null;
}

export const isValidAt = (v: Validity, at: string) =>
  (v.validFrom === null || v.validFrom <= at) && (v.validTo === null || v.validTo > at);

const NO_KEYS: readonly string[] = Object.freeze([]);
const NO_RULES: readonly JurisdictionRow[] = Object.freeze([]);
const OPEN_START = 0;
const OPEN_END = 99_999_999;

/**
 * A date (YYYY-MM-DD) as the number YYYYMMDD, which orders like the text. Lookups compare validity
 * several times per address: numbers held in the entries compare without reading two strings from
 * the heap, and one shape of entry keeps those reads monomorphic (isValidAt, which sees rows of
 * every kind, was a tenth of a lookup's time in the #17 profile).
 */
export function dayNumber(date: string | null, open: number): number {
  if (date === null) return open;
  return Number(date.slice(0, 4)) * 10_000 + Number(date.slice(5, 7)) * 100 + Number(date.slice(8, 10));
}

let lastAt = '';
let lastDay = 0;
/** The lookup date as a day number; a run of lookups asks for the same date. */
export function atDay(at: string): number {
  if (at !== lastAt) {
    lastDay = dayNumber(at, OPEN_START);
    lastAt = at;
  }
  return lastDay;
}

/** The region version valid on the date. */
function validAt(versions: RegionEntry[] | undefined, at: string): RegionEntry | undefined {
  if (!versions) return undefined;
  const day = atDay(at);
  for (let i = 0; i < versions.length; i++) {
    const v = versions[i]!;
    if (v.fromDay <= day && day < v.toDay) return v;
  }
  return undefined;
}

/** isValidAt for postcode entries, by day numbers. */
export function postcodeValidAt(p: PostcodeEntry, at: string): boolean {
  const day = atDay(at);
  return p.fromDay <= day && day < p.toDay;
}

export interface RegionEntry extends Validity {
  level: RegionLevel;
  ars: string;
  ags: string | null;
  name: string;
  cityKey: string;
  /** validFrom and validTo as day numbers (see dayNumber), for the lookup's hot comparisons */
  fromDay: number;
  toDay: number;
  /** a municipality's AGS and the ARS of the regions above it, most specific first (rule lookups); else empty */
  areaKeys: readonly string[];
}

export interface PostcodeEntry extends Validity {
  postcode: string;
  ags: string;
  locality: string;
  localityKey: string;
  /** the municipality this postcode came from by a structural change */
  predecessorAgs: string | null;
  fromDay: number;
  toDay: number;
  /** the versions of its municipality, linked when the index is built (no map read per lookup) */
  versions: RegionEntry[] | undefined;
}

export interface Succession {
  oldAgs: string;
  newAgs: string;
  effectiveDate: string;
  changeId: number;
  kind: StructuralChangeKind;
}

/** A municipality as a planned change names it. */
export interface ChangeMunicipality {
  ags: string;
  name: string;
}

/**
 * A confirmed structural change (PLANNED) that is not applied yet. Lookups dated on or after its
 * date warn about it: until it is applied, they answer from the register as it stands.
 */
export interface PlannedChange {
  changeId: number;
  kind: StructuralChangeKind;
  status: 'PLANNED';
  effectiveDate: string;
  predecessors: ChangeMunicipality[];
  successors: ChangeMunicipality[];
}

export interface StreetEntry extends Validity {
  ags: string;
  postcode: string;
  streetKey: string;
  name: string;
}

export type AuthorityRow = typeof authorities.$inferSelect;
export type JurisdictionRow = typeof jurisdictions.$inferSelect;

/** A tenant as the delivery decision needs it: which data centre hosts it. */
export interface TenantFact {
  code: string;
  dataCenterId: number;
}

/** An encryption certificate's times (the decision takes the instant, so activation needs no reload). */
export interface CertificateFact {
  id: number;
  thumbprintSha256: string;
  activationAt: Date;
  notAfter: Date;
  revokedAt: Date | null;
  revocationReason: string | null;
}

/** A data centre as the delivery decision needs it; its ENCRYPTION certificates only. */
export interface DataCenterFact {
  id: number;
  code: string;
  status: (typeof dataCenters.$inferSelect)['status'];
  endpoints: string[];
  encryption: CertificateFact[];
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V) {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

export class DirectoryIndex {
  // The versions of every region by plain keys: a lookup asks for municipalities several times, and a
  // concatenated key ('M:' + AGS) was a new string to flatten and hash on every call (#17 profile).
  readonly municipalitiesByAgs = new Map<string, RegionEntry[]>();
  readonly municipalitiesByArs = new Map<string, RegionEntry[]>();
  private readonly regionsByLevel = new Map<RegionLevel, Map<string, RegionEntry[]>>();
  private readonly sharedPrefixes = new Map<string, string>();
  readonly municipalitiesByCity = new Map<string, RegionEntry[]>();
  readonly postcodes = new Map<string, PostcodeEntry[]>();
  readonly postcodesByLocality = new Map<string, PostcodeEntry[]>();
  /** AGS → its postcode entries (where an unknown postcode lies, among homonyms) */
  readonly postcodesByAgs = new Map<string, PostcodeEntry[]>();
  readonly streets = new Map<string, StreetEntry[]>(); // `${postcode}:${streetKey}`
  readonly streetsInMunicipality = new Map<string, StreetEntry[]>(); // `${ags}:${streetKey}`
  /** task → area key → rules */
  readonly rules = new Map<string, Map<string, JurisdictionRow[]>>();
  /** task → municipality → rulesAlong's list */
  private readonly rulesOfMunicipality = new Map<string, Map<RegionEntry, readonly JurisdictionRow[]>>();
  readonly authoritiesById = new Map<number, AuthorityRow>();
  readonly authoritiesByKey = new Map<string, AuthorityRow>();
  readonly taskCodes = new Set<string>();
  /** old AGS → its successors (key successions from applied structural changes) */
  readonly successions = new Map<string, Succession[]>();
  /** AGS of a predecessor (merged, split, losing territory, renamed, re-keyed) → planned changes affecting it */
  readonly plannedChanges = new Map<string, PlannedChange[]>();
  /** tenant code → its data centre (for the delivery decision) */
  readonly tenants = new Map<string, TenantFact>();
  /** data centre id → status, endpoints and encryption certificates (for the delivery decision) */
  readonly dataCenters = new Map<number, DataCenterFact>();
  /** the public register's full rows, for the read API (`municipality`, `region`, `regions`, `postalCode`) */
  readonly register = new RegisterIndex();

  /** Built on first use (a lookup the exact maps miss), dropped when names or streets are added. */
  private nearMissCities: NameIndex | undefined;
  private nearMissStreets: Map<string, string[]> | undefined;

  constructor(
    readonly version: number,
    readonly loadedAt: Date,
  ) {}

  municipality(ags: string, at: string): RegionEntry | undefined {
    return validAt(this.municipalitiesByAgs.get(ags), at);
  }

  /** The municipality of a postcode entry's key on the date. */
  municipalityOf(p: PostcodeEntry, at: string): RegionEntry | undefined {
    return validAt(p.versions ?? this.municipalitiesByAgs.get(p.ags), at);
  }

  region(level: RegionLevel, ars: string, at: string): RegionEntry | undefined {
    return level === 'MUNICIPALITY' ? validAt(this.municipalitiesByArs.get(ars), at) : validAt(this.regionsByLevel.get(level)?.get(ars), at);
  }

  /** Successions of a key in effect on the date (a key may be succeeded again later: follow with care). */
  successionsAt(ags: string, at: string): Succession[] {
    return (this.successions.get(ags) ?? []).filter((s) => s.effectiveDate <= at);
  }

  /** One version of a region; a municipality is also found by its ARS and its city name. */
  addRegion(r: Omit<RegionEntry, 'cityKey' | 'fromDay' | 'toDay' | 'areaKeys'>): void {
    // One shape for every entry (the rows may carry more columns): property reads stay monomorphic.
    const entry: RegionEntry = {
      level: r.level,
      ars: r.ars,
      ags: r.ags,
      name: r.name,
      validFrom: r.validFrom,
      validTo: r.validTo,
      cityKey: municipalityCityKey(r.name),
      fromDay: dayNumber(r.validFrom, OPEN_START),
      toDay: dayNumber(r.validTo, OPEN_END),
      areaKeys: r.level === 'MUNICIPALITY' ? this.areaKeys(r.ags!, r.ars) : NO_KEYS,
    };
    if (r.level !== 'MUNICIPALITY') {
      let byArs = this.regionsByLevel.get(r.level);
      if (!byArs) this.regionsByLevel.set(r.level, (byArs = new Map()));
      push(byArs, r.ars, entry);
    } else {
      push(this.municipalitiesByAgs, r.ags!, entry);
      push(this.municipalitiesByArs, r.ars, entry);
      push(this.municipalitiesByCity, entry.cityKey, entry);
      this.nearMissCities = undefined;
    }
  }

  /** Built once per version; the region prefixes are shared strings (a lookup used to slice them anew). */
  private areaKeys(ags: string, ars: string): string[] {
    const shared = (k: string) => {
      let v = this.sharedPrefixes.get(k);
      if (v === undefined) this.sharedPrefixes.set(k, (v = k));
      return v;
    };
    return [ags, shared(ars.slice(0, 9)), shared(ars.slice(0, 5)), shared(ars.slice(0, 3)), shared(ars.slice(0, 2))];
  }

  addPostcode(p: Omit<PostcodeEntry, 'localityKey' | 'fromDay' | 'toDay' | 'versions'>): void {
    const entry: PostcodeEntry = {
      postcode: p.postcode,
      ags: p.ags,
      locality: p.locality,
      localityKey: cityKey(p.locality),
      predecessorAgs: p.predecessorAgs,
      validFrom: p.validFrom,
      validTo: p.validTo,
      fromDay: dayNumber(p.validFrom, OPEN_START),
      toDay: dayNumber(p.validTo, OPEN_END),
      // Regions are added first; an array found here grows with later versions of the key.
      versions: this.municipalitiesByAgs.get(p.ags),
    };
    push(this.postcodes, p.postcode, entry);
    push(this.postcodesByLocality, entry.localityKey, entry);
    push(this.postcodesByAgs, p.ags, entry);
    this.nearMissCities = undefined;
  }

  addStreet(s: StreetEntry): void {
    push(this.streets, `${s.postcode}:${s.streetKey}`, s);
    push(this.streetsInMunicipality, `${s.ags}:${s.streetKey}`, s);
    this.nearMissStreets = undefined;
  }

  /** Every municipality name, locality and alias, for near misses of a city (built once, lazily). */
  cityNames(): NameIndex {
    if (this.nearMissCities) return this.nearMissCities;
    const names = new NameIndex();
    for (const [key, entries] of this.municipalitiesByCity) {
      names.add(key);
      for (const m of entries) for (const alias of nameAliases(m.name, m.ags!)) names.add(key, alias);
    }
    for (const key of this.postcodesByLocality.keys()) names.add(key);
    return (this.nearMissCities = names);
  }

  /** The street keys of the directory under a postcode (`P:${postcode}`) or in a municipality (`M:${ags}`). */
  streetKeysIn(where: string): string[] {
    if (!this.nearMissStreets) {
      const m = new Map<string, string[]>();
      for (const k of this.streets.keys()) push(m, `P:${k.slice(0, 5)}`, k.slice(6));
      for (const k of this.streetsInMunicipality.keys()) {
        const i = k.indexOf(':');
        push(m, `M:${k.slice(0, i)}`, k.slice(i + 1));
      }
      this.nearMissStreets = m;
    }
    return this.nearMissStreets.get(where) ?? [];
  }

  addAuthority(a: AuthorityRow): void {
    this.authoritiesById.set(a.id, a);
    this.authoritiesByKey.set(a.key, a);
  }

  addRule(j: JurisdictionRow): void {
    let byArea = this.rules.get(j.taskCode);
    if (!byArea) this.rules.set(j.taskCode, (byArea = new Map()));
    push(byArea, j.areaKey, j);
    this.rulesOfMunicipality.delete(j.taskCode);
  }

  addSuccession(s: Succession): void {
    push(this.successions, s.oldAgs, s);
  }

  /** Every predecessor of the change finds it by its AGS. */
  addPlannedChange(c: PlannedChange): void {
    for (const p of c.predecessors) push(this.plannedChanges, p.ags, c);
  }

  /** Planned changes affecting the municipality that take effect on or before the date. */
  plannedFor(ags: string, at: string): PlannedChange[] {
    const list = this.plannedChanges.get(ags);
    return list ? list.filter((c) => c.effectiveDate <= at) : [];
  }

  /** The name of the municipality's last version that began before the date (a planned predecessor's name). */
  nameBefore(ags: string, date: string): string | null {
    let latest: RegionEntry | undefined;
    for (const v of this.municipalitiesByAgs.get(ags) ?? []) {
      if (v.validFrom !== null && v.validFrom >= date) continue;
      if (!latest || (v.validFrom ?? '') > (latest.validFrom ?? '')) latest = v;
    }
    return latest?.name ?? null;
  }

  addTenant(t: TenantFact): void {
    this.tenants.set(t.code, t);
  }

  addDataCenter(d: Omit<DataCenterFact, 'encryption'>): void {
    this.dataCenters.set(d.id, { ...d, encryption: [] });
  }

  /** After its data centre; a certificate of an unknown data centre is ignored. */
  addEncryptionCertificate(dataCenterId: number, c: CertificateFact): void {
    this.dataCenters.get(dataCenterId)?.encryption.push(c);
  }

  rulesFor(task: string, areaKey: string): JurisdictionRow[] {
    return this.rules.get(task)?.get(areaKey) ?? [];
  }

  /**
   * The task's rules along the municipality's area chain, most specific key first. Made on first use
   * and kept until a rule of the task is added (per municipality and task asked; a list of its own
   * only where two areas of the chain have rules): a lookup read five maps for it.
   */
  rulesAlong(task: string, m: RegionEntry): readonly JurisdictionRow[] {
    const byArea = this.rules.get(task);
    if (!byArea) return NO_RULES;
    let known = this.rulesOfMunicipality.get(task);
    if (!known) this.rulesOfMunicipality.set(task, (known = new Map()));
    let rows = known.get(m);
    if (!rows) {
      const parts: JurisdictionRow[][] = [];
      for (const key of m.areaKeys) {
        const r = byArea.get(key);
        if (r) parts.push(r);
      }
      // Most municipalities take their rules from one area: that area's own list, shared, not a copy.
      rows = parts.length === 0 ? NO_RULES : parts.length === 1 ? parts[0]! : parts.flat();
      known.set(m, rows);
    }
    return rows;
  }

  counts() {
    let rules = 0;
    for (const m of this.rules.values()) for (const l of m.values()) rules += l.length;
    return {
      municipalities: this.municipalitiesByArs.size,
      postcodes: this.postcodes.size,
      streets: this.streets.size,
      authorities: this.authoritiesById.size,
      rules,
    };
  }
}
