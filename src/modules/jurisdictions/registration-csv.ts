// The bulk registration file: authorities with their jurisdictions, one row per jurisdiction (an
// authority without any: one row with the jurisdiction columns empty). Reading checks the shape of
// every cell and names line and column; the services check the rest (tenant, register, territory,
// overlaps) when the rows are applied. Cells neutralised against spreadsheet formulas are read back.
import type { Contact } from '../../db/schema.js';
import { CsvReader, type CsvRow } from '../../lib/csv.js';
import { readBack } from '../../lib/csv-stream.js';
import { isIsoDate } from '../../lib/dates.js';
import { KEY_FORMAT, type AuthorityFields } from '../authorities/authorities.service.js';
import { MESSAGE_TYPES } from '../authorities/message-types.js';
import type { JurisdictionRow } from '../directory/directory-index.js';
import type { ScopeInput } from './jurisdictions.service.js';

export const AUTHORITY_COLUMNS = [
  'key', 'kind', 'name', 'street', 'house_number', 'po_box', 'postal_code', 'city',
  'contact_name', 'contact_email', 'contact_phone', 'contact_fax', 'contact_website',
  'message_types', 'standard_version', 'tenant', 'status', 'webhook_url',
] as const;
export const RULE_COLUMNS = [
  'task', 'scope_level', 'scope_key', 'scope_postal_code', 'scope_street', 'house_number_from', 'house_number_to', 'parity', 'valid_from', 'valid_to',
] as const;
export const COLUMNS = [...AUTHORITY_COLUMNS, ...RULE_COLUMNS] as const;
export type Column = (typeof COLUMNS)[number];

/** Longest cell per column: the @limit of the matching GraphQL input field. */
const MAX_CHARS: Record<Column, number> = {
  key: 255, kind: 32, name: 200, street: 200, house_number: 32, po_box: 32, postal_code: 32, city: 200,
  contact_name: 200, contact_email: 254, contact_phone: 64, contact_fax: 64, contact_website: 2048,
  message_types: 200, standard_version: 32, tenant: 64, status: 32, webhook_url: 2048,
  task: 64, scope_level: 32, scope_key: 32, scope_postal_code: 32, scope_street: 200,
  house_number_from: 16, house_number_to: 16, parity: 16, valid_from: 32, valid_to: 32,
};

/** Bounds checked before parsing (bytes) and while reading (rows); cells are bounded per column. */
export const REGISTRATION_LIMITS = { bytes: 16 * 1024 * 1024, rows: 50_000, errors: 100 };

export const DEFAULT_TASK = 'VOLLSTRECKUNGSHILFE';

type Kind = 'ENFORCEMENT' | 'CREDITOR' | 'OTHER';
type Level = ScopeInput['level'];
const KINDS: readonly Kind[] = ['ENFORCEMENT', 'CREDITOR', 'OTHER'];
const STATUSES = ['ACTIVE', 'INACTIVE'] as const;
const PARITIES = ['ALL', 'ODD', 'EVEN'] as const;
/** Digits of a scope key per level (a municipality's and a street rule's: its AGS). */
const KEY_DIGITS: Record<Level, number> = { STATE: 2, GOVERNMENT_DISTRICT: 3, DISTRICT: 5, ASSOCIATION: 9, MUNICIPALITY: 8, STREET: 8 };

/** An authority as the file states it: the whole of it (an empty cell is an empty field). */
export interface AuthorityRecord {
  key: string;
  kind: Kind;
  name: string;
  postalAddress: { street: string | null; houseNumber: string | null; poBox: string | null; postalCode: string; city: string };
  contact: Required<{ [K in keyof Contact]: string | null }>;
  acceptedMessageTypes: string[];
  standardVersion: string | null;
  tenantCode: string | null;
  status: 'ACTIVE' | 'INACTIVE';
  /** only compared: a webhook needs its secret, which no file carries */
  webhookUrl: string | null;
}

export interface RuleRecord {
  task: string;
  scope: ScopeInput;
  validFrom: string | null;
  validTo: string | null;
}

