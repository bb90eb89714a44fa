/** Benchmark: e-mail notifications scheduled and delivered per second to a loopback SMTP server. */
import { randomUUID } from 'node:crypto';
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { count, eq } from 'drizzle-orm';
import { openDatabase } from '../server/db/database.ts';
import { notifications, userProfiles, users, workouts } from '../server/db/schema.ts';
import { openQueue, resolveJobsOptions } from '../server/jobs/queue.ts';
import { loadConfig } from '../server/lib/config.ts';
import type { AppDeps } from '../server/context.ts';
import type { Logger } from '../server/lib/log.ts';
import { dispatchDue, startNotificationJobs } from '../server/notifications/jobs.ts';
import { planDue } from '../server/reminders/schedule.ts';
import { startSmtpStandin } from '../server/test/smtp-standin.ts';
import { ask, median, type BenchFigure } from './lib.ts';

// The figure: N runners in Europe/Paris, each with a workout tomorrow; at 19:00 their
// time the schedule pass records N reminders (scheduled/s), then the send workers deliver every
// one over SMTP to a real server on 127.0.0.1 (delivered/s, from queuing to the last `sent`).
// The app runs as in production on one PGlite (in memory here), pg-boss on the same database,
// four sends side by side; the SMTP server runs in its own process, as a real relay would.

const RUNNERS = 400;
const ROUNDS = 3;
/** Tomorrow's session of every runner: warm-up, 3 × 2 km at threshold, cool-down. */
const TEMPO = {
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
const quiet: Logger = { info: () => {}, warn: () => {}, error: () => {} };

if (process.argv.includes('--smtp-standin')) {
  const standin = await startSmtpStandin();
  process.on('message', (message) => {
    if (message === 'count') process.send!({ count: standin.messages.length });
  });
  process.on('disconnect', () => process.exit(0));
  process.send!({ url: standin.url });
}

/** Reminders recorded per second by the schedule pass, and delivered per second over loopback SMTP. */
export async function benchNotifications(): Promise<BenchFigure[]> {
  const child = fork(fileURLToPath(import.meta.url), ['--smtp-standin'], { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
  const smtpUrl = await ask<string>(child, '', 'url');
  const dataDir = mkdtempSync(join(tmpdir(), 'runcoach-bench-notifications-'));
  const handle = await openDatabase({ dataDir: null });
  if (handle.raw.kind !== 'pglite') throw new Error('expected PGlite');
  const config = loadConfig({ DATA_DIR: dataDir, SMTP_URL: smtpUrl, EMAIL_FROM: 'RunCoach <coach@bench.test>' });
  let clock = Date.parse('2026-03-02T18:00:00Z');
  const deps: AppDeps = { db: handle.db, dbKind: handle.kind, config, now: () => new Date(clock), log: quiet };
  const jobs = await openQueue(deps, { kind: 'pglite', client: handle.raw.client }, resolveJobsOptions({ pollingIntervalSeconds: 0.5, schedule: false }));
  await startNotificationJobs(deps, jobs, { concurrency: 4 });
  const scheduled: number[] = [];
  const delivered: number[] = [];
  try {
    for (let round = 0; round < ROUNDS; round++) {
      // Each round is another evening: new runners with a workout the next day.
      const date = new Date(clock + 86_400_000).toISOString().slice(0, 10);
      const ids = Array.from({ length: RUNNERS }, () => randomUUID());
      await handle.db.insert(users).values(ids.map((id, i) => ({ id, email: `bench-${round}-${i}@example.com`, name: `Runner ${i}`, password_hash: 'x' })));
      await handle.db.insert(userProfiles).values(
        ids.map((id, i) => ({
          user_id: id,
          time_zone: 'Europe/Paris',
          units: i % 2 ? ('mi' as const) : ('km' as const),
          current_weekly_mileage_miles: 25,
          days_available_per_week: 5,
          easy_pace_per_mile_seconds: 570,
        })),
      );
      await handle.db.insert(workouts).values(ids.map((id) => ({ user_id: id, scheduled_date: date, ...TEMPO })));

      const planStart = performance.now();
      const made = await planDue(deps, deps.now());
      const planMs = performance.now() - planStart;
      if (made.reminders !== RUNNERS) throw new Error(`planned ${made.reminders} reminders, expected ${RUNNERS}`);

      const before = await ask<number>(child, 'count', 'count');
      const sendStart = performance.now();
      await dispatchDue(deps, jobs);
      for (;;) {
        const [left] = await handle.db.select({ n: count() }).from(notifications).where(eq(notifications.status, 'pending'));
        if (left!.n === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const sendMs = performance.now() - sendStart;
      const got = (await ask<number>(child, 'count', 'count')) - before;
      const [failed] = await handle.db.select({ n: count() }).from(notifications).where(eq(notifications.status, 'failed'));
      if (got !== RUNNERS || failed!.n > 0) throw new Error(`the SMTP server received ${got} of ${RUNNERS} e-mails (${failed!.n} failed)`);
      scheduled.push(RUNNERS / (planMs / 1000));
      delivered.push(RUNNERS / (sendMs / 1000));
      clock += 86_400_000;
    }
  } finally {
    await jobs.stop();
    await handle.close();
    child.disconnect();
    rmSync(dataDir, { recursive: true, force: true });
  }
  return [
    { name: `notifications scheduled (schedule pass, ${RUNNERS} runners)`, value: median(scheduled), unit: 'per s' },
    { name: `notifications delivered to loopback SMTP (${RUNNERS}, 4 at a time, exactly once)`, value: median(delivered), unit: 'per s' },
  ];
}
