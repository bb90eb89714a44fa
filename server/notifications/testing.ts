import { eq } from 'drizzle-orm';
import { expect } from 'vitest';
import type { DatabaseHandle } from '../db/database.ts';
import { notifications, workouts } from '../db/schema.ts';
import { openTestPglite } from '../test/databases.ts';
import { buildTestApp, call, signUp, type TestApp } from '../test/harness.ts';
import { startResendStandin, type ResendStandin } from '../test/resend-standin.ts';
import { startSmtpStandin, type SmtpStandin } from '../test/smtp-standin.ts';
import { createNotification } from './create.ts';
import type { DeliveryEnv } from './deliver.ts';
import { deliveryEnv } from './jobs.ts';
import type { ReminderPayload } from './kinds.ts';

// Shared set-up for the notification tests: the app on PGlite with its e-mail channel pointed at
// a real SMTP server on 127.0.0.1 or the Resend stand-in (or at nothing), a runner with a workout
// tomorrow, and a recorded notification to deliver. The clock reads 2026-03-02 07:00Z (a Monday).

/** A notification test's database, stand-ins, app and delivery environment. */
export interface NotifyTest {
  handle: DatabaseHandle;
  t: TestApp;
  smtp: SmtpStandin | null;
  resend: ResendStandin | null;
  env: DeliveryEnv;
  close(): Promise<void>;
}

export const EMAIL_FROM = 'RunCoach <coach@runcoach.test>';

/** Starts the app with one channel: a loopback SMTP server, the Resend stand-in, or none. */
export async function startNotifyTest(
  channel: 'smtp' | 'resend' | 'none',
  options: { timeoutMs?: number; env?: Record<string, string> } = {},
): Promise<NotifyTest> {
  const handle = await openTestPglite();
  const smtp = channel === 'smtp' ? await startSmtpStandin() : null;
  const resend = channel === 'resend' ? await startResendStandin() : null;
  const env: Record<string, string> = { EMAIL_FROM, ...options.env };
  if (smtp) env.SMTP_URL = smtp.url;
  if (resend) Object.assign(env, { RESEND_API_KEY: resend.apiKey, RESEND_BASE_URL: resend.baseUrl });
  const t = buildTestApp(handle, env);
  return {
    handle,
    t,
    smtp,
    resend,
    env: deliveryEnv(t.deps, { channel: { timeoutMs: options.timeoutMs ?? 5_000 } }),
    close: async () => {
      await smtp?.close();
      await resend?.close();
      await handle.close();
    },
  };
}

/** A Tuesday tempo run with a warm-up, 3 × 2 km at threshold and a cool-down. */
export const TEMPO = {
  workout_type: 'tempo',
  title: 'Threshold 3 × 2 km',
  structure: {
    segments: [
      { type: 'warmup', duration_seconds: 900, pace_target: 'easy' },
      { type: 'interval', repeats: 3, work: { distance_meters: 2000, pace_target: 'threshold' }, recovery: { duration_seconds: 120, pace_target: 'jog' } },
      { type: 'cooldown', duration_seconds: 600, pace_target: 'easy' },
    ],
  },
  estimated_distance_meters: 10_000,
  estimated_duration_minutes: 55,
};

/** A runner with a complete profile in `zone` and `units`, and optionally a workout on `date`. */
export async function runner(t: TestApp, options: { zone?: string; units?: 'km' | 'mi'; workoutOn?: string | null; email?: string; name?: string } = {}) {
  const r = await signUp(t, { ...(options.email ? { email: options.email } : {}), ...(options.name ? { name: options.name } : {}) });
  const profile = {
    current_weekly_mileage_miles: 25,
    days_available_per_week: 5,
    easy_pace_per_mile_seconds: 570,
    time_zone: options.zone ?? 'Europe/Paris',
    units: options.units ?? 'km',
  };
  expect((await call(t.app, 'PUT', '/api/profile', { cookie: r.cookie, body: profile })).status).toBe(200);
  let workoutId: string | null = null;
  if (options.workoutOn !== null) {
    const [w] = await t.deps.db
      .insert(workouts)
      .values({ user_id: r.user.id, scheduled_date: options.workoutOn ?? '2026-03-03', ...TEMPO })
      .returning({ id: workouts.id });
    workoutId = w!.id;
  }
  return { ...r, workoutId };
}

/** A reminder about `workoutId` (on its scheduled day), due now, recorded as the planner would. */
export async function recordReminder(t: TestApp, userId: string, workoutId: string, units: 'km' | 'mi' = 'km', key = `test:${workoutId}`): Promise<string> {
  const [workout] = await t.deps.db.select({ date: workouts.scheduled_date }).from(workouts).where(eq(workouts.id, workoutId));
  const payload: ReminderPayload = {
    date: workout!.date,
    units,
    rest: false,
    workouts: [
      {
        id: workoutId,
        title: TEMPO.title,
        type: 'tempo',
        lines: ['Warm-up: 15:00 easy'],
        distance_meters: TEMPO.estimated_distance_meters,
        duration_seconds: TEMPO.estimated_duration_minutes * 60,
        reason: null,
      },
    ],
  };
  const id = await createNotification(t.deps.db, { userId, kind: 'workout_reminder', key, dueAt: t.clock.now(), payload });
  if (!id) throw new Error('the reminder was not recorded');
  return id;
}

/** The stored row of a notification. */
export async function row(t: TestApp, id: string) {
  const [found] = await t.deps.db.select().from(notifications).where(eq(notifications.id, id));
  return found!;
}
