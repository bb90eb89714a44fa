import { bigint, boolean, date, doublePrecision, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import type { Weekday } from '#shared/schema/plan.ts';
import type { ActivitySource } from '#shared/schema/activity.ts';

// The seed schema of RunCoach plus accounts (password hash, invites, sessions).
// Every row a user owns carries user_id; user-editable rows carry `deleted` and a per-field
// clock (`field_hlc`) for sync's last-writer-wins (docs/SYNC.md §Conflicts).

const timestamps = {
  created_at: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updated_at: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
};

const syncedFields = {
  deleted: boolean('deleted').notNull().default(false),
  field_hlc: jsonb('field_hlc').$type<Record<string, string>>().notNull().default({}),
};

const owner = () =>
  uuid('user_id')
    .notNull()
    .references(() => users.id, { onDelete: 'cascade' });

export const users = pgTable('users', {
  id: uuid('id').primaryKey().defaultRandom(),
  email: text('email').notNull().unique(),
  name: text('name').notNull(),
  password_hash: text('password_hash').notNull(),
  /**
   * The seed's column: which invite the runner signed up with, as the invite's keyed hash (the
   * code itself is never stored). Every registration records it; the seed's NOT NULL is relaxed
   * for accounts older than migration 0011 whose invite row no longer names them.
   */
  invite_code: text('invite_code').unique(),
  /** Bumped to rotate the calendar feed URL (the token is derived from it, never stored). */
  calendar_token_version: integer('calendar_token_version').notNull().default(1),
  ...timestamps,
});

export type UserRow = typeof users.$inferSelect;

/** Single-use invite codes; only a hash of the code is stored. */
export const inviteCodes = pgTable('invite_codes', {
  code_hash: text('code_hash').primaryKey(),
  created_at: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  expires_at: timestamp('expires_at', { withTimezone: true }),
  used_at: timestamp('used_at', { withTimezone: true }),
  used_by: uuid('used_by').references(() => users.id, { onDelete: 'set null' }),
});

/** Sign-in sessions; the cookie holds a random token, the table only its keyed hash. */
export const sessions = pgTable(
  'sessions',
  {
    token_hash: text('token_hash').primaryKey(),
    user_id: owner(),
    created_at: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expires_at: timestamp('expires_at', { withTimezone: true }).notNull(),
    last_seen_at: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('sessions_user_idx').on(t.user_id)],
);

export const stravaTokens = pgTable('strava_tokens', {
  id: uuid('id').primaryKey().defaultRandom(),
  /** One connection per runner (the seed's table allowed several; nothing used them). */
  user_id: uuid('user_id')
    .notNull()
    .unique()
    .references(() => users.id, { onDelete: 'cascade' }),
  /** Text, not the seed's BIGINT: Strava's ids pass 2^53, beyond what JSON numbers hold exactly. */
  strava_athlete_id: text('strava_athlete_id').notNull().unique(),
  /** Encrypted at rest (AES-GCM, TOKEN_ENCRYPTION_KEY): the seed's column holds the ciphertext. */
  access_token: text('access_token').notNull(),
  refresh_token: text('refresh_token').notNull(),
  expires_at: timestamp('expires_at', { withTimezone: true }).notNull(),
  scope: text('scope').notNull(),
  ...timestamps,
});

export const userProfiles = pgTable('user_profiles', {
  id: uuid('id').primaryKey().defaultRandom(),
  /** Devices key the profile by its owner (one per runner), so the id never has to be known offline. */
  user_id: uuid('user_id')
    .notNull()
    .unique()
    .references(() => users.id, { onDelete: 'cascade' }),
  current_weekly_mileage_miles: doublePrecision('current_weekly_mileage_miles'),
  days_available_per_week: integer('days_available_per_week'),
  easy_pace_per_mile_seconds: integer('easy_pace_per_mile_seconds'),
  injury_notes: text('injury_notes'),
  units: text('units').$type<'mi' | 'km'>().notNull().default('mi'),
  target_type: text('target_type').$type<'pace' | 'heart_rate'>().notNull().default('pace'),
  time_zone: text('time_zone').notNull().default('UTC'),
  // Product columns beside the seed's (issue 23 §1–2, issue 17): the runner's own heart rate,
  // for hrTSS and heart-rate targets, and the time constants of their fitness (CTL) and
  // fatigue (ATL). Ranges and resting < max are checked in shared/schema/profile.ts.
  /** Beats per minute; null: unknown (zones then come from the age, or are not shown). */
  max_heart_rate: integer('max_heart_rate'),
  resting_heart_rate: integer('resting_heart_rate'),
  /** Lactate-threshold heart rate, when measured; else it is estimated from max and resting. */
  threshold_heart_rate: integer('threshold_heart_rate'),
  /** A birth year rather than an age: it never goes stale (age is worked out from the day in question). */
  birth_year: integer('birth_year'),
  ctl_days: integer('ctl_days').notNull().default(42),
  atl_days: integer('atl_days').notNull().default(7),
  // The runner's week (issue 17 §1): the weekdays they can run (null: any
  // days_available_per_week of them) and the long run's day, one of them.
  available_days: jsonb('available_days').$type<Weekday[]>(),
  long_run_day: text('long_run_day').$type<Weekday>().notNull().default('sun'),
  // A recent race or time trial, the first source of the runner's VDOT (docs/TRAINING.md §Fitness):
  // all three or none.
  recent_race_distance_meters: doublePrecision('recent_race_distance_meters'),
  recent_race_time_seconds: integer('recent_race_time_seconds'),
  recent_race_date: date('recent_race_date', { mode: 'string' }),
  field_hlc: syncedFields.field_hlc,
  ...timestamps,
});

export const goals = pgTable(
  'goals',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    user_id: owner(),
    goal_type: text('goal_type').$type<'race' | 'mileage'>().notNull(),
    title: text('title').notNull(),
    description: text('description'),
    target_race_distance_meters: doublePrecision('target_race_distance_meters'),
    target_race_date: date('target_race_date', { mode: 'string' }),
    target_time_seconds: integer('target_time_seconds'),
    target_weekly_mileage_miles: doublePrecision('target_weekly_mileage_miles'),
    /** Mileage goals: the optional date to reach the target by. */
    end_date: date('end_date', { mode: 'string' }),
    status: text('status').$type<'active' | 'completed' | 'abandoned' | 'flagged_unrealistic'>().notNull().default('active'),
    flagged_reason: text('flagged_reason'),
    ...syncedFields,
    ...timestamps,
  },
  (t) => [index('idx_goals_user_status').on(t.user_id, t.status)],
);

