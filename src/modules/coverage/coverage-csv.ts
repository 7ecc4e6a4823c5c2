// The uncovered municipalities as CSV, safe to open in a spreadsheet (cells neutralised like resolve's).
import { safeCsvLine } from '../../lib/csv-stream.js';
import type { CoverageReport, UncoveredMunicipality } from './coverage.js';

export const COVERAGE_COLUMNS = ['ags', 'ars', 'name', 'district_ars', 'district_name', 'gap', 'street_rules', 'candidates'] as const;

function row(g: UncoveredMunicipality): (string | number)[] {
  return [g.ags, g.ars, g.name, g.districtArs, g.districtName ?? '', g.gap, g.streetRules, g.candidates.map((a) => a.key).join(' ')];
}

/** Header and one line per uncovered municipality, by AGS. */
export function coverageCsv(report: CoverageReport): string {
  return [safeCsvLine([...COVERAGE_COLUMNS]), ...report.gaps.map((g) => safeCsvLine(row(g)))].join('');
}
