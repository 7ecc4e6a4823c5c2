// The lookup: input → municipality → most specific jurisdiction valid on the date → authority.
// Pure and in memory: every decision is written into the explanation, and nothing uncertain is
// guessed: it becomes AMBIGUOUS with candidates and what input would settle it.
import { STREET_RANGE_SPECIFICITY } from '../directory/specificity.js';
import { cityKey, normalizePostcode, parseHouseNumber, streetKey, type HouseNumber } from '../addresses/normalize.js';
import { isValidAt, type AuthorityRow, type DirectoryIndex, type JurisdictionRow, type PostcodeEntry, type RegionEntry, type Succession } from '../directory/directory-index.js';

export type LookupStatus = 'RESOLVED' | 'AMBIGUOUS' | 'NOT_FOUND' | 'NO_JURISDICTION';

export interface AddressInput {
  street?: string | null;
  houseNumber?: string | null;
  postalCode?: string | null;
  city?: string | null;
}

export interface LookupInput {
  address?: AddressInput | null;
  ags?: string | null;
  ars?: string | null;
  postalCode?: string | null;
  city?: string | null;
  task: string;
  at: string;
  messageType?: string | null;
}

export interface Candidate {
  ags: string | null;
  municipalityName: string | null;
  authority: AuthorityRow | null;
  settleBy: string;
}

/** The old key a lookup was forwarded from, by a structural change. */
export interface Forwarding {
  ags: string;
  name: string | null;
  successorAgs: string;
  changeId: number;
  kind: Succession['kind'];
  effectiveDate: string;
}

export interface LookupResult {
  status: LookupStatus;
  /** set when the input named (or led to) a municipality that a structural change replaced */
  forwardedFrom: Forwarding | null;
  authority: AuthorityRow | null;
  rule: JurisdictionRow | null;
  /** AGS of the municipality the input was matched to */
  ags: string | null;
  /** ARS of the region, when the input was a region above municipality level */
  regionArs: string | null;
  candidates: Candidate[];
  explanation: string[];
  warnings: string[];
  acceptsMessageType: boolean | null;
  input: LookupInput;
}

const LEVEL_BY_LENGTH: Record<number, 'STATE' | 'GOVERNMENT_DISTRICT' | 'DISTRICT' | 'ASSOCIATION'> = {
  2: 'STATE',
  3: 'GOVERNMENT_DISTRICT',
  5: 'DISTRICT',
  9: 'ASSOCIATION',
};

const label = (m: RegionEntry) => `${m.name} (${m.ags})`;
const range = (v: { validFrom: string | null; validTo: string | null }) => `${v.validFrom ?? 'always'}–${v.validTo ?? 'open'}`;

function describeRule(r: JurisdictionRow, a: AuthorityRow | undefined): string {
  const scope =
    r.level === 'STREET'
      ? `street ${r.streetName} in ${r.postcode} ${r.areaKey}${r.houseFrom !== null ? ` no. ${r.houseFrom}–${r.houseTo}${r.parity !== 'ALL' ? ` ${r.parity.toLowerCase()}` : ''}` : ''}`
      : `${r.level.toLowerCase().replace('_', ' ')} ${r.areaKey}`;
  return `rule #${r.id} (${scope}, valid ${range(r)}) → ${a ? `${a.name} [${a.key}]` : `authority #${r.authorityId}`}`;
}

interface Place {
  municipalities: RegionEntry[];
  /** successor AGS → how the input reached it through an old key */
  forwards: Map<string, Forwarding>;
  /** set when the place could not be settled */
  candidates?: Candidate[];
  postcode?: string;
  street?: string;
  streetKey?: string;
  houseNumber?: HouseNumber;
}

function unique(list: RegionEntry[]): RegionEntry[] {
  const seen = new Map<string, RegionEntry>();
  for (const m of list) if (m.ags && !seen.has(m.ags)) seen.set(m.ags, m);
  return [...seen.values()].sort((a, b) => a.ags!.localeCompare(b.ags!));
}

const lastName = (ix: DirectoryIndex, ags: string) => ix.regionsByKey.get(`M:${ags}`)?.reduce<RegionEntry | undefined>((a, b) => (!a || (b.validFrom ?? '') > (a.validFrom ?? '') ? b : a), undefined)?.name ?? null;

function forwarding(ix: DirectoryIndex, oldAgs: string, s: Succession): Forwarding {
  return { ags: oldAgs, name: lastName(ix, oldAgs), successorAgs: s.newAgs, changeId: s.changeId, kind: s.kind, effectiveDate: s.effectiveDate };
}

