import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../db/database.ts';
import { stravaActivities, stravaConnections, stravaSettings } from '../db/schema.ts';
import { openTestPglite } from '../test/databases.ts';
import { call, signUp } from '../test/harness.ts';
import { readStravaFixture } from '../test/strava-standin.ts';
import { allSettled, connectStrava, eventJson, pushEvent, stravaTestApp, waitFor, type StravaTestApp } from './test-kit.ts';

// The backfill on connect: 500 activities over pages of 200 under a tiny read limit (2 per
// 15 minutes). The queue must pause when Strava's headers say the window is spent, and after a
// 429, and resume in the next window without losing a page or an event. Windows are moved on
// the fake app clock; the queue re-checks the pause every 150 ms of real time.

let handle: DatabaseHandle;
let t: StravaTestApp;
beforeAll(async () => {
  handle = await openTestPglite();
  t = await stravaTestApp(handle, { standin: { activityCount: 500, limits: { readLimit15: 2 } } });
});
afterAll(async () => {
  await t.close();
  await handle.close();
});

const pausedUntil = async () => (await t.deps.db.select().from(stravaSettings))[0]?.paused_until ?? null;
const progress = async (userId: string) => (await t.deps.db.select().from(stravaConnections).where(eq(stravaConnections.user_id, userId)))[0]!;
const pagesRequested = () => t.standin.state.requests.filter((r) => r.route === 'activities').map((r) => Number(r.query.page));

/** Moves the app clock to the end of the pause and gives the stand-in a fresh 15-minute window. */
function nextWindow(until: Date): void {
  t.clock.advance(until.getTime() - t.clock.now().getTime() + 1000);
  Object.assign(t.standin.state.rateLimit, { usage15: 0, readUsage15: 0 });
}

describe('backfill under Strava rate limits', () => {
  it('fetches 500 activities across pages, pausing and resuming the queue without dropping any work', async () => {
    const { cookie, user } = await signUp(t);
    expect(await connectStrava(t, cookie)).toBe('/settings?strava=connected');

    // Two reads spend the window: pages 1 and 2 arrive, then every Strava job waits for 07:15.
    const firstPause = await waitFor(pausedUntil, 10_000, 'the first pause');
    expect(firstPause.toISOString()).toBe('2026-03-02T07:15:00.000Z');
    await waitFor(async () => (await progress(user.id)).backfill_next_page === 3, 10_000, 'two pages stored');
    expect(await progress(user.id)).toMatchObject({ backfill_status: 'running', backfill_activities: 400 });
    const status = await call(t.app, 'GET', '/api/strava/status', { cookie });
    expect(status.json.backfill).toMatchObject({ status: 'running', pages_done: 2, activities: 400 });

    // A webhook event during the pause waits too: nothing is sent to Strava while paused.
    const detail = readStravaFixture('activity_detailed_run.json').replace('"id": 1946417534', '"id": 18000000000009999');
    t.standin.putActivity('18000000000009999', detail);
    expect(
      await pushEvent(t, eventJson({ aspect_type: 'create', object_id: '18000000000009999', owner_id: t.standin.athleteId, event_time: 1_772_500_000 })),
    ).toBe(200);
    const requestsWhilePaused = t.standin.state.requests.length;
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(t.standin.state.requests.length).toBe(requestsWhilePaused);

    // Next window, but Strava answers the first read with a 429: pause again until 07:30.
    t.standin.fault('activities', 429, 1);
    nextWindow(firstPause);
    await waitFor(async () => (await pausedUntil())?.toISOString() === '2026-03-02T07:30:00.000Z', 10_000, 'the pause after a 429');

    // From here on, each window serves what it can until the backfill and the event are done.
    for (let window = 0; window < 10; window++) {
      const done = (await progress(user.id)).backfill_status === 'done' && (await allSettled(t, user.id));
      if (done) break;
      const until = await waitFor(
        async () => {
          const paused = await pausedUntil();
          if (paused && paused.getTime() > t.clock.now().getTime()) return paused;
          return (await progress(user.id)).backfill_status === 'done' && (await allSettled(t, user.id)) ? new Date(0) : null;
        },
        10_000,
        'a pause or the end',
      );
      if (until.getTime() > 0) nextWindow(until);
    }
    expect(await progress(user.id)).toMatchObject({ backfill_status: 'done', backfill_activities: 500, backfill_next_page: 4 });
    const [{ n }] = (await t.deps.db
      .select({ n: sql<number>`count(*)::int` })
      .from(stravaActivities)
      .where(eq(stravaActivities.user_id, user.id))) as [{ n: number }];
    expect(n).toBe(501);
    // Page 3 was asked twice (429, then served): no page skipped, none stored twice.
    expect(pagesRequested()).toEqual([1, 2, 3, 3, 4]);
    // The event's activity was fetched once; an attempt that met the exhausted window (a 429,
    // possible when the pause is recorded just after the job starts) was retried, not dropped.
    const fetches = t.standin.state.requests.filter((r) => r.route === 'activity');
    expect(fetches.filter((r) => r.status === 200)).toHaveLength(1);
    expect(fetches.filter((r) => r.status !== 200 && r.status !== 429)).toEqual([]);
  });
});
