CREATE TABLE "webhook_outbox" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"delivery_id" text NOT NULL,
	"sender_key" text NOT NULL,
	"body" jsonb NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"available_at" timestamp with time zone NOT NULL,
	"last_error" text
);
--> statement-breakpoint
ALTER TABLE "authorities" ADD COLUMN "webhook_url" text;--> statement-breakpoint
ALTER TABLE "authorities" ADD COLUMN "webhook_secret" text;--> statement-breakpoint
CREATE INDEX "webhook_outbox_available" ON "webhook_outbox" USING btree ("available_at");