/** Where an old key leads on the date: successions followed until a valid municipality (a split leads to several). */
export function forwardKey(ix: DirectoryIndex, ags: string, at: string): { municipality: RegionEntry; via: Forwarding }[] {
  const out = new Map<string, { municipality: RegionEntry; via: Forwarding }>();
  const seen = new Set<string>();
  const walk = (key: string, first: Forwarding | undefined, depth: number) => {
    if (depth > 20 || seen.has(key)) return;
    seen.add(key);
    for (const s of ix.successionsAt(key, at)) {
      const via = first ?? forwarding(ix, ags, s);
      const m = ix.municipality(s.newAgs, at);
      if (m) {
        if (!out.has(m.ags!)) out.set(m.ags!, { municipality: m, via });
      } else walk(s.newAgs, via, depth + 1);
    }
  };
  walk(ags, undefined, 0);
  return [...out.values()];
}

/** The municipality of a postcode entry on the date; through successions when its key is gone. */
function entryMunicipalities(ix: DirectoryIndex, p: PostcodeEntry, at: string, forwards: Map<string, Forwarding>): RegionEntry[] {
  const m = ix.municipality(p.ags, at);
  if (m) {
    if (p.predecessorAgs && !forwards.has(m.ags!)) {
      const s = ix.successionsAt(p.predecessorAgs, at).find((x) => x.newAgs === p.ags);
      if (s) forwards.set(m.ags!, forwarding(ix, p.predecessorAgs, s));
    }
    return [m];
  }
  return forwardKey(ix, p.ags, at).map((f) => {
    if (!forwards.has(f.municipality.ags!)) forwards.set(f.municipality.ags!, f.via);
    return f.municipality;
  });
}

/** Municipalities whose name or a locality of which is this city, on the date. */
function municipalitiesOfCity(ix: DirectoryIndex, key: string, at: string, forwards: Map<string, Forwarding>): RegionEntry[] {
  const byName = (ix.municipalitiesByCity.get(key) ?? []).filter((m) => isValidAt(m, at));
  const byLocality = (ix.postcodesByLocality.get(key) ?? []).filter((p) => isValidAt(p, at)).flatMap((p) => entryMunicipalities(ix, p, at, forwards));
  return unique([...byName, ...byLocality]);
}

