CREATE TABLE "coach_batches" (
	"id" text PRIMARY KEY NOT NULL,
	"job" text NOT NULL,
	"model" text NOT NULL,
	"requests" jsonb NOT NULL,
	"submitted_at" timestamp with time zone NOT NULL,
	"applied_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "coach_calls" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"day" date NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"job" text NOT NULL,
	"model" text NOT NULL,
	"batch" boolean DEFAULT false NOT NULL,
	"input_tokens" integer NOT NULL,
	"output_tokens" integer NOT NULL,
	"cache_creation_input_tokens" integer DEFAULT 0 NOT NULL,
	"cache_read_input_tokens" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
ALTER TABLE "coach_usage" ADD COLUMN "cache_creation_input_tokens" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "coach_usage" ADD COLUMN "cache_read_input_tokens" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "coach_calls" ADD CONSTRAINT "coach_calls_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "coach_calls_day_idx" ON "coach_calls" USING btree ("day");--> statement-breakpoint
CREATE INDEX "coach_calls_user_day_idx" ON "coach_calls" USING btree ("user_id","day");