// Forgiving lookups that are never wrong (#18), on a hand-built index: misspelt and variant city
// and street names, homonyms with an unknown postcode, and what is never guessed. No database.
import { describe, expect, it } from 'vitest';
import { editDistance } from '../../src/modules/addresses/similarity.js';
import { looseCityKey, nameAliases } from '../../src/modules/addresses/name-variants.js';
import { IndexBuilder, lippe, lookup, sharedPostcode22113 } from './build-index.js';

/** Lippe (Detmold 32756, Lemgo 32657) plus homonyms, variants and near neighbours elsewhere. */
function world() {
  const b: IndexBuilder = lippe()
    .municipality('05766008', 'Bad Salzuflen, Stadt')
    .postcode('32105', '05766008', 'Bad Salzuflen')
    .municipality('10057115', 'Sankt Ingbert, Stadt')
    .municipality('09575153', 'Neustadt a.d.Aisch, St')
    .municipality('12052000', 'Cottbus/Chóśebuz, Stadt')
    .municipality('01053075', 'Lauenburg/ Elbe, Stadt')
    .municipality('12065136', 'Hennigsdorf, Stadt')
    .municipality('13075049', 'Heringsdorf, Ostseebad')
    // 55296 is Harxheim's; Herxheim is another municipality's name (the case measured in #18)
    .municipality('07339024', 'Harxheim')
    .postcode('55296', '07339024', 'Harxheim')
    .municipality('07337039', 'Herxheim bei Landau/ Pfalz')
    .postcode('76863', '07337039', 'Herxheim')
    // two Rosenheims: 83013 (a PO-box postcode) is in neither's mapping
    .municipality('09163000', 'Rosenheim')
    .postcode('83022', '09163000', 'Rosenheim')
    .municipality('07132094', 'Rosenheim (Landkreis Altenkirchen)')
    .postcode('57520', '07132094', 'Rosenheim');
  // 22113 is shared; streets of the directory tell the two apart
  sharedPostcode22113(b);
  const kreis = b.authority('kreis:05766', { name: 'Kreis Lippe' });
  b.rule(kreis, 'DISTRICT', '05766');
  for (const [ags, key] of [['09163000', 'rosenheim:by'], ['07132094', 'rosenheim:rp'], ['07339024', 'harxheim'], ['07337039', 'herxheim'], ['12065136', 'hennigsdorf'], ['13075049', 'heringsdorf'], ['01062053', 'oststeinbek'], ['02000000', 'hamburg']] as const) {
    b.rule(b.authority(key), 'MUNICIPALITY', ags);
  }
  return { b, kreis };
}

describe('the building blocks', () => {
  it('counts a swapped, dropped, doubled or replaced letter as one edit, and stops at the bound', () => {
    expect(editDistance('detmold', 'detmodl', 2)).toBe(1);
    expect(editDistance('detmold', 'detmol', 2)).toBe(1);
    expect(editDistance('detmold', 'dettmold', 2)).toBe(1);
    expect(editDistance('detmold', 'detmalt', 2)).toBe(2);
    expect(editDistance('detmold', 'hamburg', 1)).toBe(2);
  });

  it('loose keys drop "Bad" and linking words, read Sankt as St., and join the words', () => {
    expect(looseCityKey('bad neustadt a d saale')).toBe(looseCityKey('neustadt an der saale'));
    expect(looseCityKey('sankt ingbert')).toBe(looseCityKey('st ingbert'));
    expect(looseCityKey('halle neustadt')).toBe('halleneustadt');
  });

  it('aliases: the first half of "X/Y", both halves only for bilingual names, no parenthesis', () => {
    expect(nameAliases('Cottbus/Chóśebuz, Stadt', '12052000')).toEqual(['cottbus', 'chosebuz']);
    expect(nameAliases('Lauenburg/ Elbe, Stadt', '01053075')).toEqual(['launburg']); // folded: ue → u
    expect(nameAliases('Lübben (Spreewald) / Lubin (Błota), Stadt', '12061316')).toEqual(['lubben lubin', 'lubben', 'lubin']);
  });
});

