DROP INDEX "feedback_search";--> statement-breakpoint
CREATE INDEX "feedback_search" ON "feedback" USING gin (to_tsvector('simple', coalesce("text", ''))) WHERE status <> 'received';