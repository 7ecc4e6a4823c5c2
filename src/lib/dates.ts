// Calendar dates as the API speaks them: YYYY-MM-DD, a real day.

/** the last date found valid (none yet: '' is not a date) */
let lastValid: string | undefined;

export function isIsoDate(s: string): boolean {
  // A bulk run gives every row the same date: checked once (a regex, a Date and toISOString per row).
  if (s === lastValid) return true;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  const valid = !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
  if (valid) lastValid = s;
  return valid;
}
