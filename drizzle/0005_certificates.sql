CREATE TYPE "public"."certificate_status" AS ENUM('PENDING', 'ACTIVE', 'RETIRING', 'RETIRED', 'REVOKED', 'EXPIRED');--> statement-breakpoint
CREATE TYPE "public"."certificate_usage" AS ENUM('ENCRYPTION', 'SIGNATURE', 'TLS');--> statement-breakpoint
CREATE TABLE "certificate_challenges" (
	"nonce" text PRIMARY KEY NOT NULL,
	"data_center_id" bigint NOT NULL,
	"thumbprint_sha256" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "certificates" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"data_center_id" bigint NOT NULL,
	"usage" "certificate_usage" NOT NULL,
	"pem" text NOT NULL,
	"chain_pem" text,
	"thumbprint_sha256" text NOT NULL,
	"serial_number" text NOT NULL,
	"subject" text NOT NULL,
	"issuer" text NOT NULL,
	"not_before" timestamp with time zone NOT NULL,
	"not_after" timestamp with time zone NOT NULL,
	"key_algorithm" text NOT NULL,
	"key_size" integer,
	"activation_at" timestamp with time zone NOT NULL,
	"status" "certificate_status" NOT NULL,
	"revoked_at" timestamp with time zone,
	"revocation_reason" text,
	"uploaded_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "certificate_challenges" ADD CONSTRAINT "certificate_challenges_data_center_id_data_centers_id_fk" FOREIGN KEY ("data_center_id") REFERENCES "public"."data_centers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "certificates" ADD CONSTRAINT "certificates_data_center_id_data_centers_id_fk" FOREIGN KEY ("data_center_id") REFERENCES "public"."data_centers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "certificates_thumbprint" ON "certificates" USING btree ("thumbprint_sha256");--> statement-breakpoint
CREATE INDEX "certificates_dc_usage" ON "certificates" USING btree ("data_center_id","usage","activation_at");