export const trainingPlans = pgTable(
  'training_plans',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    user_id: owner(),
    goal_id: uuid('goal_id').references(() => goals.id, { onDelete: 'set null' }),
    title: text('title').notNull(),
    methodology: text('methodology').notNull(),
    status: text('status').$type<'active' | 'archived'>().notNull().default('active'),
    start_date: date('start_date', { mode: 'string' }).notNull(),
    end_date: date('end_date', { mode: 'string' }).notNull(),
    vdot: doublePrecision('vdot'),
    phases: jsonb('phases').notNull().default([]),
    weeks: jsonb('weeks').notNull().default([]),
    reason: text('reason'),
    generation_context: jsonb('generation_context').notNull().default({}),
    ...timestamps,
  },
  (t) => [index('training_plans_user_goal_idx').on(t.user_id, t.goal_id)],
);

export const workouts = pgTable(
  'workouts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    user_id: owner(),
    training_plan_id: uuid('training_plan_id').references(() => trainingPlans.id, { onDelete: 'cascade' }),
    scheduled_date: date('scheduled_date', { mode: 'string' }).notNull(),
    week_index: integer('week_index'),
    workout_type: text('workout_type').notNull(),
    title: text('title').notNull(),
    description: text('description'),
    structure: jsonb('structure').notNull(),
    /** Double, not the seed's INTEGER: a plan's 5 km is 5000, a mile-based one 8046.72. */
    estimated_distance_meters: doublePrecision('estimated_distance_meters'),
    estimated_duration_minutes: integer('estimated_duration_minutes'),
    reason: text('reason'),
    status: text('status').notNull().default('scheduled'),
    rpe: integer('rpe'),
    notes: text('notes'),
    /** The runner changed this workout themselves: re-planning keeps it as it is. */
    edited_by_user: boolean('edited_by_user').notNull().default(false),
    ...syncedFields,
    ...timestamps,
  },
  (t) => [index('idx_workouts_user_date').on(t.user_id, t.scheduled_date), index('workouts_plan_idx').on(t.training_plan_id)],
);

