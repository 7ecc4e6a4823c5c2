// Parser for the Destatis GV100AD fixed-width format (Datensatzbeschreibung GV100AD).
// Lines are decoded first and then cut by character position, never by byte.
import { InputFileError } from '../../lib/errors.js';
import { foldName } from '../../lib/fold.js';
import { describeControl } from '../../lib/text-file.js';
import type { RegionLevel } from '../../db/schema.js';

export const RECORD_LENGTH = 220;

/** A fixed-width record holds no control character at all (not even tab or CR). */
const CONTROL = /[\x00-\x1F\x7F-\x9F]/;

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

const blankToNull = (s: string) => (s.trim() === '' ? null : s.trim());

function isoDate(raw: string): string | null {
  if (!/^\d{8}$/.test(raw)) return null;
  const iso = `${raw.slice(0, 4)}-${raw.slice(4, 6)}-${raw.slice(6, 8)}`;
  const d = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === iso ? iso : null;
}

/** One record being read: fields by position, each failure naming file and line. */
class RecordLine {
  readonly text: string;

  constructor(
    raw: string,
    readonly n: number,
    private readonly fileName: string,
  ) {
    if (raw.length > RECORD_LENGTH) this.fail(`line has ${raw.length} characters, a GV100AD record has at most ${RECORD_LENGTH}`);
    const control = CONTROL.exec(raw);
    if (control) this.fail(`${describeControl(control[0])} in position ${control.index + 1}`);
    this.text = raw.padEnd(RECORD_LENGTH, ' ');
  }

  fail(reason: string): never {
    throw new InputFileError(this.fileName, this.n, reason);
  }

  /** Field by 1-based inclusive character positions, as the Datensatzbeschreibung lists them. */
  cut(from: number, to: number): string {
    return this.text.slice(from - 1, to);
  }

  digits(from: number, to: number, what: string): string {
    const v = this.cut(from, to);
    if (!/^\d+$/.test(v)) this.fail(`${what} "${v}" in positions ${from}-${to} must be digits`);
    return v;
  }

  numeric(from: number, to: number, what: string): number | null {
    const v = this.cut(from, to).trim();
    if (v === '') return null;
    if (!/^\d+$/.test(v)) this.fail(`${what} "${v}" in positions ${from}-${to} must be a number`);
    return Number(v);
  }

  code(from: number, to: number, what: string): string | null {
    const v = blankToNull(this.cut(from, to));
    if (v !== null && !/^[0-9A-Z]+$/.test(v)) this.fail(`${what} "${v}" in positions ${from}-${to} must be digits, capital letters or blank`);
    return v;
  }
}

/** The file's one Gebietsstand and the line that set it. */
interface EditionStamp {
  date: string | null;
  line: number;
}

export function parseGv100ad(lines: string[], fileName: string): Gv100Edition {
  const records: RegionRecord[] = [];
  const stamp: EditionStamp = { date: null, line: 0 };
  const seen = new Map<string, number>();
  lines.forEach((raw, i) => {
    if (raw.trim() === '') return;
    records.push(parseRecord(new RecordLine(raw, i + 1, fileName), stamp, seen));
  });
  if (stamp.date === null || records.length === 0) throw new InputFileError(fileName, 1, 'file holds no GV100AD records');
  const counts = linkParents(records, fileName);
  return { edition: stamp.date, records, counts };
}

/** `seen` maps each record's key to its line, so a key that appears twice names both lines. */
function parseRecord(line: RecordLine, stamp: EditionStamp, seen: Map<string, number>): RegionRecord {
  const type = line.cut(1, 2);
  const level =
    LEVEL_BY_RECORD[type] ?? line.fail(`unknown record type "${type}" in positions 1-2 (expected 10, 20, 30, 40, 50 or 60)`);
  checkEdition(line, stamp);
  const { ars, ags, parentArs } = keysOf(line, level);

  const name = line.cut(23, 72).trim();
  if (!name) line.fail('name in positions 23-72 is empty');
  const key = `${level}:${ags ?? ars}`;
  const dup = seen.get(key);
  if (dup) line.fail(`${level.toLowerCase()} ${ags ?? ars} appears twice (also on line ${dup})`);
  seen.set(key, line.n);

  const isMunicipality = level === 'MUNICIPALITY';
  const townHallPostcode = isMunicipality ? blankToNull(line.cut(166, 170)) : null;
  if (townHallPostcode !== null && !/^\d{5}$/.test(townHallPostcode)) line.fail(`postcode "${townHallPostcode}" in positions 166-170 must be 5 digits`);
  const seat = isMunicipality ? null : blankToNull(line.cut(73, 122));
  const typeCode = typeCodeOf(line);
  const details = isMunicipality ? municipalityDetails(line, townHallPostcode) : NO_DETAILS;
  return { line: line.n, level, ars, ags, name, nameKey: foldName(name), seat, typeCode, parentArs, townHallPostcode, ...details };
}

