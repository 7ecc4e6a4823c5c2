// Reading side: a municipality key's history (versions and successions both ways), upcoming
// changes, and the change feed over regions, jurisdictions and authorities.
import { and, asc, eq, gte, lte, or, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { directoryChanges, keySuccessions, regions, structuralChanges } from '../../db/schema.js';
import { germanDate, type Clock } from '../../lib/clock.js';
import { successionsQuery } from '../directory/load-index.js';
import { badInput } from '../../lib/errors.js';

export type MunicipalityHistoryValue = Awaited<ReturnType<typeof municipalityHistory>>;

export async function municipalityHistory(db: Db, ags: string) {
  if (!/^\d{8}$/.test(ags)) throw badInput('ags', `"${ags}" is not an AGS: expected 8 digits`);
  const versions = await db
    .select()
    .from(regions)
    .where(and(eq(regions.level, 'MUNICIPALITY'), eq(regions.ags, ags)))
    .orderBy(sql`${regions.validFrom} asc nulls first`);
  const successions = await successionsQuery(db)
    .where(or(eq(keySuccessions.oldAgs, ags), eq(keySuccessions.newAgs, ags)))
    .orderBy(asc(keySuccessions.effectiveDate), asc(keySuccessions.id));
  const changes = await db
    .select()
    .from(structuralChanges)
    .where(
      and(
        sql`${structuralChanges.status} in ('PLANNED', 'APPLIED')`,
        or(sql`${ags} = any(${structuralChanges.predecessors})`, sql`${structuralChanges.successors} @> ${JSON.stringify([{ ags }])}::jsonb`),
      ),
    )
    .orderBy(asc(structuralChanges.effectiveDate), asc(structuralChanges.id));
  return {
    ags,
    versions,
    successors: successions.filter((s) => s.oldAgs === ags),
    predecessors: successions.filter((s) => s.newAgs === ags),
    changes,
  };
}

/** PLANNED changes effective from today to `days` days ahead (German dates). */
export async function upcomingChanges(db: Db, clock: Clock, days: number) {
  if (!Number.isInteger(days) || days < 0 || days > 3660) throw badInput('days', `must be between 0 and 3660, got ${days}`);
  const today = germanDate(clock.now());
  const until = germanDate(new Date(clock.now().getTime() + days * 86_400_000));
  return db
    .select()
    .from(structuralChanges)
    .where(and(eq(structuralChanges.status, 'PLANNED'), gte(structuralChanges.effectiveDate, today), lte(structuralChanges.effectiveDate, until)))
    .orderBy(asc(structuralChanges.effectiveDate), asc(structuralChanges.id));
}

export type FeedRow = typeof directoryChanges.$inferSelect;

/** Feed entries after a (version, seq) position, in commit order. */
export async function feedAfter(db: Db, after: [number, number] | null, limit: number): Promise<FeedRow[]> {
  return db
    .select()
    .from(directoryChanges)
    .where(after ? sql`(${directoryChanges.version}, ${directoryChanges.seq}) > (${after[0]}, ${after[1]})` : undefined)
    .orderBy(asc(directoryChanges.version), asc(directoryChanges.seq))
    .limit(limit);
}
