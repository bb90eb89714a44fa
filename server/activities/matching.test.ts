import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Activity } from '#shared/schema/activity.ts';
import type { DatabaseHandle } from '../db/database.ts';
import { changeLog, userProfiles, workoutCompletions, workouts } from '../db/schema.ts';
import { toActivity } from '../strava/api/index.ts';
import { openTestPglite } from '../test/databases.ts';
import { buildTestApp, signUp, type TestApp } from '../test/harness.ts';
import { deleteActivity, upsertActivity } from './store.ts';
import { recordCompletion } from './completions.ts';
import { markMissedWorkouts, rematchDay, verdict } from './matching.ts';
import { serverStamp } from '../lib/write-stamp.ts';

// Matching runs to planned workouts, whatever their source: same day, two runs a day, the
// local date across time zones, the runner's own verdicts, missed days, and that every
// verdict reaches devices through the change log.

let handle: DatabaseHandle;
let t: TestApp;
beforeAll(async () => {
  handle = await openTestPglite();
  t = buildTestApp(handle);
});
afterAll(() => handle.close());

const NOW = new Date('2026-03-04T12:00:00Z');
const TODAY = '2026-03-04';

async function plan(userId: string, date: string, type: string, distance: number | null, duration: number | null = null) {
  const [row] = await t.deps.db
    .insert(workouts)
    .values({
      user_id: userId,
      scheduled_date: date,
      workout_type: type,
      title: type,
      structure: { segments: [] },
      estimated_distance_meters: distance,
      estimated_duration_minutes: duration,
      created_at: new Date('2026-02-01T00:00:00Z'),
    })
    .returning();
  return row!;
}

let ids = 0;
function fitRun(date: string, distance: number, seconds: number, hour = 7): Activity {
  ids++;
  const start = `${date}T${String(hour).padStart(2, '0')}:00:00Z`;
  return {
    source: 'fit_upload',
    external_id: `fit-${ids}`,
    activity_type: 'Run',
    start_time: start,
    local_date: date,
    distance_meters: distance,
    moving_time_seconds: seconds,
    elapsed_time_seconds: seconds,
    laps: [],
  };
}

async function store(userId: string, activity: Activity, raw: unknown = null) {
  const { row } = await upsertActivity(t.deps.db, userId, activity, { raw, fetchedAt: activity.source === 'strava' ? NOW : null, now: NOW });
  await rematchDay(t.deps.db, userId, activity.local_date, NOW, TODAY);
  return row;
}

const completion = async (workoutId: string) => (await t.deps.db.select().from(workoutCompletions).where(eq(workoutCompletions.workout_id, workoutId)))[0];
const statusOf = async (workoutId: string) => (await t.deps.db.select({ status: workouts.status }).from(workouts).where(eq(workouts.id, workoutId)))[0]!.status;

