// Address, postcode or city → municipality. The postcode is read first, then the city settles a
// shared postcode (or shows the postcode is wrong), then the street directory; whatever is still
// open becomes candidates with what input would settle them. Misspelt names are tried only after
// the exact maps have missed (near-miss.ts), so exact lookups cost what they did.
import { cityKey, normalizePostcode, parseHouseNumber, streetKey } from '../../addresses/normalize.js';
import { postcodeValidAt, type DirectoryIndex, type PostcodeEntry, type RegionEntry } from '../../directory/directory-index.js';
import { municipalitiesOfCity, unique } from './city.js';
import { assume, CONFIDENCE } from './confidence.js';
import { label } from './describe.js';
import type { Explanation } from './explanation.js';
import { entryMunicipalities } from './forwarding.js';
import { assumeSpelling, conflictWithPostcode, MAX_NEAR_MISSES, nearElsewhere, nearInCountry, nearInPostcode, type NearMiss } from './near-miss.js';
import { byPostcodeRegion, inPostcodeRegion } from './nearby.js';
import { byStreetOrAmbiguous, settle, settleByPostcodeOrCity, withCandidates, type Search } from './settle.js';
import type { AddressInput, LookupInput, Place } from './types.js';

const NO_ADDRESS: AddressInput = Object.freeze({});

export function matchPlace(ix: DirectoryIndex, input: LookupInput, ex: Explanation): Place {
  const a = input.address ?? NO_ADDRESS;
  const s = startSearch(ix, input, ex, a);
  const rawPostcode = a.postalCode ?? input.postalCode ?? null;
  if (rawPostcode) postcodeStep(s, rawPostcode);
  if (s.inPostcode.length) return s.cityK ? cityWithPostcode(s) : postcodeAlone(s);
  if (s.cityK) return cityAlone(s);
  return s.place;
}

function startSearch(ix: DirectoryIndex, input: LookupInput, ex: Explanation, a: AddressInput): Search {
  const place: Place = { municipalities: [], forwards: undefined, confidence: 1 };
  if (a.street) {
    place.street = a.street.trim();
    place.streetKey = streetKey(a.street);
  }
  if (a.houseNumber) place.houseNumber = parseHouseNumber(a.houseNumber);
  const city = a.city ?? input.city ?? null;
  return { ix, at: input.at, ex, place, city, cityK: city ? cityKey(city) : undefined, entries: [], inPostcode: [], byCity: undefined };
}

/** The municipalities of the postcode on the date, found by its entries (through successions). */
function postcodeStep(s: Search, rawPostcode: string): void {
  const pc = normalizePostcode(rawPostcode)!;
  s.place.postcode = pc.postcode;
  if (pc.padded) s.ex.warn(`Postcode "${rawPostcode}" read as ${pc.postcode} (leading zero restored).`);
  s.entries = validEntries(s.ix.postcodes.get(pc.postcode), s.at);
  s.inPostcode = municipalitiesOfEntries(s);
  const n = s.inPostcode.length;
  if (!n) s.ex.step(() => `Postcode ${pc.postcode} is not known on ${s.at}.`);
  else if (n === 1) s.ex.step(() => `Postcode ${pc.postcode} belongs to ${label(s.inPostcode[0]!)}.`);
  else s.ex.step(() => `Postcode ${pc.postcode} is shared by ${n} municipalities: ${s.inPostcode.map(label).join(', ')}.`);
}

function validEntries(all: PostcodeEntry[] | undefined, at: string): PostcodeEntry[] {
  const valid: PostcodeEntry[] = [];
  if (all) for (const p of all) if (postcodeValidAt(p, at)) valid.push(p);
  return valid;
}

/** The municipalities of the postcode's entries; a locality matching the city names the predecessor best, so those entries go first. */
function municipalitiesOfEntries(s: Search): RegionEntry[] {
  const found: RegionEntry[] = [];
  const add = (p: PostcodeEntry) => {
    for (const m of entryMunicipalities(s.ix, p, s.at, s.place)) found.push(m);
  };
  const cityK = s.cityK;
  if (cityK && s.entries.length > 1) {
    for (const p of s.entries) if (p.localityKey === cityK) add(p);
    for (const p of s.entries) if (p.localityKey !== cityK) add(p);
  } else for (const p of s.entries) add(p);
  return unique(found);
}

function postcodeAlone(s: Search): Place {
  if (s.inPostcode.length === 1) return settle(s, s.inPostcode, 'Resolved by the postcode: {m}.');
  return byStreetOrAmbiguous(s, s.inPostcode);
}

function cityWithPostcode(s: Search): Place {
  const both = s.inPostcode.filter((m) => cityMatches(s, m));
  if (both.length === 1) {
    return settle(s, both, s.inPostcode.length > 1 ? `City "${s.city}" settles the shared postcode: {m}.` : `City "${s.city}" matches {m}.`);
  }
  if (both.length === 0) return cityNotInPostcode(s);
  // several municipalities with this postcode match the city: try the street
  return byStreetOrAmbiguous(s, both);
}

