// Parser for the Destatis GV100AD fixed-width format (Datensatzbeschreibung GV100AD).
// Lines are decoded first and then cut by character position, never by byte.
import { InputFileError } from '../../lib/errors.js';
import { foldName } from '../../lib/fold.js';
import type { RegionLevel } from '../../db/schema.js';

export const RECORD_LENGTH = 220;

export const LEVEL_BY_RECORD: Record<string, RegionLevel> = {
  '10': 'STATE',
  '20': 'GOVERNMENT_DISTRICT',
  '30': 'REGION',
  '40': 'DISTRICT',
  '50': 'ASSOCIATION',
  '60': 'MUNICIPALITY',
};

export interface RegionRecord {
  line: number;
  level: RegionLevel;
  ars: string;
  ags: string | null;
  name: string;
  nameKey: string;
  seat: string | null;
  typeCode: string | null;
  parentArs: string | null;
  townHallPostcode: string | null;
  postcodeUnique: boolean | null;
  areaHectares: number | null;
  population: number | null;
  populationMale: number | null;
  taxOfficeDistrict: string | null;
  higherRegionalCourtDistrict: string | null;
  regionalCourtDistrict: string | null;
  localCourtDistrict: string | null;
  employmentAgencyDistrict: string | null;
}

export interface Gv100Edition {
  /** Gebietsstand, YYYY-MM-DD */
  edition: string;
  records: RegionRecord[];
  counts: Record<RegionLevel, number>;
}

/** Field by 1-based inclusive character positions, as the Datensatzbeschreibung lists them. */
const cut = (line: string, from: number, to: number) => line.slice(from - 1, to);
const blankToNull = (s: string) => (s.trim() === '' ? null : s.trim());

function isoDate(raw: string): string | null {
  if (!/^\d{8}$/.test(raw)) return null;
  const iso = `${raw.slice(0, 4)}-${raw.slice(4, 6)}-${raw.slice(6, 8)}`;
  const d = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === iso ? iso : null;
}

