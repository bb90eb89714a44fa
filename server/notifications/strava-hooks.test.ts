import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { notifications } from '../db/schema.ts';
import { accessTokenFor, StravaNeedsReconnect, type StravaCallContext } from '../strava/tokens.ts';
import { connectStrava, eventJson, processStoredEvents, pushEvent, useStravaTestApp } from '../strava/test-kit.ts';
import { call, signUp } from '../test/harness.ts';
import { deliver } from './deliver.ts';
import { deliveryEnv } from './jobs.ts';

// Strava access lost without the runner asking us: a deauthorization on strava.com (webhook) and
// a refresh token Strava refuses. One notification per lost connection; none for a disconnect
// the runner made in the app; none sent once they have reconnected.

const t = useStravaTestApp({ jobs: false });

const rowsOf = (userId: string) => t.deps.db.select().from(notifications).where(eq(notifications.user_id, userId));
const ctx = (): StravaCallContext => ({
  db: t.deps.db,
  dbKind: t.deps.dbKind,
  config: t.deps.config,
  now: t.deps.now,
  http: { timeoutMs: 2000, now: t.deps.now },
  uncertainRefreshWaitMs: 600_000,
});

describe('Strava disconnected', () => {
  it('notifies once when the athlete deauthorizes RunCoach on Strava', async () => {
    const { cookie, user } = await signUp(t);
    await connectStrava(t, cookie);
    const deauth = eventJson({
      object_type: 'athlete',
      aspect_type: 'update',
      object_id: t.standin.athleteId,
      owner_id: t.standin.athleteId,
      event_time: 1_772_437_100,
      updates: { authorized: 'false' },
    });
    t.standin.revokeAccess(); // on strava.com: our token stops working, so the job can confirm the event
    expect(await pushEvent(t, deauth)).toBe(200);
    expect(await pushEvent(t, deauth)).toBe(200); // Strava repeats itself
    await processStoredEvents(t);
    const rows = await rowsOf(user.id);
    expect(rows).toEqual([
      expect.objectContaining({
        notification_type: 'strava_disconnected',
        status: 'pending',
        subject: 'Strava is disconnected from RunCoach',
        payload: { reason: 'deauthorized' },
      }),
    ]);
    // No channel in this app: recorded as skipped, with the reason.
    expect(await deliver(deliveryEnv(t.deps), rows[0]!.id)).toBe('skipped');
  });

  it('notifies once per connection when Strava refuses the refresh token, and not after a reconnect', async () => {
    const { cookie, user } = await signUp(t);
    await connectStrava(t, cookie);
    t.standin.state.refreshTokens.clear();
    t.clock.advance(7 * 3600_000); // the access token expired: a refresh is needed
    await expect(accessTokenFor(ctx(), user.id)).rejects.toBeInstanceOf(StravaNeedsReconnect);
    await expect(accessTokenFor(ctx(), user.id)).rejects.toBeInstanceOf(StravaNeedsReconnect);
    const rows = await rowsOf(user.id);
    expect(rows).toEqual([
      expect.objectContaining({
        notification_type: 'strava_disconnected',
        subject: 'Reconnect Strava to keep your runs coming in',
        payload: { reason: 'token_revoked' },
      }),
    ]);

    await connectStrava(t, cookie);
    expect(
      await deliver({ ...deliveryEnv(t.deps), channel: { name: 'smtp', dedupes: false, send: () => Promise.reject(new Error('must not send')) } }, rows[0]!.id),
    ).toBe('skipped');
    expect((await rowsOf(user.id))[0]).toMatchObject({ status: 'skipped', error: 'Strava was connected again.' });
  });

  it('keeps one message, saying deauthorized, when Strava refuses the refresh and then confirms the deauthorization', async () => {
    const { cookie, user } = await signUp(t);
    await connectStrava(t, cookie);
    t.standin.revokeAccess();
    t.clock.advance(7 * 3600_000);
    await expect(accessTokenFor(ctx(), user.id)).rejects.toBeInstanceOf(StravaNeedsReconnect);
    const deauth = eventJson({
      object_type: 'athlete',
      aspect_type: 'update',
      object_id: t.standin.athleteId,
      owner_id: t.standin.athleteId,
      event_time: Math.floor(t.clock.now().getTime() / 1000),
      updates: { authorized: 'false' },
    });
    expect(await pushEvent(t, deauth)).toBe(200);
    await processStoredEvents(t);
    const rows = await rowsOf(user.id);
    expect(rows).toEqual([
      expect.objectContaining({ status: 'pending', subject: 'Strava is disconnected from RunCoach', payload: { reason: 'deauthorized' } }),
    ]);
    // With its tokens purged, the deauthorized message is still news (a token_revoked one would be skipped).
    expect(await deliver(deliveryEnv(t.deps), rows[0]!.id)).toBe('skipped');
    expect((await rowsOf(user.id))[0]!.error).not.toMatch(/disconnected in RunCoach|connected again/);
  });

  it('does not notify a runner who disconnects in the app', async () => {
    const { cookie, user } = await signUp(t);
    await connectStrava(t, cookie);
    expect((await call(t.app, 'POST', '/api/strava/disconnect', { cookie, origin: 'http://localhost:8787' })).status).toBe(200);
    expect(await rowsOf(user.id)).toEqual([]);
  });
});