export interface FileRow {
  line: number;
  authority: AuthorityRecord;
  rule: RuleRecord | null;
}

export interface RowError {
  line: number;
  column: Column | null;
  message: string;
}

/** A cell that cannot be read, named by its column. */
export class CellError extends Error {
  constructor(
    readonly column: Column | null,
    message: string,
  ) {
    super(message);
  }
}

type Cells = Record<Column, string>;

/** A spreadsheet drops the leading zero of AGS, ARS and postcodes: one lost zero is restored. */
function restoreZero(v: string, digits: number): string {
  return /^\d+$/.test(v) && v.length === digits - 1 ? `0${v}` : v;
}

function oneOf<T extends string>(cells: Cells, column: Column, allowed: readonly T[], fallback?: T): T {
  const v = cells[column].toUpperCase();
  if (!v && fallback) return fallback;
  if (!(allowed as readonly string[]).includes(v)) {
    throw new CellError(column, `${v ? `"${cells[column]}"` : 'empty'}: expected ${allowed.join(', ')}`);
  }
  return v as T;
}

function required(cells: Cells, column: Column): string {
  if (!cells[column]) throw new CellError(column, 'must not be empty');
  return cells[column];
}

const orNull = (v: string) => v || null;

function date(cells: Cells, column: 'valid_from' | 'valid_to'): string | null {
  const v = cells[column];
  if (v && !isIsoDate(v)) throw new CellError(column, `"${v}" is not a date YYYY-MM-DD`);
  return orNull(v);
}

function houseNumber(cells: Cells, column: 'house_number_from' | 'house_number_to'): number | null {
  const v = cells[column];
  if (!v) return null;
  if (!/^\d{1,6}$/.test(v)) throw new CellError(column, `"${v}" is not a house number (digits only)`);
  return Number(v);
}

function messageTypes(cells: Cells): string[] {
  const types = cells.message_types.split(/[\s,;]+/).filter(Boolean);
  const bad = types.filter((t) => !(MESSAGE_TYPES as readonly string[]).includes(t));
  if (bad.length) throw new CellError('message_types', `unknown XAmtshilfe message type ${bad.join(', ')} (known: ${MESSAGE_TYPES.join(', ')})`);
  return [...new Set(types)].sort();
}

function authorityOf(cells: Cells): AuthorityRecord {
  const key = required(cells, 'key');
  if (!KEY_FORMAT.test(key)) throw new CellError('key', `"${key}" is not an addressing key prefix:identifier, e.g. ags:05766020`);
  const postalCode = restoreZero(required(cells, 'postal_code'), 5);
  if (!/^\d{5}$/.test(postalCode)) throw new CellError('postal_code', `"${postalCode}" is not a postcode: expected 5 digits`);
  return {
    key,
    kind: oneOf(cells, 'kind', KINDS),
    name: required(cells, 'name'),
    postalAddress: { street: orNull(cells.street), houseNumber: orNull(cells.house_number), poBox: orNull(cells.po_box), postalCode, city: required(cells, 'city') },
    contact: {
      name: orNull(cells.contact_name),
      email: orNull(cells.contact_email),
      phone: orNull(cells.contact_phone),
      fax: orNull(cells.contact_fax),
      website: orNull(cells.contact_website),
    },
    acceptedMessageTypes: messageTypes(cells),
    standardVersion: orNull(cells.standard_version),
    tenantCode: orNull(cells.tenant),
    status: oneOf(cells, 'status', STATUSES, 'ACTIVE'),
    webhookUrl: orNull(cells.webhook_url),
  };
}

