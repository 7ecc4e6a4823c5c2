// Data centres (Rechenzentren) and tenants (Mandanten): create and update with optimistic
// concurrency, audited. ADMIN manages all; a DATA_CENTER principal only its own data centre;
// a TENANT_MANAGER sees its own tenant. A tenant's areas (its territory) are set by ADMIN only.
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { authorities, dataCenters, tenants, type Contact } from '../../db/schema.js';
import { today } from '../../lib/clock.js';
import { checkContact } from '../../lib/contact.js';
import { badInput, conflict, forbidden, notFound } from '../../lib/errors.js';
import { checkOutboundUrl, type OutboundPolicy } from '../../lib/url-policy.js';
import { writeAudit } from '../audit/audit.service.js';
import type { Principal } from '../auth/principal.js';
import { savingPolicy, type ServiceContext } from '../directory/context.js';
import { areaShapeError } from './territory.js';
import { outsideTerritory, unknownAreas } from './territory.service.js';
import { awaitDirectory } from '../directory/version.js';

export type DataCenterRow = typeof dataCenters.$inferSelect;
export type TenantRow = typeof tenants.$inferSelect;

const CODE = /^[a-z0-9][a-z0-9-]{1,62}$/;

function checkCode(field: string, code: string): string {
  const c = code.trim();
  if (!CODE.test(c)) throw badInput(field, `"${code}" is not a code: lowercase letters, digits and -, 2 to 63 characters`);
  return c;
}

/** Endpoints must pass the outbound URL policy (https and no local networks in production). */
function checkEndpoints(field: string, urls: string[], policy: OutboundPolicy): string[] {
  return urls.map((raw, i) => {
    let u: URL;
    try {
      u = checkOutboundUrl(raw, policy);
    } catch (e) {
      throw badInput(`${field}[${i}]`, (e as Error).message);
    }
    if (u.username || u.password) throw badInput(`${field}[${i}]`, 'must not carry credentials');
    return u.toString();
  });
}

/** A DATA_CENTER principal acts only on its own data centre. */
export function checkDataCenterAccess(p: Principal, code: string, what: string): void {
  if (p.role === 'ADMIN') return;
  if (p.role === 'DATA_CENTER' && p.scope === code) return;
  throw forbidden(`Role ${p.role}${p.scope ? ` (${p.scope})` : ''} may not ${what} data centre ${code}`);
}

export async function findDataCenter(db: Db, code: string): Promise<DataCenterRow | undefined> {
  const [row] = await db.select().from(dataCenters).where(eq(dataCenters.code, code));
  return row;
}

export async function findTenant(db: Db, code: string): Promise<TenantRow | undefined> {
  const [row] = await db.select().from(tenants).where(eq(tenants.code, code));
  return row;
}

export interface DataCenterInput {
  code?: string;
  name?: string | null;
  contact?: Contact | null;
  endpoints?: string[] | null;
  status?: 'ACTIVE' | 'INACTIVE' | null;
}

function dataCenterValues(ctx: ServiceContext, input: DataCenterInput) {
  const v: Partial<typeof dataCenters.$inferInsert> = {};
  if (input.name !== undefined && input.name !== null) {
    if (!input.name.trim()) throw badInput('input.name', 'must not be empty');
    v.name = input.name.trim();
  }
  if (input.contact) v.contact = checkContact('input.contact', input.contact);
  if (input.endpoints) v.endpoints = checkEndpoints('input.endpoints', input.endpoints, savingPolicy(ctx));
  if (input.status) v.status = input.status;
  return v;
}