function matchPlace(ix: DirectoryIndex, input: LookupInput, ex: string[], warn: string[]): Place {
  const at = input.at;
  const a = input.address ?? {};
  const rawPostcode = a.postalCode ?? input.postalCode ?? null;
  const city = a.city ?? input.city ?? null;
  const place: Place = { municipalities: [], forwards: new Map() };
  if (a.street) {
    place.street = a.street.trim();
    place.streetKey = streetKey(a.street);
  }
  if (a.houseNumber) place.houseNumber = parseHouseNumber(a.houseNumber);

  const cityK = city ? cityKey(city) : undefined;
  let byCityCache: RegionEntry[] | undefined;
  const byCity = () => (byCityCache ??= cityK ? municipalitiesOfCity(ix, cityK, at, place.forwards) : []);

  let inPostcode: RegionEntry[] = [];
  let entries: PostcodeEntry[] = [];
  if (rawPostcode) {
    const pc = normalizePostcode(rawPostcode)!;
    place.postcode = pc.postcode;
    if (pc.padded) warn.push(`Postcode "${rawPostcode}" read as ${pc.postcode} (leading zero restored).`);
    entries = (ix.postcodes.get(pc.postcode) ?? []).filter((p) => isValidAt(p, at));
    // A locality matching the city names the predecessor best: look at those entries first.
    const ordered = cityK ? [...entries.filter((p) => p.localityKey === cityK), ...entries.filter((p) => p.localityKey !== cityK)] : entries;
    inPostcode = unique(ordered.flatMap((p) => entryMunicipalities(ix, p, at, place.forwards)));
    if (!inPostcode.length) {
      ex.push(`Postcode ${pc.postcode} is not known on ${at}.`);
    } else if (inPostcode.length === 1) {
      ex.push(`Postcode ${pc.postcode} belongs to ${label(inPostcode[0]!)}.`);
    } else {
      ex.push(`Postcode ${pc.postcode} is shared by ${inPostcode.length} municipalities: ${inPostcode.map(label).join(', ')}.`);
    }
  }

  // The city fits a municipality of the postcode by its name or by a locality under this postcode.
  const cityMatches = (m: RegionEntry) =>
    m.cityKey === cityK ||
    entries.some((p) => (p.ags === m.ags || place.forwards.get(m.ags!)?.ags === p.ags) && p.localityKey === cityK) ||
    byCity().some((c) => c.ags === m.ags);
  const byStreet = (among: RegionEntry[]) => {
    if (!place.streetKey) return [];
    const hits = place.postcode
      ? (ix.streets.get(`${place.postcode}:${place.streetKey}`) ?? [])
      : among.flatMap((m) => ix.streetsInMunicipality.get(`${m.ags}:${place.streetKey}`) ?? []);
    const ags = new Set(hits.filter((s) => isValidAt(s, at)).map((s) => s.ags));
    return among.filter((m) => ags.has(m.ags!));
  };
  const byStreetOrAmbiguous = (among: RegionEntry[]): Place => {
    const narrowed = byStreet(among);
    if (narrowed.length === 1) return settle(narrowed, `Street "${place.street}" is in {m} according to the street directory.`);
    ex.push(`Cannot decide between ${among.length} municipalities without more input.`);
    return withCandidates(place, among, (m) =>
      place.street ? `city "${cityOf(m)}", or the AGS ${m.ags}` : `city "${cityOf(m)}", a street in the street directory, or the AGS ${m.ags}`,
    );
  };
  const settle = (list: RegionEntry[], how: string): Place => {
    if (list.length === 1) {
      ex.push(how.replace('{m}', label(list[0]!)));
      return { ...place, municipalities: list };
    }
    return { ...place, municipalities: [] };
  };

  if (inPostcode.length) {
    if (cityK) {
      const both = inPostcode.filter(cityMatches);
      if (both.length === 1) {
        return settle(both, inPostcode.length > 1 ? `City "${city}" settles the shared postcode: {m}.` : `City "${city}" matches {m}.`);
      }
      if (both.length === 0) {
        const elsewhere = byCity().filter((m) => !inPostcode.includes(m));
        if (elsewhere.length === 1) {
          warn.push(`Postcode ${place.postcode} does not belong to ${city}; resolved by the city name to ${label(elsewhere[0]!)}. Check the postcode.`);
          return settle(elsewhere, `City "${city}" matches {m}, which does not have postcode ${place.postcode}.`);
        }
        if (inPostcode.length === 1 && elsewhere.length === 0) {
          warn.push(`City "${city}" is not known for postcode ${place.postcode}; resolved by the postcode. Check the city.`);
          return settle(inPostcode, 'Resolved by the postcode alone: {m}.');
        }
        if (elsewhere.length > 1 || inPostcode.length > 1) {
          ex.push(`City "${city}" and postcode ${place.postcode} point to different municipalities.`);
          return withCandidates(place, unique([...inPostcode, ...elsewhere]), (m) =>
            inPostcode.includes(m) ? `city "${cityOf(m)}" with postcode ${place.postcode}` : `the correct postcode of ${cityOf(m)}`,
          );
        }
      }
      // several municipalities with this postcode match the city: try the street
      return byStreetOrAmbiguous(both.length ? both : inPostcode);
    }
    if (inPostcode.length === 1) return settle(inPostcode, 'Resolved by the postcode: {m}.');
    return byStreetOrAmbiguous(inPostcode);
  }

  if (cityK) {
    const all = byCity();
    if (all.length === 1) {
      if (place.postcode) warn.push(`Postcode ${place.postcode} is unknown; resolved by the city name. Check the postcode.`);
      return settle(all, `City "${city}" matches {m}.`);
    }
    if (all.length > 1) {
      ex.push(`City "${city}" matches ${all.length} municipalities: ${all.map(label).join(', ')}.`);
      return byStreetOrAmbiguous(all);
    }
    ex.push(`City "${city}" is not a municipality or locality known on ${at}.`);
  }
  return place;
}

const cityOf = (m: RegionEntry) => m.name.split(',')[0]!;

export function withCandidates(place: Place, options: RegionEntry[], settleBy: (m: RegionEntry) => string): Place {
  return {
    ...place,
    municipalities: [],
    candidates: options.map((m) => ({ ags: m.ags, municipalityName: m.name, authority: null, settleBy: settleBy(m) })),
  };
}

interface RuleChoice {
  winners: JurisdictionRow[];
  needsHouseNumber: JurisdictionRow[];
}

