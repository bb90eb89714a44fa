import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../db/database.ts';
import { notifications, workouts } from '../db/schema.ts';
import { createInvite, registerUser } from '../accounts/users.ts';
import { loadConfig } from '../lib/config.ts';
import { memoryLogger } from '../lib/log.ts';
import { startSmtpStandin, type SmtpStandin } from '../test/smtp-standin.ts';
import { createNotification } from './create.ts';
import { deliver } from './deliver.ts';
import { deliveryEnv, LEASE_MS } from './jobs.ts';
import { EMAIL_FROM, TEMPO } from './testing.ts';

// The crash the issue names, for real: a server process is SIGKILLed after the SMTP server has
// the whole message (it holds back its 250) and before the process could record anything. The
// next attempt, in a new process on the same data directory, must not send a second e-mail.

let smtp: SmtpStandin;
beforeAll(async () => {
  smtp = await startSmtpStandin();
});
afterAll(async () => {
  await smtp.close();
});

describe('a server killed between the mail server accepting and the record', () => {
  it('sends exactly one e-mail: the next attempt finds the hand-over marker and does not resend', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'runcoach-crash-'));
    const env = { DATA_DIR: dataDir, SMTP_URL: smtp.url, EMAIL_FROM };
    const first = await openDatabase({ dataDir });
    const now = new Date();
    const tomorrow = new Date(now.getTime() + 86_400_000).toISOString().slice(0, 10);
    const { code } = await createInvite(first.db, { now });
    const user = await registerUser(
      first.db,
      { invite_code: code, name: 'Kill', email: `kill-${Date.now()}@example.com`, password: 'long enough password' },
      now,
    );
    const [workout] = await first.db
      .insert(workouts)
      .values({ user_id: user.id, scheduled_date: tomorrow, ...TEMPO })
      .returning();
    const payload = {
      date: tomorrow,
      units: 'km' as const,
      rest: false,
      workouts: [{ id: workout!.id, title: TEMPO.title, type: 'tempo', lines: [], distance_meters: 10_000, duration_seconds: null, reason: null }],
    };
    const id = (await createNotification(first.db, { userId: user.id, kind: 'workout_reminder', key: `crash:${user.id}`, dueAt: now, payload }))!;
    await first.close();

    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    let received = () => {};
    const arrived = new Promise<void>((resolve) => (received = resolve));
    smtp.beforeAccept = async () => {
      received();
      await held;
    };
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/notifications/crash-child.ts', id], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    await arrived;
    child.kill('SIGKILL');
    await exited;
    release();
    smtp.beforeAccept = null;
    expect(output).not.toContain('outcome');
    expect(smtp.messages).toHaveLength(1);

    const second = await openDatabase({ dataDir });
    try {
      const [left] = await second.db.select().from(notifications).where(eq(notifications.id, id));
      expect(left).toMatchObject({ status: 'pending', attempts: 1 });
      expect(left!.handed_over_at).not.toBeNull();
      const later = { db: second.db, dbKind: second.kind, config: loadConfig(env), now: () => new Date(Date.now() + LEASE_MS), log: memoryLogger() };
      expect(await deliver(deliveryEnv(later), id)).toBe('sent_unconfirmed');
      expect(smtp.messages).toHaveLength(1);
      const [settled] = await second.db.select().from(notifications).where(eq(notifications.id, id));
      expect(settled).toMatchObject({ status: 'sent', attempts: 2 });
    } finally {
      await second.close();
    }
  }, 60_000);
});
