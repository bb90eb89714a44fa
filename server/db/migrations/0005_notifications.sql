CREATE TABLE "notification_preferences" (
	"user_id" uuid PRIMARY KEY NOT NULL,
	"workout_reminder" boolean DEFAULT true NOT NULL,
	"weekly_journal" boolean DEFAULT true NOT NULL,
	"goal_unrealistic" boolean DEFAULT true NOT NULL,
	"strava_disconnected" boolean DEFAULT true NOT NULL,
	"coach_proposal" boolean DEFAULT true NOT NULL,
	"reminder_time" text DEFAULT '19:00' NOT NULL,
	"remind_rest_days" boolean DEFAULT false NOT NULL,
	"quiet_hours_start" text,
	"quiet_hours_end" text,
	"field_hlc" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "notifications" ADD COLUMN "message_id" text;--> statement-breakpoint
ALTER TABLE "notifications" ADD COLUMN "claimed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "notifications" ADD COLUMN "handed_over_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "notifications" ADD COLUMN "provider_response" text;--> statement-breakpoint
ALTER TABLE "notification_preferences" ADD CONSTRAINT "notification_preferences_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- Synced to devices (docs/SYNC.md §"Server tables"): the change-log trigger pair, keyed by user_id like user_profiles.
CREATE TRIGGER "notification_preferences_change_log_write" AFTER INSERT OR DELETE ON "notification_preferences" FOR EACH ROW EXECUTE FUNCTION rc_change_log('user_id');
--> statement-breakpoint
-- A no-op update makes no version.
CREATE TRIGGER "notification_preferences_change_log_update" AFTER UPDATE ON "notification_preferences" FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION rc_change_log('user_id');
