// Jurisdictions: create (with an overlap check that names the conflicting rule, backed by the
// database's exclusion constraint), end, delete. Lookups go through the in-memory directory.
import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { jurisdictions, regions, tasks, type ScopeLevel } from '../../db/schema.js';
import { badInput, conflict, notFound } from '../../lib/errors.js';
import { writeAudit } from '../audit/audit.service.js';
import { streetKey } from '../addresses/normalize.js';
import { pgErrorCode, EXCLUSION_VIOLATION } from '../../db/errors.js';
import { checkAuthorityAccess, findAuthority } from '../authorities/authorities.service.js';
import type { ServiceContext } from '../directory/context.js';
import { SPECIFICITY, STREET_RANGE_SPECIFICITY } from '../directory/specificity.js';
import { directoryChange } from '../directory/version.js';
import { placeOfScope } from '../tenants/territory.js';
import { checkTerritory } from '../tenants/territory.service.js';
import type { JurisdictionRow } from '../directory/directory-index.js';

export interface ScopeInput {
  level: ScopeLevel;
  key?: string | null;
  street?: {
    ags: string;
    postalCode: string;
    street: string;
    houseNumberFrom?: number | null;
    houseNumberTo?: number | null;
    parity?: 'ALL' | 'ODD' | 'EVEN' | null;
  } | null;
}

export interface CreateJurisdictionInput {
  authorityKey: string;
  task?: string | null;
  scope: ScopeInput;
  validFrom?: string | null;
  validTo?: string | null;
}

const KEY_SHAPE: Record<Exclude<ScopeLevel, 'STREET'>, { re: RegExp; what: string; regionLevel: string; column: 'ars' | 'ags' }> = {
  STATE: { re: /^\d{2}$/, what: '2-digit Land key', regionLevel: 'STATE', column: 'ars' },
  GOVERNMENT_DISTRICT: { re: /^\d{3}$/, what: '3-digit Regierungsbezirk key', regionLevel: 'GOVERNMENT_DISTRICT', column: 'ars' },
  DISTRICT: { re: /^\d{5}$/, what: '5-digit Kreis key', regionLevel: 'DISTRICT', column: 'ars' },
  ASSOCIATION: { re: /^\d{9}$/, what: '9-digit Gemeindeverband ARS', regionLevel: 'ASSOCIATION', column: 'ars' },
  MUNICIPALITY: { re: /^\d{8}$/, what: '8-digit AGS', regionLevel: 'MUNICIPALITY', column: 'ags' },
};

async function regionKnown(db: Db, level: string, column: 'ars' | 'ags', key: string): Promise<boolean> {
  const [row] = await db
    .select({ id: regions.id })
    .from(regions)
    .where(and(eq(regions.level, level as never), eq(column === 'ags' ? regions.ags : regions.ars, key)))
    .limit(1);
  return !!row;
}

type NewRule = typeof jurisdictions.$inferInsert;

