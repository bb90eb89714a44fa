CREATE TABLE "readiness_checkins" (
	"id" uuid PRIMARY KEY NOT NULL,
	"user_id" uuid NOT NULL,
	"date" date NOT NULL,
	"sleep" integer NOT NULL,
	"soreness" integer NOT NULL,
	"stress" integer NOT NULL,
	"resting_hr" integer,
	"note" text,
	"field_hlc" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "readiness_checkins" ADD CONSTRAINT "readiness_checkins_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "readiness_checkins_user_date" ON "readiness_checkins" USING btree ("user_id","date");--> statement-breakpoint
-- Synced to devices (docs/SYNC.md §"Server tables"): the change-log trigger pair, keyed by id.
CREATE TRIGGER "readiness_checkins_change_log_write" AFTER INSERT OR DELETE ON "readiness_checkins" FOR EACH ROW EXECUTE FUNCTION rc_change_log('id');
--> statement-breakpoint
-- A no-op update makes no version.
CREATE TRIGGER "readiness_checkins_change_log_update" AFTER UPDATE ON "readiness_checkins" FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION rc_change_log('id');
