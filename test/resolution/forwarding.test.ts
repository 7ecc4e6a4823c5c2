// Old keys lead on through key successions: mergers, splits, chains, and postcodes still filed
// under a vanished key. No database.
import { describe, expect, it } from 'vitest';
import { forwardKey } from '../../src/modules/jurisdictions/resolution/index.js';
import { AT, lippe, lookup, TASK } from './build-index.js';

/** Lippe after three structural changes (see each block). */
function world() {
  const b = lippe()
    // #4 merger on 2024-01-01: Altdorf and Neudorf → Zweidorf
    .municipality('05766001', 'Altdorf', { validTo: '2024-01-01' })
    .municipality('05766002', 'Neudorf', { validTo: '2024-01-01' })
    .municipality('05766003', 'Zweidorf', { validFrom: '2024-01-01' })
    .succession('05766001', '05766003', '2024-01-01', 'MERGER', 4)
    .succession('05766002', '05766003', '2024-01-01', 'MERGER', 4)
    // #5 split on 2024-01-01: Großdorf → Norddorf and Süddorf
    .municipality('05766010', 'Großdorf', { validTo: '2024-01-01' })
    .municipality('05766011', 'Norddorf', { validFrom: '2024-01-01' })
    .municipality('05766012', 'Süddorf', { validFrom: '2024-01-01' })
    .succession('05766010', '05766011', '2024-01-01', 'SPLIT', 5)
    .succession('05766010', '05766012', '2024-01-01', 'SPLIT', 5)
    // #6 and #7, a chain: Erstdorf → Zwischendorf (2023) → Enddorf (2025, new key)
    .municipality('05766021', 'Erstdorf', { validTo: '2023-01-01' })
    .municipality('05766022', 'Zwischendorf', { validFrom: '2023-01-01', validTo: '2025-01-01' })
    .municipality('05766023', 'Enddorf', { validFrom: '2025-01-01' })
    .succession('05766021', '05766022', '2023-01-01', 'MERGER', 6)
    .succession('05766022', '05766023', '2025-01-01', 'REKEY', 7)
    // a postcode still filed under the vanished key, and one moved with its predecessor noted
    .postcode('32791', '05766001', 'Altdorf')
    .postcode('32792', '05766003', 'Neudorf', { predecessorAgs: '05766002' });
  const kreis = b.authority('kreis:05766', { name: 'Kreis Lippe' });
  const nord = b.authority('ags:05766011', { name: 'Gemeindekasse Norddorf' });
  const rules = { kreis: b.rule(kreis, 'DISTRICT', '05766'), nord: b.rule(nord, 'MUNICIPALITY', '05766011') };
  return { b, kreis, nord, rules };
}

const MERGER_ALTDORF = { ags: '05766001', name: 'Altdorf', successorAgs: '05766003', changeId: 4, kind: 'MERGER', effectiveDate: '2024-01-01' };

describe('an old AGS', () => {
  it('after a merger is forwarded to its successor, from the effective date on', () => {
    const { b, kreis, rules } = world();
    const r = lookup(b, { ags: '05766001' });
    expect(r).toMatchObject({ status: 'RESOLVED', ags: '05766003', authority: kreis, forwardedFrom: MERGER_ALTDORF, warnings: [] });
    expect(r.explanation).toEqual([
      'AGS 05766001 (Altdorf) was replaced on 2024-01-01 by structural change #4 (MERGER).',
      'Forwarded to its successor Zweidorf (05766003).',
      `Most specific for task ${TASK} on ${AT}: rule #${rules.kreis.id} (district 05766, valid always–open) → Kreis Lippe [kreis:05766].`,
    ]);
    expect(lookup(b, { ags: '05766001', at: '2024-01-01' })).toMatchObject({ ags: '05766003', forwardedFrom: MERGER_ALTDORF });
    const before = lookup(b, { ags: '05766001', at: '2023-12-31' });
    expect(before).toMatchObject({ status: 'RESOLVED', ags: '05766001', forwardedFrom: null });
    expect(before.explanation[0]).toBe('AGS 05766001 is Altdorf (05766001).');
  });

  it('after a split is AMBIGUOUS: the successors are the candidates, each with its authority', () => {
    const { b, kreis, nord } = world();
    const r = lookup(b, { ags: '05766010' });
    expect(r).toMatchObject({ status: 'AMBIGUOUS', ags: null, authority: null });
    expect(r.forwardedFrom).toEqual({ ags: '05766010', name: 'Großdorf', successorAgs: '05766011', changeId: 5, kind: 'SPLIT', effectiveDate: '2024-01-01' });
    expect(r.explanation).toEqual([
      'AGS 05766010 (Großdorf) was replaced on 2024-01-01 by structural change #5 (SPLIT).',
      'It was split into Norddorf (05766011), Süddorf (05766012); the address decides.',
    ]);
    expect(r.candidates).toEqual([
      { ags: '05766011', municipalityName: 'Norddorf', authority: nord, settleBy: 'the address (postcode and street) or the AGS 05766011' },
      { ags: '05766012', municipalityName: 'Süddorf', authority: kreis, settleBy: 'the address (postcode and street) or the AGS 05766012' },
    ]);
  });

  it('follows a chain of successions to the municipality valid on the date', () => {
    const { b } = world();
    const first = { ags: '05766021', name: 'Erstdorf', successorAgs: '05766022', changeId: 6, kind: 'MERGER', effectiveDate: '2023-01-01' };
    const r = lookup(b, { ags: '05766021' });
    expect(r).toMatchObject({ status: 'RESOLVED', ags: '05766023', forwardedFrom: first });
    expect(r.explanation.slice(0, 2)).toEqual([
      'AGS 05766021 (Erstdorf) was replaced on 2023-01-01 by structural change #6 (MERGER).',
      'Forwarded to its successor Enddorf (05766023).',
    ]);
    expect(lookup(b, { ags: '05766021', at: '2024-06-01' })).toMatchObject({ ags: '05766022', forwardedFrom: first });
    expect(lookup(b, { ags: '05766022' }).forwardedFrom).toEqual({ ags: '05766022', name: 'Zwischendorf', successorAgs: '05766023', changeId: 7, kind: 'REKEY', effectiveDate: '2025-01-01' });
  });

  it('that was never in the register is NOT_FOUND', () => {
    const { b } = world();
    const r = lookup(b, { ags: '05766999' });
    expect(r).toMatchObject({ status: 'NOT_FOUND', ags: null, forwardedFrom: null, candidates: [], warnings: [] });
    expect(r.explanation).toEqual([`AGS 05766999 is not a municipality in the register on ${AT}.`]);
  });
});

