// A tenant's territory: the areas in which its managers may create and change authorities and
// jurisdictions. An area is an ARS prefix at any level (2 Land, 3 Regierungsbezirk, 5 Kreis,
// 9 Gemeindeverband, 12 Gemeinde) or a municipality's AGS (8 digits). Pure functions; the
// database side (areas of a tenant, a municipality's ARS) is in territory.service.ts.

export const ARS_AREA_LENGTHS = [2, 3, 5, 9, 12] as const;
export const AGS_LENGTH = 8;

/** Why a string is not an area, or null when it is one by shape (the register is asked elsewhere). */
export function areaShapeError(area: string): string | null {
  if (!/^\d+$/.test(area)) return `"${area}" is not an area: digits only`;
  if (area.length !== AGS_LENGTH && !(ARS_AREA_LENGTHS as readonly number[]).includes(area.length)) {
    return `"${area}" is not an area: an ARS prefix has 2, 3, 5, 9 or 12 digits, an AGS 8`;
  }
  return null;
}

/**
 * Something that lies somewhere: a region (its ARS) or a municipality (its AGS, and its 12-digit ARS
 * when the register knows it). `what` names it in messages.
 */
export interface Place {
  what: string;
  ars?: string | null;
  ags?: string | null;
}

/** The AGS inside a municipality's 12-digit ARS: Land, Regierungsbezirk, Kreis + the last 3 digits. */
export const agsOfArs = (ars: string): string | null => (/^\d{12}$/.test(ars) ? ars.slice(0, 5) + ars.slice(9) : null);

/**
 * Whether the place lies in one of the areas. An AGS area holds only that municipality; an ARS area
 * holds every region whose ARS starts with it. The first five digits of an AGS are those of its ARS,
 * so a municipality known only by its AGS still lies in a Land, Regierungsbezirk or Kreis; deeper
 * areas (Gemeindeverband, ARS of a municipality) need its ARS.
 */
export function inAreas(areas: readonly string[], place: Place): boolean {
  return areas.some((area) => {
    if (area.length === AGS_LENGTH) return !!place.ags && place.ags === area;
    if (place.ars) return place.ars.startsWith(area);
    return area.length <= 5 && !!place.ags && place.ags.startsWith(area);
  });
}

/**
 * The place an authority's addressing key claims: `ags:` names a municipality, `ars:` a region.
 * Other prefixes claim no place (null): such an authority reaches addresses only through
 * jurisdictions, and each of those is checked. A malformed ags:/ars: key claims a place no
 * territory holds.
 */
export function placeOfKey(key: string): Place | null {
  const what = `authority key ${key}`;
  const [prefix, id = ''] = key.split(/:(.*)/s);
  if (prefix === 'ags') return { what, ags: /^\d{8}$/.test(id) ? id : null };
  if (prefix === 'ars') {
    const ars = /^\d+$/.test(id) && (ARS_AREA_LENGTHS as readonly number[]).includes(id.length) ? id : null;
    return { what, ars, ags: ars ? agsOfArs(ars) : null };
  }
  return null;
}

const LEVEL_NAMES: Record<string, string> = {
  STATE: 'Land',
  GOVERNMENT_DISTRICT: 'Regierungsbezirk',
  DISTRICT: 'Kreis',
  ASSOCIATION: 'Gemeindeverband',
  MUNICIPALITY: 'municipality',
};

/** The place a jurisdiction's scope covers: a region, or the municipality of a street rule. */
export function placeOfScope(rule: { level: string; areaKey: string; streetName?: string | null }): Place {
  if (rule.level === 'STREET') return { what: `a street rule (${rule.streetName ?? 'street'}) in municipality ${rule.areaKey}`, ags: rule.areaKey };
  if (rule.level === 'MUNICIPALITY') return { what: `municipality ${rule.areaKey}`, ags: rule.areaKey };
  return { what: `${LEVEL_NAMES[rule.level] ?? rule.level} ${rule.areaKey}`, ars: rule.areaKey };
}

/** The territory in words for messages; long lists are cut. */
export function describeAreas(areas: readonly string[]): string {
  if (!areas.length) return 'none: ADMIN has not assigned it any areas';
  const shown = areas.slice(0, 10).join(', ');
  return areas.length > 10 ? `${shown} and ${areas.length - 10} more` : shown;
}
