// Proposals from a newer GV100AD edition: the diff says which keys vanished and appeared, not what
// happened. For each vanished key we score likely successors (new keys and existing municipalities
// of the same district) by name, town-hall postcode and postcode mapping, group the vanished keys
// by their best successor and propose a MERGER, INCORPORATION or REKEY with a confidence and the
// reasons. Renames and association moves are proposed as RENAME / REKEY. Nothing is applied:
// an admin confirms (maybe with edits) or rejects each proposal.
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { jurisdictions, postalCodes, structuralChanges, type JurisdictionPolicy, type StructuralChangeKind, type SuccessorSpec } from '../../db/schema.js';
import { validAt } from '../../db/versioned.js';
import { foldName } from '../../lib/fold.js';
import type { RegionRecord } from '../regions/gv100ad.parser.js';
import type { RegionRow } from '../regions/regions.repository.js';
import { dayBefore } from './plan.js';

interface Municipality {
  ags: string;
  ars: string;
  name: string;
  townHallPostcode: string | null;
  population: number | null;
}

interface Scored {
  successor: Municipality;
  isNew: boolean;
  score: number;
  reasons: string[];
}

export interface EditionDiff {
  edition: string;
  /** municipalities before the import, by AGS */
  before: Map<string, RegionRow>;
  /** municipality records of the new edition, by AGS */
  after: Map<string, RegionRecord>;
  removed: string[];
  added: string[];
  renamed: { ags: string; from: string; to: string }[];
  moved: { ags: string; fromAssociation: string; toAssociation: string }[];
}

/** "Berga/Elster, Stadt" → ["berga", "elster"]: name parts without the type suffix. */
const nameParts = (name: string) =>
  foldName(name.split(',')[0]!)
    .split(/[^a-z0-9äöüß]+/)
    .filter((p) => p.length >= 3);

function score(v: Municipality, c: Municipality, isNew: boolean, vPostcodes: Set<string>, cPostcodes: Set<string>): Omit<Scored, 'successor' | 'isNew'> & { strong: boolean } {
  let s = 0;
  let strong = false;
  const reasons: string[] = [];
  const vn = nameParts(v.name);
  const cn = nameParts(c.name);
  if (vn.length && vn.every((p) => cn.includes(p))) {
    s += 0.4;
    strong = true;
    reasons.push(`name "${c.name}" contains "${v.name}"`);
  } else if (vn.some((p) => p.length >= 4 && cn.includes(p))) {
    s += 0.35;
    strong = true;
    reasons.push(`name "${c.name}" is formed with "${v.name}"`);
  }
  if (v.townHallPostcode && v.townHallPostcode === c.townHallPostcode) {
    s += 0.25;
    strong = true;
    reasons.push(`same town-hall postcode ${v.townHallPostcode}`);
  }
  const shared = [...vPostcodes].filter((p) => cPostcodes.has(p) || p === c.townHallPostcode);
  if (shared.length) {
    s += 0.1;
    reasons.push(`postcode mapping: ${v.ags} shares ${shared.slice(0, 3).join(', ')} with ${c.ags}`);
  }
  s += 0.1;
  reasons.push(`same district ${v.ags.slice(0, 5)}`);
  if (isNew) {
    s += 0.1;
    reasons.push(`${c.ags} is a new key`);
  }
  return { score: s, reasons, strong };
}

type Candidate = Scored & { strong: boolean };

/** A vanished key and its scored candidates. */
interface Vanished {
  v: Municipality;
  association: string | null;
  candidates: Candidate[];
}

/** Vanished keys grouped by their best successor. */
interface Group {
  successor: Municipality;
  isNew: boolean;
  members: { v: Municipality; score: number; reasons: string[] }[];
}

type NewChange = typeof structuralChanges.$inferInsert;
/** What every proposal of one edition has in common. */
type ProposalBase = Pick<NewChange, 'status' | 'effectiveDate' | 'createdBy' | 'createdAt' | 'updatedAt' | 'sourceReference'>;

const asMunicipality = (r: { ags: string | null; ars: string; name: string; townHallPostcode: string | null; population: number | null }): Municipality => ({
  ags: r.ags!,
  ars: r.ars,
  name: r.name,
  townHallPostcode: r.townHallPostcode,
  population: r.population,
});

