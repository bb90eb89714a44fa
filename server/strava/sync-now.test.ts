import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../db/database.ts';
import { stravaActivities, stravaConnections } from '../db/schema.ts';
import { openTestPglite } from '../test/databases.ts';
import { call, signUp } from '../test/harness.ts';
import { connectStrava, stravaTestApp, waitFor, type StravaTestApp } from './test-kit.ts';

// "Sync now" (the Runaway seed's sync job, started by the runner): a catch-up import of the runs
// since the newest one, with the first import's progress; never two at once, a stuck one
// restarted, and not more often than every 15 minutes (Strava's limits are the whole app's).

let handle: DatabaseHandle;
let t: StravaTestApp;
beforeAll(async () => {
  handle = await openTestPglite();
  t = await stravaTestApp(handle, { standin: { activityCount: 3 } });
});
afterAll(async () => {
  await t.close();
  await handle.close();
});

const progress = async (userId: string) => (await t.deps.db.select().from(stravaConnections).where(eq(stravaConnections.user_id, userId)))[0]!;
const imported = async (userId: string) =>
  (await t.deps.db.select().from(stravaActivities).where(eq(stravaActivities.user_id, userId))).map((a) => a.strava_activity_id).sort();
const sync = (cookie: string) => call(t.app, 'POST', '/api/strava/sync', { cookie });

/** A new run on Strava, newer than every other. */
function newRunOnStrava(id: string, start: string) {
  const template = t.standin.state.activities[0]!;
  t.standin.state.activities.unshift({
    ...template,
    id,
    name: `Run ${id}`,
    start_date: start,
    start_date_local: start,
    upload_id: Number(id.slice(-6)),
    upload_id_str: id.slice(-6),
  });
}

describe('sync now', () => {
  it('catches up from the newest run, shows progress, and refuses a second sync within 15 minutes', async () => {
    const { cookie, user } = await signUp(t);
    expect(await connectStrava(t, cookie)).toBe('/settings?strava=connected');
    await waitFor(async () => (await progress(user.id)).backfill_status === 'done', 10_000, 'first import');
    expect(await imported(user.id)).toHaveLength(3);

    const tooSoon = await sync(cookie);
    expect(tooSoon.status).toBe(429);
    expect(tooSoon.json.error).toMatchObject({ code: 'sync_too_soon' });
    expect(tooSoon.json.error.message).toMatch(/Try again in \d+ minutes?\./);

    t.clock.advance(16 * 60_000);
    newRunOnStrava('18000000000000900', '2026-03-01T07:00:00Z');
    const requestsBefore = t.standin.state.requests.length;
    const started = await sync(cookie);
    expect(started.status).toBe(202);
    expect(started.json).toMatchObject({ started: true, status: { backfill: { status: 'pending', activities: 0, since: '2026-02-26T11:00:00.000Z' } } });
    await waitFor(async () => (await progress(user.id)).backfill_status === 'done', 10_000, 'catch-up');
    expect(await imported(user.id)).toContain('18000000000000900');
    const lists = t.standin.state.requests.slice(requestsBefore).filter((r) => r.route === 'activities');
    // Only the runs since two days before the newest (the three old ones are stored again, unchanged), never the whole history.
    expect(lists.length).toBeGreaterThan(0);
    expect(lists.every((r) => r.query.after === String(Date.parse('2026-02-26T11:00:00Z') / 1000))).toBe(true);
    expect((await call(t.app, 'GET', '/api/strava/status', { cookie })).json.backfill).toMatchObject({ status: 'done', activities: 4 });
    expect(await imported(user.id)).toHaveLength(4);
    // The stand-in has one athlete: the next test's runner connects it after this one lets go.
    expect((await call(t.app, 'POST', '/api/strava/disconnect', { cookie })).status).toBe(200);
  });

  it('answers the progress of an import under way instead of starting a second one, and restarts a stuck one', async () => {
    const { cookie, user } = await signUp(t);
    expect(await connectStrava(t, cookie)).toBe('/settings?strava=connected');
    await waitFor(async () => (await progress(user.id)).backfill_status === 'done', 10_000, 'first import');
    // An import that claims to run but stored nothing for a minute: still under way.
    await t.deps.db
      .update(stravaConnections)
      .set({ backfill_status: 'running', updated_at: new Date(t.clock.now().getTime() - 60_000) })
      .where(eq(stravaConnections.user_id, user.id));
    const generation = (await progress(user.id)).backfill_generation;
    const busy = await sync(cookie);
    expect(busy.status).toBe(202);
    expect(busy.json).toMatchObject({ started: false, status: { backfill: { status: 'running' } } });
    expect((await progress(user.id)).backfill_generation).toBe(generation);
    // Eleven minutes without a page: its job was lost; sync now starts it again.
    await t.deps.db
      .update(stravaConnections)
      .set({ updated_at: new Date(t.clock.now().getTime() - 11 * 60_000) })
      .where(eq(stravaConnections.user_id, user.id));
    const restarted = await sync(cookie);
    expect(restarted.json).toMatchObject({ started: true });
    expect((await progress(user.id)).backfill_generation).toBe(generation + 1);
    await waitFor(async () => (await progress(user.id)).backfill_status === 'done', 10_000, 'restarted import');
  });

  it('says what to do when Strava is not connected', async () => {
    const { cookie } = await signUp(t);
    const res = await sync(cookie);
    expect(res.status).toBe(409);
    expect(res.json.error).toMatchObject({ code: 'strava_not_connected', message: 'Connect Strava first: there is nothing to sync yet.' });
    expect((await call(t.app, 'POST', '/api/strava/sync', {})).status).toBe(401);
  });
});
