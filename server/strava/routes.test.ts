import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { stravaActivities, stravaEvents, stravaTokens, workoutCompletions, workouts } from '../db/schema.ts';
import { upsertActivity } from '../activities/store.ts';
import { rematchDay } from '../activities/matching.ts';
import { EVENTS_PER_RUNNER_PER_HOUR } from './event-guards.ts';
import { connectStrava, eventJson, pushEvent, recordSubscription, TEST_SUBSCRIPTION_ID, useStravaTestApp } from './test-kit.ts';
import { toActivity } from './api/index.ts';
import { decryptToken } from './token-crypto.ts';
import { buildTestApp, call, signUp } from '../test/harness.ts';

// Strava's routes without a job queue: OAuth with its state checks, status, disconnect, the
// webhook's validation and fast path, and that nothing of Strava's leaks to other users, the
// database in clear, or the log.

const t = useStravaTestApp({ jobs: false });

const tokenRequests = () => t.standin.state.requests.filter((r) => r.route === 'token').length;

describe('without Strava credentials', () => {
  it('answers 503 strava_not_configured saying how to configure it, and the status says so too', async () => {
    const bare = buildTestApp(t.handle);
    const { cookie } = await signUp(bare);
    for (const [method, path] of [
      ['GET', '/api/strava/connect'],
      ['GET', '/api/strava/callback?code=x&state=y'],
      ['POST', '/api/strava/disconnect'],
      ['POST', '/api/strava/webhook'],
    ] as const) {
      const response = await call(bare.app, method, path, { cookie });
      expect(response.status, path).toBe(503);
      expect(response.json.error.code).toBe('strava_not_configured');
      expect(response.json.error.message).toMatch(/STRAVA_CLIENT_ID.*STRAVA_CLIENT_SECRET/);
    }
    const status = await call(bare.app, 'GET', '/api/strava/status', { cookie });
    expect(status.json).toMatchObject({ configured: false, connected: false });
    expect(status.json.configure).toMatch(/STRAVA_CLIENT_ID/);
  });
});

