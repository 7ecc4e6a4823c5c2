// Planned (confirmed, not yet applied) structural changes in answers: a lookup dated on or after the
// change's date warns about it and lists it for machines; before the date it says nothing. No database.
import { describe, expect, it } from 'vitest';
import { IndexBuilder, lippe, lookup } from './build-index.js';

const BARNTRUP = '05766012';
const DOERENTRUP = '05766024';
const DETMOLD = '05766020';
const LEMGO = '05766044';

/** Lippe with Barntrup and Dörentrup to merge (#3), Detmold to cede a postcode to Lemgo (#5), Lemgo to be renamed (#6). */
function world(b = new IndexBuilder()) {
  lippe(b)
    .municipality(BARNTRUP, 'Barntrup, Stadt')
    .municipality(DOERENTRUP, 'Dörentrup')
    .postcode('32683', BARNTRUP, 'Barntrup')
    .planned(3, 'MERGER', '2027-01-01', [[BARNTRUP, 'Barntrup, Stadt'], [DOERENTRUP, 'Dörentrup']], [['05766070', 'Nordlippe, Stadt']])
    .planned(5, 'PARTIAL_TRANSFER', '2027-04-01', [[DETMOLD, 'Detmold, Stadt']], [[LEMGO, 'Lemgo, Alte Hansestadt']])
    .planned(6, 'RENAME', '2028-01-01', [[LEMGO, 'Lemgo, Alte Hansestadt']], [[LEMGO, 'Lemgo, Hansestadt']]);
  const kreis = b.authority('kreis:05766', { name: 'Kreis Lippe' });
  b.rule(kreis, 'DISTRICT', '05766');
  return { b, kreis };
}

const MERGER = {
  changeId: 3,
  kind: 'MERGER',
  status: 'PLANNED',
  effectiveDate: '2027-01-01',
  predecessors: [
    { ags: BARNTRUP, name: 'Barntrup, Stadt' },
    { ags: DOERENTRUP, name: 'Dörentrup' },
  ],
  successors: [{ ags: '05766070', name: 'Nordlippe, Stadt' }],
};
const MERGER_WARNING =
  'Municipality Barntrup, Stadt (05766012) is to be merged into Nordlippe, Stadt (05766070) on 2027-01-01 by structural change #3 (MERGER, planned); this answer is the register as it stands now.';

describe('a planned merger', () => {
  it('is a warning and a structured notice in a lookup on or after its date; the answer is the register as it stands', () => {
    const { b, kreis } = world();
    for (const at of ['2027-01-01', '2027-06-30']) {
      const r = lookup(b, { ags: BARNTRUP, at });
      expect(r).toMatchObject({ status: 'RESOLVED', ags: BARNTRUP, authority: kreis, forwardedFrom: null });
      expect(r.warnings).toEqual([MERGER_WARNING]);
      expect(r.plannedChanges).toEqual([MERGER]);
    }
    expect(lookup(b, { ags: DOERENTRUP, at: '2027-01-01' }).warnings).toEqual([
      'Municipality Dörentrup (05766024) is to be merged into Nordlippe, Stadt (05766070) on 2027-01-01 by structural change #3 (MERGER, planned); this answer is the register as it stands now.',
    ]);
  });

  it('says nothing before its date', () => {
    const { b } = world();
    const r = lookup(b, { ags: BARNTRUP, at: '2026-12-31' });
    expect(r).toMatchObject({ status: 'RESOLVED', ags: BARNTRUP, warnings: [], plannedChanges: [] });
  });

  it('is reported for an address or postcode that leads to the municipality, and with no jurisdiction too', () => {
    const { b } = world();
    expect(lookup(b, { address: { street: 'Mittelstraße', postalCode: '32683', city: 'Barntrup' }, at: '2027-02-01' }).plannedChanges).toEqual([MERGER]);
    expect(lookup(b, { postalCode: '32683', at: '2027-02-01' }).warnings).toEqual([MERGER_WARNING]);
    const bare = lippe().municipality(BARNTRUP, 'Barntrup, Stadt').planned(3, 'MERGER', '2027-01-01', [[BARNTRUP, 'Barntrup, Stadt'], [DOERENTRUP, 'Dörentrup']], [['05766070', 'Nordlippe, Stadt']]);
    expect(lookup(bare, { ags: BARNTRUP, at: '2027-01-01' })).toMatchObject({ status: 'NO_JURISDICTION', plannedChanges: [MERGER], warnings: [MERGER_WARNING] });
  });

  it('is not reported for a region above the municipality (the district) or an unaffected municipality', () => {
    const { b } = world();
    expect(lookup(b, { ars: '05766', at: '2027-01-01' })).toMatchObject({ status: 'RESOLVED', warnings: [], plannedChanges: [] });
    expect(lookup(b, { ags: LEMGO, at: '2027-01-01' })).toMatchObject({ warnings: [], plannedChanges: [] });
  });
});

describe('other planned changes', () => {
  it('a partial transfer warns the municipality that cedes territory, not the one that receives it', () => {
    const { b } = world();
    const detmold = lookup(b, { ags: DETMOLD, at: '2027-04-01' });
    expect(detmold.warnings).toEqual([
      'Municipality Detmold, Stadt (05766020) is to cede territory to Lemgo, Alte Hansestadt (05766044) on 2027-04-01 by structural change #5 (PARTIAL_TRANSFER, planned); this answer is the register as it stands now.',
    ]);
    expect(detmold.plannedChanges.map((c) => [c.changeId, c.kind])).toEqual([[5, 'PARTIAL_TRANSFER']]);
    expect(lookup(b, { ags: LEMGO, at: '2027-04-01' }).plannedChanges).toEqual([]);
  });

  it('a rename, from its date', () => {
    const { b } = world();
    expect(lookup(b, { ags: LEMGO, at: '2028-01-01' }).warnings).toEqual([
      'Municipality Lemgo, Alte Hansestadt (05766044) is to be renamed "Lemgo, Hansestadt" on 2028-01-01 by structural change #6 (RENAME, planned); this answer is the register as it stands now.',
    ]);
  });

  it('a lookup forwarded by an applied change warns about what is planned for the successor', () => {
    const b = lippe()
      .municipality('05766001', 'Altdorf', { validTo: '2024-01-01' })
      .municipality('05766003', 'Zweidorf', { validFrom: '2024-01-01' })
      .succession('05766001', '05766003', '2024-01-01', 'INCORPORATION', 4)
      .planned(8, 'INCORPORATION', '2027-01-01', [['05766003', 'Zweidorf']], [[LEMGO, 'Lemgo, Alte Hansestadt']]);
    const r = lookup(b, { ags: '05766001', at: '2027-01-01' });
    expect(r).toMatchObject({ ags: '05766003', forwardedFrom: { ags: '05766001', changeId: 4 } });
    expect(r.warnings).toEqual([
      'Municipality Zweidorf (05766003) is to be incorporated into Lemgo, Alte Hansestadt (05766044) on 2027-01-01 by structural change #8 (INCORPORATION, planned); this answer is the register as it stands now.',
    ]);
  });
});
