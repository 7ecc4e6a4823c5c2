// Edit distance for near-miss names. Our own small function rather than a library: the typos people
// make include swapped letters, which must count as one edit (optimal string alignment, a restricted
// Damerau-Levenshtein), and the work must stop as soon as the bound is exceeded. fastest-levenshtein
// (checked on npm, 1.0.16) counts a swap as two edits and has no bound.

/**
 * Optimal-string-alignment distance between a and b, or max + 1 once it is certain to exceed max.
 * O(|a|·|b|) at worst, and the callers keep both short (bounded names, length-filtered candidates).
 */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  if (a === b) return 0;
  const n = b.length;
  let prev2 = new Array<number>(n + 1).fill(0);
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  let cur = new Array<number>(n + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = i;
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, prev2[j - 2]! + 1);
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return Math.min(prev[n]!, max + 1);
}

/** The letter trigrams of a key, with its start and end marked ("^ab", …, "yz$"). */
export function trigrams(key: string): string[] {
  const s = `^${key}$`;
  const out = new Set<string>();
  for (let i = 0; i + 3 <= s.length; i++) out.add(s.slice(i, i + 3));
  return [...out];
}
