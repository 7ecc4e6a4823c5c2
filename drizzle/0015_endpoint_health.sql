CREATE TABLE "endpoint_health" (
	"data_center_id" bigint PRIMARY KEY NOT NULL,
	"consecutive_failures" integer DEFAULT 0 NOT NULL,
	"last_success_at" timestamp with time zone,
	"last_failure_at" timestamp with time zone,
	"last_failure_reason" text,
	"test_blocked_until" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "endpoint_health" ADD CONSTRAINT "endpoint_health_data_center_id_data_centers_id_fk" FOREIGN KEY ("data_center_id") REFERENCES "public"."data_centers"("id") ON DELETE no action ON UPDATE no action;