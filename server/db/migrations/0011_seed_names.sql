-- Issue 16: the seed's tables under the seed's names (docs/seeds/000_97f6b78e24367d09.txt, Database Schema).
-- Every drifted column is renamed in place, never dropped and re-added, so no value is lost; the
-- seed's columns we lacked are added and filled from what the rows already say. The updates fire
-- the change-log triggers, so devices pull every touched row under its new names.

-- Renames the keys of a JSON object (`renames`: old name → new name), keeping their values.
CREATE OR REPLACE FUNCTION rc_rename_keys(obj jsonb, renames jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$
  SELECT coalesce(jsonb_object_agg(coalesce(renames ->> key, key), value), '{}'::jsonb) FROM jsonb_each(obj)
$$;--> statement-breakpoint

-- users, strava_tokens, user_profiles
ALTER TABLE "users" ADD COLUMN "invite_code" text;--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_invite_code_unique" UNIQUE("invite_code");--> statement-breakpoint
UPDATE "users" u SET "invite_code" = i."code_hash" FROM "invite_codes" i WHERE i."used_by" = u."id";--> statement-breakpoint
ALTER TABLE "strava_tokens" RENAME COLUMN "athlete_id" TO "strava_athlete_id";--> statement-breakpoint
ALTER TABLE "strava_tokens" RENAME CONSTRAINT "strava_tokens_athlete_id_unique" TO "strava_tokens_strava_athlete_id_unique";--> statement-breakpoint
ALTER TABLE "strava_tokens" RENAME COLUMN "access_token_encrypted" TO "access_token";--> statement-breakpoint
ALTER TABLE "strava_tokens" RENAME COLUMN "refresh_token_encrypted" TO "refresh_token";--> statement-breakpoint
ALTER TABLE "strava_tokens" DROP CONSTRAINT "strava_tokens_pkey";--> statement-breakpoint
ALTER TABLE "strava_tokens" ADD CONSTRAINT "strava_tokens_user_id_unique" UNIQUE("user_id");--> statement-breakpoint
ALTER TABLE "strava_tokens" ADD COLUMN "id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL;--> statement-breakpoint
ALTER TABLE "user_profiles" DROP CONSTRAINT "user_profiles_pkey";--> statement-breakpoint
ALTER TABLE "user_profiles" ADD CONSTRAINT "user_profiles_user_id_unique" UNIQUE("user_id");--> statement-breakpoint
ALTER TABLE "user_profiles" ADD COLUMN "id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL;--> statement-breakpoint

-- goals, training_plans
ALTER TABLE "goals" ADD COLUMN "description" text;--> statement-breakpoint
DROP INDEX "goals_user_idx";--> statement-breakpoint
CREATE INDEX "idx_goals_user_status" ON "goals" USING btree ("user_id","status");--> statement-breakpoint
ALTER TABLE "training_plans" ADD COLUMN "title" text;--> statement-breakpoint
-- As shared/schema/plan.ts planTitle() names new plans: "Berlin Marathon: Pfitzinger plan".
UPDATE "training_plans" p SET "title" = coalesce((SELECT g."title" FROM "goals" g WHERE g."id" = p."goal_id"), 'Training') || ': '
  || CASE p."methodology" WHEN 'daniels' THEN 'Daniels' WHEN 'pfitzinger' THEN 'Pfitzinger' ELSE p."methodology" END || ' plan';--> statement-breakpoint
ALTER TABLE "training_plans" ALTER COLUMN "title" SET NOT NULL;--> statement-breakpoint

-- workouts
ALTER TABLE "workouts" RENAME COLUMN "plan_id" TO "training_plan_id";--> statement-breakpoint
ALTER TABLE "workouts" RENAME CONSTRAINT "workouts_plan_id_training_plans_id_fk" TO "workouts_training_plan_id_training_plans_id_fk";--> statement-breakpoint
ALTER TABLE "workouts" RENAME COLUMN "type" TO "workout_type";--> statement-breakpoint
ALTER TABLE "workouts" ADD COLUMN "description" text;--> statement-breakpoint
ALTER TABLE "workouts" RENAME COLUMN "planned_distance_meters" TO "estimated_distance_meters";--> statement-breakpoint
-- Minutes, as the seed has it; the exact seconds stay recoverable from `structure`.
ALTER TABLE "workouts" RENAME COLUMN "planned_duration_seconds" TO "estimated_duration_minutes";--> statement-breakpoint
ALTER TABLE "workouts" ALTER COLUMN "status" SET DEFAULT 'scheduled';--> statement-breakpoint
UPDATE "workouts" SET "estimated_duration_minutes" = round("estimated_duration_minutes" / 60.0), "status" = CASE WHEN "status" = 'planned' THEN 'scheduled' ELSE "status" END;--> statement-breakpoint
ALTER INDEX "workouts_user_date_idx" RENAME TO "idx_workouts_user_date";--> statement-breakpoint
-- The per-field sync clocks follow their fields, so a later edit of a renamed field still wins.
UPDATE "workouts" SET "field_hlc" = rc_rename_keys("field_hlc", '{"type": "workout_type", "planned_distance_meters": "estimated_distance_meters", "planned_duration_seconds": "estimated_duration_minutes"}') WHERE "field_hlc" ?| array['type', 'planned_distance_meters', 'planned_duration_seconds'];--> statement-breakpoint
-- A plan's weeks carry their planned volume under the same names as a workout, minutes included.
UPDATE "training_plans" SET "weeks" = (
  SELECT coalesce(jsonb_agg(CASE WHEN jsonb_typeof(w) = 'object' AND w ?| array['planned_distance_meters', 'planned_duration_seconds']
    THEN rc_rename_keys(w, '{"planned_distance_meters": "estimated_distance_meters", "planned_duration_seconds": "estimated_duration_minutes"}')
      || CASE WHEN jsonb_typeof(w -> 'planned_duration_seconds') = 'number' THEN jsonb_build_object('estimated_duration_minutes', round((w ->> 'planned_duration_seconds')::numeric / 60)) ELSE '{}'::jsonb END
    ELSE w END ORDER BY i), '[]'::jsonb)
  FROM jsonb_array_elements("weeks") WITH ORDINALITY AS e(w, i)
) WHERE jsonb_typeof("weeks") = 'array';--> statement-breakpoint

-- workout_edits: the seed's whole-structure record beside our per-field one
ALTER TABLE "workout_edits" RENAME COLUMN "reason" TO "edit_reason";--> statement-breakpoint
ALTER TABLE "workout_edits" ADD COLUMN "previous_structure" jsonb;--> statement-breakpoint
ALTER TABLE "workout_edits" ADD COLUMN "new_structure" jsonb;--> statement-breakpoint
UPDATE "workout_edits" SET "previous_structure" = "previous_value", "new_structure" = "new_value" WHERE "field" = 'structure';--> statement-breakpoint

-- strava_activities, workout_completions
ALTER TABLE "strava_activities" RENAME COLUMN "sport_type" TO "activity_type";--> statement-breakpoint
ALTER TABLE "strava_activities" RENAME COLUMN "raw" TO "raw_data";--> statement-breakpoint
ALTER TABLE "strava_activities" ADD COLUMN "strava_activity_id" text;--> statement-breakpoint
UPDATE "strava_activities" SET "strava_activity_id" = "external_id" WHERE "source" = 'strava';--> statement-breakpoint
ALTER TABLE "strava_activities" ADD CONSTRAINT "strava_activities_strava_activity_id_unique" UNIQUE("strava_activity_id");--> statement-breakpoint
ALTER TABLE "strava_activities" ADD COLUMN "average_pace_seconds_per_meter" double precision;--> statement-breakpoint
UPDATE "strava_activities" SET "average_pace_seconds_per_meter" = "moving_time_seconds" / "distance_meters" WHERE "distance_meters" > 0;--> statement-breakpoint
CREATE INDEX "idx_strava_activities_user_date" ON "strava_activities" USING btree ("user_id","start_date");--> statement-breakpoint
ALTER TABLE "workout_completions" RENAME COLUMN "activity_id" TO "strava_activity_id";--> statement-breakpoint
ALTER TABLE "workout_completions" RENAME CONSTRAINT "workout_completions_activity_id_strava_activities_id_fk" TO "workout_completions_strava_activity_id_strava_activities_id_fk";--> statement-breakpoint
ALTER TABLE "workout_completions" RENAME COLUMN "status" TO "completion_status";--> statement-breakpoint

-- strava_connections: the runner's "sync now" (the Runaway seed's sync job) catches up from a date
ALTER TABLE "strava_connections" ADD COLUMN "backfill_after" timestamp with time zone;--> statement-breakpoint

