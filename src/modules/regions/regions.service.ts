// Read side of the Gebietsregister: lookups for a date, search and per-request batching.
import type { Db } from '../../db/client.js';
import type { RegionLevel } from '../../db/schema.js';
import { batchLoader } from '../../lib/batch.js';
import { foldName } from '../../lib/fold.js';
import { findRegionsAt, searchRegions, countRegions, type RegionRow } from './regions.repository.js';

/** A region version together with the date it was asked for, so nested fields answer for the same date. */
export interface RegionView {
  row: RegionRow;
  at: string;
}

export interface RegionLoaders {
  region(level: RegionLevel, ars: string, at: string): Promise<RegionView | null>;
}

export function regionLoaders(db: Db): RegionLoaders {
  const byDate = new Map<string, ReturnType<typeof makeRegionLoader>>();
  const makeRegionLoader = (at: string) =>
    batchLoader<{ level: RegionLevel; ars: string }, RegionRow>(
      async (keys) => {
        const rows = await findRegionsAt(db, keys, at);
        return new Map(rows.map((r) => [`${r.level}:${r.ars}`, r]));
      },
      (k) => `${k.level}:${k.ars}`,
    );
  return {
    async region(level, ars, at) {
      let load = byDate.get(at);
      if (!load) byDate.set(at, (load = makeRegionLoader(at)));
      const row = await load({ level, ars });
      return row ? { row, at } : null;
    },
  };
}

/** The parent one level up that exists: Kreis → Regierungsbezirk (if any) → Land. */
export async function parentOf(loaders: RegionLoaders, v: RegionView): Promise<RegionView | null> {
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

export async function search(db: Db, input: SearchInput) {
  const namePrefix = input.name ? foldName(input.name) : undefined;
  const filter = { level: input.level, parentArs: input.parentArs, namePrefix, at: input.at };
  const [rows, total] = await Promise.all([
    searchRegions(db, { ...filter, after: input.after, limit: input.first + 1 }),
    countRegions(db, filter),
  ]);
  return { rows: rows.slice(0, input.first), hasNextPage: rows.length > input.first, total };
}
