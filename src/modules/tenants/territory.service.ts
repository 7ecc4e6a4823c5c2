// The database side of tenant territory: a tenant's areas, municipalities' ARS from the register,
// the check every authority and jurisdiction change of a TENANT_MANAGER passes, and what a tenant
// holds outside its areas (after ADMIN narrowed them or assigned it something from elsewhere).
import { and, asc, eq, gt, inArray, isNull, or } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { authorities, jurisdictions, regions, tenants } from '../../db/schema.js';
import { forbidden } from '../../lib/errors.js';
import type { Principal } from '../auth/principal.js';
import { AGS_LENGTH, describeAreas, inAreas, placeOfKey, placeOfScope, type Place } from './territory.js';

export async function tenantAreas(db: Db, code: string): Promise<string[]> {
  const [row] = await db.select({ areas: tenants.areas }).from(tenants).where(eq(tenants.code, code));
  return row?.areas ?? [];
}

/** Fills in the ARS of places known only by AGS: the current version's, else the newest one's. */
async function addArs(db: Db, places: Place[]): Promise<void> {
  const wanted = [...new Set(places.filter((p) => p.ags && !p.ars).map((p) => p.ags!))];
  if (!wanted.length) return;
  const rows = await db
    .select({ ags: regions.ags, ars: regions.ars, validTo: regions.validTo })
    .from(regions)
    .where(and(eq(regions.level, 'MUNICIPALITY'), inArray(regions.ags, wanted)));
  const best = new Map<string, { ars: string; validTo: string | null }>();
  for (const r of rows) {
    const seen = best.get(r.ags!);
    const newer = !seen || (seen.validTo !== null && (r.validTo === null || r.validTo > seen.validTo));
    if (newer) best.set(r.ags!, { ars: r.ars, validTo: r.validTo });
  }
  for (const p of places) if (p.ags && !p.ars) p.ars = best.get(p.ags)?.ars ?? null;
}

/**
 * A TENANT_MANAGER acts only inside its tenant's areas; ADMIN everywhere. `place` null means the
 * thing claims no place (an authority key with another prefix): nothing to check.
 */
export async function checkTerritory(db: Db, principal: Principal, place: Place | null, what: string): Promise<void> {
  if (principal.role === 'ADMIN' || !place) return;
  if (principal.role !== 'TENANT_MANAGER' || !principal.scope) throw forbidden(`Role ${principal.role} may not ${what}`);
  const areas = await tenantAreas(db, principal.scope);
  await addArs(db, [place]);
  if (inAreas(areas, place)) return;
  throw forbidden(
    `TENANT_MANAGER of tenant ${principal.scope} may not ${what}: ${place.what} lies outside the tenant's territory (${describeAreas(areas)})`,
  );
}

/** The areas among these that the register does not know (at any version). */
export async function unknownAreas(db: Db, areas: string[]): Promise<Set<string>> {
  const ags = areas.filter((a) => a.length === AGS_LENGTH);
  const ars = areas.filter((a) => a.length !== AGS_LENGTH);
  const found = new Set<string>();
  if (ags.length) {
    const rows = await db.selectDistinct({ k: regions.ags }).from(regions).where(and(eq(regions.level, 'MUNICIPALITY'), inArray(regions.ags, ags)));
    for (const r of rows) found.add(r.k!);
  }
  if (ars.length) {
    const rows = await db.selectDistinct({ k: regions.ars }).from(regions).where(inArray(regions.ars, ars));
    for (const r of rows) found.add(r.k);
  }
  return new Set(areas.filter((a) => !found.has(a)));
}

export const OUTSIDE_LIST_MAX = 100;

export interface OutsideTerritory {
  /** authorities of the tenant whose ags:/ars: key lies outside (the first OUTSIDE_LIST_MAX) */
  authorityKeys: string[];
  authorityCount: number;
  /** jurisdictions of its authorities, not ended by `today`, whose scope lies outside (the first OUTSIDE_LIST_MAX) */
  jurisdictionIds: number[];
  jurisdictionCount: number;
}

/** What the tenant holds outside `areas`: its managers can no longer change it, ADMIN can. */
export async function outsideTerritory(db: Db, tenantCode: string, areas: string[], today: string): Promise<OutsideTerritory> {
  const auths = await db.select({ key: authorities.key }).from(authorities).where(eq(authorities.tenantCode, tenantCode)).orderBy(asc(authorities.key));
  const rules = await db
    .select({ id: jurisdictions.id, level: jurisdictions.level, areaKey: jurisdictions.areaKey, streetName: jurisdictions.streetName })
    .from(jurisdictions)
    .innerJoin(authorities, eq(authorities.id, jurisdictions.authorityId))
    .where(and(eq(authorities.tenantCode, tenantCode), or(isNull(jurisdictions.validTo), gt(jurisdictions.validTo, today))))
    .orderBy(asc(jurisdictions.id));
  const keyPlaces = auths.map((a) => ({ key: a.key, place: placeOfKey(a.key) }));
  const rulePlaces = rules.map((r) => ({ id: r.id, place: placeOfScope(r) }));
  await addArs(db, [...keyPlaces.flatMap((k) => (k.place ? [k.place] : [])), ...rulePlaces.map((r) => r.place)]);
  const keys = keyPlaces.filter((k) => k.place && !inAreas(areas, k.place)).map((k) => k.key);
  const ids = rulePlaces.filter((r) => !inAreas(areas, r.place)).map((r) => r.id);
  return {
    authorityKeys: keys.slice(0, OUTSIDE_LIST_MAX),
    authorityCount: keys.length,
    jurisdictionIds: ids.slice(0, OUTSIDE_LIST_MAX),
    jurisdictionCount: ids.length,
  };
}
