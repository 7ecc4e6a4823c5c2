// Calendar dates as the API and the CLI accept them. isIsoDate remembers the last valid date (a bulk
// run asks for the same one per row); that memory must never let a non-date through.
import { describe, expect, it } from 'vitest';
import { isIsoDate } from '../src/lib/dates.js';

describe('isIsoDate', () => {
  it('refuses the empty text first and after a valid date (it once passed as the memo\'s initial value)', () => {
    expect(isIsoDate('')).toBe(false);
    expect(isIsoDate('2026-11-22')).toBe(true);
    expect(isIsoDate('')).toBe(false);
  });

  it('takes real days only, whatever it checked before', () => {
    for (const valid of ['2024-02-29', '0001-01-01', '9999-12-31', '2024-02-29']) expect(isIsoDate(valid)).toBe(true);
    for (const invalid of ['2023-02-29', '2026-02-30', '26-11-22', '20261122', '2026-11-22T00:00', ' 2026-11-22']) expect(isIsoDate(invalid)).toBe(false);
  });
});
