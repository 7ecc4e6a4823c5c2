// Which Gemeindeverband a successor belongs to. A plan names an existing one (associationArs) or one
// the change opens (newAssociation); without either, the predecessors' one is taken only when that is
// unambiguous. Otherwise the plan is refused with the choices, so nothing is picked silently.
import { and, eq, gt, isNull, ne, or, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { regions, structuralChanges, type NewAssociationSpec } from '../../db/schema.js';
import { validAt } from '../../db/versioned.js';
import { badInput, conflict } from '../../lib/errors.js';
import type { MunicipalityRow, PlanCheck, Successor } from './plan.js';

const ASSOCIATION_ARS = /^\d{9}$/;
const NEW_ASSOCIATION = 'newAssociation { ars, name } to open a new one';

/**
 * The Gemeindeverband's version on D, or its first version when that only starts later and nothing
 * came before (an edition opened it at its own date; applying moves that start back to D).
 */
export async function associationFrom(tx: Db, ars: string, D: string) {
  const versions = await tx
    .select()
    .from(regions)
    .where(and(eq(regions.level, 'ASSOCIATION'), eq(regions.ars, ars)))
    .orderBy(sql`${regions.validFrom} asc nulls first`);
  const atD = versions.find((v) => (v.validFrom === null || v.validFrom <= D) && (v.validTo === null || v.validTo > D));
  if (atD) return { row: atD, startsLater: false };
  const first = versions[0];
  return first && first.validFrom !== null && first.validFrom > D ? { row: first, startsLater: true } : undefined;
}

/** The trimmed new association of successor `f`, checked for its form; it also becomes the successor's associationArs. */
export function newAssociationOf(f: string, raw: NewAssociationSpec | null | undefined, associationArs: string | null): NewAssociationSpec | null {
  if (!raw) return null;
  const n = { ars: raw.ars.trim(), name: raw.name.trim() };
  if (!ASSOCIATION_ARS.test(n.ars)) throw badInput(`${f}.newAssociation.ars`, `"${n.ars}" is not a 9-digit Gemeindeverband ARS`);
  if (!n.name) throw badInput(`${f}.newAssociation.name`, 'must not be empty');
  if (associationArs && associationArs !== n.ars) {
    throw badInput(`${f}.associationArs`, `give an existing Gemeindeverband (associationArs) or a new one (newAssociation), not both: ${associationArs} is not ${n.ars}`);
  }
  return n;
}

/** Successors that open the same Gemeindeverband (a split into one new Verband) name it alike. */
export function sameNewAssociations(field: string, succ: Successor[]): void {
  succ.forEach((s, i) => {
    const first = succ.findIndex((t) => t.newAssociation?.ars === s.newAssociation?.ars);
    if (s.newAssociation && first !== i && succ[first]!.newAssociation!.name !== s.newAssociation.name) {
      throw badInput(`${field}.successors[${i}].newAssociation.name`, `successors[${first}] opens ${s.newAssociation.ars} as "${succ[first]!.newAssociation!.name}"; one Gemeindeverband has one name`);
    }
  });
}

/** Places a successor in its Gemeindeverband (sets associationArs) or explains the choices. */
export async function placeSuccessor(check: PlanCheck, f: string, s: Successor, preds: string[], predRows: MunicipalityRow[]): Promise<void> {
  if (s.newAssociation) return checkNewAssociation(check, f, s);
  const assoc = s.associationArs ?? (await defaultAssociation(check, f, s, preds, predRows));
  if (assoc.slice(0, 5) !== s.ags.slice(0, 5)) throw badInput(`${f}.associationArs`, `${assoc} is not in district ${s.ags.slice(0, 5)} of ${s.ags}`);
  if (!(await associationFrom(check.tx, assoc, check.D))) {
    throw badInput(`${f}.associationArs`, `Gemeindeverband ${assoc} does not exist on ${check.D}; to open it with this change, give newAssociation { ars, name } instead`);
  }
  s.associationArs = assoc;
}

/** "057660012 (Barntrup, Stadt)" for each ARS, by its name on the day before the change. */
async function named(tx: Db, arsList: string[], prev: string): Promise<string[]> {
  const out = [];
  for (const ars of arsList) {
    const [row] = await tx.select({ name: regions.name }).from(regions).where(and(eq(regions.level, 'ASSOCIATION'), eq(regions.ars, ars), validAt(regions, prev)));
    out.push(row ? `${ars} (${row.name})` : ars);
  }
  return out;
}

/** The predecessors' one Gemeindeverband in the successor's district, when it is the obvious choice. */
async function defaultAssociation(check: PlanCheck, f: string, s: Successor, preds: string[], predRows: MunicipalityRow[]): Promise<string> {
  const { tx, kind, prev } = check;
  const district = s.ags.slice(0, 5);
  const theirs = [...new Set(predRows.filter((r) => r.ags!.slice(0, 5) === district && r.parentArs).map((r) => r.parentArs!))];
  if (!theirs.length) {
    throw badInput(`${f}.associationArs`, `${s.ags} lies in another district than its predecessors: name its Gemeindeverband (associationArs, 9-digit ARS) or give ${NEW_ASSOCIATION}`);
  }
  const choices = { choices: [...theirs, 'newAssociation'] };
  if (theirs.length > 1) {
    const listed = (await named(tx, theirs, prev)).map((a) => `associationArs ${a}`).join(' or ');
    throw badInput(f, `the predecessors belong to different Gemeindeverbände; choose ${listed}, or ${NEW_ASSOCIATION}`, choices);
  }
  const only = theirs[0]!;
  if (kind === 'MERGER' && (await allMembersAmong(tx, only, preds, prev))) {
    const [label] = await named(tx, [only], prev);
    throw badInput(f, `Gemeindeverband ${label} loses all its members with this merger; choose associationArs ${only} to keep it, or ${NEW_ASSOCIATION}`, choices);
  }
  return only;
}

/** Whether every member of the Gemeindeverband on `prev` is one of the predecessors. */
async function allMembersAmong(tx: Db, ars: string, preds: string[], prev: string): Promise<boolean> {
  const members = await tx
    .select({ ags: regions.ags })
    .from(regions)
    .where(and(eq(regions.level, 'MUNICIPALITY'), eq(regions.parentArs, ars), validAt(regions, prev)));
  return members.every((m) => preds.includes(m.ags!));
}

/** A new Gemeindeverband lies in the successor's district and does not exist from the date on. */
async function checkNewAssociation({ tx, D }: PlanCheck, f: string, s: Successor): Promise<void> {
  const n = s.newAssociation!;
  const district = s.ags.slice(0, 5);
  if (n.ars.slice(0, 5) !== district) throw badInput(`${f}.newAssociation.ars`, `${n.ars} is not in district ${district} of ${s.ags}`);
  const [parent] = await tx.select({ id: regions.id }).from(regions).where(and(eq(regions.level, 'DISTRICT'), eq(regions.ars, district), validAt(regions, D)));
  if (!parent) throw badInput(`${f}.newAssociation.ars`, `district ${district} is not in the register on ${D}`);
  const [existing] = await tx
    .select({ name: regions.name, validFrom: regions.validFrom })
    .from(regions)
    .where(and(eq(regions.level, 'ASSOCIATION'), eq(regions.ars, n.ars), or(isNull(regions.validTo), gt(regions.validTo, D))))
    .orderBy(sql`${regions.validFrom} asc nulls first`)
    .limit(1);
  if (existing) {
    const when = existing.validFrom !== null && existing.validFrom > D ? `from ${existing.validFrom}` : `on ${D}`;
    throw badInput(`${f}.newAssociation.ars`, `Gemeindeverband ${n.ars} (${existing.name}) exists ${when}: name it as associationArs instead`, { choices: [n.ars] });
  }
  s.associationArs = n.ars;
}

/** No two planned changes open the same Gemeindeverband. */
export async function checkAssociationClaims({ tx }: PlanCheck, succ: Successor[], excludeId: number | undefined): Promise<void> {
  for (const ars of new Set(succ.flatMap((s) => (s.newAssociation ? [s.newAssociation.ars] : [])))) {
    const [other] = await tx
      .select({ id: structuralChanges.id, effectiveDate: structuralChanges.effectiveDate })
      .from(structuralChanges)
      .where(
        and(
          eq(structuralChanges.status, 'PLANNED'),
          excludeId === undefined ? undefined : ne(structuralChanges.id, excludeId),
          sql`${structuralChanges.successors} @> ${JSON.stringify([{ newAssociation: { ars } }])}::jsonb`,
        ),
      )
      .limit(1);
    if (other) throw conflict(`Gemeindeverband ${ars} is already opened by structural change #${other.id} on ${other.effectiveDate}`, { changeId: other.id, ars });
  }
}
