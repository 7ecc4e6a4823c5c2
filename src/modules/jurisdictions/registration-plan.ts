// What a bulk registration does, per authority and per jurisdiction: the plan a dry run shows and an
// import reports. Also the comparison of an authority in the file with the register.
import type { ScopeLevel } from '../../db/schema.js';
import { AppError, forbidden } from '../../lib/errors.js';
import type { AuthorityFields } from '../authorities/authorities.service.js';
import type { AuthorityRow, JurisdictionRow } from '../directory/directory-index.js';
import { CellError, type AuthorityRecord, type Column, type RowError } from './registration-csv.js';

export type PlannedChange = 'CREATE' | 'UPDATE' | 'END' | 'UNCHANGED';

export interface AuthorityPlanItem {
  line: number;
  key: string;
  change: PlannedChange;
  /** UPDATE: the columns whose values change */
  fields: Column[];
}

export interface JurisdictionPlanItem {
  /** the file's line; null for a rule the file no longer lists */
  line: number | null;
  /** null for a rule still to be created (dry run) */
  id: string | null;
  authorityKey: string;
  change: PlannedChange;
  task: string;
  level: ScopeLevel;
  areaKey: string;
  postalCode: string | null;
  street: string | null;
  houseNumberFrom: number | null;
  houseNumberTo: number | null;
  parity: 'ALL' | 'ODD' | 'EVEN';
  validFrom: string | null;
  validTo: string | null;
  /** END: its first day no longer valid */
  endsOn: string | null;
  /** END of a rule that would only start on or after endsOn: it never held, so it is deleted */
  deleted: boolean;
}

export interface ImportPlan {
  /** false for a dry run and when errors stopped the import: nothing was written then */
  applied: boolean;
  dryRun: boolean;
  /** the import date: jurisdictions of the file's authorities that the file does not list end on it */
  endDate: string;
  authorities: { created: AuthorityPlanItem[]; updated: AuthorityPlanItem[]; unchanged: AuthorityPlanItem[] };
  jurisdictions: { created: JurisdictionPlanItem[]; ended: JurisdictionPlanItem[]; unchanged: JurisdictionPlanItem[] };
  errors: RowError[];
}

export function emptyPlan(dryRun: boolean, endDate: string): ImportPlan {
  return {
    applied: false,
    dryRun,
    endDate,
    authorities: { created: [], updated: [], unchanged: [] },
    jurisdictions: { created: [], ended: [], unchanged: [] },
    errors: [],
  };
}

export function planCounts(p: ImportPlan) {
  return {
    authoritiesCreated: p.authorities.created.length,
    authoritiesUpdated: p.authorities.updated.length,
    authoritiesUnchanged: p.authorities.unchanged.length,
    jurisdictionsCreated: p.jurisdictions.created.length,
    jurisdictionsEnded: p.jurisdictions.ended.length,
    jurisdictionsUnchanged: p.jurisdictions.unchanged.length,
    errors: p.errors.length,
  };
}

export const planChanges = (p: ImportPlan) =>
  p.authorities.created.length + p.authorities.updated.length + p.jurisdictions.created.length + p.jurisdictions.ended.length;

export function ruleItem(line: number | null, authorityKey: string, change: PlannedChange, j: JurisdictionRow, id: string | null = String(j.id)): JurisdictionPlanItem {
  return {
    line,
    id,
    authorityKey,
    change,
    task: j.taskCode,
    level: j.level,
    areaKey: j.areaKey,
    postalCode: j.postcode,
    street: j.streetName,
    houseNumberFrom: j.houseFrom,
    houseNumberTo: j.houseTo,
    parity: j.parity,
    validFrom: j.validFrom,
    validTo: j.validTo,
    endsOn: null,
    deleted: false,
  };
}

/** The service argument a refusal names, as the file's column. */
const ARGUMENT_COLUMNS: Record<string, Column> = {
  'input.key': 'key',
  'input.name': 'name',
  'input.postalAddress': 'street',
  'input.postalAddress.street': 'street',
  'input.postalAddress.poBox': 'po_box',
  'input.postalAddress.postalCode': 'postal_code',
  'input.postalAddress.city': 'city',
  'input.contact.email': 'contact_email',
  'input.acceptedMessageTypes': 'message_types',
  'input.standardVersion': 'standard_version',
  'input.tenantCode': 'tenant',
  'input.webhookUrl': 'webhook_url',
  'input.authorityKey': 'key',
  'input.task': 'task',
  'input.scope.key': 'scope_key',
  'input.scope.street': 'scope_street',
  'input.scope.street.ags': 'scope_key',
  'input.scope.street.postalCode': 'scope_postal_code',
  'input.scope.street.street': 'scope_street',
  'input.scope.street.parity': 'parity',
  'input.validTo': 'valid_to',
  validTo: 'valid_to',
};

