import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import { afterAll, describe, expect, it } from 'vitest';

// Migration 0011 renames the drifted columns to the seed's names. It must move every value, never
// drop one: a database at 0010 with rows in the old names is migrated, and every value is found
// under its new name (durations in minutes, 'planned' as 'scheduled', the chat as one thread).

const MIGRATIONS = fileURLToPath(new URL('./migrations', import.meta.url));
const BEFORE = '0010_coach_reply_claims';

/** A copy of the migrations folder that stops at `lastTag`. */
function migrationsUpTo(lastTag: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'rc-migrations-'));
  cpSync(MIGRATIONS, dir, { recursive: true });
  const journal = JSON.parse(readFileSync(join(dir, 'meta/_journal.json'), 'utf8')) as { entries: { tag: string }[] };
  const last = journal.entries.findIndex((e) => e.tag === lastTag);
  expect(last).toBeGreaterThan(0);
  journal.entries = journal.entries.slice(0, last + 1);
  writeFileSync(join(dir, 'meta/_journal.json'), JSON.stringify(journal));
  return dir;
}

describe('migration 0011 (the seed names)', () => {
  const client = new PGlite();
  const db = drizzle(client);
  const old = migrationsUpTo(BEFORE);
  afterAll(async () => {
    await client.close();
    rmSync(old, { recursive: true, force: true });
  });

  it('moves every value of the old columns to the seed names', async () => {
    await migrate(db, { migrationsFolder: old });
    const ids = {
      user: '11111111-1111-4111-8111-111111111111',
      goal: '22222222-2222-4222-8222-222222222222',
      plan: '33333333-3333-4333-8333-333333333333',
      workout: '44444444-4444-4444-8444-444444444444',
      activity: '55555555-5555-4555-8555-555555555555',
    };
    await client.exec(`
      insert into users (id, email, name, password_hash) values ('${ids.user}', 'ann@example.com', 'Ann', 'x');
      insert into invite_codes (code_hash, used_by) values ('hash-of-the-invite', '${ids.user}');
      insert into user_profiles (user_id) values ('${ids.user}');
      insert into strava_tokens (user_id, athlete_id, access_token_encrypted, refresh_token_encrypted, expires_at, scope)
        values ('${ids.user}', '18014398509481985', 'cipher-a', 'cipher-r', now(), 'read');
      insert into goals (id, user_id, goal_type, title) values ('${ids.goal}', '${ids.user}', 'race', 'Berlin Marathon');
      insert into training_plans (id, user_id, goal_id, methodology, start_date, end_date, weeks) values ('${ids.plan}', '${ids.user}', '${ids.goal}', 'daniels', '2026-03-02', '2026-09-27',
        '[{"index":0,"phase":"base","planned_distance_meters":30000,"planned_duration_seconds":10830,"reason":"start"}]');
      insert into workouts (id, user_id, plan_id, scheduled_date, type, title, structure, planned_distance_meters, planned_duration_seconds, status, field_hlc)
        values ('${ids.workout}', '${ids.user}', '${ids.plan}', '2026-03-03', 'tempo', 'Tempo', '{"segments":[{"type":"steady","duration_seconds":2700}]}', 9000.5, 2730, 'planned',
          '{"type":"2026-03-01T07:00:00.000Z-0000-c1","title":"2026-03-01T07:00:00.000Z-0001-c1"}');
      insert into workout_edits (user_id, workout_id, edited_by, field, previous_value, new_value, reason)
        values ('${ids.user}', '${ids.workout}', 'user', 'structure', '{"segments":[]}', '{"segments":[{"type":"steady","duration_seconds":2700}]}', 'longer'),
               ('${ids.user}', '${ids.workout}', 'user', 'title', '"Easy"', '"Tempo"', null);
      insert into strava_activities (id, user_id, source, external_id, sport_type, start_date, local_date, distance_meters, moving_time_seconds, elapsed_time_seconds, raw)
        values ('${ids.activity}', '${ids.user}', 'strava', '18000000000000301', 'Run', now(), '2026-03-03', 9000, 2700, 2750, '{"id":"18000000000000301"}'),
               (gen_random_uuid(), '${ids.user}', 'fit_upload', 'fit-abc', 'TrailRun', now(), '2026-03-04', 0, 600, 600, null);
      insert into workout_completions (user_id, workout_id, activity_id, status) values ('${ids.user}', '${ids.workout}', '${ids.activity}', 'completed');
      insert into chat_messages (user_id, role, content) values ('${ids.user}', 'user', 'hi'), ('${ids.user}', 'assistant', 'hello');
      insert into user_memory_summaries (user_id, kind, week_start, content, field_hlc) values ('${ids.user}', 'training_week', '2026-02-23', '3 runs', '{"content":"h1","kind":"h2"}');
      insert into notifications (user_id, kind, scheduled_for, idempotency_key, subject) values ('${ids.user}', 'weekly_journal', now(), 'k1', 'Your week: 30 km in 3 runs');
    `);

    await migrate(db, { migrationsFolder: MIGRATIONS });
    const one = async (query: string) => (await client.query<Record<string, unknown>>(query)).rows;
    expect(await one('select invite_code from users')).toEqual([{ invite_code: 'hash-of-the-invite' }]);
    expect(await one('select strava_athlete_id, access_token, refresh_token, id is not null as has_id from strava_tokens')).toEqual([
      { strava_athlete_id: '18014398509481985', access_token: 'cipher-a', refresh_token: 'cipher-r', has_id: true },
    ]);
    expect(await one('select title, weeks from training_plans')).toEqual([
      {
        title: 'Berlin Marathon: Daniels plan',
        weeks: [{ index: 0, phase: 'base', estimated_distance_meters: 30000, estimated_duration_minutes: 181, reason: 'start' }],
      },
    ]);
    expect(await one('select field_hlc from workouts')).toEqual([
      { field_hlc: { workout_type: '2026-03-01T07:00:00.000Z-0000-c1', title: '2026-03-01T07:00:00.000Z-0001-c1' } },
    ]);
    expect(await one('select field_hlc from user_memory_summaries')).toEqual([{ field_hlc: { content: 'h1', summary_type: 'h2' } }]);
    // The helper the migration used is gone again.
    expect(await one(`select count(*)::int as n from pg_proc where proname = 'rc_rename_keys'`)).toEqual([{ n: 0 }]);
    expect(
      await one('select training_plan_id, workout_type, estimated_distance_meters, estimated_duration_minutes, status, description from workouts'),
    ).toEqual([
      {
        training_plan_id: ids.plan,
        workout_type: 'tempo',
        estimated_distance_meters: 9000.5,
        estimated_duration_minutes: 46,
        status: 'scheduled',
        description: null,
      },
    ]);
    expect(await one('select field, edit_reason, previous_structure, new_structure from workout_edits order by field')).toEqual([
      {
        field: 'structure',
        edit_reason: 'longer',
        previous_structure: { segments: [] },
        new_structure: { segments: [{ type: 'steady', duration_seconds: 2700 }] },
      },
      { field: 'title', edit_reason: null, previous_structure: null, new_structure: null },
    ]);
    expect(
      await one('select source, strava_activity_id, activity_type, raw_data, average_pace_seconds_per_meter from strava_activities order by source desc'),
    ).toEqual([
      {
        source: 'strava',
        strava_activity_id: '18000000000000301',
        activity_type: 'Run',
        raw_data: { id: '18000000000000301' },
        average_pace_seconds_per_meter: 0.3,
      },
      { source: 'fit_upload', strava_activity_id: null, activity_type: 'TrailRun', raw_data: null, average_pace_seconds_per_meter: null },
    ]);
    expect(await one('select strava_activity_id, completion_status from workout_completions')).toEqual([
      { strava_activity_id: ids.activity, completion_status: 'completed' },
    ]);
    expect(await one('select count(distinct conversation_id)::int as threads, count(*)::int as messages from chat_messages')).toEqual([
      { threads: 1, messages: 2 },
    ]);
    expect(await one('select summary_type, source_date_range_start::text as start, source_date_range_end::text as end from user_memory_summaries')).toEqual([
      { summary_type: 'training_week', start: '2026-02-23', end: '2026-03-01' },
    ]);
    expect(await one('select notification_type, channel, content from notifications')).toEqual([
      { notification_type: 'weekly_journal', channel: 'email', content: 'Your week: 30 km in 3 runs' },
    ]);
  }, 120_000); // every migration on a fresh PGlite, twice: seconds alone, much longer while other suites share the two cores
});