/** Rules of the most specific scope valid on the date, for the area chain of a municipality or region. */
function chooseRules(
  ix: DirectoryIndex,
  task: string,
  at: string,
  areaKeys: string[],
  street: { postcode?: string; streetKey?: string; houseNumber?: HouseNumber } | undefined,
  ex: string[],
): RuleChoice {
  const applicable: { rule: JurisdictionRow; specificity: number }[] = [];
  const needsHouseNumber: JurisdictionRow[] = [];
  for (const key of areaKeys) {
    for (const r of ix.rulesFor(task, key)) {
      if (!isValidAt(r, at)) continue;
      const authority = ix.authoritiesById.get(r.authorityId);
      if (authority?.status !== 'ACTIVE') {
        ex.push(`Skipped ${describeRule(r, authority)}: the authority is deactivated.`);
        continue;
      }
      if (r.level === 'STREET') {
        if (!street?.streetKey || r.streetKey !== street.streetKey) continue;
        if (street.postcode && r.postcode !== street.postcode) continue;
        if (r.houseFrom !== null) {
          const h = street.houseNumber;
          if (!h) {
            needsHouseNumber.push(r);
            continue;
          }
          const fits = (n: number) => n >= r.houseFrom! && n <= r.houseTo! && (r.parity === 'ALL' || (n % 2 === 1) === (r.parity === 'ODD'));
          if (!fits(h.from) || !fits(h.to)) continue;
        }
      }
      applicable.push({ rule: r, specificity: r.specificity });
    }
  }
  if (!applicable.length) return { winners: [], needsHouseNumber };
  const best = Math.max(...applicable.map((a) => a.specificity));
  for (const a of applicable.sort((x, y) => y.specificity - x.specificity)) {
    if (a.specificity < best) ex.push(`Less specific: ${describeRule(a.rule, ix.authoritiesById.get(a.rule.authorityId))}.`);
  }
  return { winners: applicable.filter((a) => a.specificity === best).map((a) => a.rule), needsHouseNumber };
}

