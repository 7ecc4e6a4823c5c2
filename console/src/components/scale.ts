// The chart's scale: whole-number "nice" ticks (steps of 1, 2, 5, 10, 20, 50 …) whose labels are
// exactly the values they stand at – counts are whole, so a label like "2.5" or a rounded "3" at 2.5
// would mislead.

/** At most this many steps between 0 and the top tick. */
const MAX_STEPS = 5;

/** The smallest of 1, 2, 5, 10, 20, 50 … that reaches `max` in at most MAX_STEPS steps. */
function stepFor(max: number): number {
  for (let p = 1; ; p *= 10) {
    for (const f of [1, 2, 5]) if (Math.ceil(max / (f * p)) <= MAX_STEPS) return f * p;
  }
}

/** Ticks from 0 up to the first tick at or above `max`, e.g. 3 → [0, 1, 2, 3], 7 → [0, 2, 4, 6, 8]. */
export function niceTicks(max: number): number[] {
  const m = Number.isFinite(max) ? Math.max(0, Math.ceil(max)) : 0;
  const step = stepFor(m);
  const steps = Math.max(1, Math.ceil(m / step));
  return Array.from({ length: steps + 1 }, (_, i) => i * step);
}