/** The city fits none of the postcode's municipalities: misspelt, a wrong postcode, a wrong city, or open. */
function cityNotInPostcode(s: Search): Place {
  const elsewhere = municipalitiesOfCity(s).filter((m) => !s.inPostcode.includes(m));
  const near = nearInPostcode(s);
  if (near.municipalities.length) return nearMissInPostcode(s, near, elsewhere);
  if (elsewhere.length === 1) {
    s.ex.warn(`Postcode ${s.place.postcode} does not belong to ${s.city}; resolved by the city name to ${label(elsewhere[0]!)}. Check the postcode.`);
    assume(s.place, CONFIDENCE.oneSide);
    return settle(s, elsewhere, `City "${s.city}" matches {m}, which does not have postcode ${s.place.postcode}.`);
  }
  const far = elsewhere.length ? [] : nearElsewhere(s);
  if (far.length) {
    s.ex.step(() => `City "${s.city}" is close to the name of ${far.map(label).join(', ')}, not to the municipalities of postcode ${s.place.postcode}.`);
    return withCandidates(s, unique([...s.inPostcode, ...far]), settleByPostcodeOrCity);
  }
  if (s.inPostcode.length === 1 && elsewhere.length === 0) {
    s.ex.warn(`City "${s.city}" is not known for postcode ${s.place.postcode}; resolved by the postcode. Check the city.`);
    assume(s.place, CONFIDENCE.oneSide);
    return settle(s, s.inPostcode, 'Resolved by the postcode alone: {m}.');
  }
  // Left: several municipalities elsewhere, or a shared postcode.
  s.ex.step(() => `City "${s.city}" and postcode ${s.place.postcode} point to different municipalities.`);
  return withCandidates(s, unique([...s.inPostcode, ...elsewhere]), settleByPostcodeOrCity);
}

/** A near miss of a name under the postcode: taken unless the city is another municipality's name or nearer to one elsewhere. */
function nearMissInPostcode(s: Search, near: NearMiss, elsewhere: RegionEntry[]): Place {
  const conflict = conflictWithPostcode(s, near, elsewhere);
  if (conflict) return withCandidates(s, conflict, settleByPostcodeOrCity);
  assumeSpelling(s, near, true);
  if (near.clear) return settle(s, near.municipalities, `With postcode ${s.place.postcode} that is {m}.`);
  return byStreetOrAmbiguous(s, near.municipalities);
}

function cityAlone(s: Search): Place {
  const all = municipalitiesOfCity(s);
  if (all.length === 1) {
    if (s.place.postcode) s.ex.warn(`Postcode ${s.place.postcode} is unknown; resolved by the city name. Check the postcode.`);
    return settle(s, all, `City "${s.city}" matches {m}.`);
  }
  if (all.length > 1) {
    s.ex.step(() => `City "${s.city}" matches ${all.length} municipalities: ${all.map(label).join(', ')}.`);
    return s.place.postcode ? byPostcodeRegion(s, all) : byStreetOrAmbiguous(s, all);
  }
  return nearMissAlone(s);
}

/** No municipality or locality has the city's name: near misses across the country, or nothing. */
function nearMissAlone(s: Search): Place {
  const far = nearInCountry(s);
  const n = far.municipalities.length;
  if (!n || n > MAX_NEAR_MISSES) {
    s.ex.step(() => `City "${s.city}" is not a municipality or locality known on ${s.at}${n ? ` (too many names are as close: ${n})` : ''}.`);
    return s.place;
  }
  if (!far.clear) {
    // Several names as near: none is assumed; the postcode's region or the street may still settle.
    s.ex.step(() => `City "${s.city}" is not known as written, and not clearly one name: ${n} municipalities have names as near or one letter further: ${far.municipalities.map(label).join(', ')}.`);
    s.ex.warn(`City "${s.city}" is not known as written. Check the city.`);
    assume(s.place, CONFIDENCE.near);
    return s.place.postcode ? byPostcodeRegion(s, far.municipalities) : byStreetOrAmbiguous(s, far.municipalities);
  }
  assumeSpelling(s, far, false);
  // An unknown postcode still names its region: a near miss elsewhere is not taken against it.
  if (s.place.postcode && !inPostcodeRegion(s, far.municipalities[0]!)) {
    s.ex.step(() => `${label(far.municipalities[0]!)} has no postcode in the region of ${s.place.postcode}.`);
    return withCandidates(s, far.municipalities, settleByPostcodeOrCity);
  }
  if (s.place.postcode) s.ex.warn(`Postcode ${s.place.postcode} is unknown; resolved by the city name. Check the postcode.`);
  return settle(s, far.municipalities, `That is {m}.`);
}

/** The city fits a municipality of the postcode by its name or by a locality under this postcode. */
function cityMatches(s: Search, m: RegionEntry): boolean {
  if (m.cityKey === s.cityK) return true;
  for (const p of s.entries) {
    if ((p.ags === m.ags || s.place.forwards?.get(m.ags!)?.ags === p.ags) && p.localityKey === s.cityK) return true;
  }
  for (const c of municipalitiesOfCity(s)) if (c.ags === m.ags) return true;
  return false;
}