describe('connecting with OAuth', () => {
  it('connects: one-time state, granted scope checked, tokens stored encrypted with the athlete id', async () => {
    const { cookie, user } = await signUp(t);
    expect(await connectStrava(t, cookie)).toBe('/settings?strava=connected');
    const authorize = t.standin.state.authorizeQueries.at(-1)!;
    expect(authorize).toMatchObject({
      client_id: t.standin.clientId,
      response_type: 'code',
      scope: 'read,activity:read_all',
      redirect_uri: 'http://localhost:8787/api/strava/callback',
    });
    expect(authorize.state!.length).toBeGreaterThanOrEqual(32);

    const [row] = await t.deps.db
      .select()
      .from(stravaTokens)
      .where(sql`user_id = ${user.id}`);
    expect(row!.strava_athlete_id).toBe('18014398509481985'); // beyond 2^53, exact
    const issued = [...t.standin.state.accessTokens.keys()];
    expect(issued).toContain(decryptToken(t.deps.config.tokenEncryptionKey, row!.access_token, `strava:access:${user.id}`));
    expect(row!.access_token).not.toContain('at_');
    // Bound to its column: the access ciphertext does not decrypt as the refresh token.
    expect(() => decryptToken(t.deps.config.tokenEncryptionKey, row!.access_token, `strava:refresh:${user.id}`)).toThrow();

    const status = await call(t.app, 'GET', '/api/strava/status', { cookie });
    expect(status.json).toMatchObject({
      configured: true,
      connected: true,
      strava_athlete_id: '18014398509481985',
      activity_read: true,
      private_activities: true,
      needs_reconnect: false,
      backfill: { status: 'pending', pages_done: 0, activities: 0 },
      last_error: null,
    });
    expect(status.json.policy).toMatch(/7 days/);
  });

  it("refuses a reused, a wrong, another session's or an expired state without exchanging the code", async () => {
    const { cookie } = await signUp(t);
    let replay = '';
    expect(await connectStrava(t, cookie, (url) => void (replay = `${url.pathname}${url.search}`))).toBe('/settings?strava=connected');
    const before = tokenRequests();
    const reused = await call(t.app, 'GET', replay, { cookie });
    expect(reused.headers.get('location')).toBe('/settings?strava=error&reason=state');

    expect(await connectStrava(t, cookie, (url) => url.searchParams.set('state', 'forged-state-value'))).toBe('/settings?strava=error&reason=state');
    expect(await connectStrava(t, cookie, (url) => url.searchParams.delete('state'))).toBe('/settings?strava=error&reason=state');

    // The state belongs to the session that asked: another signed-in user cannot use it.
    const other = await signUp(t);
    const connect = await call(t.app, 'GET', '/api/strava/connect', { cookie });
    const authorize = await fetch(connect.headers.get('location')!, { redirect: 'manual' });
    const callback = new URL(authorize.headers.get('location')!);
    const foreign = await call(t.app, 'GET', `${callback.pathname}${callback.search}`, { cookie: other.cookie });
    expect(foreign.headers.get('location')).toBe('/settings?strava=error&reason=state');
    // …and it was used up by that attempt.
    const late = await call(t.app, 'GET', `${callback.pathname}${callback.search}`, { cookie });
    expect(late.headers.get('location')).toBe('/settings?strava=error&reason=state');

    expect(await connectStrava(t, cookie, () => t.clock.advance(11 * 60_000))).toBe('/settings?strava=error&reason=state');
    expect(tokenRequests()).toBe(before);
  });

  it('reports a denial and a grant without activity access, storing nothing', async () => {
    const { cookie, user } = await signUp(t);
    const denied = await connectStrava(t, cookie, (url) => {
      url.searchParams.delete('code');
      url.searchParams.set('error', 'access_denied');
    });
    expect(denied).toBe('/settings?strava=denied');
    expect(await connectStrava(t, cookie, (url) => url.searchParams.set('scope', 'read'))).toBe('/settings?strava=missing_scope');
    expect(
      await t.deps.db
        .select()
        .from(stravaTokens)
        .where(sql`user_id = ${user.id}`),
    ).toHaveLength(0);
    expect((await call(t.app, 'GET', '/api/strava/status', { cookie })).json.connected).toBe(false);
  });

  it('refuses to link an athlete another account already holds', async () => {
    const first = await signUp(t);
    const second = await signUp(t);
    expect(await connectStrava(t, first.cookie)).toBe('/settings?strava=connected');
    expect(await connectStrava(t, second.cookie, () => {}, { keepOtherLinks: true })).toBe('/settings?strava=error&reason=athlete_linked');
    expect((await call(t.app, 'GET', '/api/strava/status', { cookie: first.cookie })).json.connected).toBe(true);
  });

  it('needs a session to connect', async () => {
    expect((await call(t.app, 'GET', '/api/strava/connect')).status).toBe(401);
    expect((await call(t.app, 'GET', '/api/strava/status')).status).toBe(401);
    expect((await call(t.app, 'POST', '/api/strava/disconnect')).status).toBe(401);
    expect((await call(t.app, 'GET', '/api/strava/callback?code=x&state=y')).headers.get('location')).toBe('/settings?strava=error&reason=signed_out');
  });
});