describe("matching a run to the day's workout", () => {
  it('completes at 80 % of the planned distance or time, partial below', () => {
    expect(verdict({ distance_meters: 8000, moving_time_seconds: 100 }, { estimated_distance_meters: 10_000, estimated_duration_minutes: null })).toBe(
      'completed',
    );
    expect(verdict({ distance_meters: 7999, moving_time_seconds: 100 }, { estimated_distance_meters: 10_000, estimated_duration_minutes: null })).toBe(
      'partial',
    );
    expect(verdict({ distance_meters: 1000, moving_time_seconds: 2400 }, { estimated_distance_meters: 10_000, estimated_duration_minutes: 50 })).toBe(
      'completed',
    );
    expect(verdict({ distance_meters: 1000, moving_time_seconds: 60 }, { estimated_distance_meters: null, estimated_duration_minutes: null })).toBe(
      'completed',
    );
  });

  it('matches an uploaded run on the same day and the Strava run of another day, with the Strava link', async () => {
    const { user } = await signUp(t);
    const monday = await plan(user.id, '2026-03-02', 'easy', 8000);
    const tuesday = await plan(user.id, '2026-03-03', 'tempo', 10_000);
    const upload = await store(user.id, fitRun('2026-03-02', 8100, 2800));
    expect(await completion(monday.id)).toMatchObject({
      completion_status: 'completed',
      strava_activity_id: upload.id,
      strava_activity_url: null,
      distance_meters: 8100,
      duration_seconds: 2800,
    });
    expect(await statusOf(monday.id)).toBe('completed');

    const strava = toActivity(
      {
        id: '18000000000000300',
        sport_type: 'Run',
        start_date: '2026-03-03T06:00:00Z',
        start_date_local: '2026-03-03T07:00:00Z',
        distance: 6000,
        moving_time: 1800,
        elapsed_time: 1900,
      },
      { fetchedAt: NOW },
    );
    const row = await store(user.id, strava.activity, {});
    expect(await completion(tuesday.id)).toMatchObject({
      completion_status: 'partial',
      strava_activity_id: row.id,
      strava_activity_url: 'https://www.strava.com/activities/18000000000000300',
    });
    expect(await statusOf(tuesday.id)).toBe('partial');

    // Matching again with nothing new writes nothing (no new version for devices).
    const before = await t.deps.db.select().from(changeLog).where(eq(changeLog.user_id, user.id));
    await rematchDay(t.deps.db, user.id, '2026-03-03', NOW, TODAY);
    expect(await t.deps.db.select().from(changeLog).where(eq(changeLog.user_id, user.id))).toEqual(before);
  });

  it('picks the closer run when there are two a day, whatever order they arrive in', async () => {
    const { user } = await signUp(t);
    const long = await plan(user.id, '2026-03-01', 'long', 16_000);
    const shakeout = await store(user.id, fitRun('2026-03-01', 3000, 1080, 6));
    expect((await completion(long.id))?.strava_activity_id).toBe(shakeout.id);
    const real = await store(user.id, fitRun('2026-03-01', 15_800, 5400, 9));
    expect(await completion(long.id)).toMatchObject({ completion_status: 'completed', strava_activity_id: real.id });

    // A double day: each run goes to the workout it resembles.
    const [am, pm] = [await plan(user.id, '2026-02-27', 'easy', 5000), await plan(user.id, '2026-02-27', 'tempo', 12_000)];
    const long12 = await store(user.id, fitRun('2026-02-27', 12_200, 3300, 6));
    const short5 = await store(user.id, fitRun('2026-02-27', 4800, 1500, 18));
    expect((await completion(am.id))?.strava_activity_id).toBe(short5.id);
    expect((await completion(pm.id))?.strava_activity_id).toBe(long12.id);
  });

  it('uses the local date of start_date_local across time zones', async () => {
    const { user } = await signUp(t);
    const monday = await plan(user.id, '2026-03-02', 'easy', 8000);
    const tuesday = await plan(user.id, '2026-03-03', 'easy', 8000);
    // 21:30 on Monday in New York is already Tuesday in UTC.
    const evening = toActivity(
      {
        id: '18000000000000301',
        sport_type: 'Run',
        start_date: '2026-03-03T02:30:00Z',
        start_date_local: '2026-03-02T21:30:00Z',
        distance: 8000,
        moving_time: 2700,
        elapsed_time: 2700,
      },
      { fetchedAt: NOW },
    );
    expect(evening.activity.local_date).toBe('2026-03-02');
    const row = await store(user.id, evening.activity, {});
    expect((await completion(monday.id))?.strava_activity_id).toBe(row.id);
    expect(await completion(tuesday.id)).toBeUndefined();
  });

  it("links a run to the runner's own verdict without overwriting it", async () => {
    const { user } = await signUp(t);
    const skipped = await plan(user.id, '2026-03-02', 'easy', 8000);
    const done = await plan(user.id, '2026-03-03', 'easy', 8000);
    const stamp = serverStamp(NOW, 'UTC');
    await recordCompletion(t.deps.db, user.id, skipped.id, { completion_id: crypto.randomUUID(), status: 'skipped', notes: 'sick' }, stamp);
    await recordCompletion(t.deps.db, user.id, done.id, { completion_id: crypto.randomUUID(), status: 'completed', rpe: 6 }, stamp);
    const a = await store(user.id, fitRun('2026-03-02', 3000, 1000));
    const b = await store(user.id, fitRun('2026-03-03', 2000, 700));
    expect(await completion(skipped.id)).toMatchObject({ completion_status: 'skipped', notes: 'sick', strava_activity_id: a.id });
    expect(await completion(done.id)).toMatchObject({ completion_status: 'completed', rpe: 6, strava_activity_id: b.id, distance_meters: 2000 });
    expect(await statusOf(done.id)).toBe('completed');
  });

  it('ignores rides, rest days and cross-training', async () => {
    const { user } = await signUp(t);
    const rest = await plan(user.id, '2026-03-02', 'rest', null);
    const easy = await plan(user.id, '2026-03-03', 'easy', 5000);
    await store(user.id, fitRun('2026-03-02', 5000, 1500));
    await store(user.id, { ...fitRun('2026-03-03', 20_000, 2400), activity_type: 'Ride' });
    expect(await completion(rest.id)).toBeUndefined();
    expect(await completion(easy.id)).toBeUndefined();
  });
});

