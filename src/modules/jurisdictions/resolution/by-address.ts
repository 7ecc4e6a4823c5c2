// Inputs that name a place: an address, or a postcode and/or city.
import type { DirectoryIndex } from '../../directory/directory-index.js';
import { label } from './describe.js';
import type { Explanation } from './explanation.js';
import { matchPlace } from './place.js';
import { foundMunicipality, notFound } from './result.js';
import type { LookupInput, Target } from './types.js';

export function findByAddress(ix: DirectoryIndex, input: LookupInput, ex: Explanation): Target {
  const place = matchPlace(ix, input, ex);
  if (place.candidates) return { status: 'AMBIGUOUS', candidates: place.candidates, forwardedFrom: null };
  if (place.municipalities.length !== 1) {
    ex.step('No municipality matches the input.');
    return notFound();
  }
  const municipality = place.municipalities[0]!;
  const via = place.forwards?.get(municipality.ags!) ?? null;
  if (via) {
    ex.step(() => `The input refers to ${via.name ?? via.ags} (${via.ags}), replaced on ${via.effectiveDate} by structural change #${via.changeId} (${via.kind}); forwarded to ${label(municipality)}.`);
  }
  return foundMunicipality(municipality, via, place);
}
