// Drizzle queries for postcode ↔ municipality rows.
import { and, asc, eq, gt, inArray, isNull, lte, or, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { postalCodes } from '../../db/schema.js';

export type PostalCodeRow = typeof postalCodes.$inferSelect;
export type NewPostalCodeRow = typeof postalCodes.$inferInsert;

const CHUNK = 1000;

export function postcodeValidAt(at: string): SQL {
  return and(
    or(isNull(postalCodes.validFrom), lte(postalCodes.validFrom, at)),
    or(isNull(postalCodes.validTo), gt(postalCodes.validTo, at)),
  )!;
}

export function currentPostalCodes(db: Db): Promise<PostalCodeRow[]> {
  return db.select().from(postalCodes).where(isNull(postalCodes.validTo));
}

export async function insertPostalCodes(db: Db, rows: NewPostalCodeRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) await db.insert(postalCodes).values(rows.slice(i, i + CHUNK));
}

export async function closePostalCodes(db: Db, ids: number[], validTo: string): Promise<void> {
  for (let i = 0; i < ids.length; i += CHUNK) {
    await db.update(postalCodes).set({ validTo }).where(inArray(postalCodes.id, ids.slice(i, i + CHUNK)));
  }
}

export async function deletePostalCodes(db: Db, ids: number[]): Promise<void> {
  for (let i = 0; i < ids.length; i += CHUNK) await db.delete(postalCodes).where(inArray(postalCodes.id, ids.slice(i, i + CHUNK)));
}

export async function updatePostalCode(db: Db, id: number, values: Partial<NewPostalCodeRow>): Promise<void> {
  await db.update(postalCodes).set(values).where(eq(postalCodes.id, id));
}

export function postcodesOfMunicipalities(db: Db, ags: string[], at: string): Promise<PostalCodeRow[]> {
  if (!ags.length) return Promise.resolve([]);
  return db
    .select()
    .from(postalCodes)
    .where(and(inArray(postalCodes.ags, ags), postcodeValidAt(at)))
    .orderBy(asc(postalCodes.postcode), asc(postalCodes.locality));
}

export function areasOfPostcode(db: Db, postcode: string, at: string): Promise<PostalCodeRow[]> {
  return db
    .select()
    .from(postalCodes)
    .where(and(eq(postalCodes.postcode, postcode), postcodeValidAt(at)))
    .orderBy(asc(postalCodes.ags));
}
