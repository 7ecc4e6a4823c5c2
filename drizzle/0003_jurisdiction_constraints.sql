-- Two rules of the same specificity for one task and area never overlap in time. For street rules
-- the house-number ranges must also overlap, and parities must meet (ODD and EVEN never do; ALL meets both).
ALTER TABLE "jurisdictions" ADD CONSTRAINT "jurisdictions_no_overlap" EXCLUDE USING gist (
  "task_code" WITH =,
  "specificity" WITH =,
  "area_key" WITH =,
  (coalesce("postcode", '')) WITH =,
  (coalesce("street_key", '')) WITH =,
  int4range("house_from", "house_to", '[]') WITH &&,
  (CASE "parity" WHEN 'ODD' THEN int4range(1, 2) WHEN 'EVEN' THEN int4range(0, 1) ELSE int4range(0, 2) END) WITH &&,
  daterange("valid_from", "valid_to") WITH &&
);--> statement-breakpoint
ALTER TABLE "jurisdictions" ADD CONSTRAINT "jurisdictions_valid_range" CHECK ("valid_to" IS NULL OR "valid_from" IS NULL OR "valid_from" < "valid_to");--> statement-breakpoint
ALTER TABLE "jurisdictions" ADD CONSTRAINT "jurisdictions_street_shape" CHECK (
  ("level" = 'STREET') = ("postcode" IS NOT NULL AND "street_key" IS NOT NULL)
  AND ("house_from" IS NULL) = ("house_to" IS NULL)
  AND ("house_from" IS NULL OR ("level" = 'STREET' AND "house_from" <= "house_to"))
);--> statement-breakpoint
ALTER TABLE "authorities" ADD CONSTRAINT "authorities_key_format" CHECK ("key" ~ '^[a-z][a-z0-9-]*:[A-Za-z0-9._-]+$');--> statement-breakpoint
ALTER TABLE "streets" ADD CONSTRAINT "streets_no_overlap"
  EXCLUDE USING gist ("postcode" WITH =, "street_key" WITH =, "ags" WITH =, daterange("valid_from", "valid_to") WITH &&);--> statement-breakpoint
INSERT INTO "tasks" ("code", "name", "description") VALUES
  ('VOLLSTRECKUNGSHILFE', 'Vollstreckungshilfe', 'Enforcement assistance requests (XAmtshilfe), the default task')
ON CONFLICT DO NOTHING;
