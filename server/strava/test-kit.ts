import { eq } from 'drizzle-orm';
import { afterAll, beforeAll } from 'vitest';
import type { DatabaseHandle } from '../db/database.ts';
import { stravaEvents, stravaSettings, stravaTokens } from '../db/schema.ts';
import { openTestPglite } from '../test/databases.ts';
import { buildTestApp, call, readyInsideTests, type TestApp } from '../test/harness.ts';
import { startStravaStandin, type StandinOptions, type StravaStandin } from '../test/strava-standin.ts';
import { processEvent } from './events.ts';
import { RetryLater } from '../jobs/run.ts';
import { pendingEvents } from './webhook.ts';
import { createStravaClient } from './api/index.ts';
import { jobsDatabase, startJobs, type JobsOptions } from '../workers.ts';
import { auditDeauthorization } from './jobs.ts';

// Shared by the Strava tests: the app on a database with the stand-in's URLs, a job queue with
// tiny real-time delays (the app clock is a FakeClock), and the OAuth dance as a browser does it.

/** Job options that keep tests quick: short polls and back-offs, deferrals capped at 150 ms. */
export const FAST_JOBS: JobsOptions = {
  pollingIntervalSeconds: 0.5,
  retryDelaySeconds: 1,
  retryLimit: 3,
  maxDeferMs: 150,
  notFoundDelaysMs: [100, 100, 100],
  stravaTimeoutMs: 1500,
  schedule: false,
};

export interface StravaTestApp extends TestApp {
  standin: StravaStandin;
  handle: DatabaseHandle;
  close(): Promise<void>;
}

/**
 * A Strava test app on a fresh PGlite for the tests of one file: made before them, closed
 * after. Its fields are ready only inside tests.
 */
export function useStravaTestApp(options: Parameters<typeof stravaTestApp>[1] = {}): StravaTestApp {
  let current: StravaTestApp | undefined;
  beforeAll(async () => {
    current = await stravaTestApp(await openTestPglite(), options);
  });
  afterAll(async () => {
    await current?.close();
    await current?.handle.close();
  });
  return readyInsideTests('useStravaTestApp()', () => current);
}

/** The push subscription the test apps record, as the operator command would; eventJson names it. */
export const TEST_SUBSCRIPTION_ID = '120001';

/** Records `id` as the app's push subscription (null: none, as before the operator created one). */
export async function recordSubscription(t: TestApp, id: string | null): Promise<void> {
  await t.deps.db
    .insert(stravaSettings)
    .values({ id: 1, subscription_id: id })
    .onConflictDoUpdate({ target: stravaSettings.id, set: { subscription_id: id } });
}

/**
 * The app with Strava configured against a fresh stand-in (sharing the app's fake clock) and the
 * push subscription recorded (`subscription: null` for none); `jobs: false` runs without a queue.
 */
export async function stravaTestApp(
  handle: DatabaseHandle & { url?: string },
  options: { standin?: StandinOptions; jobs?: JobsOptions | false; env?: Record<string, string>; subscription?: string | null } = {},
): Promise<StravaTestApp> {
  // The stand-in starts first (the app needs its URLs) but keeps time by the app's fake clock.
  const clock = { now: () => new Date() };
  const standin = await startStravaStandin({ now: () => clock.now(), ...options.standin });
  const t = buildTestApp(handle, {
    STRAVA_CLIENT_ID: standin.clientId,
    STRAVA_CLIENT_SECRET: standin.clientSecret,
    STRAVA_OAUTH_URL: standin.oauthUrl,
    STRAVA_API_URL: standin.apiUrl,
    STRAVA_WEBHOOK_VERIFY_TOKEN: 'verify-me',
    ...options.env,
  });
  clock.now = t.clock.now;
  await recordSubscription(t, options.subscription === undefined ? TEST_SUBSCRIPTION_ID : options.subscription);
  if (options.jobs !== false) t.deps.jobs = await startJobs(t.deps, jobsDatabase(handle, handle.url), { ...FAST_JOBS, ...options.jobs });
  return {
    ...t,
    standin,
    handle,
    close: async () => {
      await t.deps.jobs?.stop();
      await standin.close();
    },
  };
}

