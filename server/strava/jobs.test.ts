import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../db/database.ts';
import { sessions, stravaActivities, stravaConnections, stravaEvents, stravaTokens, workoutCompletions, workouts } from '../db/schema.ts';
import { accessTokenFor } from './tokens.ts';
import { decryptToken } from './token-crypto.ts';
import { openTestPglite } from '../test/databases.ts';
import { signUp } from '../test/harness.ts';
import { readStravaFixture } from '../test/strava-standin.ts';
import { runRetentionPurge, scheduleMaintenance, SCHEDULES } from '../operator/maintenance.ts';
import { allSettled, connectStrava, eventJson, eventStatuses, pushEvent, stravaTestApp, waitFor, type StravaTestApp } from './test-kit.ts';

// Webhook events through the real job queue (pg-boss on PGlite) against the Strava stand-in:
// create/update/delete, repeats, out-of-order arrival, 404s right after create, token refresh
// under concurrency and after a timeout, and the 7-day purge. The app clock is fake; the
// queue's real-time waits are capped at 150 ms, so nothing here waits minutes.

let handle: DatabaseHandle;
let t: StravaTestApp;
beforeAll(async () => {
  handle = await openTestPglite();
  // Limits high enough that no test here pauses the queue (backfill.test.ts is about pausing).
  t = await stravaTestApp(handle, { standin: { rotateRefreshTokens: true, limits: { readLimit15: 10_000, limit15: 10_000 } } });
});
afterAll(async () => {
  await t.close();
  await handle.close();
});

/** The fixture's detailed run as Strava would serve it for `id`, with some fields changed. */
function detail(id: string, fields: Record<string, unknown> = {}): string {
  const { id: _id, ...fixture } = JSON.parse(readStravaFixture('activity_detailed_run.json')) as Record<string, unknown>;
  const body = {
    ...fixture,
    workout_type: 0,
    start_date: '2026-03-02T06:10:00Z',
    start_date_local: '2026-03-02T07:10:00Z',
    distance: 8200,
    moving_time: 2900,
    elapsed_time: 3000,
    ...fields,
  };
  return `{"id":${id},${JSON.stringify(body).slice(1)}`;
}

const activityGets = (id: string) => t.standin.state.requests.filter((r) => r.route === 'activity' && r.path.endsWith(`/${id}`)).length;
let nextEventTime = 1_772_440_000;
const event = (aspect: 'create' | 'update' | 'delete', id: string, updates: Record<string, string> = {}, time = nextEventTime++) =>
  eventJson({ aspect_type: aspect, object_id: id, owner_id: t.standin.athleteId, event_time: time, updates });

async function runner() {
  const account = await signUp(t);
  expect(await connectStrava(t, account.cookie)).toBe('/settings?strava=connected');
  // The stand-in lists no activities here: the backfill ends at its first, empty page.
  await waitFor(
    async () => (await t.deps.db.select().from(stravaConnections).where(eq(stravaConnections.user_id, account.user.id)))[0]?.backfill_status === 'done',
    10_000,
    'backfill',
  );
  return account;
}

async function planWorkout(userId: string, date: string, distance: number) {
  const [row] = await t.deps.db
    .insert(workouts)
    .values({ user_id: userId, scheduled_date: date, workout_type: 'easy', title: 'Easy', structure: { segments: [] }, estimated_distance_meters: distance })
    .returning();
  return row!;
}

const activitiesOf = (userId: string) => t.deps.db.select().from(stravaActivities).where(eq(stravaActivities.user_id, userId));
const completionOf = async (workoutId: string) => (await t.deps.db.select().from(workoutCompletions).where(eq(workoutCompletions.workout_id, workoutId)))[0];

