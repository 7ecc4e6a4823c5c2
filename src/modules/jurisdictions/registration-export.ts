// Export of authorities with their jurisdictions in the bulk registration format: what an import
// of the same file on the same date would leave unchanged. Secrets never leave: no webhook secret.
import { and, asc, eq, gt, isNull, or } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { authorities, jurisdictions } from '../../db/schema.js';
import { safeCsvLine, type Cell } from '../../lib/csv-stream.js';
import { forbidden } from '../../lib/errors.js';
import type { Principal } from '../auth/principal.js';
import type { AuthorityRow, JurisdictionRow } from '../directory/directory-index.js';
import { COLUMNS, RULE_COLUMNS } from './registration-csv.js';

export interface ExportOptions {
  /** rules in force on this date or starting later; rules ended by then are history and left out */
  at: string;
  /** only the authorities of this tenant */
  tenant?: string;
}

function authorityCells(a: AuthorityRow): Cell[] {
  const c = a.contact ?? {};
  return [
    a.key, a.kind, a.name, a.street, a.houseNumber, a.poBox, a.postcode, a.city,
    c.name, c.email, c.phone, c.fax, c.website,
    a.messageTypes.join(' '), a.standardVersion, a.tenantCode, a.status, a.webhookUrl,
  ];
}

function ruleCells(r: JurisdictionRow): Cell[] {
  const street = r.level === 'STREET';
  return [
    r.taskCode, r.level, r.areaKey,
    street ? r.postcode : null, street ? r.streetName : null,
    r.houseFrom, r.houseTo, street ? r.parity : null,
    r.validFrom, r.validTo,
  ];
}

/** The header and one row per jurisdiction (an authority without any: one row, rule columns empty), by key. */
export async function exportAuthorities(db: Db, o: ExportOptions): Promise<Cell[][]> {
  const tenant = o.tenant ? eq(authorities.tenantCode, o.tenant) : undefined;
  const list = await db.select().from(authorities).where(tenant).orderBy(asc(authorities.key));
  const rules = await db
    .select({ j: jurisdictions })
    .from(jurisdictions)
    .innerJoin(authorities, eq(authorities.id, jurisdictions.authorityId))
    .where(and(tenant, or(isNull(jurisdictions.validTo), gt(jurisdictions.validTo, o.at))))
    .orderBy(asc(jurisdictions.id));
  const byAuthority = new Map<number, JurisdictionRow[]>();
  for (const { j } of rules) {
    const own = byAuthority.get(j.authorityId);
    if (own) own.push(j);
    else byAuthority.set(j.authorityId, [j]);
  }
  const out: Cell[][] = [[...COLUMNS]];
  for (const a of list) {
    const own = byAuthority.get(a.id) ?? [];
    if (!own.length) out.push([...authorityCells(a), ...RULE_COLUMNS.map(() => null)]);
    for (const r of own) out.push([...authorityCells(a), ...ruleCells(r)]);
  }
  return out;
}

/**
 * Whose authorities a caller may export: ADMIN anyone's (all without a tenant); a TENANT_MANAGER its
 * own tenant's only, also when it names none.
 */
export function exportTenantFor(p: Principal, tenant: string | undefined): string | undefined {
  if (p.role === 'ADMIN') return tenant;
  if (p.role === 'TENANT_MANAGER' && p.scope && (!tenant || tenant === p.scope)) return p.scope;
  throw forbidden(p.role === 'TENANT_MANAGER' ? `TENANT_MANAGER of tenant ${p.scope} may not export the authorities of ${tenant ? `tenant ${tenant}` : 'other tenants'}` : `Role ${p.role} may not export authorities`);
}

/** The export as CSV text, as the CLI writes it (cells that a spreadsheet would run as formulas neutralised). */
export async function exportAuthoritiesCsv(db: Db, o: ExportOptions): Promise<string> {
  return (await exportAuthorities(db, o)).map((r) => safeCsvLine(r)).join('');
}