describe('the webhook', () => {
  it('validates the subscription with the verify token', async () => {
    const ok = await call(t.app, 'GET', '/api/strava/webhook?hub.mode=subscribe&hub.challenge=15f7d1a91c1f40f8a748fd134752feb3&hub.verify_token=verify-me');
    expect(ok.status).toBe(200);
    expect(ok.json).toEqual({ 'hub.challenge': '15f7d1a91c1f40f8a748fd134752feb3' });
    expect((await call(t.app, 'GET', '/api/strava/webhook?hub.mode=subscribe&hub.challenge=x&hub.verify_token=wrong')).status).toBe(403);
    expect((await call(t.app, 'GET', '/api/strava/webhook?hub.challenge=x&hub.verify_token=verify-me')).status).toBe(403);
  });

  it('takes events without a session or Origin, stores each once, ignores unknown owners and subscriptions', async () => {
    const { cookie, user } = await signUp(t);
    await connectStrava(t, cookie);
    const owner = t.standin.athleteId;
    const create = eventJson({ aspect_type: 'create', object_id: '18000000000000001', owner_id: owner, event_time: 1_772_435_000 });
    for (let i = 0; i < 3; i++) expect(await pushEvent(t, create)).toBe(200);
    expect(await pushEvent(t, eventJson({ aspect_type: 'create', object_id: '5', owner_id: '999', event_time: 1 }))).toBe(200);
    expect(await pushEvent(t, 'not an event')).toBe(200);
    const rows = await t.deps.db
      .select()
      .from(stravaEvents)
      .where(sql`user_id = ${user.id}`);
    expect(rows.map((r) => [r.object_id, r.status])).toEqual([['18000000000000001', 'received']]);
    expect(t.log.lines.some((line) => line.includes('unknown_owner'))).toBe(true);

    // Events naming another subscription than the one our command recorded are ignored.
    expect(
      await pushEvent(
        t,
        eventJson({ aspect_type: 'update', object_id: '18000000000000001', owner_id: owner, subscription_id: '666', event_time: 1_772_435_100 }),
      ),
    ).toBe(200);
    expect(await pushEvent(t, eventJson({ aspect_type: 'update', object_id: '18000000000000001', owner_id: owner, event_time: 1_772_435_200 }))).toBe(200);
    expect(
      await t.deps.db
        .select()
        .from(stravaEvents)
        .where(sql`user_id = ${user.id}`),
    ).toHaveLength(2);
  });

  it('refuses every event while no subscription is recorded: nothing stored, no Strava call', async () => {
    const { cookie, user } = await signUp(t);
    await connectStrava(t, cookie);
    await recordSubscription(t, null);
    try {
      const calls = t.standin.state.requests.length;
      const owner = t.standin.athleteId;
      const forged = [
        eventJson({ aspect_type: 'create', object_id: '18000000000000003', owner_id: owner, subscription_id: '777', event_time: 1_772_435_300 }),
        eventJson({ aspect_type: 'delete', object_id: '18000000000000003', owner_id: owner, subscription_id: '777', event_time: 1_772_435_301 }),
        eventJson({
          object_type: 'athlete',
          aspect_type: 'update',
          object_id: owner,
          owner_id: owner,
          subscription_id: '777',
          event_time: 1_772_435_302,
          updates: { authorized: 'false' },
        }),
      ];
      for (const body of forged) expect(await pushEvent(t, body)).toBe(200);
      expect(
        await t.deps.db
          .select()
          .from(stravaEvents)
          .where(sql`user_id = ${user.id}`),
      ).toHaveLength(0);
      expect(t.standin.state.requests.length).toBe(calls);
      expect(t.log.lines.some((line) => line.includes('no_subscription'))).toBe(true);
      // The validation GET still works: creating the subscription needs it.
      expect((await call(t.app, 'GET', '/api/strava/webhook?hub.mode=subscribe&hub.challenge=abc&hub.verify_token=verify-me')).json).toEqual({
        'hub.challenge': 'abc',
      });
    } finally {
      await recordSubscription(t, TEST_SUBSCRIPTION_ID);
    }
  });

  it(`stores at most ${EVENTS_PER_RUNNER_PER_HOUR} events per runner an hour, a burst in one batch included`, async () => {
    const { cookie, user } = await signUp(t);
    await connectStrava(t, cookie);
    const stored = async () =>
      (
        await t.deps.db
          .select()
          .from(stravaEvents)
          .where(sql`user_id = ${user.id}`)
      ).length;
    const body = (i: number) =>
      eventJson({
        aspect_type: 'update',
        object_id: String(18_000_000_000_100_000n + BigInt(i)),
        owner_id: t.standin.athleteId,
        event_time: 1_772_500_000 + i,
      });
    const statuses = await Promise.all(Array.from({ length: EVENTS_PER_RUNNER_PER_HOUR + 10 }, (_, i) => pushEvent(t, body(i))));
    expect(statuses.every((s) => s === 200)).toBe(true);
    expect(await stored()).toBe(EVENTS_PER_RUNNER_PER_HOUR);
    expect(await pushEvent(t, body(1000))).toBe(200);
    expect(await stored()).toBe(EVENTS_PER_RUNNER_PER_HOUR);
    expect(t.log.lines.some((line) => line.includes('too_many_events'))).toBe(true);
    // A repeat of a stored event is still just a repeat, and the next hour has room again.
    expect(await pushEvent(t, body(0))).toBe(200);
    t.clock.advance(3600_000 + 1);
    expect(await pushEvent(t, body(1001))).toBe(200);
    expect(await stored()).toBe(EVENTS_PER_RUNNER_PER_HOUR + 1);
  });

  it('stores a delete and a deauthorization without changing anything: the job confirms them with Strava first', async () => {
    const { cookie, user } = await signUp(t);
    await connectStrava(t, cookie);
    const now = t.clock.now();
    const [workout] = await t.deps.db
      .insert(workouts)
      .values({
        user_id: user.id,
        scheduled_date: '2026-03-02',
        workout_type: 'easy',
        title: 'Easy 8 km',
        structure: { segments: [] },
        estimated_distance_meters: 8000,
      })
      .returning();
    const run = toActivity(
      {
        id: '18000000000000077',
        sport_type: 'Run',
        start_date: '2026-03-02T06:00:00Z',
        start_date_local: '2026-03-02T06:00:00Z',
        distance: 8100,
        moving_time: 2700,
        elapsed_time: 2800,
      },
      { fetchedAt: now },
    );
    await upsertActivity(t.deps.db, user.id, run.activity, { raw: {}, fetchedAt: now, now });
    await rematchDay(t.deps.db, user.id, '2026-03-02', now, '2026-03-02');

    const calls = t.standin.state.requests.length;
    expect(
      await pushEvent(t, eventJson({ aspect_type: 'delete', object_id: '18000000000000077', owner_id: t.standin.athleteId, event_time: 1_772_436_000 })),
    ).toBe(200);
    const deauth = eventJson({
      object_type: 'athlete',
      aspect_type: 'update',
      object_id: t.standin.athleteId,
      owner_id: t.standin.athleteId,
      event_time: 1_772_437_100,
      updates: { authorized: 'false' },
    });
    expect(await pushEvent(t, deauth)).toBe(200);
    // No job queue runs here: both wait, stored, and the webhook asked Strava nothing.
    expect(t.standin.state.requests.length).toBe(calls);
    const events = await t.deps.db
      .select()
      .from(stravaEvents)
      .where(sql`user_id = ${user.id}`);
    expect(events.map((e) => [e.object_type, e.aspect_type, e.status]).sort()).toEqual([
      ['activity', 'delete', 'received'],
      ['athlete', 'update', 'received'],
    ]);
    expect(
      await t.deps.db
        .select()
        .from(stravaActivities)
        .where(sql`user_id = ${user.id}`),
    ).toHaveLength(1);
    expect(
      (
        await t.deps.db
          .select()
          .from(workoutCompletions)
          .where(sql`workout_id = ${workout!.id}`)
      )[0]?.completion_status,
    ).toBe('completed');
    expect(
      await t.deps.db
        .select()
        .from(stravaTokens)
        .where(sql`user_id = ${user.id}`),
    ).toHaveLength(1);
    expect((await call(t.app, 'GET', '/api/strava/status', { cookie })).json.connected).toBe(true);
  });
});

