// Drizzle queries for postcode ↔ municipality rows.
import { and, asc, eq, inArray, isNull, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { postalCodes } from '../../db/schema.js';
import { closeVersions, deleteVersions, insertRows, validAt } from '../../db/versioned.js';

export type PostalCodeRow = typeof postalCodes.$inferSelect;
export type NewPostalCodeRow = typeof postalCodes.$inferInsert;

export function postcodeValidAt(at: string): SQL {
  return validAt(postalCodes, at);
}

export function currentPostalCodes(db: Db): Promise<PostalCodeRow[]> {
  return db.select().from(postalCodes).where(isNull(postalCodes.validTo));
}

export const insertPostalCodes = (db: Db, rows: NewPostalCodeRow[]) => insertRows(db, postalCodes, rows);
export const closePostalCodes = (db: Db, ids: number[], validTo: string) => closeVersions(db, postalCodes, ids, validTo);
export const deletePostalCodes = (db: Db, ids: number[]) => deleteVersions(db, postalCodes, ids);

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
