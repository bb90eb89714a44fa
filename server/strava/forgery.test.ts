import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../db/database.ts';
import { auditEvents, notifications, stravaActivities, stravaConnections, stravaEvents, stravaSettings, stravaTokens } from '../db/schema.ts';
import { EVENTS_PER_RUNNER_PER_HOUR, MISSES_PER_RUNNER_PER_HOUR } from './event-guards.ts';
import { openTestPglite } from '../test/databases.ts';
import { signUp } from '../test/harness.ts';
import { readStravaFixture } from '../test/strava-standin.ts';
import { allSettled, connectStrava, eventJson, pushEvent, stravaTestApp, waitFor, type StravaTestApp } from './test-kit.ts';

// Forged webhook events (issue 15: findings H1, M1, L7) through the real route and job queue.
// Events carry no signature and the subscription id can be guessed, so Strava's own answer to
// the runner's token decides: a deauthorization purges only when the token no longer works, a
// delete removes only when the activity answers 404, made-up ids cost a bounded number of calls,
// and an activity is imported only when it is the runner's. The stand-in keeps Strava's default
// limits (100 reads per 15 min) so that a flood that spent them would pause every runner.

let handle: DatabaseHandle;
let t: StravaTestApp;
beforeAll(async () => {
  handle = await openTestPglite();
  t = await stravaTestApp(handle);
});
afterAll(async () => {
  await t.close();
  await handle.close();
});

/** The fixture's detailed run as Strava would serve it for `id`, with some fields changed. */
function detail(id: string, fields: Record<string, unknown> = {}): string {
  const { id: _id, ...fixture } = JSON.parse(readStravaFixture('activity_detailed_run.json')) as Record<string, unknown>;
  const body = { ...fixture, start_date: '2026-03-02T06:10:00Z', start_date_local: '2026-03-02T07:10:00Z', ...fields };
  return `{"id":${id},${JSON.stringify(body).slice(1)}`;
}

let nextEventTime = 1_772_600_000;
const event = (aspect: 'create' | 'update' | 'delete', id: string, updates: Record<string, string> = {}) =>
  eventJson({ aspect_type: aspect, object_id: id, owner_id: t.standin.athleteId, event_time: nextEventTime++, updates });
const deauthorization = () =>
  eventJson({
    object_type: 'athlete',
    aspect_type: 'update',
    object_id: t.standin.athleteId,
    owner_id: t.standin.athleteId,
    event_time: nextEventTime++,
    updates: { authorized: 'false' },
  });

const activityGets = (id?: string) => t.standin.state.requests.filter((r) => r.route === 'activity' && (id === undefined || r.path.endsWith(`/${id}`))).length;
const activitiesOf = (userId: string) => t.deps.db.select().from(stravaActivities).where(eq(stravaActivities.user_id, userId));
const eventsOf = (userId: string) => t.deps.db.select().from(stravaEvents).where(eq(stravaEvents.user_id, userId));
const tokensOf = (userId: string) => t.deps.db.select().from(stravaTokens).where(eq(stravaTokens.user_id, userId));

async function runner() {
  const account = await signUp(t);
  expect(await connectStrava(t, account.cookie)).toBe('/settings?strava=connected');
  await waitFor(
    async () => (await t.deps.db.select().from(stravaConnections).where(eq(stravaConnections.user_id, account.user.id)))[0]?.backfill_status === 'done',
    10_000,
    'backfill',
  );
  return account;
}

/** A runner with one run imported from Strava through a `create` event. */
async function runnerWithRun(id: string) {
  const account = await runner();
  t.standin.putActivity(id, detail(id, { name: 'Morning run' }));
  expect(await pushEvent(t, event('create', id))).toBe(200);
  await waitFor(() => allSettled(t, account.user.id), 10_000, 'create processed');
  expect((await activitiesOf(account.user.id)).map((a) => a.external_id)).toEqual([id]);
  return account;
}

