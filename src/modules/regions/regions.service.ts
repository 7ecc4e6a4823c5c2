// Read side of the Gebietsregister: lookups for a date and search, from the in-memory register
// (the directory's snapshot of the database); the database answers only a cursor the register
// does not know.
import type { Db } from '../../db/client.js';
import type { RegionLevel } from '../../db/schema.js';
import { foldName } from '../../lib/fold.js';
import type { MaybePromise } from '../../lib/maybe-promise.js';
import type { Directory } from '../directory/directory.js';
import { NAME_START, validRows, type RegisterIndex } from '../directory/register-index.js';
import { searchRegions, countRegions, type RegionRow } from './regions.repository.js';

/** A region version together with the date it was asked for, so nested fields answer for the same date. */
export interface RegionView {
  row: RegionRow;
  at: string;
}

export interface RegionLoaders {
  region(level: RegionLevel, ars: string, at: string): MaybePromise<RegionView | null>;
}

/** Regions by level and ARS from the directory's register (at once when it is loaded). */
export function regionLoaders(directory: Pick<Directory, 'use'>): RegionLoaders {
  return {
    region: (level, ars, at) =>
      directory.use((ix) => {
        const row = ix.register.region(ars, at, level);
        return row ? { row, at } : null;
      }),
  };
}

/** The parent one level up that exists: Kreis → Regierungsbezirk (if any) → Land. */
export function parentOf(loaders: RegionLoaders, v: RegionView): MaybePromise<RegionView | null> {
  const { row, at } = v;
  if (!row.parentArs) return null;
  const level: RegionLevel | undefined = (
    {
      2: 'STATE',
      3: 'GOVERNMENT_DISTRICT',
      5: 'DISTRICT',
      9: 'ASSOCIATION',
    } as Record<number, RegionLevel>
  )[row.parentArs.length];
  return level ? loaders.region(level, row.parentArs, at) : null;
}

export interface SearchInput {
  level?: RegionLevel;
  parentArs?: string;
  name?: string;
  at: string;
  first: number;
  after?: { nameKey: string; id: number };
}

export interface SearchResult {
  rows: RegionRow[];
  hasNextPage: boolean;
  total: number;
}

/** From memory; a cursor naming a region the register no longer holds is answered by the database. */
export function search(register: RegisterIndex, db: Db, input: SearchInput): MaybePromise<SearchResult> {
  return searchRegister(register, input) ?? searchDatabase(db, input);
}

/** The same search in the database: the reference the register is tested against. */
export async function searchDatabase(db: Db, input: SearchInput): Promise<SearchResult> {
  const namePrefix = input.name ? foldName(input.name) : undefined;
  const filter = { level: input.level, parentArs: input.parentArs, namePrefix, at: input.at };
  const [rows, total] = await Promise.all([
    searchRegions(db, { ...filter, after: input.after, limit: input.first + 1 }),
    countRegions(db, filter),
  ]);
  return { rows: rows.slice(0, input.first), hasNextPage: rows.length > input.first, total };
}

/**
 * One pass over the narrowest list (below the parent at the level, else by the name's first three characters, else
 * the level, else all), each in the database's (name_key, id) order: counts every match and keeps
 * first + 1 after the cursor.
 * Undefined when the cursor's region is not in the register (removed since the page was served).
 */
export function searchRegister(register: RegisterIndex, input: SearchInput): SearchResult | undefined {
  let from = -1;
  if (input.after) {
    const at = register.position.get(input.after.id);
    if (at === undefined || register.regions[at]!.nameKey !== input.after.nameKey) return undefined;
    from = at;
  }
  const prefix = input.name ? foldName(input.name) : undefined;
  const candidates = input.parentArs
    ? ((input.level ? register.belowAtLevel.get(input.level)?.get(input.parentArs) : register.below.get(input.parentArs)) ?? [])
    : prefix
      ? (register.byNameStart.get(prefix.slice(0, NAME_START)) ?? [])
      : input.level
        ? (register.byLevel.get(input.level) ?? [])
        : register.regions;
  const valid = validRows(candidates, input.at);
  // Without a name every list above holds only the level asked: the first page needs no scan.
  if (!prefix && from < 0) return { rows: valid.slice(0, input.first), hasNextPage: valid.length > input.first, total: valid.length };
  const rows: RegionRow[] = [];
  let total = 0;
  for (const r of valid) {
    if (input.level && r.level !== input.level) continue;
    if (prefix !== undefined && !r.nameKey.startsWith(prefix)) continue;
    total++;
    if (rows.length <= input.first && (from < 0 || register.position.get(r.id)! > from)) rows.push(r);
  }
  return { rows: rows.slice(0, input.first), hasNextPage: rows.length > input.first, total };
}
