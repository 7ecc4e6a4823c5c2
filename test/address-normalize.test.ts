import { describe, expect, it } from 'vitest';
import { cityKey, municipalityCityKey, normalizePostcode, parseHouseNumber, streetKey } from '../src/modules/addresses/normalize.js';

describe('address normalisation', () => {
  it('treats Straße, Strasse, Str. and str alike, with hyphens, spaces, case and umlauts', () => {
    const k = streetKey('Bahnhofstraße');
    for (const s of ['Bahnhofstrasse', 'Bahnhofstr.', 'bahnhofstr', 'Bahnhof-Straße', 'BAHNHOF STRASSE', 'Bahnhof Str.']) expect(streetKey(s)).toBe(k);
    expect(streetKey('Schloßstraße')).toBe(streetKey('Schlossstr.'));
    expect(streetKey('Mühlenweg')).toBe(streetKey('Muehlenweg'));
    expect(streetKey('Straße des 17. Juni')).toBe(streetKey('Str. des 17 Juni'));
    expect(streetKey('Hauptstraße')).not.toBe(streetKey('Hauptweg'));
  });

  it('parses house numbers with suffixes and ranges', () => {
    expect(parseHouseNumber('12')).toMatchObject({ from: 12, to: 12, suffix: null });
    expect(parseHouseNumber('12a')).toMatchObject({ from: 12, to: 12, suffix: 'a' });
    expect(parseHouseNumber('12 A')).toMatchObject({ from: 12, to: 12, suffix: 'a' });
    expect(parseHouseNumber('12-14')).toMatchObject({ from: 12, to: 14 });
    expect(parseHouseNumber('12 - 14')).toMatchObject({ from: 12, to: 14 });
    expect(parseHouseNumber('12/14')).toMatchObject({ from: 12, to: 14 });
    expect(parseHouseNumber('12a-c')).toMatchObject({ from: 12, to: 12, suffix: 'a' });
    for (const bad of ['', 'abc', '14-12', '0', '12-14-16']) expect(parseHouseNumber(bad)).toBeUndefined();
  });

  it('matches city names with official municipality names', () => {
    expect(municipalityCityKey('Lügde, Stadt der Osterräder')).toBe(cityKey('Luegde'));
    expect(municipalityCityKey('Hamburg, Freie und Hansestadt')).toBe(cityKey('HAMBURG'));
  });

  it('restores a lost leading zero of a postcode', () => {
    expect(normalizePostcode('1067')).toEqual({ postcode: '01067', padded: true });
    expect(normalizePostcode('32756')).toEqual({ postcode: '32756', padded: false });
    expect(normalizePostcode('327')).toBeUndefined();
  });
});
