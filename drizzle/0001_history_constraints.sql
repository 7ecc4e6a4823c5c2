-- Versions of one key never overlap in time; enforced by the database, not only by the importer.
CREATE EXTENSION IF NOT EXISTS btree_gist;--> statement-breakpoint
ALTER TABLE "regions" ADD CONSTRAINT "regions_no_overlap"
  EXCLUDE USING gist ("level" WITH =, "ars" WITH =, daterange("valid_from", "valid_to") WITH &&);--> statement-breakpoint
ALTER TABLE "regions" ADD CONSTRAINT "regions_valid_range" CHECK ("valid_to" IS NULL OR "valid_from" IS NULL OR "valid_from" < "valid_to");--> statement-breakpoint
ALTER TABLE "regions" ADD CONSTRAINT "regions_ags_format" CHECK (("level" = 'MUNICIPALITY') = ("ags" IS NOT NULL) AND ("ags" IS NULL OR "ags" ~ '^[0-9]{8}$'));--> statement-breakpoint
ALTER TABLE "postal_codes" ADD CONSTRAINT "postal_codes_no_overlap"
  EXCLUDE USING gist ("postcode" WITH =, "ags" WITH =, daterange("valid_from", "valid_to") WITH &&);--> statement-breakpoint
ALTER TABLE "postal_codes" ADD CONSTRAINT "postal_codes_format" CHECK ("postcode" ~ '^[0-9]{5}$' AND "ags" ~ '^[0-9]{8}$');--> statement-breakpoint
ALTER TABLE "regions" ADD CONSTRAINT "regions_ags_no_overlap"
  EXCLUDE USING gist ("ags" WITH =, daterange("valid_from", "valid_to") WITH &&) WHERE ("ags" IS NOT NULL);--> statement-breakpoint
CREATE INDEX "regions_ags_valid" ON "regions" ("ags", "valid_from") WHERE "ags" IS NOT NULL;