export function parseGv100ad(lines: string[], fileName: string): Gv100Edition {
  const fail = (line: number, reason: string): never => {
    throw new InputFileError(fileName, line, reason);
  };
  const records: RegionRecord[] = [];
  let edition: string | null = null;
  let editionLine = 0;
  const seen = new Map<string, number>();

  lines.forEach((raw, i) => {
    const n = i + 1;
    if (raw.trim() === '') return;
    if (raw.length > RECORD_LENGTH) fail(n, `line has ${raw.length} characters, a GV100AD record has at most ${RECORD_LENGTH}`);
    const line = raw.padEnd(RECORD_LENGTH, ' ');
    const type = cut(line, 1, 2);
    const level =
      LEVEL_BY_RECORD[type] ?? fail(n, `unknown record type "${type}" in positions 1-2 (expected 10, 20, 30, 40, 50 or 60)`);

    const date =
      isoDate(cut(line, 3, 10)) ?? fail(n, `Gebietsstand "${cut(line, 3, 10)}" in positions 3-10 is not a valid date YYYYMMDD`);
    if (edition === null) {
      edition = date;
      editionLine = n;
    } else if (date !== edition) {
      fail(n, `Gebietsstand ${date} differs from ${edition} on line ${editionLine}: one file holds one edition`);
    }

    const digits = (from: number, to: number, what: string) => {
      const v = cut(line, from, to);
      if (!/^\d+$/.test(v)) fail(n, `${what} "${v}" in positions ${from}-${to} must be digits`);
      return v;
    };
    const numeric = (from: number, to: number, what: string) => {
      const v = cut(line, from, to).trim();
      if (v === '') return null;
      if (!/^\d+$/.test(v)) fail(n, `${what} "${v}" in positions ${from}-${to} must be a number`);
      return Number(v);
    };
    const code = (from: number, to: number, what: string) => {
      const v = blankToNull(cut(line, from, to));
      if (v !== null && !/^[0-9A-Z]+$/.test(v)) fail(n, `${what} "${v}" in positions ${from}-${to} must be digits, capital letters or blank`);
      return v;
    };

    const typeCode = () => {
      const v = blankToNull(cut(line, 123, 124));
      if (v !== null && !/^\d\d$/.test(v)) fail(n, `Textkennzeichen "${v}" in positions 123-124 must be two digits or blank`);
      return v;
    };

    const land = digits(11, 12, 'Land');
    let ars: string;
    let ags: string | null = null;
    let parentArs: string | null = null;
    switch (level) {
      case 'STATE':
        ars = land;
        break;
      case 'GOVERNMENT_DISTRICT':
        ars = land + digits(13, 13, 'Regierungsbezirk');
        parentArs = land;
        break;
      case 'REGION':
        ars = land + digits(13, 14, 'Region');
        parentArs = ars.slice(0, 3);
        break;
      case 'DISTRICT':
        ars = land + digits(13, 15, 'Regierungsbezirk and Kreis');
        parentArs = ars.slice(0, 3); // corrected to the state below where there is no Regierungsbezirk record
        break;
      case 'ASSOCIATION':
        ars = land + digits(13, 15, 'Regierungsbezirk and Kreis') + digits(19, 22, 'Gemeindeverband');
        parentArs = ars.slice(0, 5);
        break;
      default: {
        ags = land + digits(13, 18, 'Regierungsbezirk, Kreis and Gemeinde');
        const verband = digits(19, 22, 'Gemeindeverband');
        ars = ags.slice(0, 5) + verband + ags.slice(5);
        parentArs = ars.slice(0, 9);
      }
    }

    const name = cut(line, 23, 72).trim();
    if (!name) fail(n, 'name in positions 23-72 is empty');
    const key = `${level}:${ags ?? ars}`;
    const dup = seen.get(key);
    if (dup) fail(n, `${level.toLowerCase()} ${ags ?? ars} appears twice (also on line ${dup})`);
    seen.set(key, n);

    const isMunicipality = level === 'MUNICIPALITY';
    const postcode = isMunicipality ? blankToNull(cut(line, 166, 170)) : null;
    if (postcode !== null && !/^\d{5}$/.test(postcode)) fail(n, `postcode "${postcode}" in positions 166-170 must be 5 digits`);
    records.push({
      line: n,
      level,
      ars,
      ags,
      name,
      nameKey: foldName(name),
      seat: isMunicipality ? null : blankToNull(cut(line, 73, 122)),
      typeCode: typeCode(),
      parentArs,
      townHallPostcode: postcode,
      postcodeUnique: isMunicipality && postcode !== null ? cut(line, 171, 175).trim() === '' : null,
      areaHectares: isMunicipality ? numeric(129, 139, 'area') : null,
      population: isMunicipality ? numeric(140, 150, 'population') : null,
      populationMale: isMunicipality ? numeric(151, 161, 'male population') : null,
      taxOfficeDistrict: isMunicipality ? code(178, 181, 'Finanzamtsbezirk') : null,
      higherRegionalCourtDistrict: isMunicipality ? code(182, 182, 'Oberlandesgerichtsbezirk') : null,
      regionalCourtDistrict: isMunicipality ? code(182, 183, 'Landgerichtsbezirk') : null,
      localCourtDistrict: isMunicipality ? code(182, 185, 'Amtsgerichtsbezirk') : null,
      employmentAgencyDistrict: isMunicipality ? code(186, 190, 'Arbeitsagenturbezirk') : null,
    });
  });

  if (edition === null || records.length === 0) throw new InputFileError(fileName, 1, 'file holds no GV100AD records');

  // Parent links must point into the same edition.
  const keys = new Set(records.map((r) => `${r.level}:${r.ars}`));
  const counts: Record<RegionLevel, number> = {
    STATE: 0,
    GOVERNMENT_DISTRICT: 0,
    REGION: 0,
    DISTRICT: 0,
    ASSOCIATION: 0,
    MUNICIPALITY: 0,
  };
  for (const r of records) {
    counts[r.level]++;
    const need = (level: RegionLevel, ars: string, what: string) => {
      if (!keys.has(`${level}:${ars}`)) fail(r.line, `${what} ${ars} of ${r.ags ?? r.ars} has no record in this file`);
    };
    switch (r.level) {
      case 'GOVERNMENT_DISTRICT':
        need('STATE', r.ars.slice(0, 2), 'Land');
        break;
      case 'REGION':
        need('GOVERNMENT_DISTRICT', r.ars.slice(0, 3), 'Regierungsbezirk');
        break;
      case 'DISTRICT':
        if (!keys.has(`GOVERNMENT_DISTRICT:${r.parentArs}`)) r.parentArs = r.ars.slice(0, 2);
        need('STATE', r.ars.slice(0, 2), 'Land');
        break;
      case 'ASSOCIATION':
        // Unincorporated areas such as the German-Luxembourg condominium (07000 9999) have no Kreis.
        if (!keys.has(`DISTRICT:${r.parentArs}`)) r.parentArs = r.ars.slice(0, 2);
        need('STATE', r.ars.slice(0, 2), 'Land');
        break;
      case 'MUNICIPALITY':
        need('ASSOCIATION', r.ars.slice(0, 9), 'Gemeindeverband');
        break;
    }
  }
  return { edition, records, counts };
}
