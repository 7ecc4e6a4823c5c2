// coverage: the municipalities without a responsible authority for a task on a date.
import fs from 'node:fs';
import { systemClock, today } from '../../lib/clock.js';
import { CommandFailure } from '../../lib/errors.js';
import { computeCoverage, coverageQueryError, type CoverageReport, type UncoveredMunicipality } from '../../modules/coverage/coverage.js';
import { coverageCsv } from '../../modules/coverage/coverage-csv.js';
import { Directory } from '../../modules/directory/directory.js';
import { DEFAULT_TASK } from '../../modules/jurisdictions/lookup.js';
import type { Command } from '../commands.js';

/** Uncovered municipalities listed on the terminal at most; --out or --json give all. */
const LISTED = 50;

function jsonOf(r: CoverageReport) {
  const gap = (g: UncoveredMunicipality) => ({ ...g, candidates: g.candidates.map((a) => a.key) });
  const { gaps, ...rest } = r;
  return { ...rest, uncoveredMunicipalities: gaps.map(gap) };
}

function report(r: CoverageReport, listAll: boolean, say: (line: string) => void): void {
  const where = r.district ? ` in Kreis ${r.district}` : '';
  const partial = r.partiallyCovered ? ` (${r.partiallyCovered} of them partially, by street rules)` : '';
  say(`Coverage of ${r.task} on ${r.at}${where}: ${r.municipalities} municipalities, ${r.covered} covered, ${r.uncovered} uncovered${partial}`);
  const withGaps = r.districts.filter((d) => d.uncovered > 0);
  if (withGaps.length) say(`Kreise with uncovered municipalities (${withGaps.length} of ${r.districts.length}):`);
  for (const d of withGaps) say(`  ${d.ars} ${d.name ?? '(not in the register)'}: ${d.uncovered} of ${d.municipalities} uncovered`);
  if (!r.gaps.length || listAll) return;
  say('Uncovered municipalities:');
  for (const g of r.gaps.slice(0, LISTED)) {
    const why = g.gap === 'AMBIGUOUS' ? `AMBIGUOUS between ${g.candidates.map((a) => a.key).join(', ')}` : 'NO_JURISDICTION';
    say(`  ${g.ags} ${g.name}: ${why}${g.streetRules ? `, ${g.streetRules} street rule${g.streetRules > 1 ? 's' : ''}` : ''}`);
  }
  if (r.gaps.length > LISTED) say(`  … and ${r.gaps.length - LISTED} more: --out FILE writes them all as CSV`);
}

/** The file appears only when complete: written beside it, then renamed. */
function writeWhole(file: string, text: string): void {
  const tmp = `${file}.partial-${process.pid}`;
  try {
    fs.writeFileSync(tmp, text);
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw new CommandFailure(`cannot write ${file}: ${(e as Error).message}`);
  }
}

export const coverage: Command = {
  name: 'coverage',
  synopsis: '[--task CODE] [--at YYYY-MM-DD] [--district ARS5] [--json] [--out file.csv]',
  summary: [
    'List the municipalities without a responsible authority for a task on a date (a lookup by their',
    'key names none), with counts per Kreis and totals; --out writes them all as CSV.',
  ],
  options: ['task', 'at', 'district', 'out', 'json'],
  optionHelp: { json: 'print only the report as JSON (every uncovered municipality), as the last line' },
  async run({ args, say, withDatabase }) {
    const at = args.isoDate('at', today(systemClock));
    const district = args.string('district') ?? null;
    if (district !== null && !/^\d{5}$/.test(district)) args.fail(`--district must be a Kreis's 5-digit ARS, e.g. 05766, got "${district}"`);
    const q = { task: args.string('task') ?? DEFAULT_TASK, at, district };
    const r = await withDatabase(async (d) => {
      const ix = await new Directory(d, { pollMs: 0 }).get();
      const problem = coverageQueryError(ix, q);
      if (problem) throw new CommandFailure(`--${problem.argument}: ${problem.message}`);
      return computeCoverage(ix, q);
    });
    const out = args.string('out');
    if (out) writeWhole(out, coverageCsv(r));
    report(r, !!out, say);
    if (out) say(`${r.gaps.length} uncovered municipalities written to ${out}`);
    if (args.json) console.log(JSON.stringify(jsonOf(r)));
    return 0;
  },
};
