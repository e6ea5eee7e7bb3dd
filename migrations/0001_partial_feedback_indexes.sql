DROP INDEX "feedback_org_source_external";--> statement-breakpoint
DROP INDEX "feedback_org_import_row";--> statement-breakpoint
DROP INDEX "feedback_contact";--> statement-breakpoint
CREATE UNIQUE INDEX "feedback_org_source_external" ON "feedback" USING btree ("org_id","source","external_id") WHERE "feedback"."external_id" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "feedback_org_import_row" ON "feedback" USING btree ("org_id","import_row_hash") WHERE "feedback"."import_row_hash" is not null;--> statement-breakpoint
CREATE INDEX "feedback_contact" ON "feedback" USING btree ("contact_id") WHERE "feedback"."contact_id" is not null;