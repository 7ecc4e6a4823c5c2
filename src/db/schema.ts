// Drizzle table definitions: one set for PGlite and PostgreSQL.
import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  date,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

export const regionLevel = pgEnum('region_level', [
  'STATE',
  'GOVERNMENT_DISTRICT',
  'REGION',
  'DISTRICT',
  'ASSOCIATION',
  'MUNICIPALITY',
]);
export type RegionLevel = (typeof regionLevel.enumValues)[number];

/**
 * Every level of the Gebietsregister in one table, as versions: a change of name, parent or
 * jurisdictional attributes closes one version (valid_to) and opens the next (valid_from).
 * Dates are half-open [valid_from, valid_to); NULL valid_from means "since before the first edition".
 */
export const regions = pgTable(
  'regions',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    level: regionLevel('level').notNull(),
    /** Natural key at its level: 2 (state), 3 (government district), 4 (BW region), 5 (district), 9 (association), 12 (municipality ARS). */
    ars: text('ars').notNull(),
    /** Amtlicher Gemeindeschlüssel, municipalities only. */
    ags: text('ags'),
    name: text('name').notNull(),
    nameKey: text('name_key').notNull(),
    seat: text('seat'),
    typeCode: text('type_code'),
    parentArs: text('parent_ars'),
    townHallPostcode: text('town_hall_postcode'),
    postcodeUnique: boolean('postcode_unique'),
    areaHectares: bigint('area_hectares', { mode: 'number' }),
    population: integer('population'),
    populationMale: integer('population_male'),
    taxOfficeDistrict: text('tax_office_district'),
    higherRegionalCourtDistrict: text('higher_regional_court_district'),
    regionalCourtDistrict: text('regional_court_district'),
    localCourtDistrict: text('local_court_district'),
    employmentAgencyDistrict: text('employment_agency_district'),
    validFrom: date('valid_from', { mode: 'string' }),
    validTo: date('valid_to', { mode: 'string' }),
    /** The edition (Gebietsstand) this version was last confirmed by; NULL for hand-entered data. */
    edition: date('edition', { mode: 'string' }),
    source: text('source').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('regions_current_key').on(t.level, t.ars).where(sql`${t.validTo} is null`),
    index('regions_ags').on(t.ags),
    index('regions_parent').on(t.parentArs),
    index('regions_name_key').on(t.level, t.nameKey.op('text_pattern_ops')),
  ],
);

/** Postcode ↔ municipality with the locality name, versioned like regions. */
export const postalCodes = pgTable(
  'postal_codes',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    postcode: text('postcode').notNull(),
    ags: text('ags').notNull(),
    locality: text('locality').notNull(),
    localityKey: text('locality_key').notNull(),
    osmId: bigint('osm_id', { mode: 'number' }),
    /** set when a structural change moved this postcode from another municipality: that one's AGS */
    predecessorAgs: text('predecessor_ags'),
    validFrom: date('valid_from', { mode: 'string' }),
    validTo: date('valid_to', { mode: 'string' }),
    source: text('source').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    // several localities of one municipality under one postcode arise when municipalities merge
    uniqueIndex('postal_codes_current_locality').on(t.postcode, t.ags, t.localityKey).where(sql`${t.validTo} is null`),
    index('postal_codes_ags').on(t.ags),
  ],
);

/** One row per import run that changed something (GV100AD edition, postcode file). */
export const registerImports = pgTable('register_imports', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  kind: text('kind').notNull(),
  edition: date('edition', { mode: 'string' }),
  fileName: text('file_name').notNull(),
  sha256: text('sha256').notNull(),
  importedAt: timestamp('imported_at', { withTimezone: true, mode: 'date' }).notNull(),
  importedBy: text('imported_by').notNull(),
  summary: jsonb('summary').notNull(),
});

/** Who changed what, written in the same transaction as the change itself. */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: timestamp('at', { withTimezone: true, mode: 'date' }).notNull(),
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    entityType: text('entity_type').notNull(),
    entityId: text('entity_id').notNull(),
    before: jsonb('before'),
    after: jsonb('after'),
    requestId: text('request_id'),
  },
  (t) => [index('audit_log_entity').on(t.entityType, t.entityId), index('audit_log_at').on(t.at)],
);

/** Small facts about the database itself, e.g. that the demo seed was loaded. */
export const appMeta = pgTable('app_meta', {
  key: text('key').primaryKey(),
  value: jsonb('value').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
});