describe('Strava webhook events through the job queue', () => {
  it("creates, updates and deletes an activity, matching it to the day's workout", async () => {
    const { user } = await runner();
    const workout = await planWorkout(user.id, '2026-03-02', 8000);
    t.standin.putActivity('18000000000000501', detail('18000000000000501', { name: 'Morning easy' }));
    expect(await pushEvent(t, event('create', '18000000000000501'))).toBe(200);
    await waitFor(() => allSettled(t, user.id), 10_000, 'create processed');
    const [stored] = await activitiesOf(user.id);
    expect(stored).toMatchObject({ source: 'strava', external_id: '18000000000000501', name: 'Morning easy', local_date: '2026-03-02', distance_meters: 8200 });
    expect(stored!.raw_data).toMatchObject({ id: '18000000000000501', name: 'Morning easy' });
    expect(stored!.fetched_at).toEqual(t.clock.now());
    expect(await completionOf(workout.id)).toMatchObject({
      completion_status: 'completed',
      strava_activity_id: stored!.id,
      strava_activity_url: 'https://www.strava.com/activities/18000000000000501',
    });

    // An update (the title changed on Strava) refetches the current state.
    t.standin.putActivity('18000000000000501', detail('18000000000000501', { name: 'Renamed', distance: 5000 }));
    await pushEvent(t, event('update', '18000000000000501', { title: 'Renamed' }));
    await waitFor(async () => (await activitiesOf(user.id))[0]?.name === 'Renamed', 10_000, 'update processed');
    expect(await completionOf(workout.id)).toMatchObject({ completion_status: 'partial', distance_meters: 5000 });

    // Deleted on Strava: the job confirms it (the activity answers 404) and removes it.
    t.standin.deleteActivity('18000000000000501');
    await pushEvent(t, event('delete', '18000000000000501'));
    await waitFor(() => allSettled(t, user.id), 10_000, 'delete processed');
    expect(await activitiesOf(user.id)).toHaveLength(0);
    expect(await completionOf(workout.id)).toBeUndefined();
    expect(await eventStatuses(t, user.id)).toEqual(['processed', 'processed', 'processed']);
  });

  it('processes an event Strava sends three times exactly once', async () => {
    const { user } = await runner();
    t.standin.putActivity('18000000000000502', detail('18000000000000502'));
    const body = event('create', '18000000000000502');
    expect(await Promise.all([pushEvent(t, body), pushEvent(t, body), pushEvent(t, body)])).toEqual([200, 200, 200]);
    await waitFor(() => allSettled(t, user.id), 10_000, 'event processed');
    expect(await eventStatuses(t, user.id)).toEqual(['processed']);
    expect(activityGets('18000000000000502')).toBe(1);
    expect(await activitiesOf(user.id)).toHaveLength(1);
  });

  it('copes with events out of order: a delete before its create, an update before its create', async () => {
    const { user } = await runner();
    // 503 was created and deleted on Strava before we looked: it answers 404.
    await pushEvent(t, event('delete', '18000000000000503', {}, 1_772_450_100));
    await pushEvent(t, event('create', '18000000000000503', {}, 1_772_450_000));
    t.standin.putActivity('18000000000000504', detail('18000000000000504', { name: 'Latest' }));
    await pushEvent(t, event('update', '18000000000000504', { title: 'Latest' }, 1_772_450_300));
    await pushEvent(t, event('create', '18000000000000504', {}, 1_772_450_200));
    await waitFor(async () => (await eventStatuses(t, user.id)).filter((s) => s !== 'received').length === 4, 10_000, 'events settled');
    const stored = await activitiesOf(user.id);
    expect(stored.map((a) => [a.external_id, a.name])).toEqual([['18000000000000504', 'Latest']]);
    // Deleted on Strava: never stored. The delete's own lookup confirmed it; the create looked at most once.
    expect(activityGets('18000000000000503')).toBeLessThanOrEqual(2);
  });

  it('looks again once for a new activity Strava cannot serve yet (404 after create), and gives up on one that never appears', async () => {
    const { user } = await runner();
    t.standin.putActivity('18000000000000505', detail('18000000000000505'), 1);
    await pushEvent(t, event('create', '18000000000000505'));
    await pushEvent(t, event('create', '18000000000000599'));
    await waitFor(() => allSettled(t, user.id), 10_000, 'events settled');
    expect(activityGets('18000000000000505')).toBe(2);
    // An id we never held: the first try and one more look, not the 1, 5 and 15 minute retries.
    expect(activityGets('18000000000000599')).toBe(2);
    const rows = await t.deps.db.select().from(stravaEvents).where(eq(stravaEvents.user_id, user.id));
    expect(rows.map((r) => [r.object_id, r.status]).sort()).toEqual([
      ['18000000000000505', 'processed'],
      ['18000000000000599', 'not_found'],
    ]);
    expect((await activitiesOf(user.id)).map((a) => a.external_id)).toEqual(['18000000000000505']);
  });

  it('retries a run we hold that Strava stops serving (1, 5, 15 min), then removes it', async () => {
    const { user } = await runner();
    t.standin.putActivity('18000000000000511', detail('18000000000000511'));
    await pushEvent(t, event('create', '18000000000000511'));
    await waitFor(() => allSettled(t, user.id), 10_000, 'create processed');
    // Made private without activity:read_all, or deleted with its event lost: 404 from now on.
    t.standin.deleteActivity('18000000000000511');
    await pushEvent(t, event('update', '18000000000000511', { private: 'true' }));
    await waitFor(() => allSettled(t, user.id), 10_000, 'update settled');
    expect(activityGets('18000000000000511')).toBe(1 + 4); // the create, then the first try + 3 retries
    expect(await activitiesOf(user.id)).toHaveLength(0);
    expect(await eventStatuses(t, user.id)).toEqual(['not_found', 'processed']);
  });

  it('refreshes an expiring token once for concurrent jobs and stores the rotated pair', async () => {
    const { user } = await runner();
    const storedRefresh = async () => {
      const [row] = await t.deps.db.select().from(stravaTokens).where(eq(stravaTokens.user_id, user.id));
      return decryptToken(t.deps.config.tokenEncryptionKey, row!.refresh_token, `strava:refresh:${user.id}`);
    };
    const original = await storedRefresh();
    t.clock.advance(6 * 3600_000); // the 6-hour access token has expired (the stand-in shares the clock)
    const before = t.standin.state.refreshCalls;
    for (const id of ['18000000000000506', '18000000000000507', '18000000000000508']) t.standin.putActivity(id, detail(id));
    await Promise.all(['18000000000000506', '18000000000000507', '18000000000000508'].map((id) => pushEvent(t, event('create', id))));
    await waitFor(() => allSettled(t, user.id), 10_000, 'events processed');
    expect(await eventStatuses(t, user.id)).toEqual(['processed', 'processed', 'processed']);
    expect(t.standin.state.refreshCalls - before).toBe(1);

    // Two callers at the very same moment: one refresh, both get the new token.
    t.clock.advance(6 * 3600_000);
    const ctx = { db: t.deps.db, dbKind: t.deps.dbKind, config: t.deps.config, now: t.deps.now, http: { now: t.deps.now }, uncertainRefreshWaitMs: 600_000 };
    const [a, b] = await Promise.all([accessTokenFor(ctx, user.id), accessTokenFor(ctx, user.id)]);
    expect(a).toBe(b);
    expect(t.standin.state.refreshCalls - before).toBe(2);
    // Rotated twice: the stored refresh token is the newest one, the original is dead at Strava.
    const latest = await storedRefresh();
    expect(latest).not.toBe(original);
    expect(t.standin.state.refreshTokens.has(latest)).toBe(true);
    expect(t.standin.state.refreshTokens.has(original)).toBe(false);
  });

  it('never blindly retries a refresh that timed out', async () => {
    const { cookie, user } = await runner();
    t.clock.advance(6 * 3600_000);
    const before = t.standin.state.refreshCalls;
    t.standin.fault('token', 'hang', 1);
    t.standin.putActivity('18000000000000509', detail('18000000000000509'));
    await pushEvent(t, event('create', '18000000000000509'));
    await waitFor(
      async () => (await t.deps.db.select().from(stravaConnections).where(eq(stravaConnections.user_id, user.id)))[0]?.refresh_uncertain_at,
      10_000,
      'refresh timed out',
    );
    // The job keeps being deferred (every 150 ms here) without touching the refresh token…
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect(t.standin.state.refreshCalls - before).toBe(1);
    expect(await eventStatuses(t, user.id)).toEqual(['received']);
    const status = await (await t.app.request('/api/strava/status', { headers: { cookie } })).json();
    expect(status.last_error.code).toBe('strava_refresh_uncertain');
    // …until the back-off has passed on the app clock: then one more try, which works here.
    t.clock.advance(10 * 60_000 + 1);
    await waitFor(() => allSettled(t, user.id), 10_000, 'event processed after the back-off');
    expect(t.standin.state.refreshCalls - before).toBe(2);
    expect(await eventStatuses(t, user.id)).toEqual(['processed']);
  });
});

