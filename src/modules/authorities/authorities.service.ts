// Authorities: create, update with optimistic concurrency, deactivate. Every change is audited and
// bumps the directory version in the same transaction.
import { and, asc, eq, gt, ilike, inArray, isNull, lte, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { authorities, jurisdictions, tasks, tenants, type Contact } from '../../db/schema.js';
import { checkContact } from '../../lib/contact.js';
import { badInput, conflict, forbidden, notFound } from '../../lib/errors.js';
import { checkOutboundUrl, type OutboundPolicy } from '../../lib/url-policy.js';
import { writeAudit } from '../audit/audit.service.js';
import type { Principal } from '../auth/principal.js';
import { savingPolicy, type ServiceContext } from '../directory/context.js';
import type { AuthorityRow, JurisdictionRow } from '../directory/directory-index.js';
import { directoryChange } from '../directory/version.js';
import { placeOfKey } from '../tenants/territory.js';
import { checkTerritory } from '../tenants/territory.service.js';
import { MESSAGE_TYPES } from './message-types.js';

export const KEY_FORMAT = /^[a-z][a-z0-9-]*:[A-Za-z0-9._-]+$/;

export interface PostalAddressInput {
  street?: string | null;
  houseNumber?: string | null;
  poBox?: string | null;
  postalCode: string;
  city: string;
}

export interface AuthorityFields {
  kind?: 'ENFORCEMENT' | 'CREDITOR' | 'OTHER' | null;
  name?: string | null;
  postalAddress?: PostalAddressInput | null;
  contact?: Contact | null;
  acceptedMessageTypes?: string[] | null;
  standardVersion?: string | null;
  tenantCode?: string | null;
  status?: 'ACTIVE' | 'INACTIVE' | null;
  /** status notifications for deliveries this authority sends; null removes it */
  webhookUrl?: string | null;
  webhookSecret?: string | null;
}

/**
 * TENANT_MANAGER acts only within its tenant; ADMIN everywhere; others not at all. Where the
 * authority's key lies (its tenant's territory) is checked with the data, in checkTerritory.
 */
export function checkAuthorityAccess(principal: Principal, tenantCode: string | null | undefined, what: string): void {
  if (principal.role === 'ADMIN') return;
  if (principal.role === 'TENANT_MANAGER' && tenantCode && tenantCode === principal.scope) return;
  if (principal.role === 'TENANT_MANAGER') {
    throw forbidden(`TENANT_MANAGER of tenant ${principal.scope} may not ${what} an authority of ${tenantCode ? `tenant ${tenantCode}` : 'no tenant'}`);
  }
  throw forbidden(`Role ${principal.role} may not ${what} authorities; it needs ADMIN or TENANT_MANAGER`);
}

function validateFields(f: AuthorityFields, field: string, outbound: OutboundPolicy): Partial<typeof authorities.$inferInsert> {
  const out: Partial<typeof authorities.$inferInsert> = {};
  if (f.kind) out.kind = f.kind;
  if (f.status) out.status = f.status;
  if (f.name !== undefined && f.name !== null) {
    if (!f.name.trim()) throw badInput(`${field}.name`, 'must not be empty');
    out.name = f.name.trim();
  }
  if (f.postalAddress) {
    const a = f.postalAddress;
    const at = `${field}.postalAddress`;
    if (!/^\d{5}$/.test(a.postalCode.trim())) throw badInput(`${at}.postalCode`, `"${a.postalCode}" is not a postcode: expected 5 digits`);
    if (!a.city.trim()) throw badInput(`${at}.city`, 'must not be empty');
    const street = a.street?.trim() || null;
    const poBox = a.poBox?.trim() || null;
    if (!street && !poBox) throw badInput(at, 'needs a street (with house number) or a PO box for print delivery');
    if (street && poBox) throw badInput(at, 'give a street or a PO box, not both');
    if (poBox && !/^\d[\d ]*$/.test(poBox)) throw badInput(`${at}.poBox`, `"${poBox}" is not a PO box number`);
    Object.assign(out, { street, houseNumber: a.houseNumber?.trim() || null, poBox, postcode: a.postalCode.trim(), city: a.city.trim() });
  }
  if (f.contact) out.contact = checkContact(`${field}.contact`, f.contact);
  if (f.acceptedMessageTypes) {
    const bad = f.acceptedMessageTypes.filter((t) => !(MESSAGE_TYPES as readonly string[]).includes(t));
    if (bad.length) throw badInput(`${field}.acceptedMessageTypes`, `unknown XAmtshilfe message type ${bad.join(', ')} (known: ${MESSAGE_TYPES.join(', ')})`);
    out.messageTypes = [...new Set(f.acceptedMessageTypes)].sort();
  }
  if (f.standardVersion !== undefined) {
    if (f.standardVersion !== null && !/^\d+\.\d+(\.\d+)?$/.test(f.standardVersion)) {
      throw badInput(`${field}.standardVersion`, `"${f.standardVersion}" is not a version like 1.1.0`);
    }
    out.standardVersion = f.standardVersion;
  }
  if (f.tenantCode !== undefined) out.tenantCode = f.tenantCode?.trim() || null;
  if (f.webhookUrl !== undefined) {
    if (f.webhookUrl === null) Object.assign(out, { webhookUrl: null, webhookSecret: null });
    else {
      let u: URL;
      try {
        u = checkOutboundUrl(f.webhookUrl, outbound);
      } catch (e) {
        throw badInput(`${field}.webhookUrl`, (e as Error).message);
      }
      if (!f.webhookSecret || f.webhookSecret.length < 16) throw badInput(`${field}.webhookSecret`, 'needs at least 16 characters to sign notifications');
      Object.assign(out, { webhookUrl: u.toString(), webhookSecret: f.webhookSecret });
    }
  }
  return out;
}

export async function findAuthority(db: Db, key: string): Promise<AuthorityRow | undefined> {
  const [row] = await db.select().from(authorities).where(eq(authorities.key, key));
  return row;
}

/** Secrets never go into the audit log. */
const redact = (a: AuthorityRow | undefined) => (a ? { ...a, webhookSecret: a.webhookSecret ? '[redacted]' : null } : a);

/** An authority's tenant must exist. */
async function checkTenantExists(db: Db, tenantCode: string | null | undefined, field: string): Promise<void> {
  if (!tenantCode) return;
  const [t] = await db.select({ id: tenants.id }).from(tenants).where(eq(tenants.code, tenantCode));
  if (!t) throw badInput(field, `no tenant with code ${tenantCode}`);
}

export async function createAuthority(
  ctx: ServiceContext,
  input: AuthorityFields & { key: string; kind: 'ENFORCEMENT' | 'CREDITOR' | 'OTHER'; name: string; postalAddress: PostalAddressInput },
): Promise<AuthorityRow> {
  const key = input.key.trim();
  if (!KEY_FORMAT.test(key)) throw badInput('input.key', `"${input.key}" is not an addressing key prefix:identifier, e.g. ags:05766020`);
  const values = validateFields(input, 'input', savingPolicy(ctx));
  checkAuthorityAccess(ctx.principal, values.tenantCode, 'create');
  return directoryChange(ctx, async (tx) => {
    await checkTerritory(tx, ctx.principal, placeOfKey(key), `create authority ${key}`);
    await checkTenantExists(tx, values.tenantCode, 'input.tenantCode');
    if (await findAuthority(tx, key)) throw conflict(`An authority with key ${key} exists already`, { key });
    const [row] = await tx
      .insert(authorities)
      .values({ ...(values as typeof authorities.$inferInsert), key, createdAt: ctx.clock.now(), updatedAt: ctx.clock.now() })
      .returning();
    await writeAudit(tx, ctx.clock, ctx.actor, { action: 'CREATE_AUTHORITY', entityType: 'Authority', entityId: key, after: redact(row) });
    return row!;
  });
}

export async function updateAuthority(ctx: ServiceContext, key: string, expectedVersion: number, input: AuthorityFields, action = 'UPDATE_AUTHORITY'): Promise<AuthorityRow> {
  const values = validateFields(input, 'input', savingPolicy(ctx));
  return directoryChange(ctx, async (tx) => {
    const before = await findAuthority(tx, key);
    if (!before) throw notFound(`No authority with key ${key}`);
    checkAuthorityAccess(ctx.principal, before.tenantCode, 'change');
    await checkTerritory(tx, ctx.principal, placeOfKey(key), `change authority ${key}`);
    if (values.tenantCode !== undefined) {
      checkAuthorityAccess(ctx.principal, values.tenantCode, 'move to');
      await checkTenantExists(tx, values.tenantCode, 'input.tenantCode');
    }
    const [row] = await tx
      .update(authorities)
      .set({ ...values, version: sql`${authorities.version} + 1`, updatedAt: ctx.clock.now() })
      .where(and(eq(authorities.id, before.id), eq(authorities.version, expectedVersion)))
      .returning();
    if (!row) {
      throw conflict(`Authority ${key} is at version ${before.version}, not ${expectedVersion}: reload it and try again`, {
        currentVersion: before.version,
      });
    }
    await writeAudit(tx, ctx.clock, ctx.actor, { action, entityType: 'Authority', entityId: key, before: redact(before), after: redact(row) });
    return row;
  });
}

export interface AuthorityFilter {
  kind?: 'ENFORCEMENT' | 'CREDITOR' | 'OTHER';
  tenantCode?: string;
  name?: string;
  afterKey?: string;
  limit: number;
}

export async function listAuthorities(db: Db, f: AuthorityFilter) {
  const where: SQL[] = [];
  if (f.kind) where.push(eq(authorities.kind, f.kind));
  if (f.tenantCode) where.push(eq(authorities.tenantCode, f.tenantCode));
  if (f.name) where.push(ilike(authorities.name, `%${f.name.replace(/[\\%_]/g, '\\$&')}%`));
  const filter = where.length ? and(...where) : undefined;
  const rows = await db
    .select()
    .from(authorities)
    .where(and(filter, f.afterKey ? gt(authorities.key, f.afterKey) : undefined))
    .orderBy(asc(authorities.key))
    .limit(f.limit + 1);
  const [{ n } = { n: 0 }] = await db.select({ n: sql<number>`count(*)::int` }).from(authorities).where(filter);
  return { rows: rows.slice(0, f.limit), hasNextPage: rows.length > f.limit, total: Number(n) };
}

export async function createTask(ctx: ServiceContext, code: string, name: string, description: string | null) {
  if (!/^[A-Z][A-Z0-9_]{1,63}$/.test(code)) throw badInput('code', `"${code}" is not a task code: capital letters, digits and _`);
  if (!name.trim()) throw badInput('name', 'must not be empty');
  return directoryChange(ctx, async (tx) => {
    const [exists] = await tx.select().from(tasks).where(eq(tasks.code, code));
    if (exists) throw conflict(`Task ${code} exists already`);
    const [row] = await tx.insert(tasks).values({ code, name: name.trim(), description }).returning();
    await writeAudit(tx, ctx.clock, ctx.actor, { action: 'CREATE_TASK', entityType: 'Task', entityId: code, after: row });
    return row!;
  });
}

/** The jurisdictions of several authorities in one query: valid on `at`, or all when `at` is null. */
export function jurisdictionsOfAuthorities(db: Db, authorityIds: number[], at: string | null): Promise<JurisdictionRow[]> {
  const valid = at === null
    ? undefined
    : and(or(isNull(jurisdictions.validFrom), lte(jurisdictions.validFrom, at)), or(isNull(jurisdictions.validTo), gt(jurisdictions.validTo, at)));
  return db
    .select()
    .from(jurisdictions)
    .where(and(inArray(jurisdictions.authorityId, authorityIds), valid))
    .orderBy(asc(jurisdictions.id));
}
