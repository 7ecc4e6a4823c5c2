// Place matching on a hand-built index: postcode, city, street directory, and the warnings
// when postcode and city disagree. No database.
import { describe, expect, it } from 'vitest';
import { AT, lippe, lookup, sharedPostcode22113, type IndexBuilder } from './build-index.js';

/** Lippe plus 22113, shared across the state border by Oststeinbek and Hamburg, and some homonyms. */
function world() {
  const b: IndexBuilder = sharedPostcode22113(lippe().region('STATE', '01', 'Schleswig-Holstein').region('STATE', '02', 'Hamburg'))
    // 32689: two municipalities share the postcode and a locality name
    .municipality('05766028', 'Extertal')
    .municipality('05766040', 'Kalletal')
    .postcode('32689', '05766028', 'Bavenhausen')
    .postcode('32689', '05766040', 'Bavenhausen')
    .street('32689', '05766040', 'Lindenweg')
    .postcode('32760', '05766020', 'Heiligenkirchen')
    .municipality('07337099', 'Neustadt, Stadt')
    .municipality('16077040', 'Neustadt')
    .street('07422', '16077040', 'Kirchgasse')
    .municipality('14612000', 'Dresden, Stadt')
    .postcode('01067', '14612000', 'Dresden');
  const kreis = b.authority('kreis:05766', { name: 'Kreis Lippe' });
  const oststeinbek = b.authority('ags:01062053', { name: 'Gemeindekasse Oststeinbek' });
  const hamburg = b.authority('ags:02000000', { name: 'Kasse.Hamburg' });
  const rules = {
    kreis: b.rule(kreis, 'DISTRICT', '05766'),
    oststeinbek: b.rule(oststeinbek, 'MUNICIPALITY', '01062053'),
    hamburg: b.rule(hamburg, 'STATE', '02'),
  };
  return { b, kreis, oststeinbek, hamburg, rules };
}

const most = (ruleText: string) => `Most specific for task VOLLSTRECKUNGSHILFE on ${AT}: ${ruleText}.`;
const SHARED_22113 = 'Postcode 22113 is shared by 2 municipalities: Oststeinbek (01062053), Hamburg, Freie und Hansestadt (02000000).';

describe('a postcode shared by two municipalities', () => {
  it('is settled by the city', () => {
    const { b, oststeinbek, hamburg, rules } = world();
    const o = lookup(b, { postalCode: '22113', city: 'oststeinbek' });
    expect(o).toMatchObject({ status: 'RESOLVED', ags: '01062053', authority: oststeinbek, rule: rules.oststeinbek, candidates: [], warnings: [] });
    expect(o.explanation).toEqual([
      SHARED_22113,
      'City "oststeinbek" settles the shared postcode: Oststeinbek (01062053).',
      most(`rule #${rules.oststeinbek.id} (municipality 01062053, valid always–open) → Gemeindekasse Oststeinbek [ags:01062053]`),
    ]);
    const h = lookup(b, { postalCode: '22113', city: 'HAMBURG' });
    expect(h).toMatchObject({ status: 'RESOLVED', ags: '02000000', authority: hamburg });
    expect(h.explanation).toEqual([
      SHARED_22113,
      'City "HAMBURG" settles the shared postcode: Hamburg, Freie und Hansestadt (02000000).',
      most(`rule #${rules.hamburg.id} (state 02, valid always–open) → Kasse.Hamburg [ags:02000000]`),
    ]);
  });

  it('is settled by the street directory when there is no city', () => {
    const { b, oststeinbek } = world();
    const r = lookup(b, { address: { street: 'Möllner Landstr.', houseNumber: '3', postalCode: '22113' } });
    expect(r).toMatchObject({ status: 'RESOLVED', ags: '01062053', authority: oststeinbek, warnings: [] });
    expect(r.explanation.slice(0, 2)).toEqual([SHARED_22113, 'Street "Möllner Landstr." is in Oststeinbek (01062053) according to the street directory.']);
  });

  it('is settled by the street directory when the city fits both (a locality of each)', () => {
    const { b, kreis } = world();
    const r = lookup(b, { address: { street: 'Lindenweg', postalCode: '32689', city: 'Bavenhausen' } });
    expect(r).toMatchObject({ status: 'RESOLVED', ags: '05766040', authority: kreis });
    expect(r.explanation.slice(0, 2)).toEqual([
      'Postcode 32689 is shared by 2 municipalities: Extertal (05766028), Kalletal (05766040).',
      'Street "Lindenweg" is in Kalletal (05766040) according to the street directory.',
    ]);
  });

  it('is AMBIGUOUS without city or known street, each candidate with the authority it would lead to', () => {
    const { b, oststeinbek, hamburg } = world();
    const r = lookup(b, { postalCode: '22113' });
    expect(r).toMatchObject({ status: 'AMBIGUOUS', authority: null, rule: null, ags: null, forwardedFrom: null, warnings: [] });
    expect(r.explanation).toEqual([SHARED_22113, 'Cannot decide between 2 municipalities without more input.']);
    expect(r.candidates).toEqual([
      { ags: '01062053', municipalityName: 'Oststeinbek', authority: oststeinbek, settleBy: 'city "Oststeinbek", a street in the street directory, or the AGS 01062053' },
      { ags: '02000000', municipalityName: 'Hamburg, Freie und Hansestadt', authority: hamburg, settleBy: 'city "Hamburg", a street in the street directory, or the AGS 02000000' },
    ]);
    const street = lookup(b, { address: { street: 'Unbekannte Straße', postalCode: '22113' } });
    expect(street.status).toBe('AMBIGUOUS');
    expect(street.candidates.map((c) => c.settleBy)).toEqual(['city "Oststeinbek", or the AGS 01062053', 'city "Hamburg", or the AGS 02000000']);
  });

  it('with a city known for neither is AMBIGUOUS: city and postcode point to different municipalities', () => {
    const { b } = world();
    const r = lookup(b, { postalCode: '22113', city: 'Atlantis' });
    expect(r.status).toBe('AMBIGUOUS');
    expect(r.explanation).toEqual([SHARED_22113, 'City "Atlantis" and postcode 22113 point to different municipalities.']);
    expect(r.candidates.map((c) => [c.ags, c.settleBy])).toEqual([
      ['01062053', 'city "Oststeinbek" with postcode 22113'],
      ['02000000', 'city "Hamburg" with postcode 22113'],
    ]);
  });
});