export const workoutEdits = pgTable(
  'workout_edits',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    user_id: owner(),
    workout_id: uuid('workout_id')
      .notNull()
      .references(() => workouts.id, { onDelete: 'cascade' }),
    edited_by: text('edited_by').$type<'user' | 'coach' | 'system'>().notNull(),
    /**
     * The seed's record of an edit: the workout's whole structure before and after, and why.
     * NOT NULL in the seed; rows written before migration 0011 recorded one field and no
     * structure, so they hold null.
     */
    previous_structure: jsonb('previous_structure'),
    new_structure: jsonb('new_structure'),
    edit_reason: text('edit_reason'),
    // Beside the seed: which field this row changed, from what to what, and whether it won the
    // sync conflict (an edit that lost to a later one is kept, marked won = false).
    field: text('field').notNull(),
    previous_value: jsonb('previous_value'),
    new_value: jsonb('new_value'),
    won: boolean('won').notNull().default(true),
    created_at: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('workout_edits_workout_idx').on(t.workout_id, t.created_at)],
);

/**
 * Runs from every source (Strava, uploaded FIT files, manual logs), despite the seed's name. The
 * seed's NOT NULLs on `strava_activity_id` and `raw_data` are relaxed: an uploaded or logged run
 * has no Strava id, and Strava's raw JSON is purged after 7 days (docs/STRAVA.md §Policy).
 */
export const stravaActivities = pgTable(
  'strava_activities',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    user_id: owner(),
    source: text('source').$type<ActivitySource>().notNull(),
    /**
     * Strava's activity id, for source = 'strava' only. Text, not the seed's BIGINT: Strava's ids
     * pass 2^53, beyond what a phone's JSON numbers hold exactly. Unique across the table, as in
     * the seed: an athlete is linked to one account at a time, and disconnecting purges their runs.
     */
    strava_activity_id: text('strava_activity_id').unique(),
    /** The recording's id within its source (Strava's id as text, a file's fingerprint): what dedupes. */
    external_id: text('external_id').notNull(),
    /** Strava's sport_type vocabulary (Run, TrailRun, Ride …) for every source. */
    activity_type: text('activity_type').notNull(),
    name: text('name'),
    start_date: timestamp('start_date', { withTimezone: true }).notNull(),
    local_date: date('local_date', { mode: 'string' }).notNull(),
    distance_meters: doublePrecision('distance_meters').notNull(),
    moving_time_seconds: integer('moving_time_seconds').notNull(),
    elapsed_time_seconds: integer('elapsed_time_seconds').notNull(),
    average_heartrate: doublePrecision('average_heartrate'),
    max_heartrate: doublePrecision('max_heartrate'),
    /** Moving time over distance; null for a run without distance. */
    average_pace_seconds_per_meter: doublePrecision('average_pace_seconds_per_meter'),
    total_elevation_gain: doublePrecision('total_elevation_gain'),
    laps: jsonb('laps'),
    raw_data: jsonb('raw_data'),
    raw_purged_at: timestamp('raw_purged_at', { withTimezone: true }),
    ...timestamps,
    /** When the Strava data was last fetched: the 7-day cache limit counts from here (docs/STRAVA.md §Policy). */
    fetched_at: timestamp('fetched_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('activities_source_external_idx').on(t.user_id, t.source, t.external_id),
    index('activities_user_date_idx').on(t.user_id, t.local_date),
    index('idx_strava_activities_user_date').on(t.user_id, t.start_date),
  ],
);