export const authorityKind = pgEnum('authority_kind', ['ENFORCEMENT', 'CREDITOR', 'OTHER']);
export const authorityStatus = pgEnum('authority_status', ['ACTIVE', 'INACTIVE']);

/** A code list of tasks (types of claim); VOLLSTRECKUNGSHILFE is the default. */
export const tasks = pgTable('tasks', {
  code: text('code').primaryKey(),
  name: text('name').notNull(),
  description: text('description'),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
});

export interface Contact {
  name?: string | null;
  email?: string | null;
  phone?: string | null;
  fax?: string | null;
  website?: string | null;
}

export const authorities = pgTable(
  'authorities',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    /** DVDV-style addressing key prefix:identifier, e.g. ags:05766020 */
    key: text('key').notNull(),
    kind: authorityKind('kind').notNull(),
    name: text('name').notNull(),
    street: text('street'),
    houseNumber: text('house_number'),
    poBox: text('po_box'),
    postcode: text('postcode').notNull(),
    city: text('city').notNull(),
    contact: jsonb('contact').$type<Contact>().notNull().default({}),
    status: authorityStatus('status').notNull().default('ACTIVE'),
    /** XAmtshilfe message types accepted electronically: 100…106, 999 */
    messageTypes: text('message_types').array().notNull().default(sql`'{}'::text[]`),
    standardVersion: text('standard_version'),
    /** Tenant (Mandant) code; becomes a link to the tenants table with that issue. */
    tenantCode: text('tenant_code'),
    isDemo: boolean('is_demo').notNull().default(false),
    /** called on every status change of a delivery this authority sent (signed with the secret) */
    webhookUrl: text('webhook_url'),
    webhookSecret: text('webhook_secret'),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('authorities_key').on(t.key), index('authorities_tenant').on(t.tenantCode)],
);

export const scopeLevel = pgEnum('scope_level', [
  'STATE',
  'GOVERNMENT_DISTRICT',
  'DISTRICT',
  'ASSOCIATION',
  'MUNICIPALITY',
  'STREET',
]);
export type ScopeLevel = (typeof scopeLevel.enumValues)[number];
export const parity = pgEnum('house_number_parity', ['ALL', 'ODD', 'EVEN']);

/**
 * Authority × task × area × validity. The area is a region (level + key: ARS, or AGS for a
 * municipality) or a street rule (AGS + postcode + street, optional house-number range and parity).
 * `specificity` orders the scopes; rules of equal specificity for one task and area never overlap
 * in time (exclusion constraint in migration 0003).
 */
export const jurisdictions = pgTable(
  'jurisdictions',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    authorityId: bigint('authority_id', { mode: 'number' })
      .notNull()
      .references(() => authorities.id),
    taskCode: text('task_code')
      .notNull()
      .references(() => tasks.code),
    level: scopeLevel('level').notNull(),
    /** ARS of the region, AGS for MUNICIPALITY and STREET */
    areaKey: text('area_key').notNull(),
    postcode: text('postcode'),
    streetKey: text('street_key'),
    streetName: text('street_name'),
    houseFrom: integer('house_from'),
    houseTo: integer('house_to'),
    parity: parity('parity').notNull().default('ALL'),
    specificity: integer('specificity').notNull(),
    validFrom: date('valid_from', { mode: 'string' }),
    validTo: date('valid_to', { mode: 'string' }),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [index('jurisdictions_area').on(t.taskCode, t.areaKey), index('jurisdictions_authority').on(t.authorityId)],
);

/** Street directory (OpenPLZ format): which municipality a street under a postcode belongs to. */
export const streets = pgTable(
  'streets',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    ags: text('ags').notNull(),
    postcode: text('postcode').notNull(),
    streetKey: text('street_key').notNull(),
    name: text('name').notNull(),
    locality: text('locality').notNull(),
    borough: text('borough'),
    suburb: text('suburb'),
    /** set when a structural change moved this street from another municipality: that one's AGS */
    predecessorAgs: text('predecessor_ags'),
    validFrom: date('valid_from', { mode: 'string' }),
    validTo: date('valid_to', { mode: 'string' }),
    source: text('source').notNull(),
  },
  (t) => [
    uniqueIndex('streets_current').on(t.postcode, t.streetKey, t.ags).where(sql`${t.validTo} is null`),
    index('streets_ags').on(t.ags),
  ],
);

