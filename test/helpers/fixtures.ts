// Helpers shared by the integration tests.
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../src/db/client.js';
import { ManualClock } from '../../src/lib/clock.js';

export const testActor = { id: 'test:runner' };
export const clock = () => new ManualClock('2026-11-22T10:00:00Z');

/** A fingerprint of everything the register holds, to prove that a failed import changed nothing. */
export async function registerFingerprint(db: Db): Promise<string> {
  const [row] = await queryRows<{ fp: string }>(
    db,
    sql`select
      (select count(*) from regions)::text || '/' ||
      coalesce((select md5(string_agg(id::text || ':' || coalesce(valid_from::text, '-') || ':' || coalesce(valid_to::text, '-') || ':' || name || ':' || coalesce(population::text, '-'), ',' order by id)) from regions), '') || '/' ||
      (select count(*) from postal_codes)::text || '/' ||
      coalesce((select md5(string_agg(id::text || ':' || coalesce(valid_to::text, '-') || ':' || locality, ',' order by id)) from postal_codes), '') || '/' ||
      (select count(*) from audit_log)::text || '/' || (select count(*) from register_imports)::text as fp`,
  );
  return row!.fp;
}
