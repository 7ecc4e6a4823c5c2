// Runs dispatch passes on an interval until the outbox is empty; stops cleanly (finishes the pass).
import type { Db } from '../../db/client.js';
import type { Clock } from '../../lib/clock.js';
import { loggableError, type Logger } from '../../lib/logger.js';
import { dispatchOnce, type Adapter, type DispatcherSettings } from './dispatch.service.js';
import { sendWebhooksOnce } from './webhooks.js';

export function startDispatcher(db: Db, clock: Clock, adapters: Record<string, Adapter>, settings: DispatcherSettings, intervalMs: number, log: Logger) {
  let stopped = false;
  let running: Promise<void> | undefined;
  const pass = async () => {
    while (!stopped && (await dispatchOnce(db, clock, adapters, settings)) > 0);
    while (!stopped && (await sendWebhooksOnce(db, clock)) > 0);
  };
  const timer = setInterval(() => {
    if (running) return;
    running = pass()
      .catch((err: unknown) => log.error({ err: loggableError(err) }, 'dispatch pass failed'))
      .finally(() => (running = undefined));
  }, intervalMs);
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
