// Time is a dependency: services ask the clock, tests move it.
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that stands still until moved; for tests and simulations. */
export class ManualClock implements Clock {
  private current: Date;
  constructor(start: Date | string) {
    this.current = new Date(start);
  }
  now(): Date {
    return new Date(this.current);
  }
  set(to: Date | string): void {
    this.current = new Date(to);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

const berlinDate = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/Berlin',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** The calendar date (YYYY-MM-DD) in Germany at the given instant: legal dates are German dates. */
export function germanDate(instant: Date): string {
  return berlinDate.format(instant);
}

let lastSecond = NaN;
let lastDate = '';

/** Today's German date; computed at most once per second of clock time (lookups ask for it constantly). */
export function today(clock: Clock): string {
  const second = Math.floor(clock.now().getTime() / 1000);
  if (second !== lastSecond) {
    lastDate = germanDate(new Date(second * 1000));
    lastSecond = second;
  }
  return lastDate;
}
