// The certificate jobs, called directly (not through the scheduler), and their lock across instances.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import postgres from 'postgres';
import { openPostgres, type Database } from '../src/db/client.js';
import { dataCenters } from '../src/db/schema.js';
import { certificateExpiryJob, certificateTransitionsJob } from '../src/jobs/definitions.js';
import { runTransitions } from '../src/modules/certificates/certificates.service.js';
import type { Logger } from '../src/lib/logger.js';
import { engines, forEachEngine } from './helpers/engines.js';
import { clock } from './helpers/fixtures.js';

function fakeLogger() {
  const warnings: string[] = [];
  const log = { warn: (_o: unknown, msg: string) => warnings.push(msg), info: () => {}, error: () => {} } as unknown as Logger;
  return { log, warnings };
}

forEachEngine('certificate jobs', (engine) => {
  let database: Database;
  beforeAll(async () => {
    database = await engine.open();
    await database.db.insert(dataCenters).values({ code: 'krz', name: 'KRZ' });
  });
  afterAll(async () => database?.close());

  it('the expiry job logs each warning once per day', async () => {
    const c = clock();
    const { log, warnings } = fakeLogger();
    const job = certificateExpiryJob(database, c, 14 * 86_400_000, log);
    expect(job.runAtStart).toBe(true);
    expect(await job.execute()).toEqual({ warnings: 1 });
    expect(warnings).toEqual(['krz has no active encryption certificate']);
    expect(await job.execute()).toEqual({ warnings: 0 });
    c.advance(86_400_000);
    expect(await job.execute()).toEqual({ warnings: 1 });
  });

  it('the transition job runs at start and every five minutes', async () => {
    const job = certificateTransitionsJob(database, clock(), 0);
    expect(job).toMatchObject({ id: 'certificate-transitions', schedule: '*/5 * * * *', runAtStart: true });
    expect(await job.execute()).toEqual({ ran: true, changed: [] });
  });
});

const pg = engines().find((e) => e.name === 'postgres');
describe.skipIf(!pg)('one instance at a time [postgres]', () => {
  it('a second instance skips the transition run while the first holds the advisory lock', async () => {
    const fresh = await pg!.url!();
    const b = await openPostgres(fresh.url, 2);
    const holder = postgres(fresh.url, { max: 1, onnotice: () => {} });
    try {
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      let locked!: () => void;
      const isLocked = new Promise<void>((r) => (locked = r));
      const first = holder.begin(async (tx) => {
        await tx`select pg_advisory_xact_lock(727101)`;
        locked();
        await held;
      });
      await isLocked;
      expect(await runTransitions(b.db, new Date(), 0)).toEqual({ ran: false, changed: [] });
      release();
      await first;
      expect((await runTransitions(b.db, new Date(), 0)).ran).toBe(true);
    } finally {
      await holder.end();
      await b.close();
      await fresh.drop();
    }
  });
});