export const workoutCompletions = pgTable(
  'workout_completions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    user_id: owner(),
    workout_id: uuid('workout_id')
      .notNull()
      .references(() => workouts.id, { onDelete: 'cascade' }),
    /** The run that completed it (a row of strava_activities, whatever its source). */
    strava_activity_id: uuid('strava_activity_id').references(() => stravaActivities.id, { onDelete: 'set null' }),
    completion_status: text('completion_status').$type<'completed' | 'partial' | 'missed' | 'skipped'>().notNull(),
    distance_meters: doublePrecision('distance_meters'),
    duration_seconds: integer('duration_seconds'),
    rpe: integer('rpe'),
    notes: text('notes'),
    strava_activity_url: text('strava_activity_url'),
    ...timestamps,
    /**
     * Set when the matcher wrote this row (completed/partial from a run, or missed). A row with
     * no value, or one the runner changed since (updated_at differs), is the runner's own verdict.
     */
    matched_at: timestamp('matched_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('completions_workout_idx').on(t.workout_id), index('completions_user_idx').on(t.user_id)],
);

export const chatMessages = pgTable(
  'chat_messages',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    user_id: owner(),
    /** The thread (Runaway's conversations): history and the coach's memory of a chat stay within it. */
    conversation_id: uuid('conversation_id').notNull(),
    role: text('role').$type<'user' | 'assistant'>().notNull(),
    content: text('content').notNull(),
    /** On a coach reply: what the coach was shown to write it (Strava-free unless the runner allowed it). */
    context_snapshot: jsonb('context_snapshot'),
    metadata: jsonb('metadata').notNull().default({}),
    created_at: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('idx_chat_messages_user').on(t.user_id, t.created_at), index('chat_messages_conversation_idx').on(t.user_id, t.conversation_id, t.created_at)],
);

export const userMemorySummaries = pgTable(
  'user_memory_summaries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    user_id: owner(),
    summary_type: text('summary_type').$type<'training_week' | 'injury' | 'preference'>().notNull(),
    content: text('content').notNull(),
    /** The days the summary was written from: a training week's Monday to Sunday, a chat's span. */
    source_date_range_start: date('source_date_range_start', { mode: 'string' }),
    source_date_range_end: date('source_date_range_end', { mode: 'string' }),
    data: jsonb('data').notNull().default({}),
    ...syncedFields,
    ...timestamps,
  },
  (t) => [index('memory_user_kind_idx').on(t.user_id, t.summary_type)],
);

export const notifications = pgTable(
  'notifications',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    user_id: owner(),
    notification_type: text('notification_type').notNull(),
    status: text('status').$type<'pending' | 'sent' | 'failed' | 'skipped'>().notNull().default('pending'),
    channel: text('channel').notNull().default('email'),
    scheduled_for: timestamp('scheduled_for', { withTimezone: true }).notNull(),
    sent_at: timestamp('sent_at', { withTimezone: true }),
    idempotency_key: text('idempotency_key').notNull().unique(),
    subject: text('subject'),
    /** What the message says, in plain words (the e-mail is rendered from `payload` when sent, with its links). */
    content: text('content').notNull(),
    payload: jsonb('payload').notNull().default({}),
    error: text('error'),
    attempts: integer('attempts').notNull().default(0),
    ...timestamps,
    /** Our Message-ID (`<id@host>`), the same on every attempt. */
    message_id: text('message_id'),
    /** A worker's lease on the send (app clock); another worker waits until it lapses. */
    claimed_at: timestamp('claimed_at', { withTimezone: true }),
    /**
     * Set just before the last byte of the message reaches the mail server: from here on the
     * server may have accepted it, so a crash leaves an outcome we cannot know (never re-sent).
     */
    handed_over_at: timestamp('handed_over_at', { withTimezone: true }),
    /** What the provider answered (SMTP reply line, Resend's e-mail id). */
    provider_response: text('provider_response'),
  },
  (t) => [index('notifications_user_created_idx').on(t.user_id, t.created_at), index('idx_notifications_scheduled').on(t.status, t.scheduled_for)],
);

// ── Sync (docs/SYNC.md §"Server tables") ─────────────────────────────────
// No foreign keys to users here: a cascading account deletion fires the change-log trigger
// on every child row, which must still be able to write these tables mid-deletion.

/** One row: the epoch, rotated after a restore from backup so devices reset. */
export const syncMeta = pgTable('sync_meta', {
  id: integer('id').primaryKey().default(1),
  epoch: uuid('epoch').notNull().defaultRandom(),
});

