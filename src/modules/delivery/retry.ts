// When a failed hand-off is tried again. Each channel has a schedule: the delays after its 1st, 2nd,
// … failed attempt. Past the last step an electronic delivery goes to paper (when a print adapter
// runs) and a print delivery fails for good. Each delay varies by a small jitter (±10 %) so that
// deliveries that failed together (an endpoint's outage) do not all come back in the same second.
import type { DeliveryRow } from './deliveries.service.js';

export interface RetryPolicy {
  ELECTRONIC: readonly number[];
  PRINT: readonly number[];
  /** how far each delay may vary either way, as a fraction (default 0.1: ±10 %); 0: exactly the schedule */
  jitter?: number;
}

export const DEFAULT_JITTER = 0.1;

/**
 * The delay before the next attempt after `failures` failed attempts on a channel, with jitter;
 * undefined when the schedule has no further step.
 */
export function retryDelay(policy: RetryPolicy, channel: string, failures: number, random: () => number = Math.random): number | undefined {
  const schedule = channel === 'PRINT' ? policy.PRINT : policy.ELECTRONIC;
  const step = schedule[failures - 1];
  if (step === undefined) return undefined;
  const jitter = policy.jitter ?? DEFAULT_JITTER;
  return Math.round(step * (1 + jitter * (2 * random() - 1)));
}

/** Failed attempts on the delivery's present channel, this one included: after a re-routing, print counts afresh. */
export function failuresOnChannel(d: DeliveryRow, attempts: number): number {
  const reroutedAfter = (d.decision as { reroutedAfter?: number }).reroutedAfter;
  return d.channel === 'PRINT' && typeof reroutedAfter === 'number' ? attempts - reroutedAfter : attempts;
}

/** `attempts` in all, the delays doubling from `firstMs`, for both channels (tests and tools). */
export function exponentialRetry(attempts: number, firstMs: number, jitter?: number): RetryPolicy {
  const steps = Array.from({ length: Math.max(0, attempts - 1) }, (_, i) => firstMs * 2 ** i);
  return { ELECTRONIC: steps, PRINT: steps, jitter };
}
