// The lookup's input and answer, and what the steps hand each other on the way.
import type { HouseNumber } from '../../addresses/normalize.js';
import type { DeliveryDecision } from '../../directory/delivery-decision.js';
import type { AuthorityRow, JurisdictionRow, PlannedChange, RegionEntry, Succession } from '../../directory/directory-index.js';

export type LookupStatus = 'RESOLVED' | 'AMBIGUOUS' | 'NOT_FOUND' | 'NO_JURISDICTION';

export interface AddressInput {
  street?: string | null;
  houseNumber?: string | null;
  postalCode?: string | null;
  city?: string | null;
}

export interface LookupInput {
  address?: AddressInput | null;
  ags?: string | null;
  ars?: string | null;
  postalCode?: string | null;
  city?: string | null;
  task: string;
  at: string;
  messageType?: string | null;
  /** the instant the delivery decision is for; default 00:00 in Germany on `at` */
  instant?: Date;
  /** false: the explanation's steps are not worded (no one reads them); default true */
  explain?: boolean;
}

export interface Candidate {
  ags: string | null;
  municipalityName: string | null;
  authority: AuthorityRow | null;
  settleBy: string;
}

/** The old key a lookup was forwarded from, by a structural change. */
export interface Forwarding {
  ags: string;
  name: string | null;
  successorAgs: string;
  changeId: number;
  kind: Succession['kind'];
  effectiveDate: string;
}

export interface LookupResult {
  status: LookupStatus;
  /** set when the input named (or led to) a municipality that a structural change replaced */
  forwardedFrom: Forwarding | null;
  authority: AuthorityRow | null;
  rule: JurisdictionRow | null;
  /** AGS of the municipality the input was matched to */
  ags: string | null;
  /** ARS of the region, when the input was a region above municipality level */
  regionArs: string | null;
  candidates: Candidate[];
  /** full wording: ADMIN and the data centre itself */
  explanation: string[];
  /** the same with the delivery decision's step worded without the data centre's internals */
  publicExplanation: string[];
  warnings: string[];
  /** confirmed structural changes, not applied yet, that affect the matched municipality by the lookup's date */
  plannedChanges: PlannedChange[];
  /** with a message type, for a RESOLVED lookup: the delivery decision's channel (route's decision) */
  acceptsMessageType: boolean | null;
  /** with a message type, for a RESOLVED lookup: route's decision for the lookup's instant */
  electronicDelivery: DeliveryDecision | null;
  /** how sure the matched place is: 1 as written, less for an assumed spelling or region; 0 without one place */
  confidence: number;
  input: LookupInput;
}

/** An address, postcode or city matched against the register. */
export interface Place {
  municipalities: RegionEntry[];
  /** successor AGS → how the input reached it through an old key; made on the first forwarding (most lookups have none) */
  forwards: Map<string, Forwarding> | undefined;
  /** set when the place could not be settled */
  candidates?: Candidate[];
  /** 1, or less for each assumption made on the way (confidence.ts) */
  confidence: number;
  postcode?: string;
  street?: string;
  streetKey?: string;
  houseNumber?: HouseNumber;
}

/** Where the input leads before any rule is read: a municipality, or a region above it. */
export interface Found {
  status: 'FOUND';
  municipality: RegionEntry | undefined;
  /** set instead of the municipality when the input is a region above municipality level */
  regionArs: string | null;
  forwardedFrom: Forwarding | null;
  /** the matched address, when the input was one (street rules need it) */
  place: Place | undefined;
}

/** The input ends before any rule is read; AMBIGUOUS candidates still lack their authorities. */
export interface EarlyEnd {
  status: 'NOT_FOUND' | 'AMBIGUOUS';
  candidates: Candidate[];
  forwardedFrom: Forwarding | null;
}

export type Target = Found | EarlyEnd;
