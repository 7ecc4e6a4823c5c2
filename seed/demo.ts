// Demo seed: a small, hand-picked set of real facts from the Destatis Gemeindeverzeichnis
// (Gebietsstand 30.11.2025) and the postcode mapping (© OpenStreetMap contributors, ODbL),
// so that `npm start` answers real questions without any download.
// Kreis Lippe with its 16 municipalities; Hamburg and Oststeinbek (Schleswig-Holstein), which share
// postcode 22113 across a state border; Berlin and München as large single-municipality cities.
import type { RegionLevel } from '../src/db/schema.js';

export interface SeedRegion {
  level: RegionLevel;
  ars: string;
  ags?: string;
  name: string;
  seat?: string;
  typeCode?: string;
  parentArs?: string;
  townHallPostcode?: string;
  postcodeUnique?: boolean;
  areaHectares?: number;
  population?: number;
  taxOfficeDistrict?: string;
  /** OLG (1) + LG (1) + AG (2): the court districts are its prefixes */
  localCourtDistrict?: string;
  employmentAgencyDistrict?: string;
}

export const DEMO_REGIONS: SeedRegion[] = [
  { level: 'STATE', ars: '01', name: 'Schleswig-Holstein', seat: 'Kiel' },
  { level: 'DISTRICT', ars: '01062', name: 'Stormarn', seat: 'Bad Oldesloe', typeCode: '43', parentArs: '01' },
  { level: 'ASSOCIATION', ars: '010620053', name: 'Oststeinbek', typeCode: '50', parentArs: '01062' },
  { level: 'MUNICIPALITY', ars: '010620053053', ags: '01062053', name: 'Oststeinbek', typeCode: '64', parentArs: '010620053', townHallPostcode: '22113', postcodeUnique: true, areaHectares: 1136, population: 8961, taxOfficeDistrict: '2130', localCourtDistrict: '1726', employmentAgencyDistrict: '11117' },
  { level: 'STATE', ars: '02', name: 'Hamburg', seat: 'Hamburg' },
  { level: 'DISTRICT', ars: '02000', name: 'Hamburg, Freie und Hansestadt', seat: 'Hamburg', typeCode: '41', parentArs: '02' },
  { level: 'ASSOCIATION', ars: '020000000', name: 'Hamburg, Freie und Hansestadt', typeCode: '50', parentArs: '02000' },
  { level: 'MUNICIPALITY', ars: '020000000000', ags: '02000000', name: 'Hamburg, Freie und Hansestadt', typeCode: '61', parentArs: '020000000', townHallPostcode: '20038', postcodeUnique: false, areaHectares: 75509, population: 1862565, taxOfficeDistrict: '2202', localCourtDistrict: '1101', employmentAgencyDistrict: '12301' },
  { level: 'STATE', ars: '05', name: 'Nordrhein-Westfalen', seat: 'Düsseldorf' },
  { level: 'GOVERNMENT_DISTRICT', ars: '057', name: 'Reg.-Bez. Detmold', seat: 'Detmold', parentArs: '05' },
  { level: 'DISTRICT', ars: '05766', name: 'Lippe', seat: 'Detmold', typeCode: '43', parentArs: '057' },
  { level: 'ASSOCIATION', ars: '057660004', name: 'Augustdorf', typeCode: '50', parentArs: '05766' },
  { level: 'ASSOCIATION', ars: '057660008', name: 'Bad Salzuflen, Stadt', typeCode: '50', parentArs: '05766' },
  { level: 'ASSOCIATION', ars: '057660012', name: 'Barntrup, Stadt', typeCode: '50', parentArs: '05766' },
  { level: 'ASSOCIATION', ars: '057660016', name: 'Blomberg, Stadt', typeCode: '50', parentArs: '05766' },
  { level: 'ASSOCIATION', ars: '057660020', name: 'Detmold, Stadt', typeCode: '50', parentArs: '05766' },
  { level: 'ASSOCIATION', ars: '057660024', name: 'Dörentrup', typeCode: '50', parentArs: '05766' },
  { level: 'ASSOCIATION', ars: '057660028', name: 'Extertal', typeCode: '50', parentArs: '05766' },
  { level: 'ASSOCIATION', ars: '057660032', name: 'Horn-Bad Meinberg, Stadt', typeCode: '50', parentArs: '05766' },
  { level: 'ASSOCIATION', ars: '057660036', name: 'Kalletal', typeCode: '50', parentArs: '05766' },
  { level: 'ASSOCIATION', ars: '057660040', name: 'Lage, Stadt', typeCode: '50', parentArs: '05766' },
  { level: 'ASSOCIATION', ars: '057660044', name: 'Lemgo, Stadt', typeCode: '50', parentArs: '05766' },
  { level: 'ASSOCIATION', ars: '057660048', name: 'Leopoldshöhe', typeCode: '50', parentArs: '05766' },
  { level: 'ASSOCIATION', ars: '057660052', name: 'Lügde, Stadt der Osterräder', typeCode: '50', parentArs: '05766' },
  { level: 'ASSOCIATION', ars: '057660056', name: 'Oerlinghausen, Stadt', typeCode: '50', parentArs: '05766' },
  { level: 'ASSOCIATION', ars: '057660060', name: 'Schieder-Schwalenberg, Stadt', typeCode: '50', parentArs: '05766' },
  { level: 'ASSOCIATION', ars: '057660064', name: 'Schlangen', typeCode: '50', parentArs: '05766' },
  { level: 'MUNICIPALITY', ars: '057660004004', ags: '05766004', name: 'Augustdorf', typeCode: '64', parentArs: '057660004', townHallPostcode: '32832', postcodeUnique: true, areaHectares: 4218, population: 9774, taxOfficeDistrict: '5313', localCourtDistrict: '4314', employmentAgencyDistrict: '33101' },
  { level: 'MUNICIPALITY', ars: '057660008008', ags: '05766008', name: 'Bad Salzuflen, Stadt', typeCode: '63', parentArs: '057660008', townHallPostcode: '32105', postcodeUnique: false, areaHectares: 10005, population: 53958, taxOfficeDistrict: '5313', localCourtDistrict: '4318', employmentAgencyDistrict: '33103' },
  { level: 'MUNICIPALITY', ars: '057660012012', ags: '05766012', name: 'Barntrup, Stadt', typeCode: '63', parentArs: '057660012', townHallPostcode: '32683', postcodeUnique: true, areaHectares: 5946, population: 8297, taxOfficeDistrict: '5329', localCourtDistrict: '4313', employmentAgencyDistrict: '33105' },
  { level: 'MUNICIPALITY', ars: '057660016016', ags: '05766016', name: 'Blomberg, Stadt', typeCode: '63', parentArs: '057660016', townHallPostcode: '32825', postcodeUnique: true, areaHectares: 9910, population: 15485, taxOfficeDistrict: '5313', localCourtDistrict: '4313', employmentAgencyDistrict: '33105' },
  { level: 'MUNICIPALITY', ars: '057660020020', ags: '05766020', name: 'Detmold, Stadt', typeCode: '63', parentArs: '057660020', townHallPostcode: '32756', postcodeUnique: false, areaHectares: 12939, population: 74278, taxOfficeDistrict: '5313', localCourtDistrict: '4314', employmentAgencyDistrict: '33101' },
  { level: 'MUNICIPALITY', ars: '057660024024', ags: '05766024', name: 'Dörentrup', typeCode: '64', parentArs: '057660024', townHallPostcode: '32694', postcodeUnique: true, areaHectares: 4980, population: 7528, taxOfficeDistrict: '5329', localCourtDistrict: '4318', employmentAgencyDistrict: '33117' },
  { level: 'MUNICIPALITY', ars: '057660028028', ags: '05766028', name: 'Extertal', typeCode: '64', parentArs: '057660028', townHallPostcode: '32699', postcodeUnique: true, areaHectares: 9249, population: 11248, taxOfficeDistrict: '5329', localCourtDistrict: '4318', employmentAgencyDistrict: '33105' },
  { level: 'MUNICIPALITY', ars: '057660032032', ags: '05766032', name: 'Horn-Bad Meinberg, Stadt', typeCode: '63', parentArs: '057660032', townHallPostcode: '32805', postcodeUnique: true, areaHectares: 9015, population: 17320, taxOfficeDistrict: '5313', localCourtDistrict: '4314', employmentAgencyDistrict: '33101' },
  { level: 'MUNICIPALITY', ars: '057660036036', ags: '05766036', name: 'Kalletal', typeCode: '64', parentArs: '057660036', townHallPostcode: '32689', postcodeUnique: true, areaHectares: 11242, population: 13256, taxOfficeDistrict: '5329', localCourtDistrict: '4318', employmentAgencyDistrict: '33117' },
  { level: 'MUNICIPALITY', ars: '057660040040', ags: '05766040', name: 'Lage, Stadt', typeCode: '63', parentArs: '057660040', townHallPostcode: '32791', postcodeUnique: true, areaHectares: 7604, population: 35054, taxOfficeDistrict: '5313', localCourtDistrict: '4314', employmentAgencyDistrict: '33101' },
  { level: 'MUNICIPALITY', ars: '057660044044', ags: '05766044', name: 'Lemgo, Stadt', typeCode: '63', parentArs: '057660044', townHallPostcode: '32657', postcodeUnique: true, areaHectares: 10085, population: 39905, taxOfficeDistrict: '5329', localCourtDistrict: '4318', employmentAgencyDistrict: '33117' },
  { level: 'MUNICIPALITY', ars: '057660048048', ags: '05766048', name: 'Leopoldshöhe', typeCode: '64', parentArs: '057660048', townHallPostcode: '33818', postcodeUnique: true, areaHectares: 3693, population: 17226, taxOfficeDistrict: '5313', localCourtDistrict: '4318', employmentAgencyDistrict: '33103' },
  { level: 'MUNICIPALITY', ars: '057660052052', ags: '05766052', name: 'Lügde, Stadt der Osterräder', typeCode: '63', parentArs: '057660052', townHallPostcode: '32676', postcodeUnique: true, areaHectares: 8864, population: 9232, taxOfficeDistrict: '5313', localCourtDistrict: '4313', employmentAgencyDistrict: '33105' },
  { level: 'MUNICIPALITY', ars: '057660056056', ags: '05766056', name: 'Oerlinghausen, Stadt', typeCode: '63', parentArs: '057660056', townHallPostcode: '33813', postcodeUnique: true, areaHectares: 3269, population: 17233, taxOfficeDistrict: '5313', localCourtDistrict: '4314', employmentAgencyDistrict: '33103' },
  { level: 'MUNICIPALITY', ars: '057660060060', ags: '05766060', name: 'Schieder-Schwalenberg, Stadt', typeCode: '63', parentArs: '057660060', townHallPostcode: '32816', postcodeUnique: true, areaHectares: 6004, population: 8098, taxOfficeDistrict: '5313', localCourtDistrict: '4313', employmentAgencyDistrict: '33105' },
  { level: 'MUNICIPALITY', ars: '057660064064', ags: '05766064', name: 'Schlangen', typeCode: '64', parentArs: '057660064', townHallPostcode: '33189', postcodeUnique: true, areaHectares: 7597, population: 9257, taxOfficeDistrict: '5313', localCourtDistrict: '4314', employmentAgencyDistrict: '33101' },
  { level: 'STATE', ars: '09', name: 'Bayern', seat: 'München' },
  { level: 'GOVERNMENT_DISTRICT', ars: '091', name: 'Oberbayern', seat: 'München', parentArs: '09' },
  { level: 'DISTRICT', ars: '09162', name: 'München, Landeshauptstadt', seat: 'München', typeCode: '41', parentArs: '091' },
  { level: 'ASSOCIATION', ars: '091620000', name: 'München, Landeshauptstadt', typeCode: '50', parentArs: '09162' },
  { level: 'MUNICIPALITY', ars: '091620000000', ags: '09162000', name: 'München, Landeshauptstadt', typeCode: '61', parentArs: '091620000', townHallPostcode: '80313', postcodeUnique: false, areaHectares: 31070, population: 1505005, taxOfficeDistrict: '9147', localCourtDistrict: '2601', employmentAgencyDistrict: '84301' },
  { level: 'STATE', ars: '11', name: 'Berlin', seat: 'Berlin' },
  { level: 'DISTRICT', ars: '11000', name: 'Berlin, Stadt', seat: 'Berlin', typeCode: '41', parentArs: '11' },
  { level: 'ASSOCIATION', ars: '110000000', name: 'Berlin, Stadt', typeCode: '50', parentArs: '11000' },
  { level: 'MUNICIPALITY', ars: '110000000000', ags: '11000000', name: 'Berlin, Stadt', typeCode: '61', parentArs: '110000000', townHallPostcode: '10178', postcodeUnique: false, areaHectares: 89112, population: 3685265, taxOfficeDistrict: '1113', localCourtDistrict: '1104', employmentAgencyDistrict: '96201' },
];

