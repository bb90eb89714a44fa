CREATE TABLE "strava_connections" (
	"user_id" uuid PRIMARY KEY NOT NULL,
	"backfill_status" text DEFAULT 'pending' NOT NULL,
	"backfill_generation" integer DEFAULT 1 NOT NULL,
	"backfill_next_page" integer DEFAULT 1 NOT NULL,
	"backfill_activities" integer DEFAULT 0 NOT NULL,
	"backfill_started_at" timestamp with time zone,
	"backfill_finished_at" timestamp with time zone,
	"refresh_uncertain_at" timestamp with time zone,
	"needs_reconnect" boolean DEFAULT false NOT NULL,
	"last_error" text,
	"last_error_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "strava_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"dedupe_key" text NOT NULL,
	"user_id" uuid NOT NULL,
	"subscription_id" text NOT NULL,
	"owner_id" text NOT NULL,
	"object_type" text NOT NULL,
	"object_id" text NOT NULL,
	"aspect_type" text NOT NULL,
	"updates" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"event_time" timestamp with time zone NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	"status" text DEFAULT 'received' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"processed_at" timestamp with time zone,
	"error" text,
	CONSTRAINT "strava_events_dedupe_key_unique" UNIQUE("dedupe_key")
);
--> statement-breakpoint
CREATE TABLE "strava_oauth_states" (
	"state_hash" text PRIMARY KEY NOT NULL,
	"user_id" uuid NOT NULL,
	"session_hash" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "strava_settings" (
	"id" integer PRIMARY KEY DEFAULT 1 NOT NULL,
	"subscription_id" text,
	"callback_url" text,
	"paused_until" timestamp with time zone,
	"rate_limit" jsonb,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "strava_activities" ADD COLUMN "fetched_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "workout_completions" ADD COLUMN "matched_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "strava_connections" ADD CONSTRAINT "strava_connections_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "strava_events" ADD CONSTRAINT "strava_events_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "strava_oauth_states" ADD CONSTRAINT "strava_oauth_states_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "strava_events_user_object_idx" ON "strava_events" USING btree ("user_id","object_id");--> statement-breakpoint
CREATE INDEX "strava_events_status_idx" ON "strava_events" USING btree ("status");--> statement-breakpoint
CREATE INDEX "strava_oauth_states_user_idx" ON "strava_oauth_states" USING btree ("user_id");