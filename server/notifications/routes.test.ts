import { describe, expect, it } from 'vitest';
import { DEFAULT_PREFERENCES } from '#shared/schema/notifications.ts';
import { createNotification } from './create.ts';
import { deliver } from './deliver.ts';
import { deliveryEnv } from './jobs.ts';
import { unsubscribeToken } from './unsubscribe.ts';
import { call, signUp, useTestApp } from '../test/harness.ts';
import { TestDevice } from '../test/sync-device.ts';

// /api/notifications: preferences (REST and sync), the log, one-click unsubscribe without a
// session, and one runner never seeing another's. No e-mail channel is configured here, so
// notifications are recorded as skipped with the reason.

const t = useTestApp();

async function logOf(cookie: string) {
  return (await call(t.app, 'GET', '/api/notifications', { cookie })).json;
}

describe('notification preferences', () => {
  it('answers the defaults without writing a row, and merges partial updates', async () => {
    const { cookie, user } = await signUp(t);
    const first = await call(t.app, 'GET', '/api/notifications/preferences', { cookie });
    expect(first.json.preferences).toEqual({ user_id: user.id, ...DEFAULT_PREFERENCES, updated_at: null, email_channel: null });

    const put = await call(t.app, 'PUT', '/api/notifications/preferences', {
      cookie,
      body: { reminder_time: '06:45', weekly_journal: false, quiet_hours_start: '22:30', quiet_hours_end: '06:30' },
    });
    expect(put.status).toBe(200);
    expect(put.json.preferences).toMatchObject({
      reminder_time: '06:45',
      weekly_journal: false,
      workout_reminder: true,
      quiet_hours_start: '22:30',
      quiet_hours_end: '06:30',
    });
    const again = await call(t.app, 'PUT', '/api/notifications/preferences', { cookie, body: { remind_rest_days: true } });
    expect(again.json.preferences).toMatchObject({ reminder_time: '06:45', weekly_journal: false, remind_rest_days: true });
    expect((await call(t.app, 'GET', '/api/notifications/preferences', { cookie })).json.preferences.updated_at).toBe(t.clock.now().toISOString());
  });

  it('refuses bad values with every issue, and half-set quiet hours', async () => {
    const { cookie } = await signUp(t);
    const bad = await call(t.app, 'PUT', '/api/notifications/preferences', { cookie, body: { reminder_time: '7pm', coach_proposal: 'yes', sms: true } });
    expect(bad.status).toBe(400);
    expect(bad.json.error.code).toBe('validation_failed');
    const paths = bad.json.error.issues.map((i: { path: string }) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['reminder_time', 'coach_proposal']));
    const half = await call(t.app, 'PUT', '/api/notifications/preferences', { cookie, body: { quiet_hours_start: '22:00' } });
    expect(half.status).toBe(400);
    expect(half.json.error.issues).toEqual([{ path: 'quiet_hours_end', message: 'quiet hours need both a start and an end (or neither)' }]);
    expect((await call(t.app, 'PUT', '/api/notifications/preferences', { cookie, body: {} })).status).toBe(400);
    expect((await call(t.app, 'GET', '/api/notifications/preferences')).status).toBe(401);
  });

  it('syncs to the phone, and the phone’s edits merge field by field', async () => {
    const { cookie, user } = await signUp(t);
    const phone = new TestDevice(t.app, cookie, () => t.clock.now().getTime());
    await call(t.app, 'PUT', '/api/notifications/preferences', { cookie, body: { reminder_time: '20:15' } });
    const pulled = await phone.pullAll();
    const change = pulled.changes.find((c: { entity: string }) => c.entity === 'notification_preferences');
    expect(change).toMatchObject({ id: user.id, op: 'u', row: expect.objectContaining({ reminder_time: '20:15', workout_reminder: true }) });
    expect(change.row.field_hlc).toBeUndefined();

    t.clock.advance(1000);
    const pushed = await phone.push([phone.mutation('notifications.preferences.update', { set: { weekly_journal: false } })]);
    expect(pushed.json.results).toEqual([expect.objectContaining({ status: 'applied' })]);
    const rejected = await phone.push([phone.mutation('notifications.preferences.update', { set: { quiet_hours_end: '07:00' } })]);
    expect(rejected.json.results).toEqual([expect.objectContaining({ status: 'rejected', error: expect.objectContaining({ code: 'validation_failed' }) })]);
    expect((await call(t.app, 'GET', '/api/notifications/preferences', { cookie })).json.preferences).toMatchObject({
      reminder_time: '20:15',
      weekly_journal: false,
      quiet_hours_end: null,
    });
  });
});

