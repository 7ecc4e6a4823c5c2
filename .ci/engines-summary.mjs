// Reads vitest's JSON report and shows that the suite ran on both engines; fails if one ran nothing.
import fs from 'node:fs';

const report = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const count = { pglite: { passed: 0, failed: 0 }, postgres: { passed: 0, failed: 0 } };
let passed = 0, failed = 0, skipped = 0;
for (const file of report.testResults ?? []) {
  for (const t of file.assertionResults ?? []) {
    const name = [...(t.ancestorTitles ?? []), t.title].join(' ');
    const s = t.status === 'passed' ? 'passed' : t.status === 'failed' ? 'failed' : 'skipped';
    if (s === 'passed') passed++; else if (s === 'failed') failed++; else skipped++;
    for (const engine of Object.keys(count)) {
      if (name.includes(`[${engine}]`) && s !== 'skipped') count[engine][s]++;
    }
  }
}
for (const [engine, c] of Object.entries(count)) console.log(`engine ${engine}: ${c.passed} passed, ${c.failed} failed`);
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
if (count.pglite.passed === 0 || count.postgres.passed === 0) {
  console.error('engines-summary: the suite must run on both PGlite and PostgreSQL');
  process.exit(1);
}
