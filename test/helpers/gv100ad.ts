// Building GV100AD records for tests: 220 characters, fields placed at their 1-based positions.
export function gvRecord(fields: [number, string][]): string {
  const chars = Array.from({ length: 220 }, () => ' ');
  for (const [pos, value] of fields) [...value].forEach((c, i) => (chars[pos - 1 + i] = c));
  return chars.join('');
}