/** The per-user commit-ordered version; the row lock is held to COMMIT. */
export const syncUser = pgTable('sync_user', {
  user_id: uuid('user_id').primaryKey(),
  version: bigint('version', { mode: 'number' }).notNull().default(0),
  /** Cursors below this can no longer be served (tombstones purged). */
  horizon: bigint('horizon', { mode: 'number' }).notNull().default(0),
});

export const syncClient = pgTable(
  'sync_client',
  {
    client_id: text('client_id').primaryKey(),
    user_id: uuid('user_id').notNull(),
    last_mutation_id: bigint('last_mutation_id', { mode: 'number' }).notNull().default(0),
    schema_version: integer('schema_version').notNull(),
    last_seen_at: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
    retired_at: timestamp('retired_at', { withTimezone: true }),
  },
  (t) => [index('sync_client_user_idx').on(t.user_id)],
);

/** Stored answers, so a retried push gets the same answer. */
export const syncMutationResult = pgTable(
  'sync_mutation_result',
  {
    client_id: text('client_id').notNull(),
    mutation_id: bigint('mutation_id', { mode: 'number' }).notNull(),
    status: text('status').$type<'applied' | 'rejected'>().notNull(),
    error: jsonb('error'),
    version: bigint('version', { mode: 'number' }).notNull(),
    created_at: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.client_id, t.mutation_id] })],
);

/** Compacted: one row per entity row, carrying the version of its last change. */
export const changeLog = pgTable(
  'change_log',
  {
    user_id: uuid('user_id').notNull(),
    entity: text('entity').notNull(),
    entity_id: text('entity_id').notNull(),
    version: bigint('version', { mode: 'number' }).notNull(),
    op: text('op').$type<'u' | 'd'>().notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.user_id, t.entity, t.entity_id] }),
    // In pull's order (version, then entity and id), so a page is read off the index with its
    // limit instead of sorting everything after the cursor on every page.
    index('change_log_user_version_order_idx').on(t.user_id, t.version, t.entity, t.entity_id),
  ],
);

// ── Strava jobs (docs/STRAVA.md) ────────────────────────────────────────────────
// Server-only tables: devices never mirror them (no change-log trigger).