describe('forged events change nothing; the real ones still do', () => {
  it("ignores a deauthorization while the runner's token still works at Strava, and purges once Strava confirms it", async () => {
    const { user } = await runnerWithRun('18000000000000701');
    expect(await pushEvent(t, deauthorization())).toBe(200);
    await waitFor(() => allSettled(t, user.id), 10_000, 'deauthorization processed');
    const forged = (await eventsOf(user.id)).find((e) => e.object_type === 'athlete');
    expect(forged).toMatchObject({ status: 'ignored', error: 'forged_deauthorization' });
    expect(await tokensOf(user.id)).toHaveLength(1);
    expect(await activitiesOf(user.id)).toHaveLength(1);
    expect(await t.deps.db.select().from(notifications).where(eq(notifications.user_id, user.id))).toEqual([]);
    expect(t.log.lines.some((l) => l.includes('deauthorization event not confirmed'))).toBe(true);
    expect(t.standin.state.requests.some((r) => r.route === 'athlete')).toBe(true);

    // The runner really revokes RunCoach on strava.com: their token stops working.
    t.standin.revokeAccess();
    expect(await pushEvent(t, deauthorization())).toBe(200);
    await waitFor(async () => (await tokensOf(user.id)).length === 0, 10_000, 'purge');
    expect(await activitiesOf(user.id)).toHaveLength(0);
    expect(await eventsOf(user.id)).toHaveLength(0);
    expect(await t.deps.db.select().from(notifications).where(eq(notifications.user_id, user.id))).toEqual([
      expect.objectContaining({ notification_type: 'strava_disconnected', payload: { reason: 'deauthorized' } }),
    ]);
    expect(await t.deps.db.select().from(auditEvents).where(eq(auditEvents.user_id, user.id))).toEqual(
      expect.arrayContaining([expect.objectContaining({ kind: 'strava_disconnected', detail: { by: 'strava' } })]),
    );
  });

  it('ignores a delete while Strava still serves the activity, leaving no tombstone; a real delete removes it for good', async () => {
    const id = '18000000000000702';
    const { user } = await runnerWithRun(id);
    expect(await pushEvent(t, event('delete', id))).toBe(200);
    await waitFor(() => allSettled(t, user.id), 10_000, 'delete processed');
    expect((await eventsOf(user.id)).find((e) => e.aspect_type === 'delete')).toMatchObject({ status: 'ignored', error: 'forged_delete' });
    expect(await activitiesOf(user.id)).toHaveLength(1);

    // Strava's later real update still applies.
    t.standin.putActivity(id, detail(id, { name: 'Renamed on Strava' }));
    expect(await pushEvent(t, event('update', id, { title: 'Renamed on Strava' }))).toBe(200);
    await waitFor(async () => (await activitiesOf(user.id))[0]?.name === 'Renamed on Strava', 10_000, 'update applied');

    // The runner really deletes it on Strava: the activity answers 404, and the run goes.
    t.standin.deleteActivity(id);
    expect(await pushEvent(t, event('delete', id))).toBe(200);
    await waitFor(async () => (await activitiesOf(user.id)).length === 0, 10_000, 'delete applied');
    await waitFor(() => allSettled(t, user.id), 10_000, 'delete settled');
    // Now a tombstone: a late event for it is ignored without asking Strava.
    const gets = activityGets(id);
    expect(await pushEvent(t, event('update', id))).toBe(200);
    await waitFor(() => allSettled(t, user.id), 10_000, 'late update settled');
    expect(activityGets(id)).toBe(gets);
    expect(
      (await eventsOf(user.id))
        .filter((e) => e.aspect_type === 'delete')
        .map((e) => e.status)
        .sort(),
    ).toEqual(['ignored', 'processed']);
  });

  it('does not import an activity of another athlete', async () => {
    const { user } = await runner();
    t.standin.putActivity('18000000000000703', detail('18000000000000703'), 0, '424242');
    expect(await pushEvent(t, event('create', '18000000000000703'))).toBe(200);
    await waitFor(() => allSettled(t, user.id), 10_000, 'create processed');
    expect((await eventsOf(user.id))[0]).toMatchObject({ status: 'ignored', error: 'foreign_athlete' });
    expect(await activitiesOf(user.id)).toHaveLength(0);
  });
});

