ALTER TABLE "delivery_outbox" ADD COLUMN "claimed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "delivery_outbox" ADD COLUMN "crashes" integer DEFAULT 0 NOT NULL;