import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { eq } from 'drizzle-orm';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stravaActivities, stravaEvents } from '../db/schema.ts';
import { EVENTS_PER_RUNNER_PER_HOUR } from './event-guards.ts';
import { accessTokenFor } from './tokens.ts';
import { type AppDeps } from '../context.ts';
import { memoryLogger } from '../lib/log.ts';
import { openTestPostgres } from '../test/databases.ts';
import { signUp } from '../test/harness.ts';
import { postgresUrl } from '../test/requirements.ts';
import { readStravaFixture } from '../test/strava-standin.ts';
import { jobsDatabase, startJobs, type Jobs } from '../workers.ts';
import { allSettled, connectStrava, eventJson, FAST_JOBS, pushEvent, stravaTestApp, waitFor, type StravaTestApp } from './test-kit.ts';

// The job queue on real Postgres, as several server processes share it: two pg-boss instances
// (two "processes", each with its own pool) split the work and process every event once; the
// token refresh takes the token row's lock, so concurrent workers refresh once; and a database
// dump holds no Strava token in clear.

const url = postgresUrl('postgres strava jobs');

describe.skipIf(!url)('Strava jobs on Postgres', () => {
  let handle: Awaited<ReturnType<typeof openTestPostgres>>;
  let web: StravaTestApp;
  const workers: { jobs: Jobs; log: ReturnType<typeof memoryLogger> }[] = [];
  beforeAll(async () => {
    handle = await openTestPostgres(url!);
    // The "web" process only queues; the two worker processes below do the work.
    // Limits high enough for every read here: this file is about sharing work, not pausing it.
    const limits = { readLimit15: 10_000, limit15: 10_000 };
    web = await stravaTestApp(handle, { standin: { rotateRefreshTokens: true, limits }, jobs: { work: false } });
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.jobs.stop()));
    await web?.close();
    await handle?.close();
  });

  async function startWorkers(): Promise<void> {
    const started = await Promise.all(
      [1, 2].map(async () => {
        const log = memoryLogger();
        const deps: AppDeps = { ...web.deps, log };
        return { jobs: await startJobs(deps, jobsDatabase(handle, handle.url), { ...FAST_JOBS, concurrency: 2 }), log };
      }),
    );
    workers.push(...started);
  }

  const detail = (id: string) => readStravaFixture('activity_detailed_run.json').replace('"id": 1946417534', `"id": ${id}`);
  const doneBy = (w: { log: { lines: string[] } }) =>
    w.log.lines.filter((l) => l.includes('"job done"') && l.includes('"strava.event"') && l.includes('"processed"')).length;

  it('two worker processes share the events and process each exactly once', { timeout: 60_000 }, async () => {
    const { cookie, user } = await signUp(web);
    expect(await connectStrava(web, cookie)).toBe('/settings?strava=connected');
    // As many as one runner may send in an hour (EVENTS_PER_RUNNER_PER_HOUR).
    const ids = Array.from({ length: EVENTS_PER_RUNNER_PER_HOUR }, (_, i) => String(18_000_000_000_000_800n + BigInt(i)));
    for (const id of ids) web.standin.putActivity(id, detail(id));
    for (const [i, id] of ids.entries()) {
      const body = eventJson({ aspect_type: 'create', object_id: id, owner_id: web.standin.athleteId, event_time: 1_772_800_000 + i });
      expect(await pushEvent(web, body)).toBe(200);
      expect(await pushEvent(web, body)).toBe(200); // a repeat
    }
    await startWorkers();
    await waitFor(() => allSettled(web, user.id), 30_000, 'all events processed');
    const events = await web.deps.db.select().from(stravaEvents).where(eq(stravaEvents.user_id, user.id));
    expect(events).toHaveLength(EVENTS_PER_RUNNER_PER_HOUR);
    expect(events.every((e) => e.status === 'processed')).toBe(true);
    expect(await web.deps.db.select().from(stravaActivities).where(eq(stravaActivities.user_id, user.id))).toHaveLength(EVENTS_PER_RUNNER_PER_HOUR);
    expect(web.standin.state.requests.filter((r) => r.route === 'activity')).toHaveLength(EVENTS_PER_RUNNER_PER_HOUR);
    const [a, b] = workers.map(doneBy) as [number, number];
    expect(a + b).toBe(EVENTS_PER_RUNNER_PER_HOUR);
    expect(a).toBeGreaterThan(0);
    expect(b).toBeGreaterThan(0);
  });

  it('refreshes an expired token once while both processes need it (row lock)', async () => {
    const { cookie, user } = await signUp(web);
    await connectStrava(web, cookie);
    web.clock.advance(6 * 3600_000);
    const before = web.standin.state.refreshCalls;
    const ids = Array.from({ length: 12 }, (_, i) => String(18_000_000_000_000_900n + BigInt(i)));
    for (const id of ids) web.standin.putActivity(id, detail(id));
    await Promise.all(
      ids.map((id, i) => pushEvent(web, eventJson({ aspect_type: 'create', object_id: id, owner_id: web.standin.athleteId, event_time: 1_772_900_000 + i }))),
    );
    await waitFor(() => allSettled(web, user.id), 30_000, 'events processed');
    expect(web.standin.state.refreshCalls - before).toBe(1);

    web.clock.advance(6 * 3600_000);
    const ctx = {
      db: web.deps.db,
      dbKind: web.deps.dbKind,
      config: web.deps.config,
      now: web.deps.now,
      http: { now: web.deps.now },
      uncertainRefreshWaitMs: 600_000,
    };
    const tokens = await Promise.all(Array.from({ length: 6 }, () => accessTokenFor(ctx, user.id)));
    expect(new Set(tokens).size).toBe(1);
    expect(web.standin.state.refreshCalls - before).toBe(2);
  });

  it('leaves no Strava token in clear in a pg_dump of the database', async () => {
    const pgDump = ['/usr/bin/pg_dump', '/usr/local/bin/pg_dump'].find((p) => existsSync(p));
    const secrets = [...web.standin.state.accessTokens.keys(), ...web.standin.state.refreshTokens];
    expect(secrets.length).toBeGreaterThan(2);
    let dump: string;
    if (pgDump) {
      dump = (await promisify(execFile)(pgDump, ['--data-only', handle.url], { maxBuffer: 256 * 1024 * 1024 })).stdout;
    } else {
      // No pg_dump here: every table's rows as text instead.
      const pool = (handle.raw as { kind: 'postgres'; pool: pg.Pool }).pool;
      const tables = await pool.query<{ s: string; t: string }>(
        `select table_schema s, table_name t from information_schema.tables where table_schema in ('public', 'pgboss') and table_type = 'BASE TABLE'`,
      );
      const parts: string[] = [];
      for (const { s: schema, t: table } of tables.rows)
        parts.push(...(await pool.query<{ line: string }>(`select x::text as line from "${schema}"."${table}" x`)).rows.map((r) => r.line));
      dump = parts.join('\n');
    }
    expect(dump).toContain(web.standin.athleteId);
    for (const secret of secrets) expect(dump).not.toContain(secret);
  });
});
