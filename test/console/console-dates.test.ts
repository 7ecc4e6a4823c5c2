// The console's day arithmetic: German days turned into the instants the API filters by (summer time
// included), and a certificate's expiry in words.
import { describe, expect, it } from 'vitest';
import { addDays, berlinMidnight, daysBetween } from '../../console/src/dates.js';
import { expiryText } from '../../console/src/text.js';

describe('console dates', () => {
  it('a German day begins at 23:00 UTC in winter and 22:00 UTC in summer, also on the days the clocks change', () => {
    expect(berlinMidnight('2026-11-30').toISOString()).toBe('2026-11-29T23:00:00.000Z');
    expect(berlinMidnight('2026-07-01').toISOString()).toBe('2026-06-30T22:00:00.000Z');
    expect(berlinMidnight('2026-03-29').toISOString()).toBe('2026-03-28T23:00:00.000Z'); // summer time from 02:00
    expect(berlinMidnight('2026-03-30').toISOString()).toBe('2026-03-29T22:00:00.000Z');
    expect(berlinMidnight('2026-10-25').toISOString()).toBe('2026-10-24T22:00:00.000Z'); // winter time from 03:00
    expect(berlinMidnight('2026-10-26').toISOString()).toBe('2026-10-25T23:00:00.000Z');
  });

  it('adds and counts calendar days across months and years', () => {
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(addDays('2026-11-30', -13)).toBe('2026-11-17');
    expect(daysBetween('2026-11-17', '2026-11-30')).toBe(13);
    expect(daysBetween('2026-03-28', '2026-03-30')).toBe(2);
  });

  it("words a certificate's expiry in whole days", () => {
    const now = Date.parse('2026-11-30T12:00:00Z');
    const at = (hours: number) => new Date(now + hours * 3_600_000).toISOString();
    expect(expiryText(at(12 * 24 + 1), now)).toBe('läuft in 12 Tagen ab');
    expect(expiryText(at(24 + 1), now)).toBe('läuft in 1 Tag ab');
    expect(expiryText(at(1), now)).toBe('läuft in weniger als einem Tag ab');
    expect(expiryText(at(-1), now)).toBe('vor weniger als einem Tag abgelaufen');
    expect(expiryText(at(-25), now)).toBe('seit 1 Tag abgelaufen');
    expect(expiryText(at(-3 * 24), now)).toBe('seit 3 Tagen abgelaufen');
  });
});
