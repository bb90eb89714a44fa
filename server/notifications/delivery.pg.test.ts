import { like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notifications } from '../db/schema.ts';
import { openTestPostgres } from '../test/databases.ts';
import { buildTestApp, type TestApp } from '../test/harness.ts';
import { postgresUrl } from '../test/requirements.ts';
import { startSmtpStandin, type SmtpStandin } from '../test/smtp-standin.ts';
import { deliver } from './deliver.ts';
import { deliveryEnv } from './jobs.ts';
import { planDue } from '../reminders/schedule.ts';
import { EMAIL_FROM, recordReminder, row, runner } from './testing.ts';

// Notifications on real Postgres, where attempts truly run at the same time (PGlite runs one
// statement at a time and cannot show a race): many workers on one notification send one
// e-mail, and a schedule pass run twice at once records each reminder once.

const url = postgresUrl('postgres notifications');

describe.skipIf(!url)('notifications on Postgres', () => {
  let handle: Awaited<ReturnType<typeof openTestPostgres>>;
  let smtp: SmtpStandin;
  let t: TestApp;
  beforeAll(async () => {
    handle = await openTestPostgres(url!);
    smtp = await startSmtpStandin();
    t = buildTestApp(handle, { SMTP_URL: smtp.url, EMAIL_FROM });
  });
  afterAll(async () => {
    await smtp?.close();
    await handle?.close();
  });

  it('sends one e-mail when eight workers deliver the same notification at once', async () => {
    const env = deliveryEnv(t.deps);
    const { user, workoutId } = await runner(t);
    const id = await recordReminder(t, user.id, workoutId!);
    const outcomes = await Promise.all(Array.from({ length: 8 }, () => deliver(env, id)));
    expect(outcomes.filter((o) => o === 'sent')).toHaveLength(1);
    expect(smtp.messages.filter((m) => m.envelopeTo.includes(user.email))).toHaveLength(1);
    expect(await row(t, id)).toMatchObject({ status: 'sent', attempts: 1 });
  });

  it('records each reminder once when two schedule passes run at the same moment', async () => {
    const runners = await Promise.all([0, 1, 2].map(() => runner(t, { zone: 'Europe/Paris', workoutOn: '2026-03-03' })));
    t.clock.advance(Date.parse('2026-03-02T18:00:00Z') - t.clock.now().getTime());
    const [a, b] = await Promise.all([planDue(t.deps, t.clock.now()), planDue(t.deps, t.clock.now())]);
    const recorded = await t.deps.db.select().from(notifications).where(like(notifications.idempotency_key, 'workout_reminder:%:2026-03-03'));
    expect(a.reminders + b.reminders).toBe(recorded.length);
    for (const r of runners) expect(recorded.filter((n) => n.user_id === r.user.id)).toHaveLength(1);
  });
});
