// Which municipalities have no responsible authority for a task on a date. "Responsible" is exactly
// what a lookup by the municipality's key answers: the same resolution runs once per municipality,
// in memory, so the report and the lookups cannot disagree. One pass over the register (linear).
import { isValidAt, type AuthorityRow, type DirectoryIndex, type RegionEntry } from '../directory/directory-index.js';
import { resolveJurisdiction } from '../jurisdictions/resolution/index.js';
import { inAreas } from '../tenants/territory.js';

export interface CoverageQuery {
  task: string;
  at: string;
  /** a Kreis (5-digit ARS): only its municipalities */
  district?: string | null;
  /** a tenant's territory: only municipalities inside these areas; undefined: all */
  areas?: readonly string[];
}

/** Why a lookup by the key names no authority: no rule applies, or rules of equal specificity do. */
export type CoverageGap = 'NO_JURISDICTION' | 'AMBIGUOUS';

export interface UncoveredMunicipality {
  ags: string;
  ars: string;
  name: string;
  districtArs: string;
  districtName: string | null;
  gap: CoverageGap;
  /** street rules for the task, valid on the date, of active authorities: addresses on them resolve */
  streetRules: number;
  /** with AMBIGUOUS: the authorities of the rules of equal specificity */
  candidates: AuthorityRow[];
}

export interface Counts {
  municipalities: number;
  covered: number;
  uncovered: number;
  /** uncovered, but with street rules: partially covered */
  partiallyCovered: number;
}

export interface DistrictCoverage extends Counts {
  ars: string;
  name: string | null;
}

export interface CoverageReport extends Counts {
  task: string;
  at: string;
  district: string | null;
  /** the Kreise with at least one municipality in the report, by ARS */
  districts: DistrictCoverage[];
  /** the uncovered municipalities, by AGS */
  gaps: UncoveredMunicipality[];
}

const zero = (): Counts => ({ municipalities: 0, covered: 0, uncovered: 0, partiallyCovered: 0 });

/** What is wrong with the query, naming the argument; null when the report can be made. */
export function coverageQueryError(ix: DirectoryIndex, q: CoverageQuery): { argument: 'task' | 'district'; message: string } | null {
  if (!ix.taskCodes.has(q.task)) {
    const known = [...ix.taskCodes].sort();
    return { argument: 'task', message: `"${q.task}" is not a task; known: ${known.slice(0, 20).join(', ')}${known.length > 20 ? ', …' : ''}` };
  }
  if (q.district == null) return null;
  if (!/^\d{5}$/.test(q.district)) return { argument: 'district', message: `"${q.district}" is not a Kreis: expected its 5-digit ARS, e.g. 05766` };
  if (!ix.region('DISTRICT', q.district, q.at)) return { argument: 'district', message: `${q.district} is not a Kreis in the register on ${q.at}` };
  return null;
}

/** The municipalities valid on the date that the query asks about, by AGS. */
function municipalitiesOf(ix: DirectoryIndex, q: CoverageQuery): RegionEntry[] {
  const list: RegionEntry[] = [];
  for (const ags of ix.municipalitiesByAgs.keys()) {
    const m = ix.municipality(ags, q.at);
    if (!m?.ags) continue;
    if (q.district && !m.ars.startsWith(q.district)) continue;
    if (q.areas && !inAreas(q.areas, { what: m.name, ags: m.ags, ars: m.ars })) continue;
    list.push(m);
  }
  return list.sort((a, b) => (a.ags! < b.ags! ? -1 : a.ags! > b.ags! ? 1 : 0));
}

function streetRules(ix: DirectoryIndex, q: CoverageQuery, ags: string): number {
  let n = 0;
  for (const r of ix.rulesFor(q.task, ags)) {
    if (r.level === 'STREET' && isValidAt(r, q.at) && ix.authoritiesById.get(r.authorityId)?.status === 'ACTIVE') n++;
  }
  return n;
}

/** The gap of one municipality, or null when a lookup by its key resolves to an authority. */
function gapOf(ix: DirectoryIndex, q: CoverageQuery, m: RegionEntry): Omit<UncoveredMunicipality, 'districtName'> | null {
  const r = resolveJurisdiction(ix, { task: q.task, at: q.at, ags: m.ags, explain: false });
  if (r.status === 'RESOLVED') return null;
  const gap: CoverageGap = r.status === 'AMBIGUOUS' ? 'AMBIGUOUS' : 'NO_JURISDICTION';
  const candidates = r.candidates.flatMap((c) => (c.authority ? [c.authority] : []));
  return { ags: m.ags!, ars: m.ars, name: m.name, districtArs: m.ars.slice(0, 5), gap, streetRules: streetRules(ix, q, m.ags!), candidates };
}

function count(c: Counts, gap: { streetRules: number } | null): void {
  c.municipalities++;
  if (!gap) c.covered++;
  else {
    c.uncovered++;
    if (gap.streetRules > 0) c.partiallyCovered++;
  }
}

export function computeCoverage(ix: DirectoryIndex, q: CoverageQuery): CoverageReport {
  const totals = zero();
  const districts = new Map<string, DistrictCoverage>();
  const gaps: UncoveredMunicipality[] = [];
  for (const m of municipalitiesOf(ix, q)) {
    const ars5 = m.ars.slice(0, 5);
    let d = districts.get(ars5);
    if (!d) districts.set(ars5, (d = { ars: ars5, name: ix.region('DISTRICT', ars5, q.at)?.name ?? null, ...zero() }));
    const gap = gapOf(ix, q, m);
    count(totals, gap);
    count(d, gap);
    if (gap) gaps.push({ ...gap, districtName: d.name });
  }
  const byArs = [...districts.values()].sort((a, b) => (a.ars < b.ars ? -1 : 1));
  return { task: q.task, at: q.at, district: q.district ?? null, ...totals, districts: byArs, gaps };
}

const reports = new WeakMap<DirectoryIndex, Map<string, CoverageReport>>();
/** Reports kept per loaded index: paging through one report does not compute it again. */
const KEPT_PER_INDEX = 16;

/** The report for this index (which a reload replaces, and the kept reports with it). */
export function cachedCoverage(ix: DirectoryIndex, q: CoverageQuery): CoverageReport {
  let kept = reports.get(ix);
  if (!kept) reports.set(ix, (kept = new Map()));
  const key = JSON.stringify([q.task, q.at, q.district ?? null, q.areas ? [...q.areas].sort() : null]);
  const hit = kept.get(key);
  if (hit) return hit;
  const report = computeCoverage(ix, q);
  if (kept.size >= KEPT_PER_INDEX) kept.delete(kept.keys().next().value!);
  kept.set(key, report);
  return report;
}