/** One row (id 1): app-wide Strava state every server process shares. */
export const stravaSettings = pgTable('strava_settings', {
  id: integer('id').primaryKey().default(1),
  /** The push subscription the operator command created; events naming another one are ignored. */
  subscription_id: text('subscription_id'),
  callback_url: text('callback_url'),
  /** Strava's rate limits are per application: every worker waits until this instant (app clock). */
  paused_until: timestamp('paused_until', { withTimezone: true }),
  /** The last rate-limit headers that made us pause, for the operator. */
  rate_limit: jsonb('rate_limit'),
  updated_at: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** One-time OAuth `state` values (keyed hash only), bound to the session that asked to connect. */
export const stravaOauthStates = pgTable(
  'strava_oauth_states',
  {
    state_hash: text('state_hash').primaryKey(),
    user_id: owner(),
    session_hash: text('session_hash').notNull(),
    created_at: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expires_at: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('strava_oauth_states_user_idx').on(t.user_id)],
);

/** Per-user connection state: backfill progress, refresh trouble, the last error to show. */
export const stravaConnections = pgTable('strava_connections', {
  user_id: uuid('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  backfill_status: text('backfill_status').$type<'pending' | 'running' | 'done' | 'failed'>().notNull().default('pending'),
  /** Bumped by every (re)connect, so a stale backfill job from an earlier connection stops. */
  backfill_generation: integer('backfill_generation').notNull().default(1),
  backfill_next_page: integer('backfill_next_page').notNull().default(1),
  backfill_activities: integer('backfill_activities').notNull().default(0),
  backfill_started_at: timestamp('backfill_started_at', { withTimezone: true }),
  /** Only runs that started after this: a runner's "sync now" catches up from their last run; null is the whole history. */
  backfill_after: timestamp('backfill_after', { withTimezone: true }),
  backfill_finished_at: timestamp('backfill_finished_at', { withTimezone: true }),
  /** A refresh whose outcome is unknown (timed out): the refresh token may have rotated. */
  refresh_uncertain_at: timestamp('refresh_uncertain_at', { withTimezone: true }),
  needs_reconnect: boolean('needs_reconnect').notNull().default(false),
  last_error: text('last_error'),
  last_error_at: timestamp('last_error_at', { withTimezone: true }),
  ...timestamps,
});

/** Webhook events as received; the unique dedupe key makes Strava's repeats one row. */
export const stravaEvents = pgTable(
  'strava_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    dedupe_key: text('dedupe_key').notNull().unique(),
    user_id: owner(),
    subscription_id: text('subscription_id').notNull(),
    owner_id: text('owner_id').notNull(),
    object_type: text('object_type').$type<'activity' | 'athlete'>().notNull(),
    object_id: text('object_id').notNull(),
    aspect_type: text('aspect_type').$type<'create' | 'update' | 'delete'>().notNull(),
    updates: jsonb('updates').$type<Record<string, string>>().notNull().default({}),
    event_time: timestamp('event_time', { withTimezone: true }).notNull(),
    received_at: timestamp('received_at', { withTimezone: true }).notNull(),
    status: text('status').$type<'received' | 'processed' | 'ignored' | 'not_found' | 'failed'>().notNull().default('received'),
    /** 404s so far (a `create` can precede the moment the activity is readable). */
    attempts: integer('attempts').notNull().default(0),
    processed_at: timestamp('processed_at', { withTimezone: true }),
    error: text('error'),
  },
  (t) => [index('strava_events_user_object_idx').on(t.user_id, t.object_id), index('strava_events_status_idx').on(t.status)],
);

// ── Coach (issue 8) ───────────────────────────────────────────────────────────
// Server-only: devices never mirror it (no change-log trigger). Proposals live in
// chat_messages.metadata, which is synced, so they reach the phone with the message.

/** Claude tokens each runner spent per local day, counted against COACH_DAILY_TOKEN_BUDGET. */
export const coachUsage = pgTable(
  'coach_usage',
  {
    user_id: owner(),
    /** The runner's calendar day (their time zone): the budget resets at their midnight. */
    day: date('day', { mode: 'string' }).notNull(),
    /** Uncached prompt tokens (the API's input_tokens). */
    input_tokens: integer('input_tokens').notNull().default(0),
    output_tokens: integer('output_tokens').notNull().default(0),
    /** Prompt tokens written to, and read from, the prompt cache (issue 24): weighted 1.25 and 0.1 in the budget. */
    cache_creation_input_tokens: integer('cache_creation_input_tokens').notNull().default(0),
    cache_read_input_tokens: integer('cache_read_input_tokens').notNull().default(0),
    calls: integer('calls').notNull().default(0),
    updated_at: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.user_id, t.day] })],
);

/** Every Claude call on a runner's behalf, with the API's own usage fields: what `npm run coach:usage` prices. */
export const coachCalls = pgTable(
  'coach_calls',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    user_id: owner(),
    /** The runner's calendar day, as in coach_usage. */
    day: date('day', { mode: 'string' }).notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
    job: text('job').$type<'chat' | 'personalize' | 'memory' | 'journal'>().notNull(),
    model: text('model').notNull(),
    /** Answered through the Message Batches API (billed at half price). */
    batch: boolean('batch').notNull().default(false),
    input_tokens: integer('input_tokens').notNull(),
    output_tokens: integer('output_tokens').notNull(),
    cache_creation_input_tokens: integer('cache_creation_input_tokens').notNull().default(0),
    cache_read_input_tokens: integer('cache_read_input_tokens').notNull().default(0),
  },
  (t) => [index('coach_calls_day_idx').on(t.day), index('coach_calls_user_day_idx').on(t.user_id, t.day)],
);

/** Message Batches the weekly memory job submitted (COACH_BATCH_WEEKLY) and has not applied yet. */
export const coachBatches = pgTable('coach_batches', {
  id: text('id').primaryKey(),
  job: text('job').$type<'memory'>().notNull(),
  model: text('model').notNull(),
  /** custom_id → the runner and week it answers for. */
  requests: jsonb('requests').$type<Record<string, { user_id: string; week_start: string }>>().notNull(),
  submitted_at: timestamp('submitted_at', { withTimezone: true }).notNull(),
  applied_at: timestamp('applied_at', { withTimezone: true }),
});