export async function createDataCenter(ctx: ServiceContext, input: DataCenterInput & { code: string; name: string }): Promise<DataCenterRow> {
  const code = checkCode('input.code', input.code);
  const values = dataCenterValues(ctx, input);
  const saved = await ctx.db.transaction(async (tx) => {
    if (await findDataCenter(tx, code)) throw conflict(`A data centre with code ${code} exists already`);
    const [row] = await tx
      .insert(dataCenters)
      .values({ ...(values as typeof dataCenters.$inferInsert), code, createdAt: ctx.clock.now(), updatedAt: ctx.clock.now() })
      .returning();
    await writeAudit(tx, ctx.clock, ctx.actor, { action: 'CREATE_DATA_CENTER', entityType: 'DataCenter', entityId: code, after: row });
    return row!;
  });
  await awaitDirectory(ctx); // the delivery decision reads tenants and data centres
  return saved;
}

export async function updateDataCenter(ctx: ServiceContext, code: string, expectedVersion: number, input: DataCenterInput): Promise<DataCenterRow> {
  checkDataCenterAccess(ctx.principal, code, 'change');
  if (input.status && ctx.principal.role !== 'ADMIN') throw forbidden('Only ADMIN may change the status of a data centre');
  const values = dataCenterValues(ctx, input);
  const saved = await ctx.db.transaction(async (tx) => {
    const before = await findDataCenter(tx, code);
    if (!before) throw notFound(`No data centre with code ${code}`);
    const [row] = await tx
      .update(dataCenters)
      .set({ ...values, version: sql`${dataCenters.version} + 1`, updatedAt: ctx.clock.now() })
      .where(and(eq(dataCenters.id, before.id), eq(dataCenters.version, expectedVersion)))
      .returning();
    if (!row) throw conflict(`Data centre ${code} is at version ${before.version}, not ${expectedVersion}: reload it and try again`, { currentVersion: before.version });
    await writeAudit(tx, ctx.clock, ctx.actor, { action: 'UPDATE_DATA_CENTER', entityType: 'DataCenter', entityId: code, before, after: row });
    return row;
  });
  await awaitDirectory(ctx); // the delivery decision reads tenants and data centres
  return saved;
}

/** Areas: digits, 2/3/5/9/12 (ARS prefix) or 8 (AGS), each a region of the register; sorted, without repeats. */
async function checkAreas(db: Db, field: string, areas: string[]): Promise<string[]> {
  areas.forEach((a, i) => {
    const why = areaShapeError(a);
    if (why) throw badInput(`${field}[${i}]`, why);
  });
  const unknown = await unknownAreas(db, areas);
  const i = areas.findIndex((a) => unknown.has(a));
  if (i >= 0) throw badInput(`${field}[${i}]`, `no region with ${areas[i]!.length === 8 ? 'AGS' : 'ARS'} ${areas[i]} in the register`);
  return [...new Set(areas)].sort();
}

export async function createTenant(
  ctx: ServiceContext,
  input: { code: string; name: string; dataCenterCode: string; areas?: string[] | null },
): Promise<TenantRow> {
  const code = checkCode('input.code', input.code);
  if (!input.name.trim()) throw badInput('input.name', 'must not be empty');
  const saved = await ctx.db.transaction(async (tx) => {
    const dc = await findDataCenter(tx, input.dataCenterCode);
    if (!dc) throw badInput('input.dataCenterCode', `no data centre with code ${input.dataCenterCode}`);
    const areas = await checkAreas(tx, 'input.areas', input.areas ?? []);
    if (await findTenant(tx, code)) throw conflict(`A tenant with code ${code} exists already`);
    const [row] = await tx
      .insert(tenants)
      .values({ code, name: input.name.trim(), dataCenterId: dc.id, areas, createdAt: ctx.clock.now(), updatedAt: ctx.clock.now() })
      .returning();
    await writeAudit(tx, ctx.clock, ctx.actor, { action: 'CREATE_TENANT', entityType: 'Tenant', entityId: code, after: { ...row, dataCenterCode: dc.code } });
    return row!;
  });
  await awaitDirectory(ctx); // the delivery decision reads tenants and data centres
  return saved;
}

