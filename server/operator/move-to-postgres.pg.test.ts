import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { eq } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { connectStrava, stravaTestApp } from '../strava/test-kit.ts';
import { decryptToken } from '../strava/token-crypto.ts';
import { postgresUrl } from '../test/requirements.ts';
import { buildTestApp, call, signUp, type TestApp } from '../test/harness.ts';
import { TestDevice } from '../test/sync-device.ts';
import { openDatabase, type DatabaseHandle } from '../db/database.ts';
import { acquireLock } from '../db/lock.ts';
import { chatMessages, stravaTokens, workoutEdits, workouts } from '../db/schema.ts';

// Issue 22: `npm run db:move-to-postgres` carries a household from PGlite to Postgres. Devices
// keep syncing (same epoch and versions), sessions stay valid, Strava tokens still decrypt, and
// a change a device had not sent — or sent without hearing back — lands exactly once.

const run = promisify(execFile);
const baseUrl = postgresUrl('move to Postgres');
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function emptyDatabase(): Promise<string> {
  const name = `rc_move_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: baseUrl! });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  cleanups.push(async () => {
    const dropper = new pg.Client({ connectionString: baseUrl! });
    await dropper.connect();
    await dropper.query(`drop database if exists ${name} with (force)`);
    await dropper.end();
  });
  const url = new URL(baseUrl!);
  url.pathname = `/${name}`;
  return url.toString();
}

/** The command as an operator runs it; resolves with its exit code and output. */
async function moveCommand(dataDir: string, target: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('npx', ['tsx', 'server/cli/move-to-postgres.ts', target], {
      env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '' },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

async function plannedRunner(t: TestApp, email: string) {
  const runner = await signUp(t, { email });
  await call(t.app, 'PUT', '/api/profile', {
    cookie: runner.cookie,
    body: { current_weekly_mileage_miles: 20, days_available_per_week: 4, easy_pace_per_mile_seconds: 600 },
  });
  const goal = (
    await call(t.app, 'POST', '/api/goals', {
      cookie: runner.cookie,
      body: { goal_type: 'race', target_race_distance_meters: 10_000, target_race_date: '2026-05-10' },
    })
  ).json.goal;
  const plan = (await call(t.app, 'POST', '/api/plans/generate', { cookie: runner.cookie, body: { goal_id: goal.id } })).json;
  return { ...runner, workouts: plan.workouts as { id: string }[] };
}

describe.skipIf(!baseUrl)('moving a household from the embedded database to Postgres', () => {
  it('carries runners, plans, edits, chat, a Strava link and sync state; a device carries on without losing or doubling a change', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'runcoach-move-'));
    const source: DatabaseHandle = await openDatabase({ dataDir });
    const before = await stravaTestApp(source, { jobs: false, env: { DATA_DIR: dataDir } });
    const ann = await plannedRunner(before, 'ann@example.com');
    const bob = await plannedRunner(before, 'bob@example.com');
    expect(await connectStrava(before, ann.cookie)).toBe('/settings?strava=connected');

    const phone = new TestDevice(before.app, ann.cookie, () => before.clock.now().getTime());
    const [first, second, third] = ann.workouts;
    const applied = await phone.push([
      phone.mutation('workout.update', { id: first!.id, set: { title: 'Edited before the move' }, reason: 'before' }),
      phone.mutation('chat.send', { id: randomUUID(), content: 'How should I pace Sunday?' }),
    ]);
    expect(applied.json.results.map((r: { status: string }) => r.status)).toEqual(['applied', 'applied']);
    await phone.pullAll();
    // Sent, but the answer never reached the phone: it will send it again after the move.
    const unanswered = phone.mutation('workout.update', { id: second!.id, set: { title: 'Sent, answer lost' } });
    const lostAnswer = (await phone.push([unanswered])).json.results[0];
    expect(lostAnswer.status).toBe('applied');
    // Made offline, not sent at all before the move.
    const pending = phone.mutation('workout.update', { id: third!.id, set: { title: 'Made offline' } });
    const bobPhone = new TestDevice(before.app, bob.cookie, () => before.clock.now().getTime());
    await bobPhone.pullAll();
    const [token] = await source.db.select().from(stravaTokens).where(eq(stravaTokens.user_id, ann.user.id));
    await before.close();
    await source.close();

    // The state a failed earlier run leaves — migrated, no rows — is an empty target.
    const target = await emptyDatabase();
    await (await openDatabase({ databaseUrl: target, dataDir: null })).close();

    // Not while a server holds DATA_DIR.
    const held = acquireLock(dataDir, 'server');
    expect(held.ok).toBe(true);
    const refused = await moveCommand(dataDir, target);
    if (held.ok) held.release();
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/server \(pid \d+\) is using .*Stop it/);

    const moved = await moveCommand(dataDir, target);
    expect(moved.stderr).toMatch(/row counts and the sync digests of all 2 runners match/);
    expect(moved.code).toBe(0);
    const env = Object.fromEntries(
      moved.stdout
        .trim()
        .split('\n')
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
    expect(Object.keys(env)).toEqual(['DATABASE_URL', 'SESSION_SECRET', 'TOKEN_ENCRYPTION_KEY', 'STRAVA_WEBHOOK_VERIFY_TOKEN']);
    expect(env.DATABASE_URL).toBe(target);

    // Once moved, the same command refuses to pour a household into it again.
    const again = await moveCommand(dataDir, target);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already holds 2 runner accounts/);

    const handle = await openDatabase({ databaseUrl: env.DATABASE_URL!, dataDir: null });
    cleanups.push(() => handle.close());
    const after = buildTestApp(handle, {
      SESSION_SECRET: env.SESSION_SECRET!,
      TOKEN_ENCRYPTION_KEY: env.TOKEN_ENCRYPTION_KEY!,
      STRAVA_WEBHOOK_VERIFY_TOKEN: env.STRAVA_WEBHOOK_VERIFY_TOKEN!,
    });

    // Sessions made before the move still sign the runner in; the Strava token still decrypts.
    expect((await call(after.app, 'GET', '/api/auth/me', { cookie: ann.cookie })).json.user.email).toBe('ann@example.com');
    const [movedToken] = await handle.db.select().from(stravaTokens).where(eq(stravaTokens.user_id, ann.user.id));
    expect(decryptToken(after.deps.config.tokenEncryptionKey, movedToken!.access_token, `strava:access:${ann.user.id}`)).toBe(
      decryptToken(before.deps.config.tokenEncryptionKey, token!.access_token, `strava:access:${ann.user.id}`),
    );

    // The phone goes on against the new server: no reset; the change whose answer was lost
    // gets its stored answer back (not applied again), the offline change applies once.
    phone.app = after.app;
    const resent = await phone.push([unanswered, pending]);
    expect(resent.json.results[0]).toEqual(lostAnswer);
    expect(resent.json.results[1]).toMatchObject({ id: pending.id, status: 'applied' });
    expect(resent.json.results[1].version).toBeGreaterThan(lostAnswer.version);
    const { changes, last } = await phone.pullAll();
    expect(last.json.reset).toBeFalsy();
    expect(changes.filter((c: { entity: string; id: string }) => c.entity === 'workouts' && c.id === third!.id)).toHaveLength(1);
    const titles = Object.fromEntries((await handle.db.select().from(workouts).where(eq(workouts.user_id, ann.user.id))).map((w) => [w.id, w.title]));
    expect([titles[first!.id], titles[second!.id], titles[third!.id]]).toEqual(['Edited before the move', 'Sent, answer lost', 'Made offline']);
    const edits = await handle.db.select().from(workoutEdits).where(eq(workoutEdits.user_id, ann.user.id));
    expect(edits.filter((e) => e.workout_id === second!.id).length).toBe(edits.filter((e) => e.workout_id === third!.id).length);
    expect(await handle.db.select().from(chatMessages).where(eq(chatMessages.user_id, ann.user.id))).toHaveLength(1);

    // Bob's phone, untouched since before the move, pulls nothing new and no reset.
    bobPhone.app = after.app;
    const bobPull = await bobPhone.pull();
    expect(bobPull.json).toMatchObject({ changes: [], hasMore: false });
    expect(bobPull.json.reset).toBeFalsy();
  }, 180_000);
});
