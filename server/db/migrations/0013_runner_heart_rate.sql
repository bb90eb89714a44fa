-- Product columns beside the seed's user_profiles (issue 23 §1–2, issue 17): the runner's own heart
-- rate (hrTSS, heart-rate targets) and the time constants of fitness (CTL) and fatigue (ATL).
ALTER TABLE "user_profiles" ADD COLUMN "max_hr" integer;--> statement-breakpoint
ALTER TABLE "user_profiles" ADD COLUMN "resting_hr" integer;--> statement-breakpoint
ALTER TABLE "user_profiles" ADD COLUMN "lthr" integer;--> statement-breakpoint
ALTER TABLE "user_profiles" ADD COLUMN "birth_year" integer;--> statement-breakpoint
ALTER TABLE "user_profiles" ADD COLUMN "ctl_days" integer;--> statement-breakpoint
ALTER TABLE "user_profiles" ADD COLUMN "atl_days" integer;--> statement-breakpoint
-- Filled by an UPDATE, not by ADD COLUMN … DEFAULT: a default fills the rows without firing the
-- change-log trigger, so devices would keep profile rows without the new columns and their digest
-- would never match the server's again (docs/SYNC.md §G3). The UPDATE gives every profile a new version,
-- and the next pull brings each device its row whole.
UPDATE "user_profiles" SET "ctl_days" = 42, "atl_days" = 7;--> statement-breakpoint
ALTER TABLE "user_profiles" ALTER COLUMN "ctl_days" SET DEFAULT 42;--> statement-breakpoint
ALTER TABLE "user_profiles" ALTER COLUMN "ctl_days" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "user_profiles" ALTER COLUMN "atl_days" SET DEFAULT 7;--> statement-breakpoint
ALTER TABLE "user_profiles" ALTER COLUMN "atl_days" SET NOT NULL;
