import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../test/harness.ts';
import { deliver, type DeliveryEnv } from './deliver.ts';
import { recordReminder, row, runner, startNotifyTest, type NotifyTest } from './testing.ts';
import { readUnsubscribeToken } from './unsubscribe.ts';

// Delivery over SMTP to a real server on 127.0.0.1 (the `smtp-server` package): the message, its
// headers and units; permanent and temporary refusals; and exactly once when an attempt dies
// between the server's acceptance and our record, or in the middle of DATA.

let n: NotifyTest;
beforeAll(async () => {
  n = await startNotifyTest('smtp');
});
afterAll(async () => {
  await n.close();
});

const LEASE = 120_000;

describe('SMTP delivery', () => {
  it('sends text and HTML in the runner’s units, with Message-ID and one-click unsubscribe headers', async () => {
    const { cookie, user, workoutId } = await runner(n.t, { units: 'mi', name: 'Ana' });
    const id = await recordReminder(n.t, user.id, workoutId!, 'mi');
    expect(await deliver(n.env, id)).toBe('sent');

    const [mail] = await n.smtp!.waitForMessages(1);
    expect(mail!.envelopeTo).toEqual([user.email]);
    expect(mail!.envelopeFrom).toBe('coach@runcoach.test');
    expect(mail!.headers.get('message-id')).toBe(`<${id}@runcoach.test>`);
    expect(mail!.subject).toBe('Tomorrow: Threshold 3 × 2 km (6.2 mi)');
    expect(mail!.text).toContain('Hi Ana,');
    expect(mail!.text).toContain('Threshold 3 × 2 km — 6.2 mi, 55:00');
    expect(mail!.html).toContain('6.2 mi');
    expect(mail!.html).toContain('<a href="http://localhost:8787/workouts/');
    const unsubscribe = /^<(http:\/\/localhost:8787\/api\/notifications\/unsubscribe\?token=([^>]+))>$/.exec(mail!.headers.get('list-unsubscribe') ?? '');
    expect(unsubscribe).not.toBeNull();
    expect(mail!.headers.get('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    expect(readUnsubscribeToken(n.t.deps.config.sessionSecret, unsubscribe![2]!)).toEqual({ userId: user.id, kind: 'workout_reminder' });
    expect(mail!.text).toContain(unsubscribe![1]);

    const stored = await row(n.t, id);
    expect(stored).toMatchObject({ status: 'sent', channel: 'smtp', attempts: 1, error: null, message_id: `<${id}@runcoach.test>` });
    expect(stored.provider_response).toMatch(/^250 /);
    const log = (await call(n.t.app, 'GET', '/api/notifications', { cookie })).json;
    expect(log.email_channel).toBe('smtp');
    expect(log.notifications).toEqual([
      expect.objectContaining({ id, notification_type: 'workout_reminder', status: 'sent', channel: 'smtp', subject: 'Tomorrow: Threshold 3 × 2 km (6.2 mi)' }),
    ]);
    // Nothing about the e-mail's content or its token reaches the log.
    expect(n.t.log.lines.join('\n')).not.toContain(unsubscribe![2]!);
    expect(n.t.log.lines.join('\n')).not.toContain('Threshold');
  });

  it('marks a refused address failed at once and never retries it', async () => {
    const { user, workoutId } = await runner(n.t);
    n.smtp!.badAddresses.add(user.email.toLowerCase());
    const id = await recordReminder(n.t, user.id, workoutId!);
    const before = n.smtp!.attempts;
    expect(await deliver(n.env, id)).toBe('failed');
    const stored = await row(n.t, id);
    expect(stored).toMatchObject({ status: 'failed', attempts: 1 });
    expect(stored.error).toMatch(/refused the address \(550 5\.1\.1/);
    n.t.clock.advance(3 * 3600_000);
    expect(await deliver(n.env, id)).toBe('already_done');
    expect(n.smtp!.attempts - before).toBe(1);
  });

  it('retries a 4xx with back-off and delivers once the server takes it', async () => {
    const { user, workoutId } = await runner(n.t);
    const id = await recordReminder(n.t, user.id, workoutId!);
    const sent = n.smtp!.messages.length;
    n.smtp!.failNext('mail', 451, '4.3.0 Try again later');
    n.smtp!.failNext('data', 452, '4.3.1 Insufficient system storage');
    expect(await deliver(n.env, id)).toBe('retry_scheduled');
    let stored = await row(n.t, id);
    expect(stored).toMatchObject({ status: 'pending', attempts: 1, claimed_at: null, handed_over_at: null });
    expect(stored.error).toMatch(/try again later \(451/);
    expect(stored.scheduled_for.getTime() - n.t.clock.now().getTime()).toBe(60_000);
    expect(await deliver(n.env, id)).toBe('not_due');

    n.t.clock.advance(60_000);
    // A 4xx after the whole message: refused for now, so nothing was delivered; back-off doubles.
    expect(await deliver(n.env, id)).toBe('retry_scheduled');
    stored = await row(n.t, id);
    expect(stored).toMatchObject({ attempts: 2, handed_over_at: null });
    expect(stored.scheduled_for.getTime() - n.t.clock.now().getTime()).toBe(120_000);
    n.t.clock.advance(120_000);
    expect(await deliver(n.env, id)).toBe('sent');
    expect(await row(n.t, id)).toMatchObject({ status: 'sent', attempts: 3, error: null });
    expect(n.smtp!.messages.length - sent).toBe(1);
  });

  it('does not send twice when the server dies after the mail server accepted, before the record', async () => {
    const { user, workoutId } = await runner(n.t);
    const id = await recordReminder(n.t, user.id, workoutId!);
    const sent = n.smtp!.messages.length;
    const crashing: DeliveryEnv = {
      ...n.env,
      afterSend: async () => {
        throw new Error('process killed');
      },
    };
    await expect(deliver(crashing, id)).rejects.toThrow('process killed');
    expect(n.smtp!.messages.length - sent).toBe(1);
    const left = await row(n.t, id);
    expect(left.status).toBe('pending');
    expect(left.handed_over_at).not.toBeNull();
    expect(left.claimed_at).not.toBeNull();

    // The job is retried while the dead attempt's claim still holds: it waits.
    expect(await deliver(n.env, id)).toBe('busy');
    n.t.clock.advance(LEASE);
    expect(await deliver(n.env, id)).toBe('sent_unconfirmed');
    const settled = await row(n.t, id);
    expect(settled).toMatchObject({ status: 'sent', attempts: 2 });
    expect(settled.error).toMatch(/^Unconfirmed: /);
    expect(n.smtp!.messages.length - sent).toBe(1);
    expect(await deliver(n.env, id)).toBe('already_done');
  });

  it('sends again, once, when the connection died at DATA (a reused one is replaced at once)', async () => {
    const { user, workoutId } = await runner(n.t);
    // A first e-mail leaves an idle connection for the next one.
    expect(await deliver(n.env, await recordReminder(n.t, user.id, workoutId!, 'km', `test:warm:${workoutId}`))).toBe('sent');
    const id = await recordReminder(n.t, user.id, workoutId!);
    const sent = n.smtp!.messages.length;
    // The reused connection dies at DATA: nothing was handed over, so a new connection is tried
    // at once; it dies too, and the attempt is retried later.
    n.smtp!.dropNextData();
    n.smtp!.dropNextData();
    expect(await deliver(n.env, id)).toBe('retry_scheduled');
    expect(await row(n.t, id)).toMatchObject({ status: 'pending', handed_over_at: null });
    expect((await row(n.t, id)).error).toMatch(/ECONNECTION/);
    expect(n.smtp!.messages.length - sent).toBe(0);
    n.t.clock.advance(60_000);
    expect(await deliver(n.env, id)).toBe('sent');
    expect(n.smtp!.messages.length - sent).toBe(1);
    expect(n.smtp!.messages.at(-1)!.headers.get('message-id')).toBe(`<${id}@runcoach.test>`);
  });

  it('lets only one of two simultaneous attempts send', async () => {
    const { user, workoutId } = await runner(n.t);
    const id = await recordReminder(n.t, user.id, workoutId!);
    const sent = n.smtp!.messages.length;
    const outcomes = await Promise.all([deliver(n.env, id), deliver(n.env, id), deliver(n.env, id)]);
    expect(outcomes.filter((o) => o === 'sent')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'busy')).toHaveLength(2);
    expect(n.smtp!.messages.length - sent).toBe(1);
  });

  it('defers a notification due inside quiet hours to their end, and skips one turned off', async () => {
    n.t.clock.advance(Date.parse('2026-03-03T07:00:00Z') - n.t.clock.now().getTime());
    const { cookie, user, workoutId } = await runner(n.t, { zone: 'Europe/Paris' });
    const id = await recordReminder(n.t, user.id, workoutId!);
    // 08:00 in Paris now: quiet until 09:30.
    expect(
      (await call(n.t.app, 'PUT', '/api/notifications/preferences', { cookie, body: { quiet_hours_start: '22:00', quiet_hours_end: '09:30' } })).status,
    ).toBe(200);
    expect(await deliver(n.env, id)).toBe('deferred');
    expect((await row(n.t, id)).scheduled_for.toISOString()).toBe('2026-03-03T08:30:00.000Z');
    n.t.clock.advance(90 * 60_000);
    expect(await deliver(n.env, id)).toBe('sent');

    const other = await recordReminder(n.t, user.id, workoutId!, 'km', `test:off:${workoutId}`);
    await call(n.t.app, 'PUT', '/api/notifications/preferences', { cookie, body: { workout_reminder: false } });
    expect(await deliver(n.env, other)).toBe('skipped');
    expect(await row(n.t, other)).toMatchObject({ status: 'skipped', attempts: 0, error: 'Turned off in your notification settings.' });
  });

  it('skips a reminder whose workout moved before it was due', async () => {
    const { cookie, user, workoutId } = await runner(n.t);
    const id = await recordReminder(n.t, user.id, workoutId!);
    expect((await call(n.t.app, 'PATCH', `/api/workouts/${workoutId}`, { cookie, body: { scheduled_date: '2026-03-05' } })).status).toBe(200);
    expect(await deliver(n.env, id)).toBe('skipped');
    expect((await row(n.t, id)).error).toMatch(/moved/);
  });

  it('skips a reminder still pending once the workout’s day has passed (a long outage)', async () => {
    const { user, workoutId } = await runner(n.t, { workoutOn: '2026-03-04' });
    const id = await recordReminder(n.t, user.id, workoutId!);
    n.t.clock.advance(Date.parse('2026-03-05T00:30:00Z') - n.t.clock.now().getTime()); // 01:30 on the 5th in Paris
    expect(await deliver(n.env, id)).toBe('skipped');
    expect((await row(n.t, id)).error).toBe('The day of the workout has passed.');
  });
});
