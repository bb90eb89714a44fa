import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedRun } from '../coach/testing.ts';
import { notifications, workouts } from '../db/schema.ts';
import { openQueue, resolveJobsOptions, type Jobs } from '../jobs/queue.ts';
import { waitFor } from '../strava/test-kit.ts';
import { call } from '../test/harness.ts';
import { NOTIFICATION_SCHEDULE, runSchedulePass, startReminderJobs } from '../reminders/jobs.ts';
import { LEASE_MS, NOTIFICATION_QUEUES, startNotificationJobs } from './jobs.ts';
import { recordReminder, row, runner, startNotifyTest, type NotifyTest } from './testing.ts';

// The whole path on the real pg-boss queue (PGlite) and a loopback SMTP server: the schedule
// pass records what is due in each runner's time zone and queues it; the send worker delivers.
// The app clock is a FakeClock moved forward through the tests, so they run in time order.

let n: NotifyTest;
let jobs: Jobs;
beforeAll(async () => {
  n = await startNotifyTest('smtp');
  if (n.handle.raw.kind !== 'pglite') throw new Error('expected PGlite');
  jobs = await openQueue(n.t.deps, { kind: 'pglite', client: n.handle.raw.client }, resolveJobsOptions({ pollingIntervalSeconds: 0.5 }));
  await startNotificationJobs(n.t.deps, jobs, { channel: { timeoutMs: 5_000 } });
  await startReminderJobs(n.t.deps, jobs);
});
afterAll(async () => {
  await jobs.stop();
  await n.close();
});

const setClock = (iso: string) => n.t.clock.advance(Date.parse(iso) - n.t.clock.now().getTime());
const pass = () => runSchedulePass(n.t.deps, jobs);
const mailTo = (email: string) => n.smtp!.messages.filter((m) => m.envelopeTo.includes(email));
async function settled(userId: string, count: number) {
  return waitFor(
    async () => {
      const rows = await n.t.deps.db.select().from(notifications).where(eq(notifications.user_id, userId));
      return rows.length >= count && rows.every((r) => r.status !== 'pending') ? rows : null;
    },
    15_000,
    'notifications settled',
  );
}