function scopeOf(cells: Cells, level: Level): ScopeInput {
  const key = restoreZero(required(cells, 'scope_key'), KEY_DIGITS[level]);
  if (!new RegExp(`^\\d{${KEY_DIGITS[level]}}$`).test(key)) {
    throw new CellError('scope_key', `"${key}" is not a ${level} key: expected ${KEY_DIGITS[level]} digits${level === 'MUNICIPALITY' || level === 'STREET' ? ' (AGS)' : ' (ARS)'}`);
  }
  if (level !== 'STREET') {
    for (const c of ['scope_postal_code', 'scope_street', 'house_number_from', 'house_number_to', 'parity'] as const) {
      if (cells[c] && !(c === 'parity' && cells[c].toUpperCase() === 'ALL')) throw new CellError(c, `is only for scope_level STREET, not ${level}`);
    }
    return { level, key };
  }
  const postalCode = restoreZero(required(cells, 'scope_postal_code'), 5);
  if (!/^\d{5}$/.test(postalCode)) throw new CellError('scope_postal_code', `"${postalCode}" is not a postcode: expected 5 digits`);
  return {
    level,
    street: {
      ags: key,
      postalCode,
      street: required(cells, 'scope_street'),
      houseNumberFrom: houseNumber(cells, 'house_number_from'),
      houseNumberTo: houseNumber(cells, 'house_number_to'),
      parity: oneOf(cells, 'parity', PARITIES, 'ALL'),
    },
  };
}

function ruleOf(cells: Cells): RuleRecord | null {
  if (RULE_COLUMNS.every((c) => !cells[c])) return null;
  const level = oneOf(cells, 'scope_level', ['STATE', 'GOVERNMENT_DISTRICT', 'DISTRICT', 'ASSOCIATION', 'MUNICIPALITY', 'STREET'] as const);
  const validFrom = date(cells, 'valid_from');
  const validTo = date(cells, 'valid_to');
  if (validFrom && validTo && validTo <= validFrom) throw new CellError('valid_to', `must be after valid_from (${validFrom})`);
  return { task: cells.task || DEFAULT_TASK, scope: scopeOf(cells, level), validFrom, validTo };
}

/** The columns' positions; every column must be there once, and no other. */
function headerOf(fields: string[]): Map<Column, number> {
  const at = new Map<Column, number>();
  const unknown: string[] = [];
  fields.forEach((raw, i) => {
    const name = readBack(raw).trim().toLowerCase();
    if (!(COLUMNS as readonly string[]).includes(name) || at.has(name as Column)) unknown.push(raw);
    else at.set(name as Column, i);
  });
  const missing = COLUMNS.filter((c) => !at.has(c));
  if (unknown.length || missing.length) {
    const parts = [missing.length ? `missing ${missing.join(', ')}` : '', unknown.length ? `unknown or repeated ${unknown.map((u) => `"${u}"`).join(', ')}` : ''];
    throw new CellError(null, `header: ${parts.filter(Boolean).join('; ')} (expected the columns ${COLUMNS.join(',')})`);
  }
  return at;
}

/** What a decoder writes for bytes it could not read: the text was not UTF-8 before it reached us. */
const LOST = '\uFFFD';
const LOST_MESSAGE = 'holds U+FFFD, a character lost when the file was read as UTF-8: save the file as UTF-8 ("CSV UTF-8") and send it again';

function cellsOf(fields: string[], at: Map<Column, number>): Cells {
  if (fields.length > at.size) throw new CellError(null, `has ${fields.length} fields, the header has ${at.size}`);
  const cells = {} as Cells;
  for (const [column, i] of at) {
    const v = readBack(fields[i] ?? '').trim();
    if (v.includes(LOST)) throw new CellError(column, LOST_MESSAGE);
    if (v.length > MAX_CHARS[column]) throw new CellError(column, `at most ${MAX_CHARS[column]} characters, got ${v.length}`);
    cells[column] = v;
  }
  return cells;
}

/** The authority columns must agree on every row of one authority. */
function agree(key: string, cells: Cells, first: Map<string, { line: number; cells: Cells }>, line: number): void {
  const seen = first.get(key);
  if (!seen) {
    first.set(key, { line, cells });
    return;
  }
  const differs = AUTHORITY_COLUMNS.find((c) => cells[c] !== seen.cells[c]);
  if (differs) throw new CellError(differs, `"${cells[differs]}" differs from line ${seen.line} ("${seen.cells[differs]}"): the rows of one authority must agree`);
}