export const dataCenterStatus = pgEnum('data_center_status', ['ACTIVE', 'INACTIVE']);

/** Rechenzentrum: hosts tenants and runs the transport endpoints; owns certificates. */
export const dataCenters = pgTable(
  'data_centers',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    code: text('code').notNull(),
    name: text('name').notNull(),
    contact: jsonb('contact').$type<Contact>().notNull().default({}),
    /** transport endpoint URLs, preferred first */
    endpoints: text('endpoints').array().notNull().default(sql`'{}'::text[]`),
    status: dataCenterStatus('status').notNull().default('ACTIVE'),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('data_centers_code').on(t.code)],
);

/** Mandant: an authority's home in a data centre. */
export const tenants = pgTable(
  'tenants',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    code: text('code').notNull(),
    name: text('name').notNull(),
    dataCenterId: bigint('data_center_id', { mode: 'number' })
      .notNull()
      .references(() => dataCenters.id),
    /** Territory: ARS prefixes (2, 3, 5, 9 or 12 digits) or AGS (8 digits) its managers may act in; set by ADMIN. */
    areas: text('areas').array().notNull().default(sql`'{}'::text[]`),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('tenants_code').on(t.code), index('tenants_data_center').on(t.dataCenterId)],
);

export const certificateUsage = pgEnum('certificate_usage', ['ENCRYPTION', 'SIGNATURE', 'TLS']);
export const certificateStatus = pgEnum('certificate_status', ['PENDING', 'ACTIVE', 'RETIRING', 'RETIRED', 'REVOKED', 'EXPIRED']);

/**
 * A data centre's certificate. Status follows from times (activation, successor's activation plus
 * overlap, expiry, revocation) and is computed for any instant; `status` stores it as of the last
 * transition run, for listings and monitoring.
 */
export const certificates = pgTable(
  'certificates',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    dataCenterId: bigint('data_center_id', { mode: 'number' })
      .notNull()
      .references(() => dataCenters.id),
    usage: certificateUsage('usage').notNull(),
    pem: text('pem').notNull(),
    chainPem: text('chain_pem'),
    thumbprintSha256: text('thumbprint_sha256').notNull(),
    serialNumber: text('serial_number').notNull(),
    subject: text('subject').notNull(),
    issuer: text('issuer').notNull(),
    notBefore: timestamp('not_before', { withTimezone: true, mode: 'date' }).notNull(),
    notAfter: timestamp('not_after', { withTimezone: true, mode: 'date' }).notNull(),
    keyAlgorithm: text('key_algorithm').notNull(),
    keySize: integer('key_size'),
    activationAt: timestamp('activation_at', { withTimezone: true, mode: 'date' }).notNull(),
    status: certificateStatus('status').notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true, mode: 'date' }),
    revocationReason: text('revocation_reason'),
    uploadedBy: text('uploaded_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('certificates_thumbprint').on(t.thumbprintSha256),
    index('certificates_dc_usage').on(t.dataCenterId, t.usage, t.activationAt),
  ],
);

/** Proof-of-possession challenges: bound to a data centre and a certificate, short-lived, single use. */
export const certificateChallenges = pgTable('certificate_challenges', {
  nonce: text('nonce').primaryKey(),
  dataCenterId: bigint('data_center_id', { mode: 'number' })
    .notNull()
    .references(() => dataCenters.id),
  thumbprintSha256: text('thumbprint_sha256').notNull(),
  expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
  usedAt: timestamp('used_at', { withTimezone: true, mode: 'date' }),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
});

export const deliveryStatus = pgEnum('delivery_status', ['PENDING', 'HANDED_OFF', 'RETRYING', 'REROUTED_TO_PRINT', 'FAILED', 'DELIVERED', 'ACCEPTED', 'REJECTED']);

