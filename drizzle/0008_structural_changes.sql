CREATE TYPE "public"."structural_change_kind" AS ENUM('MERGER', 'INCORPORATION', 'SPLIT', 'PARTIAL_TRANSFER', 'RENAME', 'REKEY');--> statement-breakpoint
CREATE TYPE "public"."structural_change_status" AS ENUM('PROPOSED', 'PLANNED', 'APPLIED', 'CANCELLED', 'REJECTED');--> statement-breakpoint
CREATE TABLE "directory_changes" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"version" bigint NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"entity" text NOT NULL,
	"operation" text NOT NULL,
	"entity_key" text NOT NULL,
	"data" jsonb
);
--> statement-breakpoint
CREATE TABLE "key_successions" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"change_id" bigint NOT NULL,
	"old_ags" text NOT NULL,
	"new_ags" text NOT NULL,
	"effective_date" date NOT NULL
);
--> statement-breakpoint
CREATE TABLE "structural_changes" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"kind" "structural_change_kind" NOT NULL,
	"status" "structural_change_status" NOT NULL,
	"effective_date" date NOT NULL,
	"predecessors" text[] NOT NULL,
	"successors" jsonb NOT NULL,
	"policies" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"transfers" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"source_reference" text,
	"proposal" jsonb,
	"result" jsonb,
	"applied_at" timestamp with time zone,
	"applied_by" text,
	"version" integer DEFAULT 1 NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "postal_codes" ADD COLUMN "predecessor_ags" text;--> statement-breakpoint
ALTER TABLE "streets" ADD COLUMN "predecessor_ags" text;--> statement-breakpoint
ALTER TABLE "key_successions" ADD CONSTRAINT "key_successions_change_id_structural_changes_id_fk" FOREIGN KEY ("change_id") REFERENCES "public"."structural_changes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "directory_changes_order" ON "directory_changes" USING btree ("version","seq");--> statement-breakpoint
CREATE UNIQUE INDEX "key_successions_pair" ON "key_successions" USING btree ("old_ags","new_ags","effective_date");--> statement-breakpoint
CREATE INDEX "key_successions_new" ON "key_successions" USING btree ("new_ags");--> statement-breakpoint
CREATE INDEX "structural_changes_status_date" ON "structural_changes" USING btree ("status","effective_date");