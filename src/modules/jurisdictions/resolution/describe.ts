// How municipalities, regions and rules are named in explanations and candidates.
import type { AuthorityRow, JurisdictionRow, RegionEntry, Validity } from '../../directory/directory-index.js';

export const label = (m: RegionEntry) => `${m.name} (${m.ags})`;

/** "Lemgo, Alte Hansestadt" → "Lemgo": the name people write in an address. */
export const cityOf = (m: RegionEntry) => m.name.split(',')[0]!;

/** "GOVERNMENT_DISTRICT" → "government district" */
export const levelName = (level: string) => level.toLowerCase().replace('_', ' ');

const range = (v: Validity) => `${v.validFrom ?? 'always'}–${v.validTo ?? 'open'}`;

function scopeOf(r: JurisdictionRow): string {
  if (r.level !== 'STREET') return `${levelName(r.level)} ${r.areaKey}`;
  const numbers = r.houseFrom !== null ? ` no. ${r.houseFrom}–${r.houseTo}${r.parity !== 'ALL' ? ` ${r.parity.toLowerCase()}` : ''}` : '';
  return `street ${r.streetName} in ${r.postcode} ${r.areaKey}${numbers}`;
}

export function describeRule(r: JurisdictionRow, a: AuthorityRow | undefined): string {
  return `rule #${r.id} (${scopeOf(r)}, valid ${range(r)}) → ${a ? `${a.name} [${a.key}]` : `authority #${r.authorityId}`}`;
}