/** Same authority, task, scope and start: the same rule (its end may differ). */
export function ruleIdentity(key: string, r: RuleRecord, streetKey: (s: string) => string): string {
  const s = r.scope.street;
  const area = s ? [s.ags, s.postalCode, streetKey(s.street), s.houseNumberFrom ?? '', s.houseNumberTo ?? '', s.parity ?? 'ALL'] : [r.scope.key, '', '', '', '', 'ALL'];
  return [key, r.task, r.scope.level, ...area, r.validFrom ?? ''].join('|');
}

/** The identity of a stored rule, as ruleIdentity gives it for the same rule in a file. */
export function storedRuleIdentity(key: string, j: JurisdictionRow): string {
  const area = j.level === 'STREET' ? [j.areaKey, j.postcode, j.streetKey, j.houseFrom ?? '', j.houseTo ?? '', j.parity] : [j.areaKey, '', '', '', '', 'ALL'];
  return [key, j.taskCode, j.level, ...area, j.validFrom ?? ''].join('|');
}

/** What reading has found so far. */
interface Reading {
  header?: Map<Column, number>;
  rows: FileRow[];
  errors: RowError[];
  /** each authority's first row, which the others must agree with */
  first: Map<string, { line: number; cells: Cells }>;
  /** each rule's identity and its line */
  rules: Map<string, number>;
}

function take(r: Reading, row: CsvRow, streetKey: (s: string) => string): void {
  if ('error' in row) throw new CellError(null, r.header ? row.error : `header: ${row.error}`);
  if (!r.header) {
    r.header = headerOf(row.fields);
    return;
  }
  if (r.rows.length >= REGISTRATION_LIMITS.rows) throw new CellError(null, `more than ${REGISTRATION_LIMITS.rows} rows: split the file`);
  const cells = cellsOf(row.fields, r.header);
  const authority = authorityOf(cells);
  agree(authority.key, cells, r.first, row.line);
  const rule = ruleOf(cells);
  if (rule) {
    const id = ruleIdentity(authority.key, rule, streetKey);
    const twin = r.rules.get(id);
    if (twin) throw new CellError('scope_key', `the same jurisdiction as line ${twin} (authority, task, scope and valid_from)`);
    r.rules.set(id, row.line);
  }
  r.rows.push({ line: row.line, authority, rule });
}

/** Reads the whole file: its rows, or every reason it cannot be used (the first REGISTRATION_LIMITS.errors). */
export function readRegistrationFile(text: string, streetKey: (s: string) => string): { rows: FileRow[]; errors: RowError[] } {
  const r: Reading = { rows: [], errors: [], first: new Map(), rules: new Map() };
  for (const row of csvRows(text)) {
    try {
      take(r, row, streetKey);
    } catch (e) {
      if (!(e instanceof CellError)) throw e;
      r.errors.push({ line: row.line, column: e.column, message: e.message });
      if (!r.header || r.errors.length >= REGISTRATION_LIMITS.errors || r.rows.length >= REGISTRATION_LIMITS.rows) break;
    }
  }
  if (!r.header && !r.errors.length) r.errors.push({ line: 1, column: null, message: `file is empty; expected the header ${COLUMNS.join(',')}` });
  return { rows: r.rows, errors: r.errors };
}

function* csvRows(raw: string): Generator<CsvRow> {
  const text = raw.replace(/^\uFEFF/, ''); // a BOM, as spreadsheets write UTF-8
  const reader = new CsvReader();
  const step = 1 << 16;
  for (let i = 0; i < text.length; i += step) yield* reader.push(text.slice(i, i + step));
  yield* reader.end();
}

/** The fields of an authority that the file sets, as the services take them (status separately). */
export function authorityFields(a: AuthorityRecord): AuthorityFields & Pick<AuthorityRecord, 'kind' | 'name' | 'postalAddress'> {
  return {
    kind: a.kind,
    name: a.name,
    postalAddress: a.postalAddress,
    contact: a.contact,
    acceptedMessageTypes: a.acceptedMessageTypes,
    standardVersion: a.standardVersion,
    tenantCode: a.tenantCode,
  };
}