-- chat_messages: conversations (the Runaway seed) and what the coach saw
ALTER TABLE "chat_messages" ADD COLUMN "conversation_id" uuid;--> statement-breakpoint
-- Every runner's history so far becomes one conversation.
UPDATE "chat_messages" m SET "conversation_id" = c."id" FROM (SELECT "user_id", gen_random_uuid() AS "id" FROM "chat_messages" GROUP BY "user_id") c WHERE c."user_id" = m."user_id";--> statement-breakpoint
ALTER TABLE "chat_messages" ALTER COLUMN "conversation_id" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "chat_messages" ADD COLUMN "context_snapshot" jsonb;--> statement-breakpoint
ALTER INDEX "chat_messages_user_created_idx" RENAME TO "idx_chat_messages_user";--> statement-breakpoint
CREATE INDEX "chat_messages_conversation_idx" ON "chat_messages" USING btree ("user_id","conversation_id","created_at");--> statement-breakpoint

-- user_memory_summaries
ALTER TABLE "user_memory_summaries" RENAME COLUMN "kind" TO "summary_type";--> statement-breakpoint
ALTER TABLE "user_memory_summaries" RENAME COLUMN "week_start" TO "source_date_range_start";--> statement-breakpoint
ALTER TABLE "user_memory_summaries" ADD COLUMN "source_date_range_end" date;--> statement-breakpoint
UPDATE "user_memory_summaries" SET "field_hlc" = rc_rename_keys("field_hlc", '{"kind": "summary_type", "week_start": "source_date_range_start"}') WHERE "field_hlc" ?| array['kind', 'week_start'];--> statement-breakpoint
UPDATE "user_memory_summaries" SET "source_date_range_end" = "source_date_range_start" + 6 WHERE "summary_type" = 'training_week' AND "source_date_range_start" IS NOT NULL;--> statement-breakpoint

-- notifications
ALTER TABLE "notifications" RENAME COLUMN "kind" TO "notification_type";--> statement-breakpoint
UPDATE "notifications" SET "channel" = 'email' WHERE "channel" IS NULL;--> statement-breakpoint
ALTER TABLE "notifications" ALTER COLUMN "channel" SET DEFAULT 'email';--> statement-breakpoint
ALTER TABLE "notifications" ALTER COLUMN "channel" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "notifications" ADD COLUMN "content" text;--> statement-breakpoint
UPDATE "notifications" SET "content" = coalesce("subject", replace("notification_type", '_', ' '));--> statement-breakpoint
ALTER TABLE "notifications" ALTER COLUMN "content" SET NOT NULL;--> statement-breakpoint
DROP INDEX "notifications_due_idx";--> statement-breakpoint
CREATE INDEX "idx_notifications_scheduled" ON "notifications" USING btree ("status","scheduled_for");--> statement-breakpoint
DROP FUNCTION rc_rename_keys(jsonb, jsonb);
