// Rule choice: of the rules for a task valid on the date along a municipality's area chain (or a
// region's), the most specific win. Street rules apply only to their street and, with a range,
// to house numbers inside it of the right parity; rules of deactivated authorities are skipped.
import type { HouseNumber } from '../../addresses/normalize.js';
import { isValidAt, type DirectoryIndex, type JurisdictionRow } from '../../directory/directory-index.js';
import { describeRule } from './describe.js';
import type { Explanation } from './explanation.js';

export interface StreetOfInput {
  postcode?: string;
  streetKey?: string;
  houseNumber?: HouseNumber;
}

export interface RuleChoice {
  winners: JurisdictionRow[];
  /** street rules with house-number ranges that the input, without a house number, cannot decide */
  needsHouseNumber: JurisdictionRow[];
}

/** The task's rules of the region and the regions above it, most specific first. */
export function regionRules(ix: DirectoryIndex, task: string, ars: string): JurisdictionRow[] {
  return [9, 5, 3, 2].filter((n) => n <= ars.length).flatMap((n) => ix.rulesFor(task, ars.slice(0, n)));
}

function fitsRange(r: JurisdictionRow, n: number): boolean {
  return n >= r.houseFrom! && n <= r.houseTo! && (r.parity === 'ALL' || (n % 2 === 1) === (r.parity === 'ODD'));
}

type StreetFit = 'FITS' | 'OTHER' | 'NEEDS_HOUSE_NUMBER';

/** Whether a street rule covers the input's street (and house number, when it has a range). */
function streetFit(r: JurisdictionRow, street: StreetOfInput | undefined): StreetFit {
  if (!street?.streetKey || r.streetKey !== street.streetKey) return 'OTHER';
  if (street.postcode && r.postcode !== street.postcode) return 'OTHER';
  if (r.houseFrom === null) return 'FITS';
  const h = street.houseNumber;
  if (!h) return 'NEEDS_HOUSE_NUMBER';
  return fitsRange(r, h.from) && fitsRange(r, h.to) ? 'FITS' : 'OTHER';
}

/** Of a task's rules along an area chain (most specific area first), those of the most specific scope valid on the date. */
export function chooseRules(ix: DirectoryIndex, at: string, rules: readonly JurisdictionRow[], street: StreetOfInput | undefined, ex: Explanation): RuleChoice {
  const applicable: JurisdictionRow[] = [];
  const needsHouseNumber: JurisdictionRow[] = [];
  for (const r of rules) {
    if (!isValidAt(r, at)) continue;
    const authority = ix.authoritiesById.get(r.authorityId);
    if (authority?.status !== 'ACTIVE') {
      ex.step(() => `Skipped ${describeRule(r, authority)}: the authority is deactivated.`);
      continue;
    }
    const fit = r.level === 'STREET' ? streetFit(r, street) : 'FITS';
    if (fit === 'NEEDS_HOUSE_NUMBER') needsHouseNumber.push(r);
    else if (fit === 'FITS') applicable.push(r);
  }
  return { winners: mostSpecific(ix, applicable, ex), needsHouseNumber };
}

/** The rules of the highest specificity; the others are named in the explanation, most specific first. */
function mostSpecific(ix: DirectoryIndex, applicable: JurisdictionRow[], ex: Explanation): JurisdictionRow[] {
  if (!applicable.length) return applicable;
  let best = -Infinity;
  for (const r of applicable) if (r.specificity > best) best = r.specificity;
  applicable.sort((x, y) => y.specificity - x.specificity);
  for (const r of applicable) {
    if (r.specificity < best) ex.step(() => `Less specific: ${describeRule(r, ix.authoritiesById.get(r.authorityId))}.`);
  }
  return applicable.filter((r) => r.specificity === best);
}