/** Writes PROPOSED changes for the diff of an edition, inside the import's transaction. */
export async function proposeFromEdition(tx: Db, diff: EditionDiff, actorId: string, now: Date): Promise<number> {
  const E = diff.edition;
  const prev = dayBefore(E);
  const pcs = await postcodesBefore(tx, diff, prev);
  const scored = scoreVanished(diff, pcs);
  const groups = groupBySuccessor(scored, drawnByAssociation(scored));
  const base: ProposalBase = { status: 'PROPOSED', effectiveDate: E, createdBy: actorId, createdAt: now, updatedAt: now, sourceReference: `GV100AD edition ${E}` };
  const proposals: NewChange[] = [];
  for (const g of groups.values()) proposals.push(await groupProposal(tx, g, base, prev));
  proposals.push(...renameAndMoveProposals(diff, base));
  if (proposals.length) await tx.insert(structuralChanges).values(proposals);
  return proposals.length;
}

/** The postcodes each vanished and new key had the day before the edition (none needed without vanished keys). */
async function postcodesBefore(tx: Db, diff: EditionDiff, prev: string): Promise<(ags: string) => Set<string>> {
  const postcodesOf = new Map<string, Set<string>>();
  if (diff.removed.length) {
    const rows = await tx
      .select({ ags: postalCodes.ags, postcode: postalCodes.postcode })
      .from(postalCodes)
      .where(and(inArray(postalCodes.ags, [...new Set([...diff.removed, ...diff.added])]), validAt(postalCodes, prev)));
    for (const r of rows) {
      const set = postcodesOf.get(r.ags) ?? new Set<string>();
      set.add(r.postcode);
      postcodesOf.set(r.ags, set);
    }
  }
  return (ags) => postcodesOf.get(ags) ?? new Set<string>();
}

/** Scores every vanished key against the municipalities of its district in the new edition. */
function scoreVanished(diff: EditionDiff, pcs: (ags: string) => Set<string>): Map<string, Vanished> {
  const added = new Set(diff.added);
  const scored = new Map<string, Vanished>();
  for (const ags of diff.removed) {
    const row = diff.before.get(ags)!;
    const v = asMunicipality(row);
    const candidates = [];
    for (const [cAgs, rec] of diff.after) {
      if (cAgs.slice(0, 5) !== ags.slice(0, 5)) continue;
      const isNew = added.has(cAgs);
      candidates.push({ successor: asMunicipality(rec), isNew, ...score(v, asMunicipality(rec), isNew, pcs(ags), pcs(cAgs)) });
    }
    scored.set(ags, { v, association: row.parentArs, candidates });
  }
  return scored;
}

/**
 * Members of one former Gemeindeverband tend to go together: a new key that a member reached by
 * name or town hall draws the others of that Verband. Returns association → new key → member name.
 */
function drawnByAssociation(scored: Map<string, Vanished>): Map<string, Map<string, string>> {
  const drawnBy = new Map<string, Map<string, string>>();
  for (const [, x] of scored) {
    const best = [...x.candidates].sort((a, b) => b.score - a.score)[0];
    if (best?.strong && best.isNew && x.association) {
      const m = drawnBy.get(x.association) ?? new Map<string, string>();
      if (!m.has(best.successor.ags)) m.set(best.successor.ags, x.v.name);
      drawnBy.set(x.association, m);
    }
  }
  return drawnBy;
}

function groupBySuccessor(scored: Map<string, Vanished>, drawnBy: Map<string, Map<string, string>>): Map<string, Group> {
  const groups = new Map<string, Group>();
  for (const x of scored.values()) {
    const best = bestCandidate(x, drawnBy);
    if (!best) continue; // nothing plausible: the admin plans it by hand
    const g = groups.get(best.successor.ags) ?? { successor: best.successor, isNew: best.isNew, members: [] };
    g.members.push({ v: x.v, score: best.score, reasons: best.reasons });
    groups.set(best.successor.ags, g);
  }
  return groups;
}

