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
    validFrom: date('valid_from', { mode: 'string' }),
    validTo: date('valid_to', { mode: 'string' }),
    source: text('source').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('postal_codes_current').on(t.postcode, t.ags).where(sql`${t.validTo} is null`),
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
