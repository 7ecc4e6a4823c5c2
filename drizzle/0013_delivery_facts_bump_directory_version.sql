-- Tenants, data centres and their encryption certificates feed the in-memory delivery decision (route,
-- lookups, Authority.acceptsElectronicDelivery). A change to what the decision reads bumps the
-- directory version (once per transaction, as the change feed does) and notifies, so every instance
-- reloads, whichever code path wrote it. They stay out of the public change feed: endpoints,
-- statuses and certificates are a data centre's internals. Status-only updates of certificates (the
-- transition job) change nothing the decision reads: it takes the instant.
CREATE FUNCTION bump_directory_for_delivery_facts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM directory_feed_version();
  PERFORM pg_notify('directory_changed', '');
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER tenants_delivery_facts AFTER INSERT OR DELETE ON tenants FOR EACH ROW EXECUTE FUNCTION bump_directory_for_delivery_facts();
--> statement-breakpoint
CREATE TRIGGER tenants_delivery_facts_update AFTER UPDATE ON tenants FOR EACH ROW
  WHEN (OLD.code IS DISTINCT FROM NEW.code OR OLD.data_center_id IS DISTINCT FROM NEW.data_center_id)
  EXECUTE FUNCTION bump_directory_for_delivery_facts();
--> statement-breakpoint
CREATE TRIGGER data_centers_delivery_facts AFTER INSERT OR DELETE ON data_centers FOR EACH ROW EXECUTE FUNCTION bump_directory_for_delivery_facts();
--> statement-breakpoint
CREATE TRIGGER data_centers_delivery_facts_update AFTER UPDATE ON data_centers FOR EACH ROW
  WHEN (OLD.code IS DISTINCT FROM NEW.code OR OLD.status IS DISTINCT FROM NEW.status OR OLD.endpoints IS DISTINCT FROM NEW.endpoints)
  EXECUTE FUNCTION bump_directory_for_delivery_facts();
--> statement-breakpoint
CREATE TRIGGER certificates_delivery_facts_insert AFTER INSERT ON certificates FOR EACH ROW
  WHEN (NEW.usage = 'ENCRYPTION')
  EXECUTE FUNCTION bump_directory_for_delivery_facts();
--> statement-breakpoint
CREATE TRIGGER certificates_delivery_facts_delete AFTER DELETE ON certificates FOR EACH ROW
  WHEN (OLD.usage = 'ENCRYPTION')
  EXECUTE FUNCTION bump_directory_for_delivery_facts();
--> statement-breakpoint
CREATE TRIGGER certificates_delivery_facts_update AFTER UPDATE ON certificates FOR EACH ROW
  WHEN ((OLD.usage = 'ENCRYPTION' OR NEW.usage = 'ENCRYPTION') AND (
    OLD.usage IS DISTINCT FROM NEW.usage OR OLD.data_center_id IS DISTINCT FROM NEW.data_center_id
    OR OLD.thumbprint_sha256 IS DISTINCT FROM NEW.thumbprint_sha256 OR OLD.activation_at IS DISTINCT FROM NEW.activation_at
    OR OLD.not_after IS DISTINCT FROM NEW.not_after OR OLD.revoked_at IS DISTINCT FROM NEW.revoked_at
    OR OLD.revocation_reason IS DISTINCT FROM NEW.revocation_reason))
  EXECUTE FUNCTION bump_directory_for_delivery_facts();
