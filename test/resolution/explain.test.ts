// A lookup that nobody asks to explain (explain: false) words no steps, and answers exactly as one
// that does: status, authority, rule, candidates, warnings, delivery decision and confidence.
import { describe, expect, it } from 'vitest';
import type { LookupInput, LookupResult } from '../../src/modules/jurisdictions/resolution/index.js';
import { AT, IndexBuilder, lippe, lookup, sharedPostcode22113 } from './build-index.js';

function world(): IndexBuilder {
  const b = sharedPostcode22113(lippe().region('STATE', '01', 'Schleswig-Holstein').region('STATE', '02', 'Hamburg'))
    .municipality('05766028', 'Extertal')
    .municipality('05766040', 'Kalletal')
    .postcode('32689', '05766028', 'Bavenhausen')
    .postcode('32689', '05766040', 'Bavenhausen')
    .municipality('05766099', 'Altdorf', { validTo: '2025-01-01' })
    .postcode('32699', '05766099', 'Altdorf', { validTo: '2025-01-01' })
    .postcode('32699', '05766020', 'Altdorf', { validFrom: '2025-01-01', predecessorAgs: '05766099' })
    .succession('05766099', '05766020', '2025-01-01', 'MERGER');
  const kreis = b.authority('kreis:05766', { name: 'Kreis Lippe' });
  const lemgo = b.authority('ags:05766044', { name: 'Stadtkasse Lemgo', status: 'INACTIVE' });
  b.rule(kreis, 'DISTRICT', '05766');
  b.rule(lemgo, 'MUNICIPALITY', '05766044');
  b.rule(b.authority('ags:01062053'), 'MUNICIPALITY', '01062053');
  b.rule(b.authority('strasse:22113'), 'STREET', '02000000', { street: { postcode: '22113', street: 'Moorfleeter Deich', from: 1, to: 99 } });
  b.rule(b.authority('land:02'), 'STATE', '02');
  return b;
}

const INPUTS: Partial<LookupInput>[] = [
  { address: { street: 'Markt', houseNumber: '1', postalCode: '32756', city: 'Detmold' }, messageType: '100' },
  { address: { postalCode: '32657', city: 'Lemgo' } },
  { address: { postalCode: '22113', city: 'Hamburg' } },
  { address: { street: 'Moorfleeter Deich', houseNumber: '12', postalCode: '22113' } },
  { address: { street: 'Moorfleeter Deich', postalCode: '22113' } },
  { address: { postalCode: '32689' } },
  { address: { postalCode: '32689', city: 'Bavenhausen' } },
  { address: { postalCode: '32756', city: 'Detmlod' } },
  { address: { postalCode: '2113', city: 'Oststeinbek' } },
  { address: { postalCode: '32699', city: 'Altdorf' } },
  { ags: '05766099' },
  { ars: '05766' },
  { ags: '09999999' },
  { postalCode: '99999' },
  { city: 'Lemgo' },
  { address: { postalCode: '32756' }, task: 'UNKNOWN' },
];

const withoutSteps = ({ explanation, publicExplanation, input, ...rest }: LookupResult) => ({ ...rest, input: { ...input, explain: undefined } });

describe('a lookup without explanation', () => {
  const b = world();

  it.each(INPUTS.map((input) => [JSON.stringify(input), input] as const))('%s: the same answer, no steps worded', (_, input) => {
    const full = lookup(b, input);
    const quiet = lookup(b, { ...input, explain: false });
    expect(full.explanation.length).toBeGreaterThan(0);
    expect(quiet.explanation).toEqual([]);
    expect(quiet.publicExplanation).toEqual([]);
    expect(withoutSteps(quiet)).toEqual(withoutSteps(full));
  });

  it('covers every status and keeps the warnings', () => {
    const statuses = new Set(INPUTS.map((input) => lookup(b, { ...input, explain: false }).status));
    expect([...statuses].sort()).toEqual(['AMBIGUOUS', 'NOT_FOUND', 'NO_JURISDICTION', 'RESOLVED']);
    const padded = lookup(b, { address: { postalCode: '2113', city: 'Oststeinbek' }, explain: false });
    expect(padded.warnings.join(' ')).toMatch(/leading zero restored/);
  });

  it('is explained by default, as before', () => {
    expect(lookup(b, { address: { postalCode: '32657', city: 'Lemgo' } }).explanation.join('\n')).toMatch(/Skipped rule #\d+ .*deactivated/);
    expect(lookup(b, { address: { postalCode: '32657' }, at: AT }).explanation[0]).toBe('Postcode 32657 belongs to Lemgo, Alte Hansestadt (05766044).');
  });
});