/**
 * Runs the OAuth flow like a browser: connect → Strava's authorize → our callback; returns the
 * final redirect. The stand-in has one athlete, so by default an earlier test user's link to
 * it is dropped first (`keepOtherLinks` to test that a second account cannot take it).
 */
export async function connectStrava(
  t: StravaTestApp,
  cookie: string,
  tamper: (callback: URL) => void = () => {},
  options: { keepOtherLinks?: boolean } = {},
): Promise<string> {
  if (!options.keepOtherLinks) await t.deps.db.delete(stravaTokens).where(eq(stravaTokens.strava_athlete_id, t.standin.athleteId));
  const connect = await call(t.app, 'GET', '/api/strava/connect', { cookie });
  if (connect.status !== 302) throw new Error(`connect answered ${connect.status}: ${JSON.stringify(connect.json)}`);
  const authorize = await fetch(connect.headers.get('location')!, { redirect: 'manual' });
  const callback = new URL(authorize.headers.get('location')!);
  tamper(callback);
  const answer = await call(t.app, 'GET', `${callback.pathname}${callback.search}`, { cookie });
  return answer.headers.get('location') ?? `status ${answer.status}`;
}

/** A webhook event as Strava sends it: ids as bare JSON integers (beyond 2^53 too). */
export function eventJson(event: {
  object_type?: string;
  object_id: string;
  aspect_type: string;
  owner_id: string;
  subscription_id?: string;
  event_time: number;
  updates?: Record<string, string>;
}): string {
  return (
    `{"aspect_type":"${event.aspect_type}","event_time":${event.event_time},"object_id":${event.object_id},` +
    `"object_type":"${event.object_type ?? 'activity'}","owner_id":${event.owner_id},"subscription_id":${event.subscription_id ?? TEST_SUBSCRIPTION_ID},` +
    `"updates":${JSON.stringify(event.updates ?? {})}}`
  );
}

/** POSTs an event to the webhook as Strava does (no cookie, no Origin). */
export async function pushEvent(t: TestApp, body: string): Promise<number> {
  return (await call(t.app, 'POST', '/api/strava/webhook', { raw: body })).status;
}

/**
 * For apps without a queue: processes every stored event once, as the job would (a 404 to retry
 * later leaves its event stored). Returns what became of each.
 */
export async function processStoredEvents(t: TestApp): Promise<string[]> {
  const http = { now: t.deps.now, timeoutMs: 2000 };
  const call = { db: t.deps.db, dbKind: t.deps.dbKind, config: t.deps.config, now: t.deps.now, http, uncertainRefreshWaitMs: 600_000 };
  const ctx = {
    call,
    client: createStravaClient({ ...http, apiUrl: t.deps.config.strava.apiUrl }),
    log: t.deps.log,
    notFoundDelaysMs: [1],
    onDeauthorized: auditDeauthorization(t.deps),
  };
  const outcomes: string[] = [];
  for (const id of await pendingEvents(t.deps.db)) {
    try {
      outcomes.push(await processEvent(ctx, id));
    } catch (error) {
      if (!(error instanceof RetryLater)) throw error;
      outcomes.push('retry_later');
    }
  }
  return outcomes;
}

/** Polls `check` until it returns a truthy value (every 25 ms, at most `timeoutMs`). */
export async function waitFor<T>(check: () => Promise<T> | T, timeoutMs = 15_000, what = 'condition'): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** The stored events of a user, by status. */
export async function eventStatuses(t: TestApp, userId: string): Promise<string[]> {
  const rows = await t.deps.db.select({ status: stravaEvents.status }).from(stravaEvents).where(eq(stravaEvents.user_id, userId));
  return rows.map((r) => r.status).sort();
}

/** Every settled event of the user: none still `received`. */
export async function allSettled(t: TestApp, userId: string): Promise<boolean> {
  const statuses = await eventStatuses(t, userId);
  return statuses.length > 0 && !statuses.includes('received');
}