describe('one-click unsubscribe', () => {
  it('turns one kind off from the e-mail link without a session, and can be undone', async () => {
    const { cookie, user } = await signUp(t);
    const token = unsubscribeToken(t.deps.config.sessionSecret, user.id, 'weekly_journal');
    const page = await call(t.app, 'GET', `/api/notifications/unsubscribe?token=${token}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.json).toContain('Weekly journal e-mails');
    expect(page.json).toContain(`action="/api/notifications/resubscribe?token=${token}"`);
    const prefs = (await call(t.app, 'GET', '/api/notifications/preferences', { cookie })).json.preferences;
    expect(prefs).toMatchObject({ weekly_journal: false, workout_reminder: true });

    expect((await call(t.app, 'POST', `/api/notifications/resubscribe?token=${token}`, { origin: 'http://localhost:8787' })).status).toBe(200);
    expect((await call(t.app, 'GET', '/api/notifications/preferences', { cookie })).json.preferences.weekly_journal).toBe(true);
    // The token is never logged.
    expect(t.log.lines.join('\n')).not.toContain(token);
  });

  it('accepts the RFC 8058 one-click POST a mail client sends', async () => {
    const { cookie, user } = await signUp(t);
    const token = unsubscribeToken(t.deps.config.sessionSecret, user.id, 'workout_reminder');
    const res = await call(t.app, 'POST', `/api/notifications/unsubscribe?token=${token}`, {
      raw: 'List-Unsubscribe=One-Click',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(res.status).toBe(200);
    expect((await call(t.app, 'GET', '/api/notifications/preferences', { cookie })).json.preferences.workout_reminder).toBe(false);
  });

  it('refuses a forged token, and one runner’s token cannot be turned onto another', async () => {
    const a = await signUp(t);
    const b = await signUp(t);
    const token = unsubscribeToken(t.deps.config.sessionSecret, a.user.id, 'coach_proposal');
    const forged = token.replace(a.user.id, b.user.id);
    expect((await call(t.app, 'GET', `/api/notifications/unsubscribe?token=${forged}`)).status).toBe(404);
    expect((await call(t.app, 'GET', `/api/notifications/unsubscribe?token=${token.replace('coach_proposal', 'weekly_journal')}`)).status).toBe(404);
    expect((await call(t.app, 'GET', '/api/notifications/unsubscribe?token=nonsense')).status).toBe(404);
    expect((await call(t.app, 'GET', '/api/notifications/unsubscribe')).status).toBe(404);
    expect((await call(t.app, 'GET', '/api/notifications/preferences', { cookie: b.cookie })).json.preferences.coach_proposal).toBe(true);
  });
});

describe('the notification log', () => {
  it('records notifications as skipped when no e-mail channel is configured, and shows them', async () => {
    const { cookie, user } = await signUp(t);
    const id = await createNotification(t.deps.db, {
      userId: user.id,
      kind: 'strava_disconnected',
      key: `test:${user.id}`,
      dueAt: t.clock.now(),
      payload: { reason: 'deauthorized' },
    });
    expect((await logOf(cookie)).notifications).toEqual([expect.objectContaining({ id, status: 'pending' })]);
    expect(await deliver(deliveryEnv(t.deps), id!)).toBe('skipped');
    const log = await logOf(cookie);
    expect(log.email_channel).toBeNull();
    expect(log.notifications).toEqual([
      expect.objectContaining({
        id,
        notification_type: 'strava_disconnected',
        status: 'skipped',
        channel: 'email',
        subject: 'Strava is disconnected from RunCoach',
        sent_at: null,
        attempts: 0,
        error: 'No e-mail channel configured: the server has neither SMTP_URL nor RESEND_API_KEY.',
      }),
    ]);
    expect((await call(t.app, 'GET', '/api/notifications?status=skipped&notification_type=strava_disconnected', { cookie })).json.notifications).toHaveLength(
      1,
    );
    expect((await call(t.app, 'GET', '/api/notifications?status=sent', { cookie })).json.notifications).toHaveLength(0);
    expect((await call(t.app, 'GET', '/api/notifications?status=bogus', { cookie })).status).toBe(400);
  });

  it('never shows one runner’s notifications to another', async () => {
    const a = await signUp(t);
    const b = await signUp(t);
    const id = await createNotification(t.deps.db, {
      userId: a.user.id,
      kind: 'coach_proposal',
      key: `test:${a.user.id}`,
      dueAt: t.clock.now(),
      payload: { proposal_id: 'p', summary: 'Move the long run' },
    });
    expect((await call(t.app, 'GET', `/api/notifications/${id}`, { cookie: a.cookie })).status).toBe(200);
    const other = await call(t.app, 'GET', `/api/notifications/${id}`, { cookie: b.cookie });
    expect(other.status).toBe(404);
    expect(other.json.error.code).toBe('not_found');
    expect((await logOf(b.cookie)).notifications).toEqual([]);
    expect((await call(t.app, 'GET', `/api/notifications/${id}`)).status).toBe(401);
    expect((await call(t.app, 'GET', '/api/notifications/not-a-uuid', { cookie: a.cookie })).status).toBe(404);
  });
});
