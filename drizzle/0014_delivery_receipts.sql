-- Receipts and acknowledgements (issue #15): a verified receipt makes a delivery DELIVERED, the
-- recipient then ACCEPTS or REJECTS it. The new enum values are not used in this migration (a value
-- added inside a transaction cannot be used before it commits).
ALTER TYPE "public"."delivery_status" ADD VALUE 'DELIVERED';--> statement-breakpoint
ALTER TYPE "public"."delivery_status" ADD VALUE 'ACCEPTED';--> statement-breakpoint
ALTER TYPE "public"."delivery_status" ADD VALUE 'REJECTED';--> statement-breakpoint
ALTER TABLE "deliveries" ADD COLUMN "delivered_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "deliveries" ADD COLUMN "receipt" jsonb;--> statement-breakpoint
ALTER TABLE "deliveries" ADD COLUMN "acknowledged_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "deliveries" ADD COLUMN "acknowledged_by" text;--> statement-breakpoint
ALTER TABLE "deliveries" ADD COLUMN "acknowledgement_reason" text;