/** One dispatched message: what was asked, what was decided, where it stands. */
export const deliveries = pgTable(
  'deliveries',
  {
    id: text('id').primaryKey(),
    idempotencyKey: text('idempotency_key').notNull(),
    senderKey: text('sender_key').notNull(),
    /** SHA-256 over the request: the same key with other content is a conflict */
    contentHash: text('content_hash').notNull(),
    messageType: text('message_type').notNull(),
    recipient: jsonb('recipient').notNull(),
    recipientKey: text('recipient_key'),
    reference: text('reference').notNull(),
    fileName: text('file_name').notNull(),
    contentType: text('content_type').notNull(),
    /** base64; removed after the retention period */
    payload: text('payload'),
    payloadSize: integer('payload_size').notNull(),
    channel: text('channel').notNull(),
    decision: jsonb('decision').notNull(),
    status: deliveryStatus('status').notNull(),
    attempts: integer('attempts').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull(),
    handedOffAt: timestamp('handed_off_at', { withTimezone: true, mode: 'date' }),
    /** when a verified receipt made it DELIVERED */
    deliveredAt: timestamp('delivered_at', { withTimezone: true, mode: 'date' }),
    /** the receiver's verified receipt (receiver, receivedAt, payloadSha256, jti, token) */
    receipt: jsonb('receipt'),
    /** the recipient's ACCEPTED or REJECTED: when, by whom (principal subject), why */
    acknowledgedAt: timestamp('acknowledged_at', { withTimezone: true, mode: 'date' }),
    acknowledgedBy: text('acknowledged_by'),
    acknowledgementReason: text('acknowledgement_reason'),
  },
  (t) => [uniqueIndex('deliveries_idempotency').on(t.senderKey, t.idempotencyKey), index('deliveries_created').on(t.createdAt)],
);

/** Work to do: written with the delivery, claimed by a dispatcher with a lease, deleted when done. */
export const deliveryOutbox = pgTable(
  'delivery_outbox',
  {
    deliveryId: text('delivery_id')
      .primaryKey()
      .references(() => deliveries.id),
    availableAt: timestamp('available_at', { withTimezone: true, mode: 'date' }).notNull(),
    leaseUntil: timestamp('lease_until', { withTimezone: true, mode: 'date' }),
    leasedBy: text('leased_by'),
    /** when the current lease began; a lease that runs out unbooked is an unfinished hand-off */
    claimedAt: timestamp('claimed_at', { withTimezone: true, mode: 'date' }),
    /** hand-offs in a row that crashed, timed out or never got booked; at the limit, quarantine (FAILED) */
    crashes: integer('crashes').notNull().default(0),
  },
  (t) => [index('delivery_outbox_available').on(t.availableAt)],
);

export const deliveryAttempts = pgTable(
  'delivery_attempts',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    deliveryId: text('delivery_id')
      .notNull()
      .references(() => deliveries.id),
    channel: text('channel').notNull(),
    startedAt: timestamp('started_at', { withTimezone: true, mode: 'date' }).notNull(),
    finishedAt: timestamp('finished_at', { withTimezone: true, mode: 'date' }).notNull(),
    ok: boolean('ok').notNull(),
    detail: text('detail').notNull(),
    dispatcher: text('dispatcher').notNull(),
  },
  (t) => [index('delivery_attempts_delivery').on(t.deliveryId)],
);

/**
 * How a data centre's endpoint fares with real hand-offs: failed electronic attempts in a row (a
 * success resets it), the last success and failure. Also bounds the endpoint test: one at a time
 * per data centre, and not again before testBlockedUntil.
 */
export const endpointHealth = pgTable('endpoint_health', {
  dataCenterId: bigint('data_center_id', { mode: 'number' })
    .primaryKey()
    .references(() => dataCenters.id),
  consecutiveFailures: integer('consecutive_failures').notNull().default(0),
  lastSuccessAt: timestamp('last_success_at', { withTimezone: true, mode: 'date' }),
  lastFailureAt: timestamp('last_failure_at', { withTimezone: true, mode: 'date' }),
  lastFailureReason: text('last_failure_reason'),
  testBlockedUntil: timestamp('test_blocked_until', { withTimezone: true, mode: 'date' }),
});

/** Status notifications to senders' webhooks: written with the status change, delivered with retries. */
export const webhookOutbox = pgTable(
  'webhook_outbox',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    deliveryId: text('delivery_id').notNull(),
    senderKey: text('sender_key').notNull(),
    body: jsonb('body').notNull(),
    attempts: integer('attempts').notNull().default(0),
    availableAt: timestamp('available_at', { withTimezone: true, mode: 'date' }).notNull(),
    lastError: text('last_error'),
  },
  (t) => [index('webhook_outbox_available').on(t.availableAt)],
);

