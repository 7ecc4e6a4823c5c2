CREATE TYPE "public"."delivery_status" AS ENUM('PENDING', 'HANDED_OFF', 'RETRYING', 'REROUTED_TO_PRINT', 'FAILED');--> statement-breakpoint
CREATE TABLE "deliveries" (
	"id" text PRIMARY KEY NOT NULL,
	"idempotency_key" text NOT NULL,
	"sender_key" text NOT NULL,
	"content_hash" text NOT NULL,
	"message_type" text NOT NULL,
	"recipient" jsonb NOT NULL,
	"recipient_key" text,
	"reference" text NOT NULL,
	"file_name" text NOT NULL,
	"content_type" text NOT NULL,
	"payload" text,
	"payload_size" integer NOT NULL,
	"channel" text NOT NULL,
	"decision" jsonb NOT NULL,
	"status" "delivery_status" NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"handed_off_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "delivery_attempts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"delivery_id" text NOT NULL,
	"channel" text NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone NOT NULL,
	"ok" boolean NOT NULL,
	"detail" text NOT NULL,
	"dispatcher" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "delivery_outbox" (
	"delivery_id" text PRIMARY KEY NOT NULL,
	"available_at" timestamp with time zone NOT NULL,
	"lease_until" timestamp with time zone,
	"leased_by" text
);
--> statement-breakpoint
ALTER TABLE "delivery_attempts" ADD CONSTRAINT "delivery_attempts_delivery_id_deliveries_id_fk" FOREIGN KEY ("delivery_id") REFERENCES "public"."deliveries"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "delivery_outbox" ADD CONSTRAINT "delivery_outbox_delivery_id_deliveries_id_fk" FOREIGN KEY ("delivery_id") REFERENCES "public"."deliveries"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "deliveries_idempotency" ON "deliveries" USING btree ("sender_key","idempotency_key");--> statement-breakpoint
CREATE INDEX "deliveries_created" ON "deliveries" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "delivery_attempts_delivery" ON "delivery_attempts" USING btree ("delivery_id");--> statement-breakpoint
CREATE INDEX "delivery_outbox_available" ON "delivery_outbox" USING btree ("available_at");