// German names for the API's codes, in one place.
export const AUTHORITY_KINDS: Record<string, string> = {
  ENFORCEMENT: 'Vollstreckungsbehörde',
  CREDITOR: 'Gläubiger',
  OTHER: 'Sonstige',
};

export const AUTHORITY_STATUS: Record<string, string> = { ACTIVE: 'aktiv', INACTIVE: 'deaktiviert' };

export const LOOKUP_STATUS: Record<string, string> = {
  RESOLVED: 'Zuständige Behörde gefunden',
  AMBIGUOUS: 'Mehrdeutig – bitte genauer angeben',
  NOT_FOUND: 'Ort nicht gefunden',
  NO_JURISDICTION: 'Keine Behörde zuständig',
};

export const REGION_LEVELS: Record<string, string> = {
  STATE: 'Land',
  GOVERNMENT_DISTRICT: 'Regierungsbezirk',
  REGION: 'Region',
  DISTRICT: 'Kreis',
  ASSOCIATION: 'Gemeindeverband',
  MUNICIPALITY: 'Gemeinde',
};

export const SCOPE_LEVELS: Record<string, string> = {
  STATE: 'Land',
  GOVERNMENT_DISTRICT: 'Regierungsbezirk',
  DISTRICT: 'Kreis',
  ASSOCIATION: 'Gemeindeverband',
  MUNICIPALITY: 'Gemeinde',
  STREET: 'Straße',
};

export const PARITY: Record<string, string> = { ALL: 'alle Hausnummern', ODD: 'ungerade', EVEN: 'gerade' };

export const CHANNELS: Record<string, string> = { ELECTRONIC: 'elektronisch', PRINT: 'auf Papier (Druckstraße)' };

export const CHANGE_KINDS: Record<string, string> = {
  MERGER: 'Zusammenschluss',
  INCORPORATION: 'Eingemeindung',
  SPLIT: 'Aufteilung',
  PARTIAL_TRANSFER: 'Gebietsteilübertragung',
  RENAME: 'Umbenennung',
  REKEY: 'Neuer Schlüssel',
};

/** XAmtshilfe message types an authority can declare (src/modules/authorities/message-types.ts). */
export const MESSAGE_TYPES = ['100', '101', '102', '103', '104', '105', '106', '999'];

const dateFormat = new Intl.DateTimeFormat('de-DE', { day: '2-digit', month: '2-digit', year: 'numeric', timeZone: 'UTC' });

/** 2026-11-30 → 30.11.2026; null → the given fallback. */
export function formatDate(iso: string | null | undefined, fallback = '–'): string {
  if (!iso) return fallback;
  const d = new Date(`${iso.slice(0, 10)}T00:00:00Z`);
  return Number.isNaN(d.getTime()) ? iso : dateFormat.format(d);
}

/** "ab 01.01.2020 bis 31.12.2026" for a half-open range [from, to). */
export function formatValidity(from: string | null | undefined, to: string | null | undefined): string {
  const start = from ? `ab ${formatDate(from)}` : 'seit jeher';
  const end = to ? `, endet vor dem ${formatDate(to)}` : '';
  return start + end;
}

/** Today in Germany as YYYY-MM-DD. */
export function todayInGermany(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin' }).format(new Date());
}

export const DATA_CENTER_STATUS: Record<string, string> = { ACTIVE: 'aktiv', INACTIVE: 'außer Betrieb' };

export const CERTIFICATE_USAGES: Record<string, string> = { ENCRYPTION: 'Verschlüsselung', SIGNATURE: 'Signatur', TLS: 'TLS' };

export const CERTIFICATE_STATUS: Record<string, string> = {
  PENDING: 'noch nicht aktiv',
  ACTIVE: 'in Gebrauch',
  RETIRING: 'läuft aus (Überlappung)',
  RETIRED: 'abgelöst',
  REVOKED: 'widerrufen',
  EXPIRED: 'abgelaufen',
};

export const DELIVERY_STATUS: Record<string, string> = {
  PENDING: 'wartet auf Übergabe',
  HANDED_OFF: 'übergeben',
  RETRYING: 'neuer Versuch geplant',
  REROUTED_TO_PRINT: 'auf Papier umgeleitet',
  FAILED: 'gescheitert',
  DELIVERED: 'zugestellt (Quittung)',
  ACCEPTED: 'vom Empfänger angenommen',
  REJECTED: 'vom Empfänger abgelehnt',
};

