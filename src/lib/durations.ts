// Durations as operators write them in settings: "90s", "5m", "2h", "1d", and comma-separated
// lists of them (retry schedules). Strict: a whole number and one unit, nothing else.

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export interface DurationListRules {
  /** most characters, checked before anything is parsed */
  maxChars: number;
  maxItems: number;
  /** longest single duration */
  maxItemMs: number;
}

/** Parses "1m,5m,30m" into milliseconds; throws an Error naming the step and the rule it breaks. */
export function parseDurationList(text: string, rules: DurationListRules): number[] {
  if (text.length > rules.maxChars) throw new Error(`at most ${rules.maxChars} characters, got ${text.length}`);
  if (!text.trim()) throw new Error('must list at least one delay, e.g. 1m,5m,30m');
  const items = text.split(',').map((s) => s.trim());
  if (items.length > rules.maxItems) throw new Error(`at most ${rules.maxItems} steps, got ${items.length}`);
  return items.map((item, i) => {
    const step = `step ${i + 1} "${item}"`;
    const m = /^(\d{1,7})([smhd])$/.exec(item);
    if (!m) throw new Error(`${step} is not a duration: a whole number followed by s, m, h or d (e.g. 30m)`);
    const ms = Number(m[1]) * UNIT_MS[m[2]!]!;
    if (ms <= 0) throw new Error(`${step} must be longer than zero`);
    if (ms > rules.maxItemMs) throw new Error(`${step} is longer than ${formatDuration(rules.maxItemMs)}`);
    return ms;
  });
}

/** The largest unit that states the duration exactly: 90000 → "90s", 5400000 → "90m", 86400000 → "1d". */
export function formatDuration(ms: number): string {
  for (const unit of ['d', 'h', 'm', 's']) {
    const size = UNIT_MS[unit]!;
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

/** A schedule as it is written in the settings. */
export const formatDurationList = (list: readonly number[]): string => list.map(formatDuration).join(',');

/** A span for people: "44.6 h", "2.6 h", "100 s". */
export function formatSpan(ms: number): string {
  if (ms < 3_600_000) return `${Math.round(ms / 1000)} s`;
  return `${Number((ms / 3_600_000).toFixed(1))} h`;
}
