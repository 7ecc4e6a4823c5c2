// How specific a jurisdiction's scope is: the most specific rule valid on a date wins. Stored with
// every rule (the exclusion constraint compares rules of equal specificity only).
import type { ScopeLevel } from '../../db/schema.js';

export const SPECIFICITY: Record<ScopeLevel, number> = {
  STATE: 1,
  GOVERNMENT_DISTRICT: 2,
  DISTRICT: 3,
  ASSOCIATION: 4,
  MUNICIPALITY: 5,
  STREET: 6,
};
/** A street rule with a house-number range is more specific than the whole street. */
export const STREET_RANGE_SPECIFICITY = 7;