/** Adds the Gemeindeverband bonus, then picks the best candidate scoring at least 0.35. */
function bestCandidate(x: Vanished, drawnBy: Map<string, Map<string, string>>): Candidate | undefined {
  for (const c of x.candidates) {
    const member = x.association ? drawnBy.get(x.association)?.get(c.successor.ags) : undefined;
    if (member && member !== x.v.name) {
      c.score += 0.3;
      c.reasons.push(`was in Gemeindeverband ${x.association} with ${member}, which went into ${c.successor.ags}`);
    }
    c.score = Math.min(1, Math.round(c.score * 100) / 100);
  }
  // New keys first on equal scores: a vanished key more often went into a new municipality.
  x.candidates.sort((a, b) => b.score - a.score || Number(b.isNew) - Number(a.isNew) || a.successor.ags.localeCompare(b.successor.ags));
  let best = x.candidates[0];
  const newInDistrict = x.candidates.filter((c) => c.isNew);
  if ((!best || best.score < 0.35) && newInDistrict.length === 1) {
    best = { ...newInDistrict[0]!, score: 0.35, reasons: [...newInDistrict[0]!.reasons, 'the only new key in the district'] };
  }
  return !best || best.score < 0.35 ? undefined : best;
}

/** A MERGER, INCORPORATION or REKEY for one group, with a suggested jurisdiction policy. */
async function groupProposal(tx: Db, g: Group, base: ProposalBase, prev: string): Promise<NewChange> {
  const E = base.effectiveDate;
  const preds = g.members.map((m) => m.v.ags).sort();
  const kind: StructuralChangeKind = !g.isNew ? 'INCORPORATION' : preds.length > 1 ? 'MERGER' : 'REKEY';
  const successor: SuccessorSpec = { ags: g.successor.ags, name: g.successor.name, associationArs: g.isNew ? g.successor.ars.slice(0, 9) : null };
  const confidence = Math.min(...g.members.map((m) => m.score));
  const reasons = g.members.map((m) => `${m.v.ags} ${m.v.name} → ${g.successor.ags}: ${m.reasons.join('; ')}`);
  const policies = await suggestedPolicies(tx, g, preds, prev);
  return { ...base, kind, predecessors: preds, successors: [successor], policies, proposal: { confidence, reasons, edition: E } };
}

/** Carry the rules of the most populous predecessor that has any, per task. */
async function suggestedPolicies(tx: Db, g: Group, preds: string[], prev: string): Promise<JurisdictionPolicy[]> {
  const ruled = await tx
    .selectDistinct({ task: jurisdictions.taskCode, ags: jurisdictions.areaKey })
    .from(jurisdictions)
    .where(and(inArray(jurisdictions.areaKey, preds), inArray(jurisdictions.level, ['MUNICIPALITY', 'STREET']), validAt(jurisdictions, prev)));
  const policies: JurisdictionPolicy[] = [];
  for (const task of new Set(ruled.map((r) => r.task))) {
    const holders = g.members.filter((m) => ruled.some((r) => r.task === task && r.ags === m.v.ags)).sort((a, b) => (b.v.population ?? 0) - (a.v.population ?? 0));
    policies.push({ task, mode: 'FROM_PREDECESSOR', predecessorAgs: holders[0]!.v.ags });
  }
  return policies;
}

/** Renames and association moves are certain: RENAME and REKEY with confidence 1. */
function renameAndMoveProposals(diff: EditionDiff, base: ProposalBase): NewChange[] {
  const E = diff.edition;
  const out: NewChange[] = [];
  for (const r of diff.renamed) {
    const rec = diff.after.get(r.ags)!;
    out.push({ ...base, kind: 'RENAME', predecessors: [r.ags], successors: [{ ags: r.ags, name: rec.name }], proposal: { confidence: 1, reasons: [`the edition names ${r.ags} "${r.to}" instead of "${r.from}"`], edition: E } });
  }
  for (const m of diff.moved) {
    const rec = diff.after.get(m.ags)!;
    out.push({
      ...base,
      kind: 'REKEY',
      predecessors: [m.ags],
      successors: [{ ags: m.ags, name: rec.name, associationArs: m.toAssociation }],
      proposal: { confidence: 1, reasons: [`the edition places ${m.ags} in Gemeindeverband ${m.toAssociation} instead of ${m.fromAssociation}`], edition: E },
    });
  }
  return out;
}

/** Open proposals of an edition (for the CLI summary). */
export async function countProposals(tx: Db, edition: string): Promise<number> {
  const [row] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(structuralChanges)
    .where(and(eq(structuralChanges.status, 'PROPOSED'), eq(structuralChanges.effectiveDate, edition)));
  return Number(row?.n ?? 0);
}
