// The coverage report on a small register built in memory: a municipality is covered exactly when a
// lookup by its key resolves; street rules alone make it partially covered; contradicting rules
// leave it AMBIGUOUS; filters by Kreis and by territory; the CSV is safe for spreadsheets.
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { cachedCoverage, computeCoverage, coverageQueryError, type CoverageQuery } from '../src/modules/coverage/coverage.js';
import { coverageCsv } from '../src/modules/coverage/coverage-csv.js';
import { AT, IndexBuilder, lippe, lookup, TASK } from './resolution/build-index.js';

/** Lippe (Detmold, Lemgo) and Stormarn (Oststeinbek, Barsbüttel). */
function register(): IndexBuilder {
  return lippe()
    .region('STATE', '01', 'Schleswig-Holstein')
    .region('DISTRICT', '01062', 'Stormarn')
    .municipality('01062053', 'Oststeinbek')
    .municipality('01062004', 'Barsbüttel')
    .postcode('22113', '01062053', 'Oststeinbek');
}

const q = (extra: Partial<CoverageQuery> = {}): CoverageQuery => ({ task: TASK, at: AT, ...extra });

describe('coverage report (in memory)', () => {
  it('a municipality is covered exactly when a lookup by its key resolves', () => {
    const b = register();
    b.rule(b.authority('ags:05766020'), 'MUNICIPALITY', '05766020');
    const lemgo = b.authority('ags:05766044');
    b.rule(lemgo, 'STREET', '05766044', { street: { postcode: '32657', street: 'Mittelstraße' } });
    const [x, y] = [b.authority('kasse:x'), b.authority('kasse:y')];
    b.rule(x, 'DISTRICT', '01062');
    b.rule(y, 'DISTRICT', '01062');
    const r = computeCoverage(b.ix, q());
    expect(r).toMatchObject({ task: TASK, at: AT, district: null, municipalities: 4, covered: 1, uncovered: 3, partiallyCovered: 1 });
    expect(r.districts).toEqual([
      { ars: '01062', name: 'Stormarn', municipalities: 2, covered: 0, uncovered: 2, partiallyCovered: 0 },
      { ars: '05766', name: 'Lippe', municipalities: 2, covered: 1, uncovered: 1, partiallyCovered: 1 },
    ]);
    expect(r.gaps.map((g) => [g.ags, g.gap, g.streetRules, g.candidates.map((a) => a.key)])).toEqual([
      ['01062004', 'AMBIGUOUS', 0, ['kasse:x', 'kasse:y']],
      ['01062053', 'AMBIGUOUS', 0, ['kasse:x', 'kasse:y']],
      ['05766044', 'NO_JURISDICTION', 1, []],
    ]);
    expect(r.gaps[2]).toMatchObject({ ars: '057660000044', name: 'Lemgo, Alte Hansestadt', districtArs: '05766', districtName: 'Lippe' });
    // the same answer as the lookups, one by one
    for (const ags of ['05766020', '05766044', '01062053', '01062004']) {
      const resolved = lookup(b, { ags }).status === 'RESOLVED';
      expect(r.gaps.some((g) => g.ags === ags), ags).toBe(!resolved);
    }
    // partially: the street with a rule resolves, the municipality's key does not
    expect(lookup(b, { address: { street: 'Mittelstraße', houseNumber: '3', postalCode: '32657' } }).authority?.key).toBe('ags:05766044');
  });

  it('follows the date: rules not yet or no longer valid, deactivated authorities, municipality versions', () => {
    const b = register();
    b.rule(b.authority('kreis:lippe'), 'DISTRICT', '05766', { validFrom: '2026-06-01' });
    b.rule(b.authority('kreis:stormarn', { status: 'INACTIVE' }), 'DISTRICT', '01062');
    const street = b.authority('strasse', { status: 'INACTIVE' });
    b.rule(street, 'STREET', '01062053', { street: { postcode: '22113', street: 'Möllner Landstraße' } });
    // a second version of Detmold: still one municipality
    b.municipality('05766020', 'Detmold, neu', { validFrom: '2026-06-01' });
    expect(computeCoverage(b.ix, q()).covered).toBe(0);
    const later = computeCoverage(b.ix, q({ at: '2026-07-01' }));
    expect(later).toMatchObject({ municipalities: 4, covered: 2, uncovered: 2, partiallyCovered: 0 });
    expect(later.gaps.map((g) => g.ags)).toEqual(['01062004', '01062053']);
    // a municipality that ended before the date is not counted
    const other = lippe().municipality('01062004', 'Barsbüttel', { validTo: '2025-01-01' });
    expect(computeCoverage(other.ix, q()).municipalities).toBe(2);
  });

  it('limits to one Kreis or to a territory; checks task and Kreis, naming the argument', () => {
    const b = register();
    b.ix.taskCodes.add('GRUNDSTEUER');
    b.rule(b.authority('kreis:lippe'), 'DISTRICT', '05766', { task: 'GRUNDSTEUER' });
    expect(computeCoverage(b.ix, q({ district: '05766' }))).toMatchObject({ district: '05766', municipalities: 2, uncovered: 2 });
    expect(computeCoverage(b.ix, q({ district: '05766', task: 'GRUNDSTEUER' }))).toMatchObject({ municipalities: 2, covered: 2 });
    expect(computeCoverage(b.ix, q({ areas: ['05766044', '01062'] })).gaps.map((g) => g.ags)).toEqual(['01062004', '01062053', '05766044']);
    expect(computeCoverage(b.ix, q({ areas: [] }))).toMatchObject({ municipalities: 0, districts: [], gaps: [] });
    expect(coverageQueryError(b.ix, q())).toBeNull();
    expect(coverageQueryError(b.ix, q({ task: 'NOPE' }))).toEqual({ argument: 'task', message: '"NOPE" is not a task; known: GRUNDSTEUER, VOLLSTRECKUNGSHILFE' });
    expect(coverageQueryError(b.ix, q({ district: '0576' }))?.argument).toBe('district');
    expect(coverageQueryError(b.ix, q({ district: '05758' }))).toEqual({ argument: 'district', message: `05758 is not a Kreis in the register on ${AT}` });
  });

  it('keeps a report per index and query', () => {
    const b = register();
    const first = cachedCoverage(b.ix, q());
    expect(cachedCoverage(b.ix, q())).toBe(first);
    expect(cachedCoverage(b.ix, q({ district: '05766' }))).not.toBe(first);
    expect(cachedCoverage(b.ix, q({ areas: ['05766', '01062'] }))).toBe(cachedCoverage(b.ix, q({ areas: ['01062', '05766'] })));
  });

  it('writes the uncovered municipalities as CSV, cells a spreadsheet would run neutralised', () => {
    const b = lippe();
    b.municipality('05766999', '=HYPERLINK("http://x.example","klick")');
    b.municipality('05766998', 'Kalletal, "Ort", mit Komma');
    const csv = coverageCsv(computeCoverage(b.ix, q()));
    const rows = parse(csv) as string[][];
    expect(rows[0]).toEqual(['ags', 'ars', 'name', 'district_ars', 'district_name', 'gap', 'street_rules', 'candidates']);
    expect(rows.slice(1).map((r) => [r[0], r[2]])).toEqual([
      ['05766020', 'Detmold, Stadt'],
      ['05766044', 'Lemgo, Alte Hansestadt'],
      ['05766998', 'Kalletal, "Ort", mit Komma'],
      ['05766999', `'=HYPERLINK("http://x.example","klick")`],
    ]);
    expect(rows[1]).toEqual(['05766020', '057660000020', 'Detmold, Stadt', '05766', 'Lippe', 'NO_JURISDICTION', '0', '']);
  });
});
