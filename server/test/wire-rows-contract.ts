import { randomUUID } from 'node:crypto';
import { eq, getTableColumns, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson } from '#shared/sync/digest.ts';
import { PROTOCOL_VERSION, SCHEMA_VERSION, SYNCED_ENTITIES, type SyncedEntity } from '#shared/sync/protocol.ts';
import type { DatabaseHandle } from '../db/database.ts';
import * as schema from '../db/schema.ts';
import { pull, pullResponseText } from '../sync/pull.ts';
import { ENTITIES } from '../sync/rows.ts';
import { wireRows } from '../sync/wire-rows.ts';

// Pull pages and the digest are written as JSON by the database (wire-rows.ts). The rows a
// device receives must be exactly what JSON.stringify writes for the rows drizzle loads, which
// is what the REST API sends: checked here with every kind of column at its awkward values.

const AWKWARD_TEXT = 'Quote " backslash \\ newline \n tab \t bell \u0007 nul-free é ü 漢字 🏃‍♀️ \u2028 </script> {"x":1}';
const MICROSECONDS = sql`'2026-03-01T10:00:00.123987Z'::timestamptz`;
const NESTED = { text: AWKWARD_TEXT, numbers: [0.1, 1e21, 1.5e-7, -3, 2 ** 60], empty: {}, list: [], flag: true, none: null };

/** What JSON.stringify writes for a loaded row, minus the columns devices never receive. */
function expectedRow(entity: SyncedEntity, row: Record<string, unknown>): string {
  const visible = Object.fromEntries(Object.entries(row).filter(([key]) => !ENTITIES[entity].hidden.includes(key)));
  return canonicalJson(JSON.parse(JSON.stringify(visible)));
}

async function seed(db: DatabaseHandle['db']): Promise<string> {
  const userId = randomUUID();
  await db.insert(schema.users).values({ id: userId, email: `wire-${userId}@example.com`, name: AWKWARD_TEXT, password_hash: 'x' });
  const hlc = { title: '2026-03-01T10:00:00.000Z-0001-0123456789abcdef', deleted: '2026-03-01T10:00:00.000Z-0002-0123456789abcdef' };
  await db.insert(schema.userProfiles).values({
    user_id: userId,
    current_weekly_mileage_miles: 0.1,
    days_available_per_week: 4,
    easy_pace_per_mile_seconds: null,
    injury_notes: AWKWARD_TEXT,
    time_zone: 'Europe/London',
    field_hlc: hlc,
    created_at: MICROSECONDS,
  });
  const goalId = randomUUID();
  await db.insert(schema.goals).values([
    {
      id: goalId,
      user_id: userId,
      goal_type: 'race',
      title: AWKWARD_TEXT,
      target_race_distance_meters: 42_195.5,
      target_race_date: '2027-02-28',
      target_time_seconds: -1,
      field_hlc: hlc,
    },
    // Not a finite number: JSON.stringify writes null for it.
    {
      user_id: userId,
      goal_type: 'mileage',
      title: 'NaN and infinity',
      target_weekly_mileage_miles: Number.NaN,
      target_race_distance_meters: Number.POSITIVE_INFINITY,
      end_date: '2026-12-31',
      status: 'flagged_unrealistic',
      flagged_reason: '',
      deleted: true,
    },
  ]);
  const planId = randomUUID();
  await db.insert(schema.trainingPlans).values({
    id: planId,
    user_id: userId,
    goal_id: goalId,
    title: AWKWARD_TEXT,
    methodology: 'daniels',
    start_date: '2026-03-02',
    end_date: '2026-06-28',
    vdot: 1e-7,
    phases: [NESTED],
    weeks: [[1, 2], { nested: NESTED }],
    reason: null,
    generation_context: NESTED,
    created_at: MICROSECONDS,
    updated_at: MICROSECONDS,
  });
  const workoutId = randomUUID();
  await db.insert(schema.workouts).values({
    id: workoutId,
    user_id: userId,
    training_plan_id: planId,
    scheduled_date: '2026-03-03',
    week_index: 0,
    workout_type: 'intervals',
    title: AWKWARD_TEXT,
    structure: { steps: [NESTED] },
    estimated_distance_meters: 8000.25,
    estimated_duration_minutes: 40,
    reason: AWKWARD_TEXT,
    rpe: 7,
    notes: '',
    edited_by_user: true,
    field_hlc: hlc,
  });
  await db.insert(schema.workoutEdits).values({
    user_id: userId,
    workout_id: workoutId,
    edited_by: 'user',
    previous_structure: NESTED,
    new_structure: { segments: [NESTED] },
    field: 'structure',
    previous_value: null,
    new_value: NESTED,
    edit_reason: AWKWARD_TEXT,
    won: false,
    created_at: MICROSECONDS,
  });
  const activityId = randomUUID();
  await db.insert(schema.stravaActivities).values({
    id: activityId,
    user_id: userId,
    source: 'strava',
    strava_activity_id: '12345678901234567890',
    external_id: '12345678901234567890',
    activity_type: 'Run',
    name: AWKWARD_TEXT,
    start_date: MICROSECONDS,
    local_date: '2026-03-01',
    distance_meters: 5000.5,
    moving_time_seconds: 1500,
    elapsed_time_seconds: 1550,
    average_heartrate: 151.3,
    max_heartrate: null,
    total_elevation_gain: 0,
    average_pace_seconds_per_meter: 1500 / 5000.5,
    laps: [NESTED],
    raw_data: { secret: 'stays on the server' },
    raw_purged_at: null,
    fetched_at: MICROSECONDS,
  });
  await db.insert(schema.workoutCompletions).values({
    user_id: userId,
    workout_id: workoutId,
    strava_activity_id: activityId,
    completion_status: 'partial',
    distance_meters: 4999.999,
    duration_seconds: 0,
    rpe: null,
    notes: AWKWARD_TEXT,
    strava_activity_url: 'https://www.strava.com/activities/1',
    matched_at: MICROSECONDS,
  });
  await db.insert(schema.chatMessages).values([
    { user_id: userId, conversation_id: goalId, role: 'user', content: AWKWARD_TEXT, metadata: {} },
    { user_id: userId, conversation_id: goalId, role: 'assistant', content: '', context_snapshot: NESTED, metadata: NESTED, created_at: MICROSECONDS },
  ]);
  await db.insert(schema.userMemorySummaries).values({
    user_id: userId,
    summary_type: 'training_week',
    source_date_range_start: '2026-03-02',
    source_date_range_end: '2026-03-08',
    content: AWKWARD_TEXT,
    data: NESTED,
    field_hlc: hlc,
  });
  await db
    .insert(schema.notificationPreferences)
    .values({ user_id: userId, workout_reminder: false, reminder_time: '06:30', quiet_hours_start: '22:00', quiet_hours_end: '07:00', field_hlc: hlc });
  await db.insert(schema.readinessCheckins).values({
    id: randomUUID(),
    user_id: userId,
    date: '2026-03-02',
    sleep: 5,
    soreness: 1,
    stress: 3,
    resting_hr: null,
    note: AWKWARD_TEXT,
    field_hlc: hlc,
    created_at: MICROSECONDS,
    updated_at: MICROSECONDS,
  });
  return userId;
}