/**
 * Runs one change of the plan. A refusal of the services (bad input, conflict) becomes an error of
 * the plan at the row's line, named by column where the services name the field; FORBIDDEN stops the
 * whole import (the caller may not do it at all), with the line in its message.
 */
export async function step(plan: ImportPlan, line: number, fallback: Column | null, fn: () => Promise<void>): Promise<boolean> {
  try {
    await fn();
    return true;
  } catch (e) {
    if (e instanceof CellError) {
      plan.errors.push({ line, column: e.column, message: e.message });
      return false;
    }
    if (!(e instanceof AppError)) throw e;
    if (e.extensions.code === 'FORBIDDEN') throw forbidden(`line ${line}: ${e.message}`);
    if (e.extensions.code === 'UNAUTHENTICATED') throw e;
    const argument = typeof e.extensions.argument === 'string' ? e.extensions.argument : undefined;
    const column = (argument && ARGUMENT_COLUMNS[argument]) || fallback;
    const message = argument && e.message.startsWith(`${argument}: `) ? e.message.slice(argument.length + 2) : e.message;
    plan.errors.push({ line, column, message });
    return false;
  }
}

const same = (a: string | null | undefined, b: string | null | undefined) => (a ?? null) === (b ?? null);

/** The columns in which the file's authority differs from the register's. */
export function changedColumns(before: AuthorityRow, a: AuthorityRecord): Column[] {
  const c = before.contact ?? {};
  const pairs: [Column, boolean][] = [
    ['kind', before.kind === a.kind],
    ['name', before.name === a.name],
    ['street', same(before.street, a.postalAddress.street)],
    ['house_number', same(before.houseNumber, a.postalAddress.houseNumber)],
    ['po_box', same(before.poBox, a.postalAddress.poBox)],
    ['postal_code', before.postcode === a.postalAddress.postalCode],
    ['city', before.city === a.postalAddress.city],
    ['contact_name', same(c.name, a.contact.name)],
    ['contact_email', same(c.email, a.contact.email)],
    ['contact_phone', same(c.phone, a.contact.phone)],
    ['contact_fax', same(c.fax, a.contact.fax)],
    ['contact_website', same(c.website, a.contact.website)],
    ['message_types', [...before.messageTypes].sort().join(' ') === a.acceptedMessageTypes.join(' ')],
    ['standard_version', same(before.standardVersion, a.standardVersion)],
    ['tenant', same(before.tenantCode, a.tenantCode)],
    ['status', before.status === a.status],
    ['webhook_url', !a.webhookUrl || a.webhookUrl === before.webhookUrl],
  ];
  return pairs.filter(([, equal]) => !equal).map(([column]) => column);
}

/** What updateAuthority is given for the changed columns; deactivation comes last (see the import). */
export function updateOf(a: AuthorityRecord, changed: Column[]): AuthorityFields {
  const has = (...cs: Column[]) => cs.some((x) => changed.includes(x));
  const input: AuthorityFields = {};
  if (has('kind')) input.kind = a.kind;
  if (has('name')) input.name = a.name;
  if (has('street', 'house_number', 'po_box', 'postal_code', 'city')) input.postalAddress = a.postalAddress;
  if (has('contact_name', 'contact_email', 'contact_phone', 'contact_fax', 'contact_website')) input.contact = a.contact;
  if (has('message_types')) input.acceptedMessageTypes = a.acceptedMessageTypes;
  if (has('standard_version')) input.standardVersion = a.standardVersion;
  if (has('tenant')) input.tenantCode = a.tenantCode;
  if (has('status') && a.status === 'ACTIVE') input.status = 'ACTIVE';
  return input;
}

/** A webhook needs its secret, which no file carries: the file may only repeat the register's URL. */
export function checkWebhook(before: AuthorityRow | undefined, a: AuthorityRecord): void {
  if (a.webhookUrl && a.webhookUrl !== before?.webhookUrl) {
    throw new CellError('webhook_url', `"${a.webhookUrl}" differs from the register (${before?.webhookUrl ?? 'none'}): a webhook needs its secret, which a file does not carry; leave the cell as exported or empty and set webhooks with updateAuthority`);
  }
}
