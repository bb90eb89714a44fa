import { afterAll, beforeAll, beforeEach, expect } from 'vitest';
import type { Activity } from '#shared/schema/activity.ts';
import type { DatabaseHandle } from '../db/database.ts';
import { upsertActivity } from '../activities/store.ts';
import type { publicWorkout } from '../workouts/workouts.ts';
import { startAnthropicStandin, type AnthropicStandin } from '../test/anthropic-standin.ts';
import { openTestPglite } from '../test/databases.ts';
import { buildTestApp, call, readyInsideTests, signUp, type TestApp } from '../test/harness.ts';

// Shared set-up for the coach's tests: the real app on PGlite with the real SDK pointed at the
// Anthropic stand-in, a runner with a plan, and a reader for the SSE answer of /api/coach/chat.

/** The API key the stand-in accepts. */
export const TEST_KEY = 'sk-ant-test-coach-0123456789';

/** A coach test's database, stand-in and app. */
export interface CoachTest {
  handle: DatabaseHandle;
  standin: AnthropicStandin;
  t: TestApp;
  close(): Promise<void>;
}

/** A database, a stand-in and an app configured to use it (extra `env` on top). */
export async function startCoachTest(env: Record<string, string> = {}): Promise<CoachTest> {
  const handle = await openTestPglite();
  const standin = await startAnthropicStandin({ apiKey: TEST_KEY, chunkDelayMs: 1 });
  const t = buildTestApp(handle, { ANTHROPIC_API_KEY: TEST_KEY, ANTHROPIC_BASE_URL: standin.baseUrl, ...env });
  return {
    handle,
    standin,
    t,
    close: async () => {
      await standin.close();
      await handle.close();
    },
  };
}

/**
 * A coach test for the tests of one file: made before them, closed after, and each test starts
 * with no recorded requests. Its fields are ready only inside tests.
 */
export function useCoachTest(env: Record<string, string> = {}): CoachTest {
  let current: CoachTest | undefined;
  beforeAll(async () => {
    current = await startCoachTest(env);
  });
  afterAll(async () => {
    await current?.close();
  });
  beforeEach(() => {
    if (current) current.standin.requests.length = 0;
  });
  return readyInsideTests('useCoachTest()', () => current);
}

/** A complete profile: 20 mi a week on 4 days, km units. */
export const PROFILE = {
  current_weekly_mileage_miles: 20,
  days_available_per_week: 4,
  easy_pace_per_mile_seconds: 600,
  time_zone: 'Europe/London',
  units: 'km',
};

/** A runner with a profile, a 10K goal and an engine plan starting today (2026-03-02). */
export async function runnerWithPlan(t: TestApp, name?: string) {
  const runner = await signUp(t, name ? { name } : {});
  expect((await call(t.app, 'PUT', '/api/profile', { cookie: runner.cookie, body: PROFILE })).status).toBe(200);
  const goal = (
    await call(t.app, 'POST', '/api/goals', {
      cookie: runner.cookie,
      body: { goal_type: 'race', target_race_distance_meters: 10_000, target_race_date: '2026-05-10' },
    })
  ).json.goal;
  const res = await call(t.app, 'POST', '/api/plans/generate', { cookie: runner.cookie, body: { goal_id: goal.id } });
  expect(res.status).toBe(201);
  return { ...runner, goal, plan: res.json.plan, workouts: res.json.workouts as ReturnType<typeof publicWorkout>[] };
}

/** One server-sent event, its data parsed. */
export interface SseEvent {
  event: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each test reads the payload it expects
  data: any;
}

/** Parses a text/event-stream body into its events. */
export function parseSse(text: string): SseEvent[] {
  return text
    .split('\n\n')
    .filter((block) => block.trim())
    .map((block) => {
      const event = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
      const data = block
        .split('\n')
        .filter((line) => line.startsWith('data: '))
        .map((line) => line.slice(6))
        .join('\n');
      return { event, data: data ? JSON.parse(data) : null };
    });
}

/** POST /api/coach/chat; the SSE events when it streamed, else the JSON body. */
export async function chat(t: TestApp, cookie: string, body: unknown) {
  const response = await t.app.request('/api/coach/chat', {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  const type = response.headers.get('content-type') ?? '';
  return {
    status: response.status,
    headers: response.headers,
    events: type.startsWith('text/event-stream') ? parseSse(text) : [],
    json: type.startsWith('application/json') ? JSON.parse(text) : null,
  };
}

/** The text the deltas carried. */
export function streamedText(events: SseEvent[]): string {
  return events
    .filter((e) => e.event === 'delta')
    .map((e) => e.data.text)
    .join('');
}

/** Stores a run for `userId` as the activity sources do. */
export async function seedRun(
  t: TestApp,
  userId: string,
  run: Partial<Activity> & { local_date: string; distance_meters: number; source: Activity['source'] },
  name: string | null = null,
) {
  const activity: Activity = {
    // Strava ids are unique across runners (the seed's UNIQUE): each runner's made-up ids are their own.
    external_id: `${run.source}-${userId.slice(0, 8)}-${run.local_date}-${run.distance_meters}`,
    activity_type: 'Run',
    start_time: `${run.local_date}T07:00:00Z`,
    moving_time_seconds: Math.round(run.distance_meters * 0.36),
    elapsed_time_seconds: Math.round(run.distance_meters * 0.37),
    laps: [],
    ...run,
  };
  return (await upsertActivity(t.deps.db, userId, activity, { name, now: t.clock.now() })).row;
}

/** Every request the stand-in received, as one string (to search for leaks). */
export function allRequests(standin: AnthropicStandin): string {
  return JSON.stringify(standin.requests.map((r) => r.body));
}

/** A message's text, whether its content is a string or text blocks (a cache breakpoint turns it into blocks). */
export function promptText(content: unknown): string {
  if (typeof content === 'string') return content;
  return Array.isArray(content) ? content.map((b: { text?: unknown }) => (typeof b.text === 'string' ? b.text : '')).join('\n\n') : '';
}