describe('disconnecting and privacy', () => {
  it("revokes at Strava and purges the user's Strava data, keeping the completion verdict", async () => {
    const { cookie, user } = await signUp(t);
    await connectStrava(t, cookie);
    const now = t.clock.now();
    const [workout] = await t.deps.db
      .insert(workouts)
      .values({
        user_id: user.id,
        scheduled_date: '2026-03-01',
        workout_type: 'easy',
        title: 'Easy',
        structure: { segments: [] },
        estimated_distance_meters: 5000,
      })
      .returning();
    const run = toActivity(
      {
        id: '18000000000000090',
        sport_type: 'Run',
        start_date: '2026-03-01T06:00:00Z',
        start_date_local: '2026-03-01T07:00:00Z',
        distance: 5000,
        moving_time: 1500,
        elapsed_time: 1500,
      },
      { fetchedAt: now },
    );
    await upsertActivity(t.deps.db, user.id, run.activity, { raw: { secret: 'strava data' }, fetchedAt: now, now });
    await rematchDay(t.deps.db, user.id, '2026-03-01', now, '2026-03-02');

    const response = await call(t.app, 'POST', '/api/strava/disconnect', { cookie, origin: 'http://localhost:8787' });
    expect(response.status).toBe(200);
    expect(response.json).toEqual({ disconnected: true, revoked: 'revoked', activities_deleted: 1 });
    expect(t.standin.state.requests.at(-1)!.route).toBe('deauthorize');
    expect(
      await t.deps.db
        .select()
        .from(stravaTokens)
        .where(sql`user_id = ${user.id}`),
    ).toHaveLength(0);
    expect(
      await t.deps.db
        .select()
        .from(stravaActivities)
        .where(sql`user_id = ${user.id}`),
    ).toHaveLength(0);
    const [completion] = await t.deps.db
      .select()
      .from(workoutCompletions)
      .where(sql`workout_id = ${workout!.id}`);
    expect(completion).toMatchObject({ completion_status: 'completed', strava_activity_id: null, strava_activity_url: null, distance_meters: null });
    // Again: nothing left to revoke.
    expect((await call(t.app, 'POST', '/api/strava/disconnect', { cookie })).json.revoked).toBe('not_connected');
  });

  it("answers 404 for another user's activity ids and lists only one's own", async () => {
    const a = await signUp(t);
    const b = await signUp(t);
    const now = t.clock.now();
    const run = toActivity(
      {
        id: '18000000000000111',
        sport_type: 'Run',
        start_date: '2026-03-01T06:00:00Z',
        start_date_local: '2026-03-01T07:00:00Z',
        distance: 5000,
        moving_time: 1500,
        elapsed_time: 1500,
      },
      { fetchedAt: now },
    );
    const { row } = await upsertActivity(t.deps.db, a.user.id, run.activity, { raw: { x: 1 }, fetchedAt: now, now });
    const own = await call(t.app, 'GET', `/api/activities/${row.id}`, { cookie: a.cookie });
    expect(own.status).toBe(200);
    expect(own.json.activity).toMatchObject({
      id: row.id,
      external_id: '18000000000000111',
      strava_url: 'https://www.strava.com/activities/18000000000000111',
    });
    expect(own.json.activity).not.toHaveProperty('raw');
    expect((await call(t.app, 'GET', `/api/activities/${row.id}`, { cookie: b.cookie })).status).toBe(404);
    expect((await call(t.app, 'GET', '/api/activities/not-a-uuid', { cookie: b.cookie })).status).toBe(404);
    expect((await call(t.app, 'GET', '/api/activities?from=2026-02-01&to=2026-03-31', { cookie: b.cookie })).json.activities).toEqual([]);
    expect((await call(t.app, 'GET', '/api/activities?from=2026-02-01&to=2026-03-31', { cookie: a.cookie })).json.activities).toHaveLength(1);
    expect((await call(t.app, 'GET', '/api/activities?from=2026-04-01&to=2026-03-31', { cookie: a.cookie })).status).toBe(400);
  });

  it('keeps every token out of the database in clear and out of the log', async () => {
    const { cookie } = await signUp(t);
    await connectStrava(t, cookie);
    const tables = await t.deps.db.execute(
      sql`select table_schema, table_name from information_schema.tables where table_schema in ('public', 'pgboss', 'drizzle') and table_type = 'BASE TABLE'`,
    );
    let dump = '';
    for (const { table_schema: schema, table_name: name } of (tables as unknown as { rows: { table_schema: string; table_name: string }[] }).rows) {
      const rows = await t.deps.db.execute(sql.raw(`select t::text as line from "${schema}"."${name}" t`));
      dump += (rows as unknown as { rows: { line: string }[] }).rows.map((r) => r.line).join('\n');
    }
    expect(dump).toContain('18014398509481985'); // the athlete id is there: the dump is real
    const secrets = [
      ...t.standin.state.accessTokens.keys(),
      ...t.standin.state.refreshTokens,
      ...t.standin.state.codes.keys(),
      ...t.standin.state.requests.flatMap((r) => (r.form?.code ? [r.form.code] : [])),
    ];
    expect(secrets.length).toBeGreaterThan(5);
    for (const secret of secrets) {
      expect(dump).not.toContain(secret);
      expect(t.log.lines.join('\n')).not.toContain(secret);
    }
    expect(dump).not.toContain(t.standin.clientSecret);
  });
});
