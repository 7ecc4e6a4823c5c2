// Scheduled jobs as small objects (id, schedule, execute), run by node-cron in Europe/Berlin time.
// Each job guards itself with an advisory lock where several instances might run it.
import { schedule, type ScheduledTask } from 'node-cron';
import { jobRuns } from '../http/metrics.js';
import type { Logger } from '../lib/logger.js';

export interface Job {
  id: string;
  /** cron expression, Europe/Berlin */
  schedule: string;
  /** also run once at start-up (catch up on what fell due while the server was down) */
  runAtStart?: boolean;
  execute(): Promise<unknown>;
}

export function startJobs(jobs: Job[], log: Logger): { stop(): Promise<void> } {
  const running = new Set<Promise<unknown>>();
  const run = (job: Job) => {
    const p = job
      .execute()
      .then((result) => {
        jobRuns.inc({ job: job.id, outcome: 'ok' });
        log.info({ job: job.id, result }, 'job done');
      })
      .catch((err: unknown) => {
        jobRuns.inc({ job: job.id, outcome: 'error' });
        log.error({ job: job.id, err }, 'job failed');
      })
      .finally(() => running.delete(p));
    running.add(p);
  };
  const tasks: ScheduledTask[] = jobs.map((job) => schedule(job.schedule, () => run(job), { timezone: 'Europe/Berlin', noOverlap: true, name: job.id }));
  for (const job of jobs) if (job.runAtStart) run(job);
  return {
    async stop() {
      for (const t of tasks) await t.stop();
      await Promise.allSettled([...running]);
    },
  };
}
