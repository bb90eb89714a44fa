import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { generatePlan } from '#shared/training/engine.ts';
import { seedRun } from '../coach/testing.ts';
import type { DatabaseHandle } from '../db/database.ts';
import { stravaSettings } from '../db/schema.ts';
import { createInvite, createSession } from '../accounts/users.ts';
import { insertMemoryOnce } from '../coach/memory-store.ts';
import { connectStrava, stravaTestApp, type StravaTestApp } from '../strava/test-kit.ts';
import { notifyStravaDisconnected } from '../notifications/create.ts';
import { startAnthropicStandin, type AnthropicStandin } from './anthropic-standin.ts';
import { buildTestApp, call, PUBLIC_URL, signUp, type TestApp } from './harness.ts';
import { TestDevice } from './sync-device.ts';

// The world the fuzz test attacks: runner A with distinctive markers in every kind of row
// (names, notes, chat, memory, runs, notifications, a Strava link), runner B with data of their
// own, the coach and Strava configured against loopback stand-ins (so no route answers "not
// configured"), and the same app once more behind an https PUBLIC_URL.

export const HTTPS_URL = 'https://coach.example.com';
/** The push subscription the operator created; webhook events naming another one are ignored. */
export const SUBSCRIPTION_ID = '770077';
const TEST_KEY = 'sk-ant-fuzz-0123456789';

export const PROFILE = {
  current_weekly_mileage_miles: 20,
  days_available_per_week: 4,
  easy_pace_per_mile_seconds: 600,
  time_zone: 'Europe/London',
  units: 'km',
};
export const RACE = { goal_type: 'race', target_race_distance_meters: 10_000, target_race_date: '2026-05-10' };

/** The ids of one runner's rows, by kind. */
export interface RunnerIds {
  user: string;
  goal: string;
  plan: string;
  workouts: string[];
  memory: string;
  chat: string;
  activity: string;
  notification: string | null;
}

export interface Runner {
  email: string;
  cookie: string;
  ids: RunnerIds;
}

export interface FuzzWorld {
  t: StravaTestApp;
  /** The same database and secrets behind PUBLIC_URL=https://coach.example.com. */
  https: TestApp;
  a: Runner & {
    /** Strings only A's data holds: none may reach B or a caller without a session. */
    markers: string[];
    /** A session of A's that expired a day ago (the token, not the cookie). */
    expiredToken: string;
    /** What the sessions table stores for A's live session: not a token. */
    storedHash: string;
  };
  b: Runner & {
    userId: string;
    /** Goals and memories for deleting, so deletes do not take away what the other requests build on. */
    spare: { goals: string[]; memories: string[] };
    fresh(): Promise<void>;
  };
  /** Unused invite codes for register requests. */
  invites: string[];
  close(): Promise<void>;
}

/** Seeds A and B; A's rows carry `tag` in every free-text field. */
export async function buildFuzzWorld(handle: DatabaseHandle, tag: string): Promise<FuzzWorld> {
  const anthropic: AnthropicStandin = await startAnthropicStandin({ apiKey: TEST_KEY, chunkDelayMs: 0 });
  const t = await stravaTestApp(handle, { jobs: false, env: { ANTHROPIC_API_KEY: TEST_KEY, ANTHROPIC_BASE_URL: anthropic.baseUrl } });
  const https = buildTestApp(handle, {
    ...stravaEnv(t),
    ANTHROPIC_API_KEY: TEST_KEY,
    ANTHROPIC_BASE_URL: anthropic.baseUrl,
    PUBLIC_URL: HTTPS_URL,
    DATA_DIR: t.deps.config.dataDir,
  });
  https.clock = t.clock;
  https.deps.now = t.clock.now;

  const a = await seedRunner(t, `a-${tag}`, true);
  const b = await seedRunner(t, `b-${tag}`, false);
  await t.deps.db
    .insert(stravaSettings)
    .values({ id: 1, subscription_id: SUBSCRIPTION_ID })
    .onConflictDoUpdate({ target: stravaSettings.id, set: { subscription_id: SUBSCRIPTION_ID } });

  const day = 24 * 3600 * 1000;
  const expired = await createSession(t.deps.db, t.deps.config.sessionSecret, a.ids.user, new Date(t.clock.now().getTime() - 31 * day));
  const stored = await t.deps.db.execute(sql`select token_hash from sessions where user_id = ${a.ids.user} and expires_at > ${t.clock.now()} limit 1`);
  const storedHash = (stored as unknown as { rows: { token_hash: string }[] }).rows[0]!.token_hash;
  const profile = (await call(t.app, 'GET', '/api/profile', { cookie: a.cookie })).json.profile;
  const markers = [
    ...Object.values(a.ids)
      .flat()
      .filter((id): id is string => typeof id === 'string'),
    a.email,
    // In A's name, notes, goal, workout, memory, chat message and run.
    `marker-a-${tag}`,
    t.standin.athleteId,
    profile.calendar_url.split('token=')[1],
    expired.token,
    storedHash,
  ];

  const spare = { goals: [] as string[], memories: [] as string[] };
  for (let i = 0; i < 25; i++) {
    spare.goals.push((await call(t.app, 'POST', '/api/goals', { cookie: b.cookie, body: { ...RACE, title: `spare ${i}` } })).json.goal.id);
    const memory = randomUUID();
    await insertMemoryOnce(
      t.deps.db,
      b.ids.user,
      { id: memory, summary_type: 'preference', source_date_range_start: null, source_date_range_end: null, content: `spare ${i}`, data: {} },
      t.clock.now(),
    );
    spare.memories.push(memory);
  }

  const invites: string[] = [];
  for (let i = 0; i < 60; i++) invites.push((await createInvite(t.deps.db, { now: t.clock.now() })).code);

  return {
    t,
    https,
    a: { ...a, markers, expiredToken: expired.token, storedHash },
    b: {
      ...b,
      userId: b.ids.user,
      spare,
      // After B signs out (the fuzz does), B gets a new session so later requests still reach the routes' depths.
      async fresh() {
        const session = await createSession(t.deps.db, t.deps.config.sessionSecret, b.ids.user, t.clock.now());
        this.cookie = `rc_session=${session.token}`;
      },
    },
    invites,
    close: async () => {
      await t.close();
      await anthropic.close();
    },
  };
}

