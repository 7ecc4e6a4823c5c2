// What a dispatcher hands a delivery to: one adapter per channel (ELECTRONIC, PRINT).
import type { DeliveryRow } from './deliveries.service.js';

export interface Adapter {
  /** throws on failure; the message becomes the attempt's detail */
  handOff(delivery: DeliveryRow): Promise<string>;
}

/** The adapters a dispatcher runs, by channel; without PRINT nothing is re-routed to print. */
export type Adapters = Record<string, Adapter>;
