// Lookups by AGS and by ARS at each length (2, 3, 5, 9 digits for regions, 12 for a
// municipality), with the validity of region versions. No database.
import { describe, expect, it } from 'vitest';
import { AT, lippe, lookup } from './build-index.js';

function world() {
  const b = lippe();
  const land = b.authority('land:05', { name: 'Landeskasse' });
  const kreis = b.authority('kreis:05766', { name: 'Kreis Lippe' });
  b.rule(land, 'STATE', '05');
  b.rule(kreis, 'DISTRICT', '05766');
  return { b, land, kreis };
}

describe('by ARS', () => {
  it.each([
    ['05', 'state Nordrhein-Westfalen', 'land'],
    ['057', 'government district Detmold', 'land'],
    ['05766', 'district Lippe', 'kreis'],
    ['057660000', 'association Lippe, verbandsfreie Gemeinden', 'kreis'],
  ] as const)('%s is a region: its own rules and those above it apply', (ars, named, winner) => {
    const w = world();
    const r = lookup(w.b, { ars });
    expect(r).toMatchObject({ status: 'RESOLVED', ags: null, regionArs: ars, authority: w[winner], forwardedFrom: null, warnings: [] });
    expect(r.explanation[0]).toBe(`ARS ${ars} is ${named}.`);
  });

  it('12 digits are a municipality', () => {
    const { b, kreis } = world();
    const r = lookup(b, { ars: '057660000020' });
    expect(r).toMatchObject({ status: 'RESOLVED', ags: '05766020', regionArs: null, authority: kreis });
    expect(r.explanation[0]).toBe('ARS 057660000020 is Detmold, Stadt (05766020).');
  });

  it('rules below a region do not apply to it', () => {
    const b = lippe();
    b.rule(b.authority('ags:05766020'), 'MUNICIPALITY', '05766020');
    const r = lookup(b, { ars: '05766' });
    expect(r).toMatchObject({ status: 'NO_JURISDICTION', regionArs: '05766' });
    expect(r.explanation).toEqual(['ARS 05766 is district Lippe.', `No jurisdiction for task VOLLSTRECKUNGSHILFE on ${AT} covers region 05766.`]);
  });

  it('NOT_FOUND: an unknown region, a length that is no level, an unknown municipality', () => {
    const { b } = world();
    for (const ars of ['09', '1234', '05799']) {
      const r = lookup(b, { ars });
      expect(r).toMatchObject({ status: 'NOT_FOUND', ags: null, regionArs: null, candidates: [] });
      expect(r.explanation).toEqual([`ARS ${ars} is not a region in the register on ${AT}.`]);
    }
    expect(lookup(b, { ars: '057669999999' }).explanation).toEqual([`ARS 057669999999 is not a municipality in the register on ${AT}.`]);
  });

  it('a region version counts from validFrom (inclusive) until validTo (exclusive)', () => {
    const { b } = world();
    b.region('DISTRICT', '05767', 'Altkreis', { validTo: '2026-01-01' }).region('DISTRICT', '05768', 'Neukreis', { validFrom: '2026-01-01' });
    expect(lookup(b, { ars: '05767', at: '2025-12-31' }).status).toBe('RESOLVED');
    expect(lookup(b, { ars: '05767' }).status).toBe('NOT_FOUND');
    expect(lookup(b, { ars: '05768', at: '2025-12-31' }).status).toBe('NOT_FOUND');
    expect(lookup(b, { ars: '05768' }).explanation[0]).toBe('ARS 05768 is district Neukreis.');
  });
});

describe('by AGS', () => {
  it('names the municipality, in the version valid on the date', () => {
    const { b, kreis } = world();
    b.municipality('05766050', 'Altname', { validTo: '2026-01-01' }).municipality('05766050', 'Neuname, Stadt', { validFrom: '2026-01-01' });
    const r = lookup(b, { ags: '05766020' });
    expect(r).toMatchObject({ status: 'RESOLVED', ags: '05766020', regionArs: null, authority: kreis });
    expect(r.explanation[0]).toBe('AGS 05766020 is Detmold, Stadt (05766020).');
    expect(lookup(b, { ags: '05766050', at: '2025-12-31' }).explanation[0]).toBe('AGS 05766050 is Altname (05766050).');
    expect(lookup(b, { ags: '05766050' }).explanation[0]).toBe('AGS 05766050 is Neuname, Stadt (05766050).');
  });
});