function stravaEnv(t: StravaTestApp): Record<string, string> {
  return {
    STRAVA_CLIENT_ID: t.standin.clientId,
    STRAVA_CLIENT_SECRET: t.standin.clientSecret,
    STRAVA_OAUTH_URL: t.standin.oauthUrl,
    STRAVA_API_URL: t.standin.apiUrl,
    STRAVA_WEBHOOK_VERIFY_TOKEN: 'verify-me',
  };
}

async function seedRunner(t: StravaTestApp, label: string, withStrava: boolean): Promise<Runner> {
  const marker = `marker-${label}`;
  const email = `${label}@example.com`;
  const { cookie, user } = await signUp(t, { name: `Runner ${marker}-name`, email });
  const expectOk = (what: string, res: { status: number; json: unknown }) => {
    if (res.status >= 300) throw new Error(`seeding ${what}: ${res.status} ${JSON.stringify(res.json)}`);
    return res.json as any;
  };
  expectOk('profile', await call(t.app, 'PUT', '/api/profile', { cookie, body: { ...PROFILE, injury_notes: `${marker}-injury` } }));
  const goal = expectOk('goal', await call(t.app, 'POST', '/api/goals', { cookie, body: { ...RACE, title: `${marker}-goal` } })).goal;
  const planned = expectOk('plan', await call(t.app, 'POST', '/api/plans/generate', { cookie, body: { goal_id: goal.id } }));
  const workouts = (planned.workouts as { id: string }[]).map((w) => w.id);
  expectOk('workout', await call(t.app, 'PATCH', `/api/workouts/${workouts[0]}`, { cookie, body: { notes: `${marker}-workout` } }));

  const memory = randomUUID();
  await insertMemoryOnce(
    t.deps.db,
    user.id,
    { id: memory, summary_type: 'preference', source_date_range_start: null, source_date_range_end: null, content: `${marker}-memory`, data: {} },
    t.clock.now(),
  );
  const phone = new TestDevice(t.app, cookie, () => t.clock.now().getTime());
  const chat = randomUUID();
  const pushed = await phone.push([phone.mutation('chat.send', { id: chat, content: `${marker}-chat` })]);
  if (pushed.json.results?.[0]?.status !== 'applied') throw new Error(`seeding chat: ${JSON.stringify(pushed.json)}`);
  const run = await seedRun(
    t,
    user.id,
    { local_date: '2026-03-01', distance_meters: 8000, source: 'fit_upload', external_id: `${marker}-run` },
    `${marker}-run`,
  );

  let notification: string | null = null;
  if (withStrava) {
    const outcome = await connectStrava(t, cookie);
    if (outcome !== '/settings?strava=connected') throw new Error(`seeding strava: ${outcome}`);
    await notifyStravaDisconnected(t.deps.db, user.id, 'token_revoked', marker, t.clock.now());
    const rows = await t.deps.db.execute(sql`select id from notifications where user_id = ${user.id} limit 1`);
    notification = (rows as unknown as { rows: { id: string }[] }).rows[0]?.id ?? null;
  }
  return { email, cookie, ids: { user: user.id, goal: goal.id, plan: planned.plan.id, workouts, memory, chat, activity: run.id, notification } };
}

/** A device-made plan for B's goal (the plan.generate@1 example; the goal is named beside it). */
export function devicePlan() {
  const made = generatePlan({
    profile: { current_weekly_mileage_miles: 20, days_available_per_week: 4, easy_pace_per_mile_seconds: 600, injury_notes: null },
    goal: { kind: 'race', target_race_distance_meters: 10_000, target_race_date: '2026-05-10', target_time_seconds: null },
    start_date: '2026-03-02',
    today: '2026-03-02',
    methodology: 'daniels',
    newId: randomUUID,
  });
  if (!made.ok) throw new Error('engine input');
  return made.plan;
}

/**
 * A fingerprint of everything A owns: every public table with a user_id (the audit log aside:
 * a failed sign-in with A's e-mail is recorded there by design), and A's users row.
 */
export async function snapshotOf(t: TestApp, userId: string): Promise<Record<string, string>> {
  const result = await t.deps.db.execute(
    sql`select table_name from information_schema.columns where table_schema = 'public' and column_name = 'user_id' and table_name <> 'audit_events' order by table_name`,
  );
  const tables = (result as unknown as { rows: { table_name: string }[] }).rows.map((r) => r.table_name);
  const snapshot: Record<string, string> = {};
  for (const table of [...tables, 'users']) {
    const column = table === 'users' ? 'id' : 'user_id';
    const rows = await t.deps.db.execute(
      sql.raw(
        `select count(*)::text || ':' || coalesce(md5(string_agg(x::text, '|' order by x::text)), '') as print from "${table}" x where "${column}" = '${userId}'`,
      ),
    );
    snapshot[table] = (rows as unknown as { rows: { print: string }[] }).rows[0]!.print;
  }
  return snapshot;
}

export { PUBLIC_URL };
