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