export function resolveJurisdiction(ix: DirectoryIndex, input: LookupInput): LookupResult {
  const ex: string[] = [];
  const warn: string[] = [];
  const at = input.at;
  let forwardedFrom: Forwarding | null = null;
  const result = (status: LookupStatus, extra: Partial<LookupResult> = {}): LookupResult => ({
    status,
    forwardedFrom,
    authority: null,
    rule: null,
    ags: null,
    regionArs: null,
    candidates: [],
    explanation: ex,
    warnings: warn,
    acceptsMessageType: null,
    input,
    ...extra,
  });

  let municipality: RegionEntry | undefined;
  let areaKeys: string[];
  let place: Place | undefined;
  let regionArs: string | null = null;

  if (input.ags) {
    municipality = ix.municipality(input.ags, at);
    if (!municipality) {
      const targets = forwardKey(ix, input.ags, at);
      if (!targets.length) {
        ex.push(`AGS ${input.ags} is not a municipality in the register on ${at}.`);
        return result('NOT_FOUND');
      }
      const via = targets[0]!.via;
      forwardedFrom = via;
      ex.push(`AGS ${input.ags}${via.name ? ` (${via.name})` : ''} was replaced on ${via.effectiveDate} by structural change #${via.changeId} (${via.kind}).`);
      if (targets.length > 1) {
        ex.push(`It was split into ${targets.map((t) => label(t.municipality)).join(', ')}; the address decides.`);
        const candidates = targets.map((t) => ({ ags: t.municipality.ags, municipalityName: t.municipality.name, authority: null, settleBy: `the address (postcode and street) or the AGS ${t.municipality.ags}` }));
        return result('AMBIGUOUS', { candidates: withAuthorities(ix, input, candidates) });
      }
      municipality = targets[0]!.municipality;
      ex.push(`Forwarded to its successor ${label(municipality)}.`);
    } else ex.push(`AGS ${input.ags} is ${label(municipality)}.`);
  } else if (input.ars && input.ars.length === 12) {
    municipality = ix.municipalitiesByArs.get(input.ars)?.find((m) => isValidAt(m, at));
    if (!municipality) {
      ex.push(`ARS ${input.ars} is not a municipality in the register on ${at}.`);
      return result('NOT_FOUND');
    }
    ex.push(`ARS ${input.ars} is ${label(municipality)}.`);
  } else if (input.ars) {
    const level = LEVEL_BY_LENGTH[input.ars.length];
    const region = level && ix.region(level, input.ars, at);
    if (!region) {
      ex.push(`ARS ${input.ars} is not a region in the register on ${at}.`);
      return result('NOT_FOUND');
    }
    regionArs = region.ars;
    ex.push(`ARS ${input.ars} is ${region.level.toLowerCase().replace('_', ' ')} ${region.name}.`);
  } else {
    place = matchPlace(ix, input, ex, warn);
    if (place.candidates) {
      return result('AMBIGUOUS', { candidates: withAuthorities(ix, input, place.candidates) });
    }
    if (place.municipalities.length !== 1) {
      ex.push('No municipality matches the input.');
      return result('NOT_FOUND');
    }
    municipality = place.municipalities[0]!;
    const via = place.forwards.get(municipality.ags!);
    if (via) {
      forwardedFrom = via;
      ex.push(`The input refers to ${via.name ?? via.ags} (${via.ags}), replaced on ${via.effectiveDate} by structural change #${via.changeId} (${via.kind}); forwarded to ${label(municipality)}.`);
    }
  }

  if (municipality) {
    const ars = municipality.ars;
    areaKeys = [municipality.ags!, ars.slice(0, 9), ars.slice(0, 5), ars.slice(0, 3), ars.slice(0, 2)];
  } else {
    const ars = regionArs!;
    areaKeys = [9, 5, 3, 2].filter((n) => n <= ars.length).map((n) => ars.slice(0, n));
  }
  const found = { ags: municipality?.ags ?? null, regionArs };

  if (!ix.taskCodes.has(input.task)) {
    ex.push(`Task ${input.task} is not in the task list.`);
    return result('NO_JURISDICTION', found);
  }
  if (place?.houseNumber === undefined && input.address?.houseNumber) {
    warn.push(`House number "${input.address.houseNumber}" is not a house number; street rules with number ranges cannot apply.`);
  }
  const choice = chooseRules(ix, input.task, at, areaKeys, place, ex);
  const forWhat = `task ${input.task} on ${at}`;

  if (choice.needsHouseNumber.length && (!choice.winners.length || choice.winners[0]!.specificity < STREET_RANGE_SPECIFICITY)) {
    ex.push(`The street has rules by house number; without a valid house number they cannot be decided.`);
    const options = [...choice.needsHouseNumber, ...choice.winners];
    return result('AMBIGUOUS', {
      ...found,
      candidates: options.map((r) => ({
        ags: municipality?.ags ?? null,
        municipalityName: municipality?.name ?? null,
        authority: ix.authoritiesById.get(r.authorityId) ?? null,
        settleBy:
          r.houseFrom !== null
            ? `a house number ${r.houseFrom}–${r.houseTo}${r.parity !== 'ALL' ? ` (${r.parity.toLowerCase()})` : ''}`
            : 'a house number outside the ranges of the street rules',
      })),
    });
  }
  if (!choice.winners.length) {
    ex.push(`No jurisdiction for ${forWhat} covers ${municipality ? label(municipality) : `region ${regionArs}`}.`);
    return result('NO_JURISDICTION', found);
  }
  if (choice.winners.length > 1) {
    ex.push(`${choice.winners.length} rules of equal specificity apply: ${choice.winners.map((r) => `#${r.id}`).join(', ')}.`);
    return result('AMBIGUOUS', {
      ...found,
      candidates: choice.winners.map((r) => ({
        ags: municipality?.ags ?? null,
        municipalityName: municipality?.name ?? null,
        authority: ix.authoritiesById.get(r.authorityId) ?? null,
        settleBy: r.level === 'STREET' ? `postcode ${r.postcode}${r.houseFrom !== null ? ` and a house number ${r.houseFrom}–${r.houseTo}` : ''}` : 'a more precise address',
      })),
    });
  }
  const rule = choice.winners[0]!;
  const authority = ix.authoritiesById.get(rule.authorityId)!;
  ex.push(`Most specific for ${forWhat}: ${describeRule(rule, authority)}.`);
  let acceptsMessageType: boolean | null = null;
  if (input.messageType) {
    acceptsMessageType = authority.messageTypes.includes(input.messageType);
    ex.push(
      acceptsMessageType
        ? `${authority.key} accepts XAmtshilfe message ${input.messageType} electronically${authority.standardVersion ? ` (XAmtshilfe ${authority.standardVersion})` : ''}.`
        : `${authority.key} does not accept XAmtshilfe message ${input.messageType} electronically: postal delivery.`,
    );
  }
  return result('RESOLVED', { ...found, authority, rule, acceptsMessageType });
}

/** For each candidate municipality, the authority it would lead to. */
function withAuthorities(ix: DirectoryIndex, input: LookupInput, candidates: Candidate[]): Candidate[] {
  return candidates.map((c) => {
    if (!c.ags) return c;
    const r = resolveJurisdiction(ix, { task: input.task, at: input.at, ags: c.ags });
    return { ...c, authority: r.authority };
  });
}