describe('postcode and city that disagree', () => {
  it('wrong postcode with the right city: resolved by the city, with a warning', () => {
    const { b, kreis, rules } = world();
    const r = lookup(b, { address: { postalCode: '32756', city: 'Lemgo' } });
    expect(r).toMatchObject({ status: 'RESOLVED', ags: '05766044', authority: kreis });
    expect(r.warnings).toEqual(['Postcode 32756 does not belong to Lemgo; resolved by the city name to Lemgo, Alte Hansestadt (05766044). Check the postcode.']);
    expect(r.explanation).toEqual([
      'Postcode 32756 belongs to Detmold, Stadt (05766020).',
      'City "Lemgo" matches Lemgo, Alte Hansestadt (05766044), which does not have postcode 32756.',
      most(`rule #${rules.kreis.id} (district 05766, valid always–open) → Kreis Lippe [kreis:05766]`),
    ]);
  });

  it('unknown city with a known single postcode: resolved by the postcode, with a warning', () => {
    const { b } = world();
    const r = lookup(b, { postalCode: '32756', city: 'Atlantis' });
    expect(r).toMatchObject({ status: 'RESOLVED', ags: '05766020' });
    expect(r.warnings).toEqual(['City "Atlantis" is not known for postcode 32756; resolved by the postcode. Check the city.']);
    expect(r.explanation.slice(0, 2)).toEqual(['Postcode 32756 belongs to Detmold, Stadt (05766020).', 'Resolved by the postcode alone: Detmold, Stadt (05766020).']);
  });

  it('unknown postcode with a known city: resolved by the city, with a warning', () => {
    const { b } = world();
    const r = lookup(b, { postalCode: '99999', city: 'Lemgo' });
    expect(r).toMatchObject({ status: 'RESOLVED', ags: '05766044' });
    expect(r.warnings).toEqual(['Postcode 99999 is unknown; resolved by the city name. Check the postcode.']);
    expect(r.explanation.slice(0, 2)).toEqual([`Postcode 99999 is not known on ${AT}.`, 'City "Lemgo" matches Lemgo, Alte Hansestadt (05766044).']);
  });

  it('a postcode and a city with homonyms elsewhere: candidates say what settles each', () => {
    const { b } = world();
    const r = lookup(b, { postalCode: '32756', city: 'Neustadt' });
    expect(r.status).toBe('AMBIGUOUS');
    expect(r.explanation).toEqual(['Postcode 32756 belongs to Detmold, Stadt (05766020).', 'City "Neustadt" and postcode 32756 point to different municipalities.']);
    expect(r.candidates.map((c) => [c.ags, c.settleBy])).toEqual([
      ['05766020', 'city "Detmold" with postcode 32756'],
      ['07337099', 'the correct postcode of Neustadt'],
      ['16077040', 'the correct postcode of Neustadt'],
    ]);
  });
});

