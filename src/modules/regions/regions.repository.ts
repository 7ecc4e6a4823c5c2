// Drizzle queries for the Gebietsregister: (db | tx, params) → rows.
import { and, asc, eq, gt, inArray, isNull, like, ne, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { regions, type RegionLevel } from '../../db/schema.js';
import { CHUNK, closeVersions, deleteVersions, insertRows, validAt } from '../../db/versioned.js';

export type RegionRow = typeof regions.$inferSelect;
export type NewRegionRow = typeof regions.$inferInsert;


export function currentRegions(db: Db): Promise<RegionRow[]> {
  return db.select().from(regions).where(isNull(regions.validTo));
}

export const insertRegions = (db: Db, rows: NewRegionRow[]) => insertRows(db, regions, rows);
export const closeRegions = (db: Db, ids: number[], validTo: string) => closeVersions(db, regions, ids, validTo);
export const deleteRegions = (db: Db, ids: number[]) => deleteVersions(db, regions, ids);

export interface StatisticsUpdate {
  id: number;
  areaHectares: number | null;
  population: number | null;
  populationMale: number | null;
  edition: string;
}

/** Statistics change every edition; they are updated on the current version in bulk, not versioned. */
export async function updateStatistics(db: Db, updates: StatisticsUpdate[]): Promise<void> {
  for (let i = 0; i < updates.length; i += CHUNK) {
    const batch = JSON.stringify(updates.slice(i, i + CHUNK));
    await db.execute(sql`
      update regions r set
        area_hectares = v."areaHectares", population = v.population,
        population_male = v."populationMale", edition = v.edition
      from jsonb_to_recordset(${batch}::jsonb)
        as v(id bigint, "areaHectares" bigint, population integer, "populationMale" integer, edition date)
      where r.id = v.id`);
  }
}

export async function updateRegion(db: Db, id: number, values: Partial<NewRegionRow>): Promise<void> {
  await db.update(regions).set(values).where(eq(regions.id, id));
}

export async function findMunicipalityAt(db: Db, ags: string, at: string): Promise<RegionRow | undefined> {
  const [row] = await db
    .select()
    .from(regions)
    .where(and(eq(regions.level, 'MUNICIPALITY'), eq(regions.ags, ags), validAt(regions, at)))
    .limit(1);
  return row;
}

export async function findRegionAt(db: Db, ars: string, at: string, level?: RegionLevel): Promise<RegionRow | undefined> {
  const [row] = await db
    .select()
    .from(regions)
    .where(and(eq(regions.ars, ars), level ? eq(regions.level, level) : undefined, validAt(regions, at)))
    .limit(1);
  return row;
}

export interface RegionSearch {
  level?: RegionLevel;
  /** only regions below this ARS, at any depth (ARS are hierarchical prefixes) */
  parentArs?: string;
  /** folded name prefix */
  namePrefix?: string;
  at: string;
  /** keyset: (nameKey, id) of the last row of the previous page */
  after?: { nameKey: string; id: number };
  limit: number;
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function below(ars: string): SQL {
  return and(like(regions.ars, `${ars}%`), ne(regions.ars, ars))!;
}

export async function searchRegions(db: Db, q: RegionSearch): Promise<RegionRow[]> {
  const where: (SQL | undefined)[] = [validAt(regions, q.at)];
  if (q.level) where.push(eq(regions.level, q.level));
  if (q.parentArs) where.push(below(q.parentArs));
  if (q.namePrefix) where.push(like(regions.nameKey, `${escapeLike(q.namePrefix)}%`));
  if (q.after) {
    where.push(
      or(gt(regions.nameKey, q.after.nameKey), and(eq(regions.nameKey, q.after.nameKey), gt(regions.id, q.after.id))),
    );
  }
  return db
    .select()
    .from(regions)
    .where(and(...where))
    .orderBy(asc(regions.nameKey), asc(regions.id))
    .limit(q.limit);
}

export async function countRegions(db: Db, q: Omit<RegionSearch, 'after' | 'limit'>): Promise<number> {
  const where: (SQL | undefined)[] = [validAt(regions, q.at)];
  if (q.level) where.push(eq(regions.level, q.level));
  if (q.parentArs) where.push(below(q.parentArs));
  if (q.namePrefix) where.push(like(regions.nameKey, `${escapeLike(q.namePrefix)}%`));
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(regions).where(and(...where));
  return Number(row?.n ?? 0);
}

export async function knownAgs(db: Db, ags: string[]): Promise<Set<string>> {
  const found = new Set<string>();
  const unique = [...new Set(ags)];
  for (let i = 0; i < unique.length; i += CHUNK) {
    const rows = await db
      .selectDistinct({ ags: regions.ags })
      .from(regions)
      .where(inArray(regions.ags, unique.slice(i, i + CHUNK)));
    for (const r of rows) if (r.ags) found.add(r.ags);
  }
  return found;
}