describe('a misspelt city', () => {
  it('with its postcode: the postcode municipality of that spelling, assumed and said so, confidence 0.9', () => {
    const { b } = world();
    const r = lookup(b, { postalCode: '32657', city: 'Lemog' });
    expect(r).toMatchObject({ status: 'RESOLVED', ags: '05766044', confidence: 0.9 });
    expect(r.explanation).toContain('City "Lemog" is not known as written; read as "Lemgo" (one letter off).');
    expect(r.warnings).toEqual(['City "Lemog" is not known as written; assumed "Lemgo". Check the city.']);
  });

  it('settles a shared postcode', () => {
    const { b } = world();
    const r = lookup(b, { postalCode: '22113', city: 'Oststeinbeck' });
    expect(r).toMatchObject({ status: 'RESOLVED', ags: '01062053', confidence: 0.9 });
  });

  it('without a postcode: the one clearly nearest name in the country, confidence 0.8', () => {
    const { b } = world();
    const r = lookup(b, { city: 'Detmodl' });
    expect(r).toMatchObject({ status: 'RESOLVED', ags: '05766020', confidence: 0.8 });
    expect(r.explanation.slice(0, 2)).toEqual(['City "Detmodl" is not known as written; read as "Detmold" (one letter off).', 'That is Detmold, Stadt (05766020).']);
  });

  it('with an unknown postcode: taken only when the postcode lies in the municipality\'s postal region', () => {
    const { b } = world();
    expect(lookup(b, { postalCode: '32999', city: 'Detmodl' })).toMatchObject({ status: 'RESOLVED', ags: '05766020', confidence: 0.8 });
    const r = lookup(b, { postalCode: '10999', city: 'Detmodl' });
    expect(r).toMatchObject({ status: 'AMBIGUOUS', confidence: 0 });
    expect(r.candidates.map((c) => [c.ags, c.settleBy])).toEqual([['05766020', 'the correct postcode of Detmold']]);
  });

  it('is never guessed between names as near (or one edit further): AMBIGUOUS with each', () => {
    const { b } = world();
    const r = lookup(b, { city: 'Hernigsdorf' });
    expect(r).toMatchObject({ status: 'AMBIGUOUS', ags: null, confidence: 0 });
    expect(r.candidates.map((c) => [c.ags, c.authority?.key])).toEqual([
      ['12065136', 'hennigsdorf'],
      ['13075049', 'heringsdorf'],
    ]);
  });

  it('as near to two names, with an unknown postcode: the postcode\'s region settles, no spelling is assumed', () => {
    const { b } = world();
    b.postcode('16761', '12065136', 'Hennigsdorf').postcode('17424', '13075049', 'Heringsdorf');
    const r = lookup(b, { postalCode: '16999', city: 'Hernigsdorf' });
    expect(r).toMatchObject({ status: 'RESOLVED', ags: '12065136', confidence: 0.72 });
    expect(r.warnings).toEqual(['City "Hernigsdorf" is not known as written. Check the city.']);
    expect(r.explanation).toContain('Postcode 16999 is unknown, but only Hennigsdorf, Stadt (12065136) has postcodes starting with 16.');
  });

  it('that is near the name of a municipality elsewhere, not the postcode one: AMBIGUOUS with both', () => {
    const { b } = world();
    const r = lookup(b, { postalCode: '32756', city: 'Lemgi' });
    expect(r).toMatchObject({ status: 'AMBIGUOUS', confidence: 0 });
    expect(r.candidates.map((c) => [c.ags, c.settleBy])).toEqual([
      ['05766020', 'city "Detmold" with postcode 32756'],
      ['05766044', 'the correct postcode of Lemgo'],
    ]);
  });

  it('that is another municipality\'s name, near the postcode\'s: AMBIGUOUS with both, not the name (#18)', () => {
    const { b } = world();
    const r = lookup(b, { postalCode: '55296', city: 'Herxheim' });
    expect(r).toMatchObject({ status: 'AMBIGUOUS', confidence: 0 });
    expect(r.candidates.map((c) => [c.ags, c.settleBy])).toEqual([
      ['07337039', 'the correct postcode of Herxheim bei Landau/ Pfalz'],
      ['07339024', 'city "Harxheim" with postcode 55296'],
    ]);
    expect(r.explanation[1]).toBe('City "Herxheim" is the name of Herxheim bei Landau/ Pfalz (07337039), and close to Harxheim (07339024) with postcode 55296.');
  });

  it('short names are not compared across the country (too many are one letter apart)', () => {
    const { b } = world();
    b.municipality('09189111', 'Au').municipality('08315003', 'Au');
    expect(lookup(b, { city: 'Ay' })).toMatchObject({ status: 'NOT_FOUND' });
  });

  it('hostile input: a long string is not compared and simply not found', () => {
    const { b } = world();
    expect(lookup(b, { city: 'Detmold'.repeat(28) })).toMatchObject({ status: 'NOT_FOUND', confidence: 0 });
  });
});

