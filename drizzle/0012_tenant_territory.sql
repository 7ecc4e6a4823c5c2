ALTER TABLE "tenants" ADD COLUMN "areas" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
-- Data (written by hand after the generated DDL): every existing tenant gets the areas its authorities
-- cover today, so that no tenant manager loses what it manages: the area keys of the tenant's
-- authorities' jurisdictions that have not ended (a region's ARS, a municipality's or street rule's
-- AGS) and the ags:/ars: keys of those authorities, each only if the register knows it.
WITH candidates AS (
  SELECT a.tenant_code AS code, j.area_key AS area
  FROM jurisdictions j JOIN authorities a ON a.id = j.authority_id
  WHERE a.tenant_code IS NOT NULL AND (j.valid_to IS NULL OR j.valid_to > current_date)
  UNION
  SELECT a.tenant_code, substr(a.key, 5)
  FROM authorities a
  WHERE a.tenant_code IS NOT NULL AND a.key ~ '^(ags:[0-9]{8}|ars:([0-9]{2}|[0-9]{3}|[0-9]{5}|[0-9]{9}|[0-9]{12}))$'
), known AS (
  SELECT c.code, c.area FROM candidates c
  WHERE EXISTS (
    SELECT 1 FROM regions r
    WHERE (length(c.area) = 8 AND r.level = 'MUNICIPALITY' AND r.ags = c.area)
       OR (length(c.area) IN (2, 3, 5, 9, 12) AND r.ars = c.area)
  )
)
UPDATE "tenants" t
SET "areas" = coalesce((SELECT array_agg(k.area ORDER BY k.area) FROM known k WHERE k.code = t.code), '{}'::text[]);
--> statement-breakpoint
-- The report: one audit entry per tenant with the areas it was given (a NOTICE would go unseen).
INSERT INTO "audit_log" ("at", "actor", "action", "entity_type", "entity_id", "after")
SELECT now(), 'system:migration', 'ASSIGN_TERRITORY', 'Tenant', t.code, jsonb_build_object('areas', to_jsonb(t.areas))
FROM "tenants" t
ORDER BY t.code;
