DROP INDEX "postal_codes_current";--> statement-breakpoint
CREATE UNIQUE INDEX "postal_codes_current_locality" ON "postal_codes" USING btree ("postcode","ags","locality_key") WHERE "postal_codes"."valid_to" is null;--> statement-breakpoint
-- A merged municipality keeps the locality names of its predecessors under one postcode.
ALTER TABLE "postal_codes" DROP CONSTRAINT "postal_codes_no_overlap";--> statement-breakpoint
ALTER TABLE "postal_codes" ADD CONSTRAINT "postal_codes_no_overlap"
  EXCLUDE USING gist ("postcode" WITH =, "ags" WITH =, "locality_key" WITH =, daterange("valid_from", "valid_to") WITH &&);
