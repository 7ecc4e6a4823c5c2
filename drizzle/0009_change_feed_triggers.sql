-- The change feed (directory_changes), written by triggers so that no code path can forget it.
-- The feed version is the directory version, bumped once per transaction at its first change and
-- held under the app_meta row lock until commit: versions therefore follow commit order.
CREATE FUNCTION directory_feed_version() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  v bigint;
BEGIN
  v := nullif(current_setting('bv.feed_version', true), '')::bigint;
  IF v IS NULL THEN
    INSERT INTO app_meta (key, value, updated_at) VALUES ('directory_version', '1'::jsonb, now())
    ON CONFLICT (key) DO UPDATE SET value = to_jsonb((app_meta.value #>> '{}')::bigint + 1), updated_at = now()
    RETURNING (value #>> '{}')::bigint INTO v;
    PERFORM set_config('bv.feed_version', v::text, true);
  END IF;
  RETURN v;
END $$;
--> statement-breakpoint
CREATE FUNCTION record_directory_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  d jsonb;
  k text;
  e text;
BEGIN
  IF TG_OP = 'DELETE' THEN d := to_jsonb(OLD); ELSE d := to_jsonb(NEW); END IF;
  IF TG_OP = 'UPDATE' AND to_jsonb(OLD) = d THEN RETURN NULL; END IF;
  IF TG_TABLE_NAME = 'regions' THEN
    e := 'REGION';
    k := CASE WHEN d->>'level' = 'MUNICIPALITY' THEN d->>'ags' ELSE d->>'ars' END;
  ELSIF TG_TABLE_NAME = 'jurisdictions' THEN
    e := 'JURISDICTION';
    k := d->>'id';
  ELSE
    e := 'AUTHORITY';
    k := d->>'key';
    d := d - 'webhook_secret' - 'webhook_url';
  END IF;
  INSERT INTO directory_changes (version, entity, operation, entity_key, data)
  VALUES (directory_feed_version(), e, TG_OP, k, d);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER regions_feed AFTER INSERT OR UPDATE OR DELETE ON regions FOR EACH ROW EXECUTE FUNCTION record_directory_change();
--> statement-breakpoint
CREATE TRIGGER jurisdictions_feed AFTER INSERT OR UPDATE OR DELETE ON jurisdictions FOR EACH ROW EXECUTE FUNCTION record_directory_change();
--> statement-breakpoint
CREATE TRIGGER authorities_feed AFTER INSERT OR UPDATE OR DELETE ON authorities FOR EACH ROW EXECUTE FUNCTION record_directory_change();
--> statement-breakpoint
ALTER TABLE structural_changes ADD CONSTRAINT structural_changes_predecessors_nonempty CHECK (cardinality(predecessors) > 0);
