// Validity on the index's hot paths (day numbers, #17): a version holds from its first day up to,
// not including, its end; open ends; month and year boundaries; and the same answers whatever date
// the previous lookup asked for.
import { describe, expect, it } from 'vitest';
import { dayNumber } from '../../src/modules/directory/directory-index.js';
import { IndexBuilder, lippe, lookup } from './build-index.js';

/** Two versions of one key: the old name until the end of 2019-12-31, the new one from 2020-01-01 until 2030-03-01. */
function world() {
  const b: IndexBuilder = lippe()
    .municipality('05766099', 'Altname', { validTo: '2020-01-01' })
    .municipality('05766099', 'Neuname', { validFrom: '2020-01-01', validTo: '2030-03-01' })
    .postcode('32999', '05766099', 'Altname', { validTo: '2020-01-01' })
    .postcode('32999', '05766099', 'Neuname', { validFrom: '2020-01-01' });
  b.rule(b.authority('kreis:05766'), 'DISTRICT', '05766');
  return b;
}

describe('validity by day numbers', () => {
  it('orders like the dates', () => {
    const dates = ['0001-01-01', '1999-12-31', '2000-01-01', '2020-02-29', '2020-03-01', '2020-10-09', '2020-10-10', '9999-12-31'];
    const days = dates.map((d) => dayNumber(d, 0));
    expect([...days].sort((a, b) => a - b)).toEqual(days);
    expect(new Set(days).size).toBe(dates.length);
    expect(dayNumber(null, 7)).toBe(7);
  });

  it('a version holds from its first day up to its end, not on it', () => {
    const b = world();
    const name = (at: string) => b.ix.municipality('05766099', at)?.name ?? null;
    expect(name('1900-01-01')).toBe('Altname');
    expect(name('2019-12-31')).toBe('Altname');
    expect(name('2020-01-01')).toBe('Neuname');
    expect(name('2030-02-28')).toBe('Neuname');
    expect(name('2030-03-01')).toBeNull();
  });

  it('postcode entries follow their own validity, whatever date was asked before', () => {
    const b = world();
    const at = ['2019-12-31', '2020-01-01', '2030-03-01', '2019-12-31'];
    const answers = at.map((d) => lookup(b, { at: d, postalCode: '32999' }));
    expect(answers.map((r) => [r.status, r.ags])).toEqual([
      ['RESOLVED', '05766099'],
      ['RESOLVED', '05766099'],
      ['NOT_FOUND', null],
      ['RESOLVED', '05766099'],
    ]);
    expect(answers[0]!.explanation[0]).toContain('Altname');
    expect(answers[1]!.explanation[0]).toContain('Neuname');
  });
});
