-- Sync (docs/SYNC.md §"The version and the trigger"): the per-user commit-ordered version and the change log, kept by triggers so
-- that nothing (push, REST, jobs, admin SQL) can write a synced table without a version.
INSERT INTO "sync_meta" ("id") VALUES (1) ON CONFLICT DO NOTHING;
--> statement-breakpoint
-- The version of the current transaction for this user: taken once (the first write bumps
-- sync_user and holds its row lock until COMMIT, so version order is commit order), then
-- reused from a transaction-local setting by every later write of the same transaction.
CREATE OR REPLACE FUNCTION rc_sync_version(uid uuid) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  setting text := 'rc.v' || replace(uid::text, '-', '');
  v bigint := nullif(current_setting(setting, true), '')::bigint;
BEGIN
  IF v IS NULL THEN
    INSERT INTO sync_user (user_id, version) VALUES (uid, 1)
      ON CONFLICT (user_id) DO UPDATE SET version = sync_user.version + 1
      RETURNING version INTO v;
    PERFORM set_config(setting, v::text, true);
  END IF;
  RETURN v;
END $$;
--> statement-breakpoint
-- TG_ARGV[0] names the row's key column (user_profiles is keyed by user_id).
CREATE OR REPLACE FUNCTION rc_change_log() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  r jsonb := to_jsonb(CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END);
  uid uuid := (r ->> 'user_id')::uuid;
BEGIN
  INSERT INTO change_log (user_id, entity, entity_id, version, op)
    VALUES (uid, TG_TABLE_NAME, r ->> TG_ARGV[0], rc_sync_version(uid), CASE WHEN TG_OP = 'DELETE' THEN 'd' ELSE 'u' END)
    ON CONFLICT (user_id, entity, entity_id) DO UPDATE SET version = EXCLUDED.version, op = EXCLUDED.op;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "user_profiles_change_log_write" AFTER INSERT OR DELETE ON "user_profiles" FOR EACH ROW EXECUTE FUNCTION rc_change_log('user_id');
--> statement-breakpoint
-- A no-op update makes no version.
CREATE TRIGGER "user_profiles_change_log_update" AFTER UPDATE ON "user_profiles" FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION rc_change_log('user_id');
--> statement-breakpoint
CREATE TRIGGER "goals_change_log_write" AFTER INSERT OR DELETE ON "goals" FOR EACH ROW EXECUTE FUNCTION rc_change_log('id');
--> statement-breakpoint
-- A no-op update makes no version.
CREATE TRIGGER "goals_change_log_update" AFTER UPDATE ON "goals" FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION rc_change_log('id');
--> statement-breakpoint
CREATE TRIGGER "training_plans_change_log_write" AFTER INSERT OR DELETE ON "training_plans" FOR EACH ROW EXECUTE FUNCTION rc_change_log('id');
--> statement-breakpoint
-- A no-op update makes no version.
CREATE TRIGGER "training_plans_change_log_update" AFTER UPDATE ON "training_plans" FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION rc_change_log('id');
--> statement-breakpoint
CREATE TRIGGER "workouts_change_log_write" AFTER INSERT OR DELETE ON "workouts" FOR EACH ROW EXECUTE FUNCTION rc_change_log('id');
--> statement-breakpoint
-- A no-op update makes no version.
CREATE TRIGGER "workouts_change_log_update" AFTER UPDATE ON "workouts" FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION rc_change_log('id');
--> statement-breakpoint
CREATE TRIGGER "workout_edits_change_log_write" AFTER INSERT OR DELETE ON "workout_edits" FOR EACH ROW EXECUTE FUNCTION rc_change_log('id');
--> statement-breakpoint
-- A no-op update makes no version.
CREATE TRIGGER "workout_edits_change_log_update" AFTER UPDATE ON "workout_edits" FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION rc_change_log('id');
--> statement-breakpoint
CREATE TRIGGER "workout_completions_change_log_write" AFTER INSERT OR DELETE ON "workout_completions" FOR EACH ROW EXECUTE FUNCTION rc_change_log('id');
--> statement-breakpoint
-- A no-op update makes no version.
CREATE TRIGGER "workout_completions_change_log_update" AFTER UPDATE ON "workout_completions" FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION rc_change_log('id');
--> statement-breakpoint
CREATE TRIGGER "strava_activities_change_log_write" AFTER INSERT OR DELETE ON "strava_activities" FOR EACH ROW EXECUTE FUNCTION rc_change_log('id');
--> statement-breakpoint
-- A no-op update makes no version.
CREATE TRIGGER "strava_activities_change_log_update" AFTER UPDATE ON "strava_activities" FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION rc_change_log('id');
--> statement-breakpoint
CREATE TRIGGER "chat_messages_change_log_write" AFTER INSERT OR DELETE ON "chat_messages" FOR EACH ROW EXECUTE FUNCTION rc_change_log('id');
--> statement-breakpoint
-- A no-op update makes no version.
CREATE TRIGGER "chat_messages_change_log_update" AFTER UPDATE ON "chat_messages" FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION rc_change_log('id');
--> statement-breakpoint
CREATE TRIGGER "user_memory_summaries_change_log_write" AFTER INSERT OR DELETE ON "user_memory_summaries" FOR EACH ROW EXECUTE FUNCTION rc_change_log('id');
--> statement-breakpoint
-- A no-op update makes no version.
CREATE TRIGGER "user_memory_summaries_change_log_update" AFTER UPDATE ON "user_memory_summaries" FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION rc_change_log('id');