/** [postcode, AGS, locality] */
export const DEMO_POSTCODES: [string, string, string][] = [
  ['22113', '01062053', 'Oststeinbek'],
  ['22113', '02000000', 'Hamburg'],
  ['20095', '02000000', 'Hamburg'],
  ['22111', '02000000', 'Hamburg'],
  ['32832', '05766004', 'Augustdorf'],
  ['32105', '05766008', 'Bad Salzuflen'],
  ['32107', '05766008', 'Bad Salzuflen'],
  ['32108', '05766008', 'Bad Salzuflen'],
  ['32683', '05766012', 'Barntrup'],
  ['32825', '05766016', 'Blomberg'],
  ['32756', '05766020', 'Detmold'],
  ['32758', '05766020', 'Detmold'],
  ['32760', '05766020', 'Detmold'],
  ['32694', '05766024', 'Dörentrup'],
  ['32699', '05766028', 'Extertal'],
  ['32805', '05766032', 'Horn-Bad Meinberg'],
  ['32689', '05766036', 'Kalletal'],
  ['32791', '05766040', 'Lage'],
  ['32657', '05766044', 'Lemgo'],
  ['33818', '05766048', 'Leopoldshöhe'],
  ['32676', '05766052', 'Lügde'],
  ['33813', '05766056', 'Oerlinghausen'],
  ['32816', '05766060', 'Schieder-Schwalenberg'],
  ['33189', '05766064', 'Schlangen'],
  ['80331', '09162000', 'München'],
  ['10178', '11000000', 'Berlin'],
  ['10115', '11000000', 'Berlin'],
  ['10117', '11000000', 'Berlin'],
];