function checkEdition(line: RecordLine, stamp: EditionStamp): void {
  const raw = line.cut(3, 10);
  const date = isoDate(raw) ?? line.fail(`Gebietsstand "${raw}" in positions 3-10 is not a valid date YYYYMMDD`);
  if (stamp.date === null) {
    stamp.date = date;
    stamp.line = line.n;
  } else if (date !== stamp.date) {
    line.fail(`Gebietsstand ${date} differs from ${stamp.date} on line ${stamp.line}: one file holds one edition`);
  }
}

/** ARS, AGS (municipalities only) and the parent's ARS, from the key positions 11-22. */
function keysOf(line: RecordLine, level: RegionLevel): { ars: string; ags: string | null; parentArs: string | null } {
  const land = line.digits(11, 12, 'Land');
  switch (level) {
    case 'STATE':
      return { ars: land, ags: null, parentArs: null };
    case 'GOVERNMENT_DISTRICT':
      return { ars: land + line.digits(13, 13, 'Regierungsbezirk'), ags: null, parentArs: land };
    case 'REGION': {
      const ars = land + line.digits(13, 14, 'Region');
      return { ars, ags: null, parentArs: ars.slice(0, 3) };
    }
    case 'DISTRICT': {
      const ars = land + line.digits(13, 15, 'Regierungsbezirk and Kreis');
      // corrected to the state in linkParents where there is no Regierungsbezirk record
      return { ars, ags: null, parentArs: ars.slice(0, 3) };
    }
    case 'ASSOCIATION': {
      const ars = land + line.digits(13, 15, 'Regierungsbezirk and Kreis') + line.digits(19, 22, 'Gemeindeverband');
      return { ars, ags: null, parentArs: ars.slice(0, 5) };
    }
    default: {
      const ags = land + line.digits(13, 18, 'Regierungsbezirk, Kreis and Gemeinde');
      const verband = line.digits(19, 22, 'Gemeindeverband');
      const ars = ags.slice(0, 5) + verband + ags.slice(5);
      return { ars, ags, parentArs: ars.slice(0, 9) };
    }
  }
}

function typeCodeOf(line: RecordLine): string | null {
  const v = blankToNull(line.cut(123, 124));
  if (v !== null && !/^\d\d$/.test(v)) line.fail(`Textkennzeichen "${v}" in positions 123-124 must be two digits or blank`);
  return v;
}

type MunicipalityDetails = Pick<
  RegionRecord,
  | 'postcodeUnique'
  | 'areaHectares'
  | 'population'
  | 'populationMale'
  | 'taxOfficeDistrict'
  | 'higherRegionalCourtDistrict'
  | 'regionalCourtDistrict'
  | 'localCourtDistrict'
  | 'employmentAgencyDistrict'
>;

const NO_DETAILS: MunicipalityDetails = {
  postcodeUnique: null,
  areaHectares: null,
  population: null,
  populationMale: null,
  taxOfficeDistrict: null,
  higherRegionalCourtDistrict: null,
  regionalCourtDistrict: null,
  localCourtDistrict: null,
  employmentAgencyDistrict: null,
};

/** Statistics and court / agency districts that only record 60 carries. */
function municipalityDetails(line: RecordLine, townHallPostcode: string | null): MunicipalityDetails {
  return {
    postcodeUnique: townHallPostcode !== null ? line.cut(171, 175).trim() === '' : null,
    areaHectares: line.numeric(129, 139, 'area'),
    population: line.numeric(140, 150, 'population'),
    populationMale: line.numeric(151, 161, 'male population'),
    taxOfficeDistrict: line.code(178, 181, 'Finanzamtsbezirk'),
    higherRegionalCourtDistrict: line.code(182, 182, 'Oberlandesgerichtsbezirk'),
    regionalCourtDistrict: line.code(182, 183, 'Landgerichtsbezirk'),
    localCourtDistrict: line.code(182, 185, 'Amtsgerichtsbezirk'),
    employmentAgencyDistrict: line.code(186, 190, 'Arbeitsagenturbezirk'),
  };
}

/** Parent links must point into the same edition; counts records per level on the way. */
function linkParents(records: RegionRecord[], fileName: string): Record<RegionLevel, number> {
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
      if (!keys.has(`${level}:${ars}`)) throw new InputFileError(fileName, r.line, `${what} ${ars} of ${r.ags ?? r.ars} has no record in this file`);
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
  return counts;
}
