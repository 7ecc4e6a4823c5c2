// The chart's scale: whole-number "nice" ticks (steps of 1, 2, 5, 10, 20, 50 …) whose labels are
// exactly the values they stand at – counts are whole, so a label like "2.5" or a rounded "3" at 2.5
// would mislead.

/** At most this many steps between 0 and the top tick. */
const MAX_STEPS = 5;

/** Ticks from 0 up to the first tick at or above `max`, e.g. 3 → [0, 1, 2, 3], 7 → [0, 2, 4, 6, 8]. */
export function niceTicks(max: number): number[] {
  const m = Math.max(0, Math.ceil(Number.isFinite(max) ? max : 0));
  let step = 1;
  for (let p = 1; ; p *= 10) {
    const found = [1, 2, 5].map((f) => f * p).find((s) => Math.ceil(m / s) <= MAX_STEPS);
    if (found) {
      step = found;
      break;
    }
  }
  const steps = Math.max(1, Math.ceil(m / step));
  return Array.from({ length: steps + 1 }, (_, i) => i * step);
}