export async function updateTenant(
  ctx: ServiceContext,
  code: string,
  expectedVersion: number,
  input: { name?: string | null; dataCenterCode?: string | null; areas?: string[] | null },
): Promise<TenantRow> {
  const saved = await ctx.db.transaction(async (tx) => {
    const before = await findTenant(tx, code);
    if (!before) throw notFound(`No tenant with code ${code}`);
    const values: Partial<typeof tenants.$inferInsert> = {};
    if (input.name !== undefined && input.name !== null) {
      if (!input.name.trim()) throw badInput('input.name', 'must not be empty');
      values.name = input.name.trim();
    }
    if (input.dataCenterCode) {
      const dc = await findDataCenter(tx, input.dataCenterCode);
      if (!dc) throw badInput('input.dataCenterCode', `no data centre with code ${input.dataCenterCode}`);
      values.dataCenterId = dc.id;
    }
    if (input.areas) values.areas = await checkAreas(tx, 'input.areas', input.areas);
    const [row] = await tx
      .update(tenants)
      .set({ ...values, version: sql`${tenants.version} + 1`, updatedAt: ctx.clock.now() })
      .where(and(eq(tenants.id, before.id), eq(tenants.version, expectedVersion)))
      .returning();
    if (!row) throw conflict(`Tenant ${code} is at version ${before.version}, not ${expectedVersion}: reload it and try again`, { currentVersion: before.version });
    // Narrowing the areas is allowed (ADMIN decides), but never silent: what now lies outside is
    // recorded with the change and stays visible as Tenant.outsideTerritory.
    const outside = values.areas ? await outsideTerritory(tx, code, row.areas, today(ctx.clock)) : undefined;
    const after = outside && (outside.authorityCount || outside.jurisdictionCount) ? { ...row, outsideTerritory: outside } : row;
    await writeAudit(tx, ctx.clock, ctx.actor, { action: 'UPDATE_TENANT', entityType: 'Tenant', entityId: code, before, after });
    return row;
  });
  await awaitDirectory(ctx); // the delivery decision reads tenants and data centres
  return saved;
}

/** What the principal may see: ADMIN all, DATA_CENTER its own, TENANT_MANAGER the data centre of its tenant. */
export async function visibleDataCenters(db: Db, p: Principal): Promise<DataCenterRow[]> {
  if (p.role === 'ADMIN') return db.select().from(dataCenters).orderBy(asc(dataCenters.code));
  if (p.role === 'DATA_CENTER') return db.select().from(dataCenters).where(eq(dataCenters.code, p.scope!));
  if (p.role === 'TENANT_MANAGER') {
    return db
      .select({ dc: dataCenters })
      .from(tenants)
      .innerJoin(dataCenters, eq(tenants.dataCenterId, dataCenters.id))
      .where(eq(tenants.code, p.scope!))
      .then((rows) => rows.map((r) => r.dc));
  }
  return [];
}

export async function tenantsOf(db: Db, p: Principal, dataCenterIds?: number[]): Promise<TenantRow[]> {
  const rows = await db
    .select({ t: tenants, dcCode: dataCenters.code })
    .from(tenants)
    .innerJoin(dataCenters, eq(tenants.dataCenterId, dataCenters.id))
    .where(dataCenterIds ? inArray(tenants.dataCenterId, dataCenterIds) : undefined)
    .orderBy(asc(tenants.code));
  return rows
    .filter((r) => p.role === 'ADMIN' || (p.role === 'DATA_CENTER' && r.dcCode === p.scope) || (p.role === 'TENANT_MANAGER' && r.t.code === p.scope))
    .map((r) => r.t);
}

/** Authorities per tenant code (active and deactivated), for the given codes in one query; absent codes have none. */
export async function authorityCounts(db: Db, codes: string[]): Promise<Map<string, number>> {
  const rows = await db
    .select({ code: authorities.tenantCode, n: sql<number>`count(*)::int` })
    .from(authorities)
    .where(inArray(authorities.tenantCode, codes))
    .groupBy(authorities.tenantCode);
  return new Map(rows.map((r) => [r.code!, Number(r.n)]));
}