/** Audit log actions (writeAudit in src/modules) in the words of the people who did them. */
export const AUDIT_ACTIONS: Record<string, string> = {
  ACKNOWLEDGE_DELIVERY: 'Zustellung beantwortet',
  APPLY_STRUCTURAL_CHANGE: 'Strukturänderung angewandt',
  CANCEL_STRUCTURAL_CHANGE: 'Strukturänderung abgesagt',
  CONFIRM_STRUCTURAL_CHANGE: 'Strukturänderung bestätigt',
  CREATE_AUTHORITY: 'Behörde angelegt',
  CREATE_DATA_CENTER: 'Rechenzentrum angelegt',
  CREATE_JURISDICTION: 'Zuständigkeit angelegt',
  CREATE_TASK: 'Aufgabe angelegt',
  CREATE_TENANT: 'Mandant angelegt',
  DEACTIVATE_AUTHORITY: 'Behörde deaktiviert',
  DELETE_AUTHORITY: 'Behörde gelöscht',
  DELETE_JURISDICTION: 'Zuständigkeit gelöscht',
  DELETE_TASK: 'Aufgabe gelöscht',
  END_JURISDICTION: 'Zuständigkeit beendet',
  GENERATE_DEMO_AUTHORITIES: 'Demo-Behörden erzeugt',
  IMPORT_AUTHORITIES: 'Behörden importiert',
  IMPORT_GV100AD: 'Gebietsstand (GV100AD) importiert',
  IMPORT_POSTCODES: 'Postleitzahlen importiert',
  IMPORT_STREETS: 'Straßenverzeichnis importiert',
  LOAD_DEMO_SEED: 'Demodaten geladen',
  PLAN_STRUCTURAL_CHANGE: 'Strukturänderung geplant',
  REJECT_STRUCTURAL_CHANGE: 'Strukturänderungsvorschlag abgelehnt',
  REVOKE_CERTIFICATE: 'Zertifikat widerrufen',
  UPDATE_AUTHORITY: 'Behörde geändert',
  UPDATE_DATA_CENTER: 'Rechenzentrum geändert',
  UPDATE_TENANT: 'Mandant geändert',
  UPLOAD_CERTIFICATE: 'Zertifikat hochgeladen',
};

/** Entity types of the audit log (AuditEntry.entityType). */
export const AUDIT_ENTITIES: Record<string, string> = {
  Authority: 'Behörde',
  AuthorityImport: 'Behördenimport',
  Certificate: 'Zertifikat',
  DataCenter: 'Rechenzentrum',
  Delivery: 'Zustellung',
  DemoDirectory: 'Demo-Verzeichnis',
  Jurisdiction: 'Zuständigkeit',
  PostcodeMapping: 'Postleitzahlen',
  Register: 'Gebietsregister',
  RegisterEdition: 'Gebietsstand',
  StreetDirectory: 'Straßenverzeichnis',
  StructuralChange: 'Strukturänderung',
  Task: 'Aufgabe',
  Tenant: 'Mandant',
};

const dateTimeFormat = new Intl.DateTimeFormat('de-DE', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Europe/Berlin' });

/** An instant in German time, e.g. "30.11.2026, 14:05". */
export function formatDateTime(iso: string | null | undefined, fallback = '–'): string {
  if (!iso) return fallback;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : dateTimeFormat.format(d);
}

const DAY_MS = 86_400_000;

/** "läuft in 12 Tagen ab", "seit 3 Tagen abgelaufen" – whole days from now. */
export function expiryText(notAfter: string, now = Date.now()): string {
  const ms = new Date(notAfter).getTime() - now;
  const days = Math.floor(Math.abs(ms) / DAY_MS);
  if (ms > 0) return days === 0 ? 'läuft in weniger als einem Tag ab' : days === 1 ? 'läuft in 1 Tag ab' : `läuft in ${days} Tagen ab`;
  return days === 0 ? 'vor weniger als einem Tag abgelaufen' : days === 1 ? 'seit 1 Tag abgelaufen' : `seit ${days} Tagen abgelaufen`;
}

export const CHANGE_STATUS: Record<string, string> = {
  PLANNED: 'geplant',
  PROPOSED: 'vorgeschlagen',
  APPLIED: 'durchgeführt',
  REJECTED: 'abgelehnt',
  CANCELLED: 'storniert',
};

export const POLICY_MODES: Record<string, string> = {
  KEEP_SUCCESSOR: 'Regeln des Nachfolgers bleiben',
  FROM_PREDECESSOR: 'übernimmt die Regeln von',
  AUTHORITY: 'neue Regel für die Behörde',
};

export const COVERAGE_GAPS: Record<string, string> = {
  NO_JURISDICTION: 'keine Regel für die Aufgabe',
  AMBIGUOUS: 'mehrdeutig: widersprüchliche Regeln',
};

/** The day before an ISO date (a municipality's last day before a change). */
export function dayBefore(iso: string): string {
  const d = new Date(`${iso}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}

/** The word for a count: singular for exactly 1 ("1 Behörde", "2 Behörden", "0 Behörden"). */
export function plural(n: number, one: string, many: string): string {
  return n === 1 ? one : many;
}

/** A count with its word, e.g. count(1, 'Gemeinde', 'Gemeinden') → "1 Gemeinde". */
export function count(n: number, one: string, many: string): string {
  return `${n} ${plural(n, one, many)}`;
}