describe('forwardKey', () => {
  it('lists where a key leads on the date, through chains, and each successor of a split', () => {
    const { b } = world();
    const chain = forwardKey(b.ix, '05766021', AT);
    expect(chain.map((t) => [t.municipality.ags, t.municipality.name, t.via.successorAgs])).toEqual([['05766023', 'Enddorf', '05766022']]);
    expect(forwardKey(b.ix, '05766010', AT).map((t) => t.municipality.ags)).toEqual(['05766011', '05766012']);
    expect(forwardKey(b.ix, '05766001', '2023-12-31')).toEqual([]);
    expect(forwardKey(b.ix, '05766999', AT)).toEqual([]);
  });

  it('stops on a circle of successions that leads nowhere valid', () => {
    const b = lippe().succession('01000001', '01000002', '2020-01-01', 'REKEY').succession('01000002', '01000001', '2021-01-01', 'REKEY');
    expect(forwardKey(b.ix, '01000001', AT)).toEqual([]);
  });
});

describe('postcodes of a vanished key', () => {
  it('lead to the successor, and the lookup says it was forwarded', () => {
    const { b } = world();
    const r = lookup(b, { postalCode: '32791' });
    expect(r).toMatchObject({ status: 'RESOLVED', ags: '05766003', forwardedFrom: MERGER_ALTDORF });
    expect(r.explanation.slice(0, 3)).toEqual([
      'Postcode 32791 belongs to Zweidorf (05766003).',
      'Resolved by the postcode: Zweidorf (05766003).',
      'The input refers to Altdorf (05766001), replaced on 2024-01-01 by structural change #4 (MERGER); forwarded to Zweidorf (05766003).',
    ]);
  });

  it('match the old name as a locality, with or without the postcode', () => {
    const { b } = world();
    const withPostcode = lookup(b, { address: { postalCode: '32791', city: 'Altdorf' } });
    expect(withPostcode).toMatchObject({ ags: '05766003', forwardedFrom: MERGER_ALTDORF, warnings: [] });
    expect(withPostcode.explanation[1]).toBe('City "Altdorf" matches Zweidorf (05766003).');
    const alone = lookup(b, { city: 'Altdorf' });
    expect(alone).toMatchObject({ ags: '05766003', forwardedFrom: MERGER_ALTDORF });
    expect(alone.explanation[0]).toBe('City "Altdorf" matches Zweidorf (05766003).');
  });

  it('shared by two merged keys: the locality that matches the city names the predecessor', () => {
    const { b } = world();
    b.postcode('32790', '05766001', 'Altdorf').postcode('32790', '05766002', 'Neudorf');
    expect(lookup(b, { postalCode: '32790' }).forwardedFrom).toEqual(MERGER_ALTDORF);
    const r = lookup(b, { postalCode: '32790', city: 'Neudorf' });
    expect(r).toMatchObject({ status: 'RESOLVED', ags: '05766003', forwardedFrom: { ags: '05766002', name: 'Neudorf' } });
    expect(r.explanation.slice(0, 3)).toEqual([
      'Postcode 32790 belongs to Zweidorf (05766003).',
      'City "Neudorf" matches Zweidorf (05766003).',
      'The input refers to Neudorf (05766002), replaced on 2024-01-01 by structural change #4 (MERGER); forwarded to Zweidorf (05766003).',
    ]);
  });

  it('already moved to the successor still name their predecessor', () => {
    const { b } = world();
    const r = lookup(b, { postalCode: '32792' });
    expect(r.forwardedFrom).toEqual({ ags: '05766002', name: 'Neudorf', successorAgs: '05766003', changeId: 4, kind: 'MERGER', effectiveDate: '2024-01-01' });
    expect(r.explanation[2]).toBe('The input refers to Neudorf (05766002), replaced on 2024-01-01 by structural change #4 (MERGER); forwarded to Zweidorf (05766003).');
  });
});