export const structuralChangeKind = pgEnum('structural_change_kind', ['MERGER', 'INCORPORATION', 'SPLIT', 'PARTIAL_TRANSFER', 'RENAME', 'REKEY']);
export type StructuralChangeKind = (typeof structuralChangeKind.enumValues)[number];
export const structuralChangeStatus = pgEnum('structural_change_status', ['PROPOSED', 'PLANNED', 'APPLIED', 'CANCELLED', 'REJECTED']);
export type StructuralChangeStatus = (typeof structuralChangeStatus.enumValues)[number];

export interface SuccessorSpec {
  ags: string;
  name: string;
  /** 9-digit Gemeindeverband ARS the successor belongs to; defaults to the predecessors' one when that is unambiguous */
  associationArs?: string | null;
  /** a Gemeindeverband the change opens on its date for this successor (associationArs then names it too) */
  newAssociation?: NewAssociationSpec | null;
}

/** A Gemeindeverband created by a structural change: its ARS (9 digits, in the successor's district) and name. */
export interface NewAssociationSpec {
  ars: string;
  name: string;
}

export interface JurisdictionPolicy {
  task: string;
  /** KEEP_SUCCESSOR: the successor's own rules; FROM_PREDECESSOR: copy the named predecessor's; AUTHORITY: one rule to the named authority */
  mode: 'KEEP_SUCCESSOR' | 'FROM_PREDECESSOR' | 'AUTHORITY';
  predecessorAgs?: string | null;
  authorityKey?: string | null;
}

/** For SPLIT and PARTIAL_TRANSFER: which postcode (optionally only one street of it) goes where. */
export interface TransferSpec {
  postcode: string;
  /** street name; without it the whole postcode area of the predecessor moves */
  street?: string | null;
  toAgs: string;
}

export interface ProposalEvidence {
  confidence: number;
  reasons: string[];
  edition: string;
}

/** Gemeindestrukturänderung: planned (or proposed from an edition), applied on its date. */
export const structuralChanges = pgTable(
  'structural_changes',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    kind: structuralChangeKind('kind').notNull(),
    status: structuralChangeStatus('status').notNull(),
    effectiveDate: date('effective_date', { mode: 'string' }).notNull(),
    predecessors: text('predecessors').array().notNull(),
    successors: jsonb('successors').$type<SuccessorSpec[]>().notNull(),
    policies: jsonb('policies').$type<JurisdictionPolicy[]>().notNull().default([]),
    transfers: jsonb('transfers').$type<TransferSpec[]>().notNull().default([]),
    sourceReference: text('source_reference'),
    proposal: jsonb('proposal').$type<ProposalEvidence>(),
    /** what applying did (counts), for the history */
    result: jsonb('result'),
    appliedAt: timestamp('applied_at', { withTimezone: true, mode: 'date' }),
    appliedBy: text('applied_by'),
    version: integer('version').notNull().default(1),
    createdBy: text('created_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [index('structural_changes_status_date').on(t.status, t.effectiveDate)],
);

/** Old AGS → new AGS from a date on: lookups by an old key are forwarded. */
export const keySuccessions = pgTable(
  'key_successions',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    changeId: bigint('change_id', { mode: 'number' })
      .notNull()
      .references(() => structuralChanges.id),
    oldAgs: text('old_ags').notNull(),
    newAgs: text('new_ags').notNull(),
    effectiveDate: date('effective_date', { mode: 'string' }).notNull(),
  },
  (t) => [uniqueIndex('key_successions_pair').on(t.oldAgs, t.newAgs, t.effectiveDate), index('key_successions_new').on(t.newAgs)],
);

/**
 * The change feed: every insert, update and delete of regions, jurisdictions and authorities,
 * written by triggers (migration 0009) in the changing transaction. `version` is taken from the
 * directory version under its row lock, so versions follow commit order: a reader that has seen
 * version v has seen everything before it, which makes (version, seq) a stable cursor.
 */
export const directoryChanges = pgTable(
  'directory_changes',
  {
    seq: bigserial('seq', { mode: 'number' }).primaryKey(),
    version: bigint('version', { mode: 'number' }).notNull(),
    at: timestamp('at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    entity: text('entity').notNull(),
    operation: text('operation').notNull(),
    entityKey: text('entity_key').notNull(),
    data: jsonb('data'),
  },
  (t) => [index('directory_changes_order').on(t.version, t.seq)],
);
