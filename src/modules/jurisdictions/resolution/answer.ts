// The one rule step every lookup ends in once it has a municipality or a region: the task, the
// most specific rule valid on the date, and with a message type the delivery decision (route's).
import { decideDelivery, explainDecision, type DeliveryDecision } from '../../directory/delivery-decision.js';
import { STREET_RANGE_SPECIFICITY } from '../../directory/specificity.js';
import type { AuthorityRow, DirectoryIndex, JurisdictionRow, RegionEntry } from '../../directory/directory-index.js';
import { describeRule, label } from './describe.js';
import type { Explanation } from './explanation.js';
import { plannedChanges } from './planned.js';
import { germanDayStart } from './instant.js';
import { nearStreetRule } from './near-street.js';
import { lookupResult } from './result.js';
import { chooseRules, regionRules, type RuleChoice } from './rules.js';
import type { Candidate, Found, LookupInput, LookupResult } from './types.js';

export function answer(ix: DirectoryIndex, input: LookupInput, ex: Explanation, found: Found): LookupResult {
  const { municipality, regionArs, forwardedFrom, place } = found;
  const ags = municipality?.ags ?? null;
  // Every answer about this municipality carries the planned changes. The outcomes are spelled out:
  // spreading a shared object here made exact lookups 2-3x slower (measured, #14).
  const planned = plannedChanges(ix, municipality, input.at, ex);
  if (!ix.taskCodes.has(input.task)) {
    ex.step(() => `Task ${input.task} is not in the task list.`);
    ex.warn(`Task ${input.task} is not in the task list: no authority can be responsible for it.`);
    return lookupResult(input, ex, forwardedFrom, 'NO_JURISDICTION', { ags, regionArs, plannedChanges: planned, confidence: place?.confidence ?? 1 });
  }
  if (place?.houseNumber === undefined && input.address?.houseNumber) {
    ex.warn(`House number "${input.address.houseNumber}" is not a house number; street rules with number ranges cannot apply.`);
  }
  if (municipality && place) nearStreetRule(ix, input.task, input.at, municipality, place, ex);
  const confidence = place?.confidence ?? 1;
  const rules = municipality ? ix.rulesAlong(input.task, municipality) : regionRules(ix, input.task, regionArs!);
  const choice = chooseRules(ix, input.at, rules, place, ex);
  const forWhat = () => `task ${input.task} on ${input.at}`;

  if (choice.needsHouseNumber.length && (!choice.winners.length || choice.winners[0]!.specificity < STREET_RANGE_SPECIFICITY)) {
    ex.step(`The street has rules by house number; without a valid house number they cannot be decided.`);
    const candidates = houseNumberCandidates(ix, choice, municipality);
    return lookupResult(input, ex, forwardedFrom, 'AMBIGUOUS', { ags, regionArs, candidates, plannedChanges: planned, confidence });
  }
  if (!choice.winners.length) {
    ex.step(() => `No jurisdiction for ${forWhat()} covers ${municipality ? label(municipality) : `region ${regionArs}`}.`);
    return lookupResult(input, ex, forwardedFrom, 'NO_JURISDICTION', { ags, regionArs, plannedChanges: planned, confidence });
  }
  if (choice.winners.length > 1) {
    ex.step(() => `${choice.winners.length} rules of equal specificity apply: ${choice.winners.map((r) => `#${r.id}`).join(', ')}.`);
    const candidates = choice.winners.map((r) => ruleCandidate(ix, r, municipality, equalRuleSettleBy(r)));
    return lookupResult(input, ex, forwardedFrom, 'AMBIGUOUS', { ags, regionArs, candidates, plannedChanges: planned, confidence });
  }
  const rule = choice.winners[0]!;
  const authority = ix.authoritiesById.get(rule.authorityId)!;
  ex.step(() => `Most specific for ${forWhat()}: ${describeRule(rule, authority)}.`);
  const electronicDelivery = input.messageType ? deliveryStep(ix, authority, input, ex) : null;
  return lookupResult(input, ex, forwardedFrom, 'RESOLVED', { ags, regionArs, authority, rule, electronicDelivery, plannedChanges: planned, confidence });
}

/** Route's decision for the lookup's instant, as the last step. */
function deliveryStep(ix: DirectoryIndex, authority: AuthorityRow, input: LookupInput, ex: Explanation): DeliveryDecision {
  const d = decideDelivery(ix, authority, input.messageType!, input.instant ?? germanDayStart(input.at));
  if (ex.explaining) {
    const line = explainDecision(d);
    ex.step(line.text, line.public);
  }
  return d;
}

function ruleCandidate(ix: DirectoryIndex, r: JurisdictionRow, municipality: RegionEntry | undefined, settleBy: string): Candidate {
  return {
    ags: municipality?.ags ?? null,
    municipalityName: municipality?.name ?? null,
    authority: ix.authoritiesById.get(r.authorityId) ?? null,
    settleBy,
  };
}

/** The street's ranges, then the rules that apply outside them: a house number decides. */
function houseNumberCandidates(ix: DirectoryIndex, choice: RuleChoice, municipality: RegionEntry | undefined): Candidate[] {
  const options = [...choice.needsHouseNumber, ...choice.winners];
  return options.map((r) => ruleCandidate(ix, r, municipality, houseNumberSettleBy(r)));
}

function houseNumberSettleBy(r: JurisdictionRow): string {
  return r.houseFrom !== null
    ? `a house number ${r.houseFrom}–${r.houseTo}${r.parity !== 'ALL' ? ` (${r.parity.toLowerCase()})` : ''}`
    : 'a house number outside the ranges of the street rules';
}

function equalRuleSettleBy(r: JurisdictionRow): string {
  return r.level === 'STREET' ? `postcode ${r.postcode}${r.houseFrom !== null ? ` and a house number ${r.houseFrom}–${r.houseTo}` : ''}` : 'a more precise address';
}