async function validateScope(db: Db, s: ScopeInput): Promise<Omit<NewRule, 'authorityId' | 'taskCode'>> {
  if (s.level !== 'STREET') {
    if (s.street) throw badInput('input.scope.street', `is only for level STREET, not ${s.level}`);
    const shape = KEY_SHAPE[s.level];
    const key = s.key?.trim() ?? '';
    if (!shape.re.test(key)) throw badInput('input.scope.key', `"${s.key ?? ''}" is not a ${shape.what}`);
    if (!(await regionKnown(db, shape.regionLevel, shape.column, key))) {
      throw badInput('input.scope.key', `${s.level.toLowerCase().replace('_', ' ')} ${key} is not in the register`);
    }
    return { level: s.level, areaKey: key, specificity: SPECIFICITY[s.level], parity: 'ALL' };
  }
  const st = s.street;
  if (!st) throw badInput('input.scope.street', 'is required for level STREET');
  if (s.key && s.key !== st.ags) throw badInput('input.scope.key', 'for a street rule give the AGS in scope.street.ags');
  if (!/^\d{8}$/.test(st.ags)) throw badInput('input.scope.street.ags', `"${st.ags}" is not an AGS: expected 8 digits`);
  if (!(await regionKnown(db, 'MUNICIPALITY', 'ags', st.ags))) throw badInput('input.scope.street.ags', `municipality ${st.ags} is not in the register`);
  if (!/^\d{5}$/.test(st.postalCode)) throw badInput('input.scope.street.postalCode', `"${st.postalCode}" is not a postcode: expected 5 digits`);
  const key = streetKey(st.street);
  if (!key) throw badInput('input.scope.street.street', 'must not be empty');
  const from = st.houseNumberFrom ?? null;
  const to = st.houseNumberTo ?? null;
  const parity = st.parity ?? 'ALL';
  if ((from === null) !== (to === null)) throw badInput('input.scope.street', 'give both houseNumberFrom and houseNumberTo, or neither');
  if (from !== null && (from < 1 || to! < from)) throw badInput('input.scope.street', `house numbers ${from}–${to} are not a range (1 ≤ from ≤ to)`);
  if (from === null && parity !== 'ALL') throw badInput('input.scope.street.parity', 'needs a house-number range');
  return {
    level: 'STREET',
    areaKey: st.ags,
    postcode: st.postalCode,
    streetKey: key,
    streetName: st.street.trim(),
    houseFrom: from,
    houseTo: to,
    parity,
    specificity: from === null ? SPECIFICITY.STREET : STREET_RANGE_SPECIFICITY,
  };
}

const parityRange = (p: string) => (p === 'ODD' ? [1, 2] : p === 'EVEN' ? [0, 1] : [0, 2]) as [number, number];

/** Rules the new one would overlap (same task, specificity and area, overlapping numbers, parity and time). */
async function overlapping(db: Db, r: NewRule): Promise<JurisdictionRow[]> {
  const [plo, phi] = parityRange(r.parity ?? 'ALL');
  return db
    .select()
    .from(jurisdictions)
    .where(
      and(
        eq(jurisdictions.taskCode, r.taskCode),
        eq(jurisdictions.specificity, r.specificity),
        eq(jurisdictions.areaKey, r.areaKey),
        sql`coalesce(${jurisdictions.postcode}, '') = ${r.postcode ?? ''}`,
        sql`coalesce(${jurisdictions.streetKey}, '') = ${r.streetKey ?? ''}`,
        sql`int4range(${jurisdictions.houseFrom}, ${jurisdictions.houseTo}, '[]') && int4range(${r.houseFrom ?? null}::int, ${r.houseTo ?? null}::int, '[]')`,
        sql`(case ${jurisdictions.parity} when 'ODD' then int4range(1, 2) when 'EVEN' then int4range(0, 1) else int4range(0, 2) end) && int4range(${plo}::int, ${phi}::int)`,
        sql`daterange(${jurisdictions.validFrom}, ${jurisdictions.validTo}) && daterange(${r.validFrom ?? null}::date, ${r.validTo ?? null}::date)`,
      ),
    );
}