/**
 * One coach reply being written per runner message, across every server instance: a retry that
 * lands on another instance while the first is still answering gets a 409, not a second reply.
 * A lease, so a claim left by a crashed instance expires and the message can be answered.
 */
export const coachReplyClaims = pgTable('coach_reply_claims', {
  message_id: uuid('message_id').primaryKey(),
  user_id: owner(),
  claimed_until: timestamp('claimed_until', { withTimezone: true }).notNull(),
});

// ── Notifications (issue 9) ───────────────────────────────────────────────────
// Synced (devices edit them in Settings): one row per runner, created on the first change;
// without one, the defaults of shared/schema/notifications.ts apply.

/** Per-kind on/off, the reminder time and quiet hours (local times `HH:MM` in the profile's zone). */
export const notificationPreferences = pgTable('notification_preferences', {
  user_id: uuid('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  workout_reminder: boolean('workout_reminder').notNull().default(true),
  weekly_journal: boolean('weekly_journal').notNull().default(true),
  goal_unrealistic: boolean('goal_unrealistic').notNull().default(true),
  strava_disconnected: boolean('strava_disconnected').notNull().default(true),
  coach_proposal: boolean('coach_proposal').notNull().default(true),
  reminder_time: text('reminder_time').notNull().default('19:00'),
  remind_rest_days: boolean('remind_rest_days').notNull().default(false),
  quiet_hours_start: text('quiet_hours_start'),
  quiet_hours_end: text('quiet_hours_end'),
  field_hlc: syncedFields.field_hlc,
  ...timestamps,
});

// ── Readiness (issue 23) ──────────────────────────────────────────────────────
// Synced: the runner's morning check-in, one per local day (a second check-in that day updates
// it, per-field last-writer-wins). Scales run 1 (good) to 5 (bad), so a higher sum is a worse day.

/** Sleep, soreness and stress (1 good … 5 bad) and an optional resting heart rate, per day. */
export const readinessCheckins = pgTable(
  'readiness_checkins',
  {
    id: uuid('id').primaryKey(),
    user_id: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    date: date('date', { mode: 'string' }).notNull(),
    sleep: integer('sleep').notNull(),
    soreness: integer('soreness').notNull(),
    stress: integer('stress').notNull(),
    resting_hr: integer('resting_hr'),
    note: text('note'),
    field_hlc: syncedFields.field_hlc,
    ...timestamps,
  },
  (t) => [uniqueIndex('readiness_checkins_user_date').on(t.user_id, t.date)],
);

// ── Audit (issue 10) ──────────────────────────────────────────────────────────
// Server-only and never synced (no change-log trigger), not part of the runner's export: it
// is the operator's record of security events. `user_id` is deliberately no foreign key, so
// the record of an account's deletion outlives the account.

/** Sign-ins (and failures), sign-ups, Strava connects/disconnects, exports, account deletions. */
export const auditEvents = pgTable(
  'audit_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    at: timestamp('at', { withTimezone: true }).notNull(),
    kind: text('kind').notNull(),
    user_id: uuid('user_id'),
    /** Only on failed sign-ins, as typed (lower-cased): the pattern operators look for in credential stuffing. */
    email: text('email'),
    ip: text('ip'),
    user_agent: text('user_agent'),
    detail: jsonb('detail').$type<Record<string, string | number | boolean | null>>().notNull().default({}),
  },
  (t) => [index('audit_events_at_idx').on(t.at), index('audit_events_user_at_idx').on(t.user_id, t.at), index('audit_events_kind_at_idx').on(t.kind, t.at)],
);

// Server-only and never synced. One row per throttled key (an e-mail, address, known device or
// account, hashed), shared by every instance on the database, so a limit holds however many
// servers answer. Rows past `window_ends_at` are dead; the hourly maintenance deletes them.

/** Sign-in, sign-up and password-check attempts counted per key in a fixed window. */
export const authThrottle = pgTable('auth_throttle', {
  key: text('key').primaryKey(),
  count: integer('count').notNull(),
  window_ends_at: timestamp('window_ends_at', { withTimezone: true }).notNull(),
});
