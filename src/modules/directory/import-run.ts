// The skeleton every data import shares (GV100AD register, postcode mapping, streets): one
// transaction under an exclusive table lock; the importer computes and writes its diff; a run that
// changed anything leaves an import record, a bumped directory version and an audit entry. A dry run
// rolls everything back after the diff, so it reports what the import would do.
import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { Db } from '../../db/client.js';
import { registerImports } from '../../db/schema.js';
import type { Clock } from '../../lib/clock.js';
import { failpoint } from '../../lib/failpoint.js';
import { writeAudit, type Actor } from '../audit/audit.service.js';
import { bumpDirectoryVersion } from './version.js';

/** The file being imported and who imports it. */
export interface ImportFile {
  bytes: Uint8Array;
  fileName: string;
  dryRun?: boolean;
  actor: Actor;
}

/** What a run that changed something records (register_imports row and audit entry). */
export interface ImportRecord {
  kind: string;
  edition: string;
  summary: unknown;
  audit: {
    action: string;
    entityType: string;
    before?: unknown;
    /** the run adds fileName and sha256 */
    after: Record<string, unknown>;
  };
  /** crash tests stop here, after everything is written and before the commit */
  failpoint?: string;
}

export interface ImportOutcome<T> {
  result: T;
  /** null when nothing changed: no import record, no audit entry, no version bump */
  record: ImportRecord | null;
}

/** Thrown to roll back a dry run; never leaves runImport. */
class DryRunRollback extends Error {}

export async function runImport<T>(
  db: Db,
  clock: Clock,
  file: ImportFile,
  lock: PgTable,
  apply: (tx: Db) => Promise<ImportOutcome<T>>,
): Promise<T> {
  let result: T | undefined;
  try {
    await db.transaction(async (tx) => {
      // Serialise concurrent imports (two CLIs on one PostgreSQL).
      await tx.execute(sql`lock table ${lock} in exclusive mode`);
      const outcome = await apply(tx);
      result = outcome.result;
      if (outcome.record) await recordImport(tx, clock, file, outcome.record);
      if (file.dryRun) throw new DryRunRollback();
    });
  } catch (e) {
    if (!(e instanceof DryRunRollback)) throw e;
  }
  return result!;
}

async function recordImport(tx: Db, clock: Clock, file: ImportFile, record: ImportRecord): Promise<void> {
  const sha256 = createHash('sha256').update(file.bytes).digest('hex');
  await tx.insert(registerImports).values({
    kind: record.kind,
    edition: record.edition,
    fileName: file.fileName,
    sha256,
    importedAt: clock.now(),
    importedBy: file.actor.id,
    summary: record.summary,
  });
  await bumpDirectoryVersion(tx); // servers rebuild their in-memory index
  const { action, entityType, before, after } = record.audit;
  await writeAudit(tx, clock, file.actor, {
    action,
    entityType,
    entityId: record.edition,
    before: before ?? null,
    after: { fileName: file.fileName, sha256, ...after },
  });
  if (record.failpoint) await failpoint(record.failpoint);
}

/** A whole-file import ends what the file no longer lists on validFrom: rows that only start then are removed. */
export function endingOn<R extends { id: number; validFrom: string | null }>(gone: R[], validFrom: string) {
  return {
    deletes: gone.filter((g) => g.validFrom !== null && g.validFrom >= validFrom).map((g) => g.id),
    closes: gone.filter((g) => g.validFrom === null || g.validFrom < validFrom).map((g) => g.id),
  };
}
