CREATE TYPE "public"."authority_kind" AS ENUM('ENFORCEMENT', 'CREDITOR', 'OTHER');--> statement-breakpoint
CREATE TYPE "public"."authority_status" AS ENUM('ACTIVE', 'INACTIVE');--> statement-breakpoint
CREATE TYPE "public"."house_number_parity" AS ENUM('ALL', 'ODD', 'EVEN');--> statement-breakpoint
CREATE TYPE "public"."scope_level" AS ENUM('STATE', 'GOVERNMENT_DISTRICT', 'DISTRICT', 'ASSOCIATION', 'MUNICIPALITY', 'STREET');--> statement-breakpoint
CREATE TABLE "authorities" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"key" text NOT NULL,
	"kind" "authority_kind" NOT NULL,
	"name" text NOT NULL,
	"street" text,
	"house_number" text,
	"po_box" text,
	"postcode" text NOT NULL,
	"city" text NOT NULL,
	"contact" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"status" "authority_status" DEFAULT 'ACTIVE' NOT NULL,
	"message_types" text[] DEFAULT '{}'::text[] NOT NULL,
	"standard_version" text,
	"tenant_code" text,
	"is_demo" boolean DEFAULT false NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "jurisdictions" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"authority_id" bigint NOT NULL,
	"task_code" text NOT NULL,
	"level" "scope_level" NOT NULL,
	"area_key" text NOT NULL,
	"postcode" text,
	"street_key" text,
	"street_name" text,
	"house_from" integer,
	"house_to" integer,
	"parity" "house_number_parity" DEFAULT 'ALL' NOT NULL,
	"specificity" integer NOT NULL,
	"valid_from" date,
	"valid_to" date,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "streets" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"ags" text NOT NULL,
	"postcode" text NOT NULL,
	"street_key" text NOT NULL,
	"name" text NOT NULL,
	"locality" text NOT NULL,
	"borough" text,
	"suburb" text,
	"valid_from" date,
	"valid_to" date,
	"source" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tasks" (
	"code" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "jurisdictions" ADD CONSTRAINT "jurisdictions_authority_id_authorities_id_fk" FOREIGN KEY ("authority_id") REFERENCES "public"."authorities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "jurisdictions" ADD CONSTRAINT "jurisdictions_task_code_tasks_code_fk" FOREIGN KEY ("task_code") REFERENCES "public"."tasks"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "authorities_key" ON "authorities" USING btree ("key");--> statement-breakpoint
CREATE INDEX "authorities_tenant" ON "authorities" USING btree ("tenant_code");--> statement-breakpoint
CREATE INDEX "jurisdictions_area" ON "jurisdictions" USING btree ("task_code","area_key");--> statement-breakpoint
CREATE INDEX "jurisdictions_authority" ON "jurisdictions" USING btree ("authority_id");--> statement-breakpoint
CREATE UNIQUE INDEX "streets_current" ON "streets" USING btree ("postcode","street_key","ags") WHERE "streets"."valid_to" is null;--> statement-breakpoint
CREATE INDEX "streets_ags" ON "streets" USING btree ("ags");