// What a dispatcher hands a delivery to: one adapter per channel (ELECTRONIC, PRINT).
import type { DeliveryRow } from './deliveries.service.js';
import type { Receipt } from './receipt.js';

/** A hand-off the receiver confirmed with a verified receipt: the delivery becomes DELIVERED. */
export interface Delivered {
  detail: string;
  receipt: Receipt;
}

export interface Adapter {
  /**
   * Returns the attempt's detail (or the detail and a verified receipt); throws on failure, the
   * message becoming the detail. The signal aborts when the hand-off's time budget runs out: an
   * adapter stops its work then (terminates its worker).
   */
  handOff(delivery: DeliveryRow, signal?: AbortSignal): Promise<string | Delivered>;
}

/** The adapters a dispatcher runs, by channel; without PRINT nothing is re-routed to print. */
export type Adapters = Record<string, Adapter>;

/**
 * The hand-off itself broke down (its worker crashed, or it ran over its time budget), as opposed
 * to a receiver refusing it. Such failures in a row put a delivery in quarantine (FAILED): the
 * message is likely poison, and retrying it for ever would take a worker each time.
 */
export class HandOffCrash extends Error {
  override name = 'HandOffCrash';
}

export class HandOffTimeout extends HandOffCrash {
  override name = 'HandOffTimeout';
  constructor(budgetMs: number) {
    super(`the hand-off took longer than ${budgetMs} ms and was aborted`);
  }
}