export async function createJurisdiction(ctx: ServiceContext, input: CreateJurisdictionInput): Promise<JurisdictionRow> {
  const task = input.task ?? 'VOLLSTRECKUNGSHILFE';
  if (input.validFrom && input.validTo && input.validFrom >= input.validTo) {
    throw badInput('input.validTo', `must be after validFrom (${input.validFrom})`);
  }
  const authority = await findAuthority(ctx.db, input.authorityKey);
  if (!authority) throw badInput('input.authorityKey', `no authority with key ${input.authorityKey}`);
  checkAuthorityAccess(ctx.principal, authority.tenantCode, 'assign jurisdictions to');
  if (authority.status !== 'ACTIVE') throw badInput('input.authorityKey', `authority ${authority.key} is deactivated`);
  const [taskRow] = await ctx.db.select().from(tasks).where(eq(tasks.code, task));
  if (!taskRow) throw badInput('input.task', `unknown task ${task}`);
  const scope = await validateScope(ctx.db, input.scope);
  await checkTerritory(ctx.db, ctx.principal, placeOfScope(scope), `create a jurisdiction for ${authority.key}`);
  const rule: NewRule = {
    ...scope,
    authorityId: authority.id,
    taskCode: task,
    validFrom: input.validFrom ?? null,
    validTo: input.validTo ?? null,
    createdAt: ctx.clock.now(),
  };
  try {
    return await directoryChange(ctx, async (tx) => {
      const clash = await overlapping(tx, rule);
      if (clash.length) {
        const c = clash[0]!;
        const owner = c.authorityId === authority.id ? authority.key : ((await tx.query.authorities.findFirst({ where: (a, { eq: e }) => e(a.id, c.authorityId) }))?.key ?? `#${c.authorityId}`);
        throw conflict(
          `Overlaps jurisdiction #${c.id} of ${owner} for task ${task} in the same area, valid ${c.validFrom ?? 'always'}–${c.validTo ?? 'open'}: end it first (endJurisdiction) or choose dates that do not overlap`,
          { conflictingJurisdictionId: String(c.id) },
        );
      }
      const [row] = await tx.insert(jurisdictions).values(rule).returning();
      await writeAudit(tx, ctx.clock, ctx.actor, {
        action: 'CREATE_JURISDICTION',
        entityType: 'Jurisdiction',
        entityId: String(row!.id),
        after: { ...row, authorityKey: authority.key },
      });
      return row!;
    });
  } catch (e) {
    // Two concurrent requests may both pass the check; the database refuses the second.
    if (pgErrorCode(e) === EXCLUSION_VIOLATION) throw conflict(`Overlaps an existing jurisdiction of equal specificity for task ${task} in the same area`);
    throw e;
  }
}

async function loadRule(ctx: ServiceContext, tx: Db, id: number, expectedVersion: number) {
  const [rule] = await tx.select().from(jurisdictions).where(eq(jurisdictions.id, id));
  if (!rule) throw notFound(`No jurisdiction #${id}`);
  const authority = (await tx.query.authorities.findFirst({ where: (a, { eq: e }) => e(a.id, rule.authorityId) }))!;
  checkAuthorityAccess(ctx.principal, authority.tenantCode, 'change jurisdictions of');
  await checkTerritory(tx, ctx.principal, placeOfScope(rule), `change jurisdiction #${id}`);
  if (rule.version !== expectedVersion) {
    throw conflict(`Jurisdiction #${id} is at version ${rule.version}, not ${expectedVersion}: reload it and try again`, { currentVersion: rule.version });
  }
  return { rule, authority };
}

export async function endJurisdiction(ctx: ServiceContext, id: number, validTo: string, expectedVersion: number): Promise<JurisdictionRow> {
  return directoryChange(ctx, async (tx) => {
    const { rule, authority } = await loadRule(ctx, tx, id, expectedVersion);
    if (rule.validFrom && validTo <= rule.validFrom) throw badInput('validTo', `must be after the rule's validFrom ${rule.validFrom}`);
    if (rule.validTo && validTo > rule.validTo) throw badInput('validTo', `the rule already ends on ${rule.validTo}; it cannot be extended here`);
    const [row] = await tx
      .update(jurisdictions)
      .set({ validTo, version: rule.version + 1 })
      .where(and(eq(jurisdictions.id, id), eq(jurisdictions.version, expectedVersion)))
      .returning();
    if (!row) throw conflict(`Jurisdiction #${id} changed meanwhile: reload it and try again`);
    await writeAudit(tx, ctx.clock, ctx.actor, {
      action: 'END_JURISDICTION',
      entityType: 'Jurisdiction',
      entityId: String(id),
      before: rule,
      after: { ...row, authorityKey: authority.key },
    });
    return row;
  });
}

export async function deleteJurisdiction(ctx: ServiceContext, id: number, expectedVersion: number): Promise<boolean> {
  return directoryChange(ctx, async (tx) => {
    const { rule, authority } = await loadRule(ctx, tx, id, expectedVersion);
    await tx.delete(jurisdictions).where(and(eq(jurisdictions.id, id), eq(jurisdictions.version, expectedVersion)));
    await writeAudit(tx, ctx.clock, ctx.actor, {
      action: 'DELETE_JURISDICTION',
      entityType: 'Jurisdiction',
      entityId: String(id),
      before: { ...rule, authorityKey: authority.key },
    });
    return true;
  });
}
