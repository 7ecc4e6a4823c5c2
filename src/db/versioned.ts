// Helpers for versioned tables (id, valid_from, valid_to): validity on a date and bulk writes in chunks.
import { and, gt, inArray, isNull, lte, or, type SQL } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Db } from './client.js';

type Versioned = PgTable & { id: PgColumn; validFrom: PgColumn; validTo: PgColumn };

/** Statement parameters stay well under PostgreSQL's 65,535 per statement. */
export const CHUNK = 1000;

/** Half-open validity [valid_from, valid_to) containing the date; NULL bounds are open. */
export function validAt(t: { validFrom: PgColumn; validTo: PgColumn }, at: string): SQL {
  return and(or(isNull(t.validFrom), lte(t.validFrom, at)), or(isNull(t.validTo), gt(t.validTo, at)))!;
}

export async function insertRows<T extends PgTable>(db: Db, table: T, rows: T['$inferInsert'][]): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) await db.insert(table).values(rows.slice(i, i + CHUNK));
}

export async function closeVersions(db: Db, table: Versioned, ids: number[], validTo: string): Promise<void> {
  for (let i = 0; i < ids.length; i += CHUNK) {
    await db.update(table).set({ validTo } as never).where(inArray(table.id, ids.slice(i, i + CHUNK)));
  }
}

export async function deleteVersions(db: Db, table: Versioned, ids: number[]): Promise<void> {
  for (let i = 0; i < ids.length; i += CHUNK) await db.delete(table).where(inArray(table.id, ids.slice(i, i + CHUNK)));
}
