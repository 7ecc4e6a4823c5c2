// How sure a lookup is of the place it matched (README, "Confidence"): 1 when the input matched as
// written; each assumption multiplies in its factor. AMBIGUOUS and NOT_FOUND between places: 0.
import type { Place } from './types.js';

export const CONFIDENCE = {
  /** a variant of the name: "Salzuflen" for "Bad Salzuflen", "St. Ingbert", one half of a double name */
  variant: 0.95,
  /** a misspelt name (within the allowed edits) that the postcode agrees with */
  nearWithPostcode: 0.9,
  /** a misspelt name with no postcode to agree with */
  near: 0.8,
  /** a misspelt street name, where the street directory knows the area's streets */
  nearStreet: 0.9,
  /** postcode and city disagree and one of them was taken (a warning says which) */
  oneSide: 0.8,
  /** homonyms told apart by where an unknown postcode lies */
  postcodeRegion: 0.9,
} as const;

/** Records an assumption on the place. */
export function assume(place: Place, factor: number): void {
  place.confidence = Math.round(place.confidence * factor * 1000) / 1000;
}