describe('the 7-day purge', () => {
  it("drops Strava's raw data and details after 7 days; the completion keeps its Strava link", async () => {
    const { user } = await runner();
    const date = t.clock.now().toISOString().slice(0, 10);
    const workout = await planWorkout(user.id, date, 8000);
    t.standin.putActivity('18000000000000510', detail('18000000000000510', { start_date: `${date}T05:00:00Z`, start_date_local: `${date}T06:00:00Z` }));
    await pushEvent(t, event('create', '18000000000000510'));
    await waitFor(() => allSettled(t, user.id), 10_000, 'event processed');
    t.clock.advance(7 * 24 * 3600_000 - 60_000);
    await runRetentionPurge(t.deps, t.deps.jobs);
    expect((await activitiesOf(user.id))[0]!.raw_data).not.toBeNull();
    t.clock.advance(2 * 60_000);
    expect(await runRetentionPurge(t.deps, t.deps.jobs)).toMatch(/purged [1-9]\d* activities/);
    const [purged] = await activitiesOf(user.id);
    expect(purged).toMatchObject({
      raw_data: null,
      name: null,
      laps: null,
      average_heartrate: null,
      raw_purged_at: t.clock.now(),
      distance_meters: 8200,
      local_date: date,
    });
    expect(await completionOf(workout.id)).toMatchObject({
      completion_status: 'completed',
      strava_activity_id: purged!.id,
      strava_activity_url: 'https://www.strava.com/activities/18000000000000510',
    });
    const leftovers = await t.deps.db
      .select({ n: sql<number>`count(*)::int` })
      .from(stravaActivities)
      .where(
        and(eq(stravaActivities.source, 'strava'), sql`raw_data is not null`, sql`fetched_at <= ${new Date(t.clock.now().getTime() - 7 * 24 * 3600_000)}`),
      );
    expect(leftovers[0]!.n).toBe(0);
  });

  it('is scheduled hourly, with the missed-workout job', async () => {
    await scheduleMaintenance(t.deps.jobs!);
    const schedules = await t.deps.jobs!.boss.getSchedules();
    expect(Object.fromEntries(schedules.map((s) => [s.name, s.cron]))).toEqual(SCHEDULES);
  });

  it('also deletes sessions that have expired, and only those', async () => {
    const stale = await signUp(t);
    t.clock.advance(31 * 24 * 3600_000);
    const fresh = await signUp(t);
    expect(await runRetentionPurge(t.deps, t.deps.jobs)).toMatch(/[1-9]\d* expired sessions/);
    const left = await t.deps.db.select({ user: sessions.user_id }).from(sessions);
    expect(left.map((row) => row.user)).toContain(fresh.user.id);
    expect(left.map((row) => row.user)).not.toContain(stale.user.id);
  });
});
