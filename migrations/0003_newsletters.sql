CREATE TABLE "newsletter_deliveries" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"issue_id" uuid NOT NULL,
	"subscriber_id" uuid NOT NULL,
	"language" text DEFAULT 'en' NOT NULL,
	"publication_ids" uuid[] DEFAULT '{}' NOT NULL,
	"state" text DEFAULT 'pending' NOT NULL,
	"attempts" smallint DEFAULT 0 NOT NULL,
	"error" text,
	"sent_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "newsletter_issues" ADD COLUMN "title_cy" text;--> statement-breakpoint
ALTER TABLE "newsletter_issues" ADD COLUMN "intro" text;--> statement-breakpoint
ALTER TABLE "newsletter_issues" ADD COLUMN "intro_cy" text;--> statement-breakpoint
ALTER TABLE "newsletter_issues" ADD COLUMN "error" text;--> statement-breakpoint
ALTER TABLE "newsletter_issues" ADD COLUMN "author_id" uuid;--> statement-breakpoint
ALTER TABLE "newsletter_issues" ADD COLUMN "scheduled_for" date;--> statement-breakpoint
ALTER TABLE "newsletter_issues" ADD COLUMN "send_requested_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "newsletter_deliveries" ADD CONSTRAINT "newsletter_deliveries_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "newsletter_deliveries" ADD CONSTRAINT "newsletter_deliveries_issue_id_newsletter_issues_id_fk" FOREIGN KEY ("issue_id") REFERENCES "public"."newsletter_issues"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "newsletter_deliveries" ADD CONSTRAINT "newsletter_deliveries_subscriber_id_subscribers_id_fk" FOREIGN KEY ("subscriber_id") REFERENCES "public"."subscribers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "newsletter_deliveries_issue_subscriber" ON "newsletter_deliveries" USING btree ("issue_id","subscriber_id");--> statement-breakpoint
CREATE INDEX "newsletter_deliveries_org_issue" ON "newsletter_deliveries" USING btree ("org_id","issue_id","state");--> statement-breakpoint
CREATE UNIQUE INDEX "newsletter_issues_org_scheduled" ON "newsletter_issues" USING btree ("org_id","scheduled_for");