// Migration 0013 adds the runner's heart rate and load time constants to user_profiles. Devices
// hold profile rows as the server last sent them, so every existing profile must get a new
// change-log version: otherwise no device would ever receive the new columns (docs/SYNC.md §G3).
describe('migration 0013 (heart rate and load constants on the profile)', () => {
  // Opened in the test, not while collecting: a second database starting up beside the 0011
  // test's would slow it past its timeout on a busy machine.
  let client: PGlite | undefined;
  let old: string | undefined;
  afterAll(async () => {
    await client?.close();
    if (old) rmSync(old, { recursive: true, force: true });
  });

  it('gives existing profiles the defaults and a new version devices will pull', async () => {
    client = new PGlite();
    const db = drizzle(client);
    old = migrationsUpTo('0012_readiness');
    await migrate(db, { migrationsFolder: old });
    const user = '66666666-6666-4666-8666-666666666666';
    await client.exec(`
      insert into users (id, email, name, password_hash) values ('${user}', 'bo@example.com', 'Bo', 'x');
      insert into user_profiles (user_id, easy_pace_per_mile_seconds) values ('${user}', 570);
    `);
    const version = async () =>
      (await client!.query<{ version: number }>(`select version::int from change_log where entity = 'user_profiles' and entity_id = '${user}'`)).rows[0]
        ?.version;
    const before = await version();
    expect(before).toBeGreaterThan(0);

    // Up to 0013 only: 0014 renames these columns (migration-0014.test.ts).
    rmSync(old, { recursive: true, force: true });
    old = migrationsUpTo('0013_runner_heart_rate');
    await migrate(db, { migrationsFolder: old });
    const rows = (await client.query('select easy_pace_per_mile_seconds, max_hr, resting_hr, lthr, birth_year, ctl_days, atl_days from user_profiles')).rows;
    expect(rows).toEqual([{ easy_pace_per_mile_seconds: 570, max_hr: null, resting_hr: null, lthr: null, birth_year: null, ctl_days: 42, atl_days: 7 }]);
    expect(await version()).toBeGreaterThan(before!);
    // New profiles get the defaults from the columns themselves.
    await client.exec(`insert into users (id, email, name, password_hash) values (gen_random_uuid(), 'cy@example.com', 'Cy', 'x')`);
    await client.exec(`insert into user_profiles (user_id) select id from users where email = 'cy@example.com'`);
    expect(
      (await client.query(`select ctl_days, atl_days from user_profiles p join users u on u.id = p.user_id where u.email = 'cy@example.com'`)).rows,
    ).toEqual([{ ctl_days: 42, atl_days: 7 }]);
  });
});