describe('missed workouts and undoing matches', () => {
  it("marks a past workout with no run as missed in the runner's time zone, and a late run still completes it", async () => {
    const { user } = await signUp(t);
    await t.deps.db.update(userProfiles).set({ time_zone: 'America/Los_Angeles' }).where(eq(userProfiles.user_id, user.id));
    const yesterday = await plan(user.id, '2026-03-03', 'easy', 8000);
    const today = await plan(user.id, '2026-03-04', 'easy', 8000);
    const rest = await plan(user.id, '2026-03-02', 'rest', null);
    const [late] = await t.deps.db
      .insert(workouts)
      .values({ user_id: user.id, scheduled_date: '2026-03-01', workout_type: 'easy', title: 'added afterwards', structure: { segments: [] }, created_at: NOW })
      .returning();
    // The job covers every runner; earlier tests' workouts get their verdicts here first.
    await markMissedWorkouts(t.deps.db, new Date('2026-03-02T00:00:00Z'));
    // 07:30 UTC on the 4th is still the 3rd in Los Angeles: nothing has passed yet.
    await markMissedWorkouts(t.deps.db, new Date('2026-03-04T07:30:00Z'));
    expect(await completion(yesterday.id)).toBeUndefined();
    expect(await markMissedWorkouts(t.deps.db, new Date('2026-03-04T09:00:00Z'))).toBeGreaterThanOrEqual(1);
    expect(await completion(yesterday.id)).toMatchObject({ completion_status: 'missed' });
    expect(await statusOf(yesterday.id)).toBe('missed');
    for (const untouched of [today, rest, late!]) expect(await completion(untouched.id)).toBeUndefined();
    expect(await markMissedWorkouts(t.deps.db, new Date('2026-03-04T10:00:00Z'))).toBe(0);

    const run = await store(user.id, fitRun('2026-03-03', 8000, 2700));
    expect(await completion(yesterday.id)).toMatchObject({ completion_status: 'completed', strava_activity_id: run.id });
  });

  it('undoes a match when its activity is deleted: missed for a past day, open again for today', async () => {
    const { user } = await signUp(t);
    const past = await plan(user.id, '2026-03-03', 'easy', 8000);
    const now = await plan(user.id, '2026-03-04', 'easy', 8000);
    await store(user.id, fitRun('2026-03-03', 8000, 2700));
    const todays = await store(user.id, fitRun('2026-03-04', 8000, 2700));
    for (const [id, date] of [
      [`fit-${ids - 1}`, '2026-03-03'],
      [todays.external_id, '2026-03-04'],
    ] as const) {
      expect(await deleteActivity(t.deps.db, user.id, 'fit_upload', id)).toBe(date);
      await rematchDay(t.deps.db, user.id, date, NOW, TODAY);
    }
    expect(await completion(past.id)).toMatchObject({ completion_status: 'missed', strava_activity_id: null, distance_meters: null });
    expect(await completion(now.id)).toBeUndefined();
    expect(await statusOf(now.id)).toBe('scheduled');
  });

  it('puts every verdict in the change log, so it reaches the phone on the next pull', async () => {
    const { user } = await signUp(t);
    const workout = await plan(user.id, '2026-03-02', 'easy', 8000);
    await store(user.id, fitRun('2026-03-02', 8000, 2700));
    const c = await completion(workout.id);
    const logged = await t.deps.db
      .select()
      .from(changeLog)
      .where(and(eq(changeLog.user_id, user.id), eq(changeLog.entity, 'workout_completions')));
    expect(logged.map((l) => [l.entity_id, l.op])).toEqual([[c!.id, 'u']]);
    const workoutLog = await t.deps.db
      .select()
      .from(changeLog)
      .where(and(eq(changeLog.user_id, user.id), eq(changeLog.entity_id, workout.id)));
    expect(workoutLog).toHaveLength(1);
  });
});
