CREATE TYPE "public"."region_level" AS ENUM('STATE', 'GOVERNMENT_DISTRICT', 'REGION', 'DISTRICT', 'ASSOCIATION', 'MUNICIPALITY');--> statement-breakpoint
CREATE TABLE "app_meta" (
	"key" text PRIMARY KEY NOT NULL,
	"value" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"actor" text NOT NULL,
	"action" text NOT NULL,
	"entity_type" text NOT NULL,
	"entity_id" text NOT NULL,
	"before" jsonb,
	"after" jsonb,
	"request_id" text
);
--> statement-breakpoint
CREATE TABLE "postal_codes" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"postcode" text NOT NULL,
	"ags" text NOT NULL,
	"locality" text NOT NULL,
	"locality_key" text NOT NULL,
	"osm_id" bigint,
	"valid_from" date,
	"valid_to" date,
	"source" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "regions" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"level" "region_level" NOT NULL,
	"ars" text NOT NULL,
	"ags" text,
	"name" text NOT NULL,
	"name_key" text NOT NULL,
	"seat" text,
	"type_code" text,
	"parent_ars" text,
	"town_hall_postcode" text,
	"postcode_unique" boolean,
	"area_hectares" bigint,
	"population" integer,
	"population_male" integer,
	"tax_office_district" text,
	"higher_regional_court_district" text,
	"regional_court_district" text,
	"local_court_district" text,
	"employment_agency_district" text,
	"valid_from" date,
	"valid_to" date,
	"edition" date,
	"source" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "register_imports" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"edition" date,
	"file_name" text NOT NULL,
	"sha256" text NOT NULL,
	"imported_at" timestamp with time zone NOT NULL,
	"imported_by" text NOT NULL,
	"summary" jsonb NOT NULL
);
--> statement-breakpoint
CREATE INDEX "audit_log_entity" ON "audit_log" USING btree ("entity_type","entity_id");--> statement-breakpoint
CREATE INDEX "audit_log_at" ON "audit_log" USING btree ("at");--> statement-breakpoint
CREATE UNIQUE INDEX "postal_codes_current" ON "postal_codes" USING btree ("postcode","ags") WHERE "postal_codes"."valid_to" is null;--> statement-breakpoint
CREATE INDEX "postal_codes_ags" ON "postal_codes" USING btree ("ags");--> statement-breakpoint
CREATE UNIQUE INDEX "regions_current_key" ON "regions" USING btree ("level","ars") WHERE "regions"."valid_to" is null;--> statement-breakpoint
CREATE INDEX "regions_ags" ON "regions" USING btree ("ags");--> statement-breakpoint
CREATE INDEX "regions_parent" ON "regions" USING btree ("parent_ars");--> statement-breakpoint
CREATE INDEX "regions_name_key" ON "regions" USING btree ("level","name_key" text_pattern_ops);