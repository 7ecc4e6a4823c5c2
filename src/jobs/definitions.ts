// Job definitions: certificate transitions and expiry warnings, delivery retention.
import type { Database } from '../db/client.js';
import type { Clock } from '../lib/clock.js';
import { germanDate } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import { expiryReport, runTransitions } from '../modules/certificates/certificates.service.js';
import type { Job } from './scheduler.js';
import { enforceRetention, type RetentionSettings } from '../modules/delivery/retention.js';
import type { Directory } from '../modules/directory/directory.js';
import { applyDueStructuralChanges } from '../modules/structural/apply.js';

export function certificateTransitionsJob(database: Database, clock: Clock, overlapMs: number): Job {
  return {
    id: 'certificate-transitions',
    schedule: '*/5 * * * *',
    runAtStart: true,
    execute: () => runTransitions(database.db, clock.now(), overlapMs),
  };
}

/** Logs each warning once per (German) day per process; the report itself is also a GraphQL query. */
export function certificateExpiryJob(database: Database, clock: Clock, overlapMs: number, log: Logger, days = 30): Job {
  const logged = new Set<string>();
  return {
    id: 'certificate-expiry',
    schedule: '10 6 * * *',
    runAtStart: true,
    async execute() {
      const now = clock.now();
      const day = germanDate(now);
      const report = await expiryReport(database.db, now, days, overlapMs);
      let count = 0;
      for (const c of report.expiring) {
        const key = `${day}:${c.thumbprintSha256}`;
        if (logged.has(key)) continue;
        logged.add(key);
        count++;
        log.warn({ thumbprint: c.thumbprintSha256, notAfter: c.notAfter, usage: c.usage }, `certificate expires within ${days} days`);
      }
      for (const w of report.dataCentersWithoutEncryption) {
        const key = `${day}:${w.message}`;
        if (logged.has(key)) continue;
        logged.add(key);
        count++;
        log.warn({ dataCenter: w.dataCenterCode }, w.message);
      }
      return { warnings: count };
    },
  };
}

/** Deletes payloads and old delivery metadata (advisory lock inside), daily at 02:30 Europe/Berlin. */
export function retentionJob(database: Database, clock: Clock, settings: RetentionSettings): Job {
  return {
    id: 'delivery-retention',
    schedule: '30 2 * * *',
    runAtStart: true,
    execute: () => enforceRetention(database.db, clock.now(), settings),
  };
}

/**
 * Applies structural changes that are due, daily at 00:05 Europe/Berlin (changes take effect at the
 * start of the German day) and at start-up, which catches up on anything due while the server was
 * down. One instance applies (advisory lock); the others see the result through the directory.
 */
export function structuralChangesJob(database: Database, clock: Clock, directory: Directory): Job {
  return {
    id: 'structural-changes',
    schedule: '5 0 * * *',
    runAtStart: true,
    async execute() {
      const run = await applyDueStructuralChanges(database.db, clock, germanDate(clock.now()), { id: 'job:structural-changes' });
      if (run.applied.length) await directory.reload();
      return { ran: run.ran, applied: run.applied.map((r) => r.changeId) };
    },
  };
}
