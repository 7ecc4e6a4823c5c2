// Inputs that name an area by its key: an AGS (followed on when a structural change replaced it)
// or an ARS (2, 3, 5 or 9 digits for a region, 12 for a municipality).
import { isValidAt, type DirectoryIndex } from '../../directory/directory-index.js';
import { label, levelName } from './describe.js';
import type { Explanation } from './explanation.js';
import { forwardKey } from './forwarding.js';
import { foundMunicipality, notFound } from './result.js';
import type { Target } from './types.js';

const LEVEL_BY_LENGTH: Record<number, 'STATE' | 'GOVERNMENT_DISTRICT' | 'DISTRICT' | 'ASSOCIATION'> = {
  2: 'STATE',
  3: 'GOVERNMENT_DISTRICT',
  5: 'DISTRICT',
  9: 'ASSOCIATION',
};

export function findByAgs(ix: DirectoryIndex, ags: string, at: string, ex: Explanation): Target {
  const municipality = ix.municipality(ags, at);
  if (municipality) {
    ex.step(() => `AGS ${ags} is ${label(municipality)}.`);
    return foundMunicipality(municipality, null);
  }
  const targets = forwardKey(ix, ags, at);
  if (!targets.length) {
    ex.step(() => `AGS ${ags} is not a municipality in the register on ${at}.`);
    return notFound();
  }
  const via = targets[0]!.via;
  ex.step(() => `AGS ${ags}${via.name ? ` (${via.name})` : ''} was replaced on ${via.effectiveDate} by structural change #${via.changeId} (${via.kind}).`);
  if (targets.length > 1) {
    ex.step(() => `It was split into ${targets.map((t) => label(t.municipality)).join(', ')}; the address decides.`);
    const candidates = targets.map(({ municipality: m }) => ({
      ags: m.ags,
      municipalityName: m.name,
      authority: null,
      settleBy: `the address (postcode and street) or the AGS ${m.ags}`,
    }));
    return { status: 'AMBIGUOUS', candidates, forwardedFrom: via };
  }
  const successor = targets[0]!.municipality;
  ex.step(() => `Forwarded to its successor ${label(successor)}.`);
  return foundMunicipality(successor, via);
}

export function findByArs(ix: DirectoryIndex, ars: string, at: string, ex: Explanation): Target {
  if (ars.length === 12) {
    const municipality = ix.municipalitiesByArs.get(ars)?.find((m) => isValidAt(m, at));
    if (!municipality) {
      ex.step(() => `ARS ${ars} is not a municipality in the register on ${at}.`);
      return notFound();
    }
    ex.step(() => `ARS ${ars} is ${label(municipality)}.`);
    return foundMunicipality(municipality, null);
  }
  const level = LEVEL_BY_LENGTH[ars.length];
  const region = level && ix.region(level, ars, at);
  if (!region) {
    ex.step(() => `ARS ${ars} is not a region in the register on ${at}.`);
    return notFound();
  }
  ex.step(() => `ARS ${ars} is ${levelName(region.level)} ${region.name}.`);
  return { status: 'FOUND', municipality: undefined, regionArs: region.ars, forwardedFrom: null, place: undefined };
}