describe('scheduled notifications through the queue', () => {
  it('registers the every-minute schedule', async () => {
    expect((await jobs.boss.getSchedules()).map((s) => [s.name, s.cron])).toContainEqual([NOTIFICATION_QUEUES.schedule, NOTIFICATION_SCHEDULE]);
  });

  it('reminds each runner at 19:00 in their own zone about tomorrow, once, and skips rest days unless asked', async () => {
    const paris = await runner(n.t, { zone: 'Europe/Paris', workoutOn: '2026-03-03' });
    const york = await runner(n.t, { zone: 'America/New_York', workoutOn: '2026-03-03', units: 'mi' });
    const tokyoRest = await runner(n.t, { zone: 'Asia/Tokyo', workoutOn: null });
    const tokyoAsks = await runner(n.t, { zone: 'Asia/Tokyo', workoutOn: null });
    await call(n.t.app, 'PUT', '/api/notifications/preferences', { cookie: tokyoAsks.cookie, body: { remind_rest_days: true } });

    setClock('2026-03-02T09:59:00Z');
    await pass();
    setClock('2026-03-02T10:00:00Z'); // 19:00 in Tokyo
    expect(await pass()).toMatch(/^planned 1 reminders/);
    await settled(tokyoAsks.user.id, 1);
    expect(mailTo(tokyoAsks.user.email).map((m) => m.subject)).toEqual(['Tomorrow is a rest day']);
    expect(mailTo(tokyoRest.user.email)).toEqual([]);

    setClock('2026-03-02T17:59:00Z');
    await pass();
    expect(mailTo(paris.user.email)).toEqual([]);
    setClock('2026-03-02T18:00:00Z'); // 19:00 in Paris
    await pass();
    await pass(); // a second server's pass, or a retried job: nothing new
    await settled(paris.user.id, 1);
    expect(mailTo(paris.user.email).map((m) => m.subject)).toEqual(['Tomorrow: Threshold 3 × 2 km (10.0 km)']);
    expect(mailTo(paris.user.email)[0]!.text).toContain('Warm-up: 15:00 easy');

    setClock('2026-03-02T23:59:00Z');
    await pass();
    expect(mailTo(york.user.email)).toEqual([]);
    setClock('2026-03-03T00:00:00Z'); // 19:00 in New York
    await pass();
    await settled(york.user.id, 1);
    expect(mailTo(york.user.email).map((m) => m.subject)).toEqual(['Tomorrow: Threshold 3 × 2 km (6.2 mi)']);
    expect((await call(n.t.app, 'GET', '/api/notifications', { cookie: york.cookie })).json.notifications).toEqual([
      expect.objectContaining({
        notification_type: 'workout_reminder',
        status: 'sent',
        scheduled_for: '2026-03-03T00:00:00.000Z',
        sent_at: '2026-03-03T00:00:00.000Z',
      }),
    ]);
  });

  it('holds a reminder due in quiet hours until they end', async () => {
    const quiet = await runner(n.t, { zone: 'Europe/Paris', workoutOn: '2026-03-05' });
    await call(n.t.app, 'PUT', '/api/notifications/preferences', { cookie: quiet.cookie, body: { quiet_hours_start: '18:30', quiet_hours_end: '07:00' } });
    setClock('2026-03-04T18:00:00Z');
    await pass();
    const [held] = await n.t.deps.db.select().from(notifications).where(eq(notifications.user_id, quiet.user.id));
    expect(held).toMatchObject({ status: 'pending', scheduled_for: new Date('2026-03-05T06:00:00Z') });
    setClock('2026-03-05T05:59:00Z');
    await pass();
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(mailTo(quiet.user.email)).toEqual([]);
    setClock('2026-03-05T06:00:00Z');
    await pass();
    await settled(quiet.user.id, 1);
    expect(mailTo(quiet.user.email)).toHaveLength(1);
  });

  it('sends last week’s journal on Monday at 08:00 local time', async () => {
    const r = await runner(n.t, { zone: 'Europe/Paris', workoutOn: null, units: 'km' });
    await seedRun(n.t, r.user.id, { source: 'fit_upload', local_date: '2026-03-04', distance_meters: 8000 });
    await seedRun(n.t, r.user.id, { source: 'fit_upload', local_date: '2026-03-07', distance_meters: 16000 });
    setClock('2026-03-09T06:59:00Z');
    await pass();
    setClock('2026-03-09T07:00:00Z');
    await pass();
    await settled(r.user.id, 1);
    const [mail] = mailTo(r.user.email);
    expect(mail!.subject).toBe('Your week: 24.0 km in 2 runs');
    expect(mail!.text).toContain('Longest run 16.0 km');
    expect(mail!.text).toContain('/journal?week=2026-03-02');
  });

  it('sends, once, a notification whose worker died before handing it over, when the claim lapses', async () => {
    setClock('2026-03-10T12:00:00Z');
    const r = await runner(n.t, { zone: 'Europe/Paris', workoutOn: '2026-03-11' });
    const id = await recordReminder(n.t, r.user.id, r.workoutId!);
    await n.t.deps.db.update(notifications).set({ attempts: 1, claimed_at: n.t.clock.now() }).where(eq(notifications.id, id));
    await pass();
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect((await row(n.t, id)).status).toBe('pending');
    n.t.clock.advance(LEASE_MS);
    await pass();
    await settled(r.user.id, 1);
    expect(await row(n.t, id)).toMatchObject({ status: 'sent', attempts: 2 });
    expect(mailTo(r.user.email)).toHaveLength(1);
  });

  it('keeps local time across the spring-forward change', async () => {
    const r = await runner(n.t, { zone: 'Europe/Paris', workoutOn: '2026-03-29' });
    await n.t.deps.db.insert(workouts).values({
      user_id: r.user.id,
      scheduled_date: '2026-03-30',
      workout_type: 'easy',
      title: 'Easy 40 min',
      structure: { segments: [{ type: 'steady', duration_seconds: 2400, pace_target: 'easy' }] },
      estimated_duration_minutes: 40,
    });
    setClock('2026-03-28T17:59:00Z');
    await pass();
    setClock('2026-03-28T18:00:00Z'); // 19:00 CET
    await pass();
    await settled(r.user.id, 1);
    setClock('2026-03-29T16:59:00Z');
    await pass();
    expect(mailTo(r.user.email)).toHaveLength(1);
    setClock('2026-03-29T17:00:00Z'); // 19:00 CEST
    await pass();
    await settled(r.user.id, 2);
    expect(mailTo(r.user.email).map((m) => m.subject)).toEqual(['Tomorrow: Threshold 3 × 2 km (10.0 km)', 'Tomorrow: Easy 40 min (40:00)']);
  });
});