describe('postcode or city alone', () => {
  it('a single postcode resolves; a lost leading zero is restored with a warning', () => {
    const { b } = world();
    const one = lookup(b, { postalCode: '32756' });
    expect(one).toMatchObject({ status: 'RESOLVED', ags: '05766020', warnings: [] });
    expect(one.explanation.slice(0, 2)).toEqual(['Postcode 32756 belongs to Detmold, Stadt (05766020).', 'Resolved by the postcode: Detmold, Stadt (05766020).']);
    const r = lookup(b, { postalCode: '1067' });
    expect(r).toMatchObject({ ags: '14612000', warnings: ['Postcode "1067" read as 01067 (leading zero restored).'] });
    expect(r.explanation[0]).toBe('Postcode 01067 belongs to Dresden, Stadt (14612000).');
  });

  it('a locality under the postcode, or alone, names its municipality', () => {
    const { b } = world();
    expect(lookup(b, { postalCode: '32760', city: 'Heiligenkirchen' }).explanation.slice(0, 2)).toEqual([
      'Postcode 32760 belongs to Detmold, Stadt (05766020).',
      'City "Heiligenkirchen" matches Detmold, Stadt (05766020).',
    ]);
    const alone = lookup(b, { city: 'heiligenkirchen' });
    expect(alone).toMatchObject({ status: 'RESOLVED', ags: '05766020', warnings: [] });
    expect(alone.explanation[0]).toBe('City "heiligenkirchen" matches Detmold, Stadt (05766020).');
  });

  it('a city with homonyms is AMBIGUOUS; a street of one of them in the street directory settles it', () => {
    const { b } = world();
    const r = lookup(b, { city: 'Neustadt' });
    expect(r).toMatchObject({ status: 'AMBIGUOUS', ags: null });
    expect(r.explanation).toEqual([
      'City "Neustadt" matches 2 municipalities: Neustadt, Stadt (07337099), Neustadt (16077040).',
      'Cannot decide between 2 municipalities without more input.',
    ]);
    expect(r.candidates).toEqual([
      { ags: '07337099', municipalityName: 'Neustadt, Stadt', authority: null, settleBy: 'city "Neustadt", a street in the street directory, or the AGS 07337099' },
      { ags: '16077040', municipalityName: 'Neustadt', authority: null, settleBy: 'city "Neustadt", a street in the street directory, or the AGS 16077040' },
    ]);
    const s = lookup(b, { address: { street: 'Kirchgasse', city: 'Neustadt' } });
    expect(s.ags).toBe('16077040');
    expect(s.explanation.slice(1, 2)).toEqual(['Street "Kirchgasse" is in Neustadt (16077040) according to the street directory.']);
  });

  it('NOT_FOUND: an unknown postcode, an unknown city', () => {
    const { b } = world();
    const both = lookup(b, { postalCode: '99999', city: 'Atlantis' });
    expect(both).toMatchObject({ status: 'NOT_FOUND', ags: null, authority: null, candidates: [], warnings: [] });
    expect(both.explanation).toEqual([
      `Postcode 99999 is not known on ${AT}.`,
      `City "Atlantis" is not a municipality or locality known on ${AT}.`,
      'No municipality matches the input.',
    ]);
    expect(lookup(b, { postalCode: '99999' }).explanation).toEqual([`Postcode 99999 is not known on ${AT}.`, 'No municipality matches the input.']);
  });
});

describe('validity on the date', () => {
  it('a postcode entry counts from validFrom (inclusive) until validTo (exclusive)', () => {
    const { b } = world();
    b.postcode('32758', '05766044', 'Lemgo', { validTo: '2026-01-01' }).postcode('32758', '05766020', 'Detmold', { validFrom: '2026-01-01' });
    expect(lookup(b, { postalCode: '32758', at: '2025-12-31' }).ags).toBe('05766044');
    expect(lookup(b, { postalCode: '32758', at: '2026-01-01' }).ags).toBe('05766020');
    expect(lookup(b, { postalCode: '32758', at: '2026-01-01' }).explanation[0]).toBe('Postcode 32758 belongs to Detmold, Stadt (05766020).');
  });

  it('a street counts in the street directory only while valid', () => {
    const { b } = world();
    b.street('22113', '02000000', 'Neue Straße', { validFrom: '2026-01-01' });
    expect(lookup(b, { address: { street: 'Neue Straße', postalCode: '22113' }, at: '2025-12-31' }).status).toBe('AMBIGUOUS');
    expect(lookup(b, { address: { street: 'Neue Straße', postalCode: '22113' } }).ags).toBe('02000000');
  });
});
