// Validation of lookup inputs (clear errors naming the field) and the single/bulk entry points.
import { badInput } from '../../lib/errors.js';
import { isIsoDate } from '../../lib/dates.js';
import { normalizePostcode } from '../addresses/normalize.js';
import { MESSAGE_TYPES } from '../authorities/message-types.js';
import type { DirectoryIndex } from '../directory/directory-index.js';
import { resolveJurisdiction, type LookupInput, type LookupResult } from './resolution/index.js';

export const DEFAULT_TASK = 'VOLLSTRECKUNGSHILFE';

export interface RawLookupInput {
  address?: { street?: string | null; houseNumber?: string | null; postalCode?: string | null; city?: string | null } | null;
  ags?: string | null;
  ars?: string | null;
  postalCode?: string | null;
  city?: string | null;
  task?: string | null;
  at?: string | null;
  messageType?: string | null;
}

const blank = (s: string | null | undefined) => s === null || s === undefined || s.trim() === '';
const trimmed = (s: string | null | undefined) => (blank(s) ? null : s!.trim());

/**
 * Checks one input; `field` names it in errors (e.g. "inputs[17]"). With `now` (the current instant,
 * on `today`) a lookup for today decides delivery for that instant; a lookup for another day, or
 * without `now`, for 00:00 in Germany on its day.
 */
export function checkLookupInput(raw: RawLookupInput, today: string, field = 'input', now?: Date): LookupInput {
  const a = raw.address;
  const given = [
    a ? 'address' : null,
    !blank(raw.ags) ? 'ags' : null,
    !blank(raw.ars) ? 'ars' : null,
    !blank(raw.postalCode) || !blank(raw.city) ? 'postalCode/city' : null,
  ].filter(Boolean);
  if (given.length === 0) throw badInput(field, 'give one of address, ags, ars, or postalCode (with optional city)');
  if (given.length > 1) throw badInput(field, `give only one of address, ags, ars, postalCode/city; got ${given.join(' and ')}`);
  const out: LookupInput = {
    task: trimmed(raw.task) ?? DEFAULT_TASK,
    at: raw.at ?? today,
    messageType: trimmed(raw.messageType),
  };
  if (out.at !== today && !isIsoDate(out.at)) throw badInput(`${field}.at`, `"${raw.at}" is not a date YYYY-MM-DD`);
  if (out.at === today && now) out.instant = now;
  if (out.messageType && !(MESSAGE_TYPES as readonly string[]).includes(out.messageType)) {
    throw badInput(`${field}.messageType`, `"${out.messageType}" is not an XAmtshilfe message type (${MESSAGE_TYPES.join(', ')})`);
  }
  const checkPostcode = (v: string | null | undefined, name: string) => {
    const t = trimmed(v);
    if (t !== null && !normalizePostcode(t)) throw badInput(`${field}.${name}`, `"${v}" is not a postcode: expected 5 digits`);
    return t;
  };
  if (a) {
    const address = {
      street: trimmed(a.street),
      houseNumber: trimmed(a.houseNumber),
      postalCode: checkPostcode(a.postalCode, 'address.postalCode'),
      city: trimmed(a.city),
    };
    if (!address.postalCode && !address.city) throw badInput(`${field}.address`, 'needs a postalCode or a city');
    if (address.houseNumber && !address.street) throw badInput(`${field}.address.houseNumber`, 'needs a street');
    out.address = address;
  } else if (!blank(raw.ags)) {
    const ags = raw.ags!.trim();
    if (!/^\d{8}$/.test(ags)) throw badInput(`${field}.ags`, `"${raw.ags}" is not an AGS: expected 8 digits`);
    out.ags = ags;
  } else if (!blank(raw.ars)) {
    const ars = raw.ars!.trim();
    if (!/^\d+$/.test(ars) || ![2, 3, 5, 9, 12].includes(ars.length)) throw badInput(`${field}.ars`, `"${raw.ars}" is not an ARS: expected 2, 3, 5, 9 or 12 digits`);
    out.ars = ars;
  } else {
    out.postalCode = checkPostcode(raw.postalCode, 'postalCode');
    out.city = trimmed(raw.city);
  }
  return out;
}

/** explain: false when the caller does not read the explanation (its steps are then not worded). */
export function lookupOne(ix: DirectoryIndex, raw: RawLookupInput, today: string, now?: Date, explain = true): LookupResult {
  const input = checkLookupInput(raw, today, 'input', now);
  input.explain = explain;
  return resolveJurisdiction(ix, input);
}

export function lookupMany(ix: DirectoryIndex, raws: RawLookupInput[], today: string, max: number, now?: Date, explain = true): LookupResult[] {
  if (raws.length > max) throw badInput('inputs', `at most ${max} inputs per request, got ${raws.length}; split the batch`);
  const inputs = raws.map((r, i) => checkLookupInput(r, today, `inputs[${i}]`, now));
  for (const i of inputs) i.explain = explain;
  return inputs.map((i) => resolveJurisdiction(ix, i));
}
