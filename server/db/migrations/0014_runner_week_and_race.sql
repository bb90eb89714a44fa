-- Issue 17 §1: the runner's week (available days, long-run day) and a recent race on the profile,
-- and the heart-rate columns of 0013 under the names issue 17 gives them. profile.update@1 keeps
-- reading the old names as aliases (shared/schema/profile.ts), for changes queued on phones.
ALTER TABLE "user_profiles" RENAME COLUMN "max_hr" TO "max_heart_rate";--> statement-breakpoint
ALTER TABLE "user_profiles" RENAME COLUMN "resting_hr" TO "resting_heart_rate";--> statement-breakpoint
ALTER TABLE "user_profiles" RENAME COLUMN "lthr" TO "threshold_heart_rate";--> statement-breakpoint
ALTER TABLE "user_profiles" ADD COLUMN "available_days" jsonb;--> statement-breakpoint
ALTER TABLE "user_profiles" ADD COLUMN "long_run_day" text;--> statement-breakpoint
ALTER TABLE "user_profiles" ADD COLUMN "recent_race_distance_meters" double precision;--> statement-breakpoint
ALTER TABLE "user_profiles" ADD COLUMN "recent_race_time_seconds" integer;--> statement-breakpoint
ALTER TABLE "user_profiles" ADD COLUMN "recent_race_date" date;--> statement-breakpoint
-- As in 0013, an UPDATE rather than ADD COLUMN … DEFAULT: it fires the change-log trigger, so every
-- profile gets a new version and each device pulls its row whole, under the new names (docs/SYNC.md
-- §G3). The field clocks follow the renamed fields, so last-writer-wins keeps working per field.
UPDATE "user_profiles" SET
  "long_run_day" = 'sun',
  "field_hlc" = ("field_hlc" - 'max_hr' - 'resting_hr' - 'lthr') || jsonb_strip_nulls(jsonb_build_object(
    'max_heart_rate', "field_hlc" -> 'max_hr',
    'resting_heart_rate', "field_hlc" -> 'resting_hr',
    'threshold_heart_rate', "field_hlc" -> 'lthr'
  ));--> statement-breakpoint
ALTER TABLE "user_profiles" ALTER COLUMN "long_run_day" SET DEFAULT 'sun';--> statement-breakpoint
ALTER TABLE "user_profiles" ALTER COLUMN "long_run_day" SET NOT NULL;