describe('variants of a name', () => {
  it.each([
    ['Salzuflen', '05766008'],
    ['St. Ingbert', '10057115'],
    ['Neustadt an der Aisch', '09575153'],
    ['Chóśebuz', '12052000'],
    ['Cottbus', '12052000'],
    ['Lauenburg', '01053075'],
  ])('"%s" is read as the municipality\'s name (confidence 0.95)', (city, ags) => {
    const { b } = world();
    const r = lookup(b, { city });
    expect(r).toMatchObject({ ags, confidence: 0.95 }); // NO_JURISDICTION: no rules there in this world
    expect(r.explanation[0]).toMatch(/^City ".+" is not known as written; read as ".+" \(a variant of the name\)\.$/);
  });

  it('and the exact name keeps confidence 1', () => {
    const { b } = world();
    expect(lookup(b, { postalCode: '32105', city: 'Bad Salzuflen' })).toMatchObject({ status: 'RESOLVED', ags: '05766008', confidence: 1, warnings: [] });
    expect(lookup(b, { ags: '05766008' })).toMatchObject({ status: 'RESOLVED', confidence: 1 });
    // hyphens, slashes and spaces fold alike: the double name written either way is exact
    expect(lookup(b, { city: 'Cottbus - Chóśebuz' })).toMatchObject({ ags: '12052000', confidence: 1 });
  });
});

describe('homonyms with an unknown postcode', () => {
  it('are settled by the postal region the postcode lies in', () => {
    const { b } = world();
    const r = lookup(b, { postalCode: '83013', city: 'Rosenheim' });
    expect(r).toMatchObject({ status: 'RESOLVED', ags: '09163000', confidence: 0.9 });
    expect(r.explanation).toContain('Postcode 83013 is unknown, but only Rosenheim (09163000) has postcodes starting with 830.');
  });

  it('then by the district of the nearest known postcodes', () => {
    const { b } = world();
    b.municipality('09187111', 'Rosenheim').postcode('83099', '09187111', 'Rosenheim'); // same prefix, another district
    b.postcode('83012', '09163000', 'Rosenheim');
    const r = lookup(b, { postalCode: '83013', city: 'Rosenheim' });
    expect(r).toMatchObject({ status: 'RESOLVED', ags: '09163000', confidence: 0.9 });
    expect(r.explanation).toContain('Postcode 83013 is unknown; the nearest known postcodes lie in district 09163, as does Rosenheim (09163000).');
  });

  it('stay AMBIGUOUS when the postcode lies in neither\'s region', () => {
    const { b } = world();
    const r = lookup(b, { postalCode: '10115', city: 'Rosenheim' });
    expect(r).toMatchObject({ status: 'AMBIGUOUS' });
    expect(r.candidates.map((c) => c.ags)).toEqual(['07132094', '09163000']);
  });
});

describe('a misspelt street', () => {
  it('settles a shared postcode by the street directory, assumed and said so', () => {
    const { b } = world();
    const r = lookup(b, { address: { street: 'Mölner Landstraße', postalCode: '22113' } });
    expect(r).toMatchObject({ status: 'RESOLVED', ags: '01062053', confidence: 0.9 });
    expect(r.explanation).toContain('Street "Mölner Landstraße" is not in the street directory as written; read as "Möllner Landstraße".');
  });

  function streetRules() {
    const { b, kreis } = world();
    const office = b.authority('office:lemgo-mitte');
    b.rule(office, 'STREET', '05766044', { street: { postcode: '32657', street: 'Mittelstraße' } });
    return { b, kreis, office };
  }

  it('reaches its street rule when the directory knows the area\'s streets and not this one', () => {
    const { b, office } = streetRules();
    b.street('32657', '05766044', 'Mittelstraße').street('32657', '05766044', 'Breite Straße');
    const r = lookup(b, { address: { street: 'Mittlestraße', postalCode: '32657', city: 'Lemgo' } });
    expect(r).toMatchObject({ status: 'RESOLVED', authority: office, confidence: 0.9 });
    expect(r.warnings).toEqual(['Street "Mittlestraße" is not known as written; assumed "Mittelstraße". Check the street.']);
  });

  it('is not guessed without the area\'s streets in the directory, nor for a real street', () => {
    const { b, kreis } = streetRules();
    expect(lookup(b, { address: { street: 'Mittlestraße', postalCode: '32657', city: 'Lemgo' } })).toMatchObject({ authority: kreis, confidence: 1 });
    b.street('32657', '05766044', 'Mittelstraße').street('32657', '05766044', 'Mittlestraße');
    expect(lookup(b, { address: { street: 'Mittlestraße', postalCode: '32657', city: 'Lemgo' } })).toMatchObject({ authority: kreis, confidence: 1 });
  });
});
