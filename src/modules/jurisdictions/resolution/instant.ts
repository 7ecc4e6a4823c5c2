// A lookup is dated by a German calendar day; the delivery decision needs an instant.
import { germanDate } from '../../../lib/clock.js';

const HOUR = 3_600_000;

/** 00:00 in Germany on the date (YYYY-MM-DD): 23:00 or 22:00 UTC the day before. */
export function germanDayStart(date: string): Date {
  const utcMidnight = Date.parse(`${date}T00:00:00Z`);
  for (const hours of [1, 2]) {
    const t = utcMidnight - hours * HOUR;
    if (germanDate(new Date(t)) === date && germanDate(new Date(t - 1)) !== date) return new Date(t);
  }
  return new Date(utcMidnight);
}
