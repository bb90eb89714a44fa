DROP INDEX "change_log_user_version_idx";--> statement-breakpoint
CREATE INDEX "change_log_user_version_order_idx" ON "change_log" USING btree ("user_id","version","entity","entity_id");