/** Run once per storage implementation (PGlite and Postgres). */
export function wireRowsContract(name: string, open: () => Promise<DatabaseHandle>): void {
  describe(`rows as devices receive them, on ${name}`, () => {
    let handle: DatabaseHandle;
    let userId: string;
    const loaded = new Map<SyncedEntity, Record<string, unknown>[]>();

    beforeAll(async () => {
      handle = await open();
      userId = await seed(handle.db);
      for (const entity of SYNCED_ENTITIES) {
        const { table } = ENTITIES[entity];
        const owner = getTableColumns(table).user_id!;
        loaded.set(entity, (await handle.db.select().from(table).where(eq(owner, userId))) as Record<string, unknown>[]);
      }
    });
    afterAll(() => handle?.close());

    it('seeds every synced entity', () => {
      for (const entity of SYNCED_ENTITIES) expect(loaded.get(entity)!.length, entity).toBeGreaterThan(0);
    });

    it('writes each row as JSON.stringify writes the loaded row (the digest)', async () => {
      for (const entity of SYNCED_ENTITIES) {
        const key = ENTITIES[entity].key;
        const byKey = (rows: Record<string, unknown>[]) => [...rows].sort((a, b) => (String(a[key]) < String(b[key]) ? -1 : 1));
        const written = byKey(await wireRows(handle.db, userId, entity)).map((row) => canonicalJson(row));
        expect(written, entity).toEqual(byKey(loaded.get(entity)!).map((row) => expectedRow(entity, row)));
      }
    });

    it('sends the same rows and their field clocks in a pull, and never a hidden column', async () => {
      const result = await pull(
        handle.db,
        userId,
        { protocol: PROTOCOL_VERSION, schemaVersion: SCHEMA_VERSION, clientId: 'c_wirecontract', cursor: null, limit: 1000 },
        new Date(),
      );
      const page = JSON.parse(pullResponseText(result)) as {
        hasMore: boolean;
        changes: { entity: SyncedEntity; id: string; op: string; row: Record<string, unknown>; hlc: unknown }[];
      };
      expect(page.hasMore).toBe(false);
      const total = SYNCED_ENTITIES.reduce((sum, entity) => sum + loaded.get(entity)!.length, 0);
      expect(page.changes).toHaveLength(total);
      for (const change of page.changes) {
        const row = loaded.get(change.entity)!.find((r) => String(r[ENTITIES[change.entity].key]) === change.id);
        expect(change.op).toBe('u');
        expect(canonicalJson(change.row), change.entity).toBe(expectedRow(change.entity, row!));
        expect(change.hlc).toEqual(row!.field_hlc ?? {});
        expect(change.row).not.toHaveProperty('field_hlc');
        expect(change.row).not.toHaveProperty('raw');
      }
    });

    it('writes microsecond timestamps as Date#toISOString does: milliseconds, truncated', async () => {
      const [activity] = await wireRows(handle.db, userId, 'strava_activities');
      expect(activity!.start_date).toBe('2026-03-01T10:00:00.123Z');
      expect((loaded.get('strava_activities')![0]!.start_date as Date).toISOString()).toBe('2026-03-01T10:00:00.123Z');
    });
  });
}
