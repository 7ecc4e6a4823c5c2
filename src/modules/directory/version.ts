// The directory version: one number bumped by every transaction that changes what lookups see.
// Other instances hear the NOTIFY and reload; the version also names the change feed's cursor.
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { appMeta } from '../../db/schema.js';
import type { ServiceContext } from './context.js';

export const DIRECTORY_VERSION_KEY = 'directory_version';

export async function directoryVersion(db: Db): Promise<number> {
  const [row] = await db.select({ value: appMeta.value }).from(appMeta).where(eq(appMeta.key, DIRECTORY_VERSION_KEY));
  return Number(row?.value ?? 0);
}

/** Called inside every transaction that changes the directory; other instances hear the NOTIFY. */
export async function bumpDirectoryVersion(tx: Db): Promise<void> {
  await tx.execute(sql`
    insert into app_meta (key, value, updated_at) values (${DIRECTORY_VERSION_KEY}, '1'::jsonb, now())
    on conflict (key) do update set value = to_jsonb((app_meta.value #>> '{}')::bigint + 1), updated_at = now()`);
  await tx.execute(sql`select pg_notify('directory_changed', '')`);
}

/**
 * Runs a directory change in one transaction (a savepoint inside a batch), then waits for the index
 * to include it, so the caller's next lookup sees it. The change is committed either way: should the
 * reload fail, the directory's periodic version check rebuilds the index, and the mutation still
 * reports success.
 */
export async function directoryChange<T>(ctx: Pick<ServiceContext, 'db' | 'directory' | 'batched'>, fn: (tx: Db) => Promise<T>): Promise<T> {
  const out = await ctx.db.transaction(async (tx) => {
    const r = await fn(tx);
    if (!ctx.batched) await bumpDirectoryVersion(tx);
    return r;
  });
  if (!ctx.batched) await ctx.directory.reload().catch(() => undefined);
  return out;
}

/**
 * After a committed change to tenants, data centres or encryption certificates (their triggers bump
 * the version and notify other instances): waits until this instance's index includes it, so the
 * caller's next route or lookup decides with it. A failed reload is left to the periodic check.
 */
export async function awaitDirectory(ctx: Pick<ServiceContext, 'directory'>): Promise<void> {
  await ctx.directory.reload().catch(() => undefined);
}