describe("another athlete's activities", () => {
  it('are not imported by the backfill either', async () => {
    const summary = (id: string, athlete: string) => ({
      id,
      athlete: { id: athlete, resource_state: 1 },
      name: `Run ${id}`,
      sport_type: 'Run',
      type: 'Run',
      start_date: '2026-02-20T06:00:00Z',
      start_date_local: '2026-02-20T07:00:00Z',
      distance: 5000,
      moving_time: 1500,
      elapsed_time: 1560,
    });
    t.standin.state.activities.push(summary('18000000000000731', t.standin.athleteId), summary('18000000000000732', '424242'));
    try {
      const { user } = await runner();
      expect((await activitiesOf(user.id)).map((a) => a.external_id)).toEqual(['18000000000000731']);
    } finally {
      t.standin.state.activities = [];
    }
  });
});

describe('made-up activity ids', () => {
  it('looks an unknown id up once, or twice after a create (a new activity may be served late), never 1/5/15 min later', async () => {
    const { user } = await runner();
    expect(await pushEvent(t, event('create', '18000000000000711'))).toBe(200);
    expect(await pushEvent(t, event('update', '18000000000000712'))).toBe(200);
    expect(await pushEvent(t, event('delete', '18000000000000713'))).toBe(200);
    await waitFor(() => allSettled(t, user.id), 10_000, 'events settled');
    expect([activityGets('18000000000000711'), activityGets('18000000000000712'), activityGets('18000000000000713')]).toEqual([2, 1, 1]);
    const byId = Object.fromEntries((await eventsOf(user.id)).map((e) => [e.object_id, e.status]));
    // A delete Strava confirmed (404) is one even for an activity we never held: a late create stays out.
    expect(byId).toEqual({ '18000000000000711': 'not_found', '18000000000000712': 'not_found', '18000000000000713': 'processed' });
  });

  it(`costs at most ${MISSES_PER_RUNNER_PER_HOUR} misses (plus the jobs in flight) for 110 forged creates, and never pauses Strava work`, async () => {
    const { user } = await runner();
    const before = activityGets();
    const ids = Array.from({ length: 110 }, (_, i) => String(18_000_000_000_900_000n + BigInt(i)));
    const statuses = await Promise.all(ids.map((id) => pushEvent(t, event('create', id))));
    expect(statuses.every((s) => s === 200)).toBe(true);
    await waitFor(() => allSettled(t, user.id), 20_000, 'forged creates settled');
    const spent = activityGets() - before;
    // One worker process handles up to 4 events side by side (FAST_JOBS keeps the default concurrency).
    expect(spent).toBeLessThanOrEqual(MISSES_PER_RUNNER_PER_HOUR + 4);
    expect(t.standin.state.requests.filter((r) => r.status === 429)).toHaveLength(0);
    expect((await t.deps.db.select().from(stravaSettings))[0]?.paused_until ?? null).toBeNull();
    const events = await eventsOf(user.id);
    expect(events.filter((e) => e.error === 'strava_lookup_budget_spent').length).toBeGreaterThan(90);
    expect(Math.max(...events.map((e) => e.attempts))).toBeLessThanOrEqual(2);
    expect(await activitiesOf(user.id)).toHaveLength(0);

    // Another runner's real create is untouched by this runner's spent budget.
    const other = await runner();
    t.standin.putActivity('18000000000000721', detail('18000000000000721'));
    expect(await pushEvent(t, event('create', '18000000000000721'))).toBe(200);
    await waitFor(() => allSettled(t, other.user.id), 10_000, 'real create processed');
    expect(await activitiesOf(other.user.id)).toHaveLength(1);
  });

  it("still acts on a real deauthorization after a flood of forged creates filled the runner's hourly cap", async () => {
    const { user } = await runnerWithRun('18000000000000741');
    const ids = Array.from({ length: EVENTS_PER_RUNNER_PER_HOUR + 10 }, (_, i) => String(18_000_000_000_950_000n + BigInt(i)));
    await Promise.all(ids.map((id) => pushEvent(t, event('create', id))));
    await waitFor(() => allSettled(t, user.id), 20_000, 'forged creates settled');
    t.standin.revokeAccess();
    expect(await pushEvent(t, deauthorization())).toBe(200);
    await waitFor(async () => (await tokensOf(user.id)).length === 0, 10_000, 'purge after the flood');
    expect(await activitiesOf(user.id)).toHaveLength(0);
  });
});
