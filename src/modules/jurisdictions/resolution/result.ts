// What the steps of a lookup hand on: a target found, an early end, and the one result shape.
import type { DeliveryDecision } from '../../directory/delivery-decision.js';
import type { AuthorityRow, JurisdictionRow, PlannedChange, RegionEntry } from '../../directory/directory-index.js';
import type { Explanation } from './explanation.js';
import type { Candidate, EarlyEnd, Forwarding, Found, LookupInput, LookupResult, LookupStatus, Place } from './types.js';

export const notFound = (): EarlyEnd => ({ status: 'NOT_FOUND', candidates: [], forwardedFrom: null });

export const foundMunicipality = (municipality: RegionEntry, forwardedFrom: Forwarding | null, place?: Place): Found => ({
  status: 'FOUND',
  municipality,
  regionArs: null,
  forwardedFrom,
  place,
});

export interface Outcome {
  ags?: string | null;
  regionArs?: string | null;
  authority?: AuthorityRow | null;
  rule?: JurisdictionRow | null;
  candidates?: Candidate[];
  acceptsMessageType?: boolean | null;
  plannedChanges?: PlannedChange[];
  electronicDelivery?: DeliveryDecision | null;
  /** of the matched place; without one (AMBIGUOUS between places, NOT_FOUND) 0 */
  confidence?: number;
}

const NOTHING: Outcome = Object.freeze({});

export function lookupResult(input: LookupInput, ex: Explanation, forwardedFrom: Forwarding | null, status: LookupStatus, o: Outcome = NOTHING): LookupResult {
  return {
    status,
    forwardedFrom,
    authority: o.authority ?? null,
    rule: o.rule ?? null,
    ags: o.ags ?? null,
    regionArs: o.regionArs ?? null,
    candidates: o.candidates ?? [],
    explanation: ex.steps,
    publicExplanation: ex.publicSteps,
    warnings: ex.warnings,
    plannedChanges: o.plannedChanges ?? [],
    acceptsMessageType: o.electronicDelivery ? o.electronicDelivery.electronic : null,
    electronicDelivery: o.electronicDelivery ?? null,
    confidence: o.confidence ?? 0,
    input,
  };
}
