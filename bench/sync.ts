import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq, sql } from 'drizzle-orm';
import pg from 'pg';
import { formatHlc, nodeIdFor } from '../shared/sync/hlc.ts';
import { PROTOCOL_VERSION, SCHEMA_VERSION } from '../shared/sync/protocol.ts';
import { createApp } from '../server/app.ts';
import { openDatabase, type DatabaseHandle } from '../server/db/database.ts';
import { goals, workoutCompletions, workouts } from '../server/db/schema.ts';
import { createInvite, createSession, registerUser } from '../server/accounts/users.ts';
import { loadConfig } from '../server/lib/config.ts';
import { memoryLogger } from '../server/lib/log.ts';
import { median, type BenchFigure } from './lib.ts';

// Sync against the raw database work it wraps, side by side in one run with the same driver:
// push 10,000 mutations (100 requests of 100) vs inserting the same rows 100 at a time, and
// pull 10,000 changes from an empty cursor vs selecting the same rows. The device's common
// change too (issue 21): 10,000 workout.update (a note) and then 10,000 workout.complete on a
// runner's 10,000 workouts, in pushes of 100, vs the same row writes made raw, 100 per
// statement (an UPDATE … FROM VALUES; for a completion, an INSERT of the completions and an
// UPDATE of the workouts' status).

const TOTAL = 10_000;
const BATCH = 100;
const RUNS = 3;
const READS_PER_RUN = 5;
/** Runs of the workout pushes: each pushes 20,000 mutations one by one through their handlers. */
const WORKOUT_RUNS = 1;

const goalArgs = () => ({ goal_type: 'race' as const, target_race_distance_meters: 10_000, target_race_date: '2027-05-09', target_time_seconds: 3000 });

async function runner(handle: DatabaseHandle) {
  const config = loadConfig({ DATA_DIR: mkdtempSync(join(tmpdir(), 'runcoach-bench-')) });
  const app = createApp({ db: handle.db, dbKind: handle.kind, config, now: () => new Date(), log: memoryLogger() });
  const { code } = await createInvite(handle.db, { now: new Date() });
  const user = await registerUser(
    handle.db,
    { invite_code: code, name: 'Bench', email: `bench-${randomUUID()}@example.com`, password: 'long enough password' },
    new Date(),
  );
  const { token } = await createSession(handle.db, config.sessionSecret, user.id, new Date());
  const post = async (path: string, body: unknown) => {
    const res = await app.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: `rc_session=${token}` },
      body: JSON.stringify(body),
    });
    if (res.status !== 200) throw new Error(`${path} answered ${res.status}: ${await res.text()}`);
    return res.json() as Promise<any>;
  };
  return { userId: user.id, post };
}

async function timePush(handle: DatabaseHandle): Promise<{ ms: number; userId: string; post: (p: string, b: unknown) => Promise<any> }> {
  const r = await runner(handle);
  const clientId = `c_bench_${randomUUID().slice(0, 8)}`;
  const node = nodeIdFor(clientId);
  let id = 0;
  const start = performance.now();
  for (let sent = 0; sent < TOTAL; sent += BATCH) {
    const mutations = Array.from({ length: BATCH }, () => {
      id += 1;
      return {
        id,
        name: 'goal.create',
        v: 1,
        hlc: formatHlc({ wallMs: Date.now(), counter: id % 0xffff, node }),
        args: { id: randomUUID(), goal: goalArgs() },
      };
    });
    const res = await r.post('/api/sync/push', { protocol: PROTOCOL_VERSION, schemaVersion: SCHEMA_VERSION, clientId, mutations });
    if (res.results.some((x: { status: string }) => x.status !== 'applied')) throw new Error('a bench mutation was rejected');
  }
  return { ms: performance.now() - start, ...r };
}

const DAY_MS = 86_400_000;

/** `TOTAL` workouts for `userId`, one a day (untimed set-up); returns their ids. */
async function seedWorkouts(handle: DatabaseHandle, userId: string): Promise<string[]> {
  const ids: string[] = [];
  const start = Date.UTC(2026, 0, 1);
  for (let made = 0; made < TOTAL; made += 1000) {
    const rows = Array.from({ length: 1000 }, (_, i) => ({
      id: randomUUID(),
      user_id: userId,
      scheduled_date: new Date(start + (made + i) * DAY_MS).toISOString().slice(0, 10),
      workout_type: 'easy',
      title: 'Easy run',
      structure: { segments: [{ type: 'steady', distance_meters: 8000, pace_target: 'easy' }] },
      estimated_distance_meters: 8000,
    }));
    await handle.db.insert(workouts).values(rows);
    ids.push(...rows.map((row) => row.id));
  }
  return ids;
}

type WorkoutKind = 'workout.update' | 'workout.complete';

/** Pushes one `kind` mutation for each of `ids`, 100 a request; returns the milliseconds. */
async function timeWorkoutPush(post: (p: string, b: unknown) => Promise<any>, ids: string[], kind: WorkoutKind): Promise<number> {
  const clientId = `c_bench_${randomUUID().slice(0, 8)}`;
  const node = nodeIdFor(clientId);
  let id = 0;
  const start = performance.now();
  for (let sent = 0; sent < ids.length; sent += BATCH) {
    const mutations = ids.slice(sent, sent + BATCH).map((workoutId) => {
      id += 1;
      return {
        id,
        name: kind,
        v: kind === 'workout.update' ? 2 : 1,
        hlc: formatHlc({ wallMs: Date.now(), counter: id % 0xffff, node }),
        args:
          kind === 'workout.update'
            ? { id: workoutId, set: { notes: `felt good ${id}` } }
            : { id: workoutId, completion_id: randomUUID(), rpe: 5, distance_meters: 8000, duration_seconds: 2700 },
      };
    });
    const res = await post('/api/sync/push', { protocol: PROTOCOL_VERSION, schemaVersion: SCHEMA_VERSION, clientId, mutations });
    if (res.results.some((x: { status: string }) => x.status !== 'applied')) throw new Error(`a bench ${kind} was rejected: ${JSON.stringify(res.results[0])}`);
  }
  return performance.now() - start;
}

/** The same row writes as `timeWorkoutPush`, made raw 100 per statement; returns the milliseconds. */
async function timeWorkoutRaw(handle: DatabaseHandle, userId: string, ids: string[], kind: WorkoutKind): Promise<number> {
  const start = performance.now();
  for (let sent = 0; sent < ids.length; sent += BATCH) {
    const batch = ids.slice(sent, sent + BATCH);
    const now = new Date();
    const hlc = formatHlc({ wallMs: now.getTime(), counter: sent % 0xffff, node: nodeIdFor('c_bench_raw') });
    if (kind === 'workout.update') {
      const values = sql.join(
        batch.map((id, i) => sql`(${id}::uuid, ${`felt good ${sent + i}`})`),
        sql`, `,
      );
      await handle.db.execute(sql`update workouts w set notes = v.notes, field_hlc = w.field_hlc || jsonb_build_object('notes', ${hlc}::text),
        edited_by_user = true, updated_at = ${now.toISOString()}::timestamptz
        from (values ${values}) as v(id, notes) where w.id = v.id and w.user_id = ${userId}::uuid`);
    } else {
      await handle.db.insert(workoutCompletions).values(
        batch.map((workoutId) => ({
          id: randomUUID(),
          user_id: userId,
          workout_id: workoutId,
          completion_status: 'completed' as const,
          rpe: 5,
          distance_meters: 8000,
          duration_seconds: 2700,
          created_at: now,
          updated_at: now,
        })),
      );
      const values = sql.join(
        batch.map((id) => sql`(${id}::uuid)`),
        sql`, `,
      );
      await handle.db.execute(sql`update workouts w set status = 'completed', rpe = 5, updated_at = ${now.toISOString()}::timestamptz
        from (values ${values}) as v(id) where w.id = v.id and w.user_id = ${userId}::uuid`);
    }
  }
  return performance.now() - start;
}

/** 10,000 workout.update then 10,000 workout.complete pushed, each against its raw baseline. */
async function measureWorkouts(label: string, handle: DatabaseHandle): Promise<BenchFigure[]> {
  const times: Record<WorkoutKind, { push: number[]; raw: number[] }> = {
    'workout.update': { push: [], raw: [] },
    'workout.complete': { push: [], raw: [] },
  };
  for (let run = 0; run < WORKOUT_RUNS; run++) {
    const pushed = await runner(handle);
    const pushedIds = await seedWorkouts(handle, pushed.userId);
    const raw = await runner(handle);
    const rawIds = await seedWorkouts(handle, raw.userId);
    await handle.db.execute(sql`analyze`);
    for (const kind of ['workout.update', 'workout.complete'] as const) {
      times[kind].push.push(await timeWorkoutPush(pushed.post, pushedIds, kind));
      times[kind].raw.push(await timeWorkoutRaw(handle, raw.userId, rawIds, kind));
    }
  }
  return (['workout.update', 'workout.complete'] as const).flatMap((kind) => {
    const [p, r] = [median(times[kind].push), median(times[kind].raw)];
    return [
      {
        name: `sync push, 10k ${kind} in 100s (${label})`,
        value: TOTAL / (p / 1000),
        unit: 'mutations/s',
        target: '≤ 2× raw writes',
        ratio: p / r,
        ok: p / r <= 2,
      },
      { name: `raw writes of the same rows as ${kind}, 100 a statement (${label})`, value: TOTAL / (r / 1000), unit: 'rows/s' },
    ];
  });
}

async function timeRawInsert(handle: DatabaseHandle): Promise<number> {
  const { userId } = await runner(handle);
  const start = performance.now();
  for (let sent = 0; sent < TOTAL; sent += BATCH) {
    await handle.db.insert(goals).values(Array.from({ length: BATCH }, () => ({ id: randomUUID(), user_id: userId, title: '10K', ...goalArgs() })));
  }
  return performance.now() - start;
}

async function timePull(post: (p: string, b: unknown) => Promise<any>): Promise<number> {
  const clientId = `c_bench_${randomUUID().slice(0, 8)}`;
  let cursor = null;
  let changes = 0;
  const start = performance.now();
  for (;;) {
    const res = await post('/api/sync/pull', { protocol: PROTOCOL_VERSION, schemaVersion: SCHEMA_VERSION, clientId, cursor, limit: 1000 });
    changes += res.changes.length;
    cursor = res.cursor;
    if (!res.hasMore) break;
  }
  if (changes < TOTAL) throw new Error(`pulled ${changes} changes, expected ${TOTAL}+`);
  return performance.now() - start;
}

async function timeRawSelect(handle: DatabaseHandle, userId: string): Promise<number> {
  const start = performance.now();
  const rows = await handle.db.select().from(goals).where(eq(goals.user_id, userId));
  if (rows.length !== TOTAL) throw new Error(`selected ${rows.length} rows`);
  return performance.now() - start;
}

async function measure(label: string, handle: DatabaseHandle): Promise<BenchFigure[]> {
  const push: number[] = [];
  const raw: number[] = [];
  const pull: number[] = [];
  const select: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const pushed = await timePush(handle);
    push.push(pushed.ms);
    // Planner statistics as a running server keeps them (autovacuum on Postgres, the hourly
    // maintenance job on PGlite): both the pull and the raw select below read with them.
    await handle.db.execute(sql`analyze`);
    raw.push(await timeRawInsert(handle));
    // A pull and a select take a fraction of a second: several of each, taken in turns, so a
    // moment of noise on this shared machine moves one sample of each rather than the median.
    for (let turn = 0; turn < READS_PER_RUN; turn++) {
      pull.push(await timePull(pushed.post));
      select.push(await timeRawSelect(handle, pushed.userId));
    }
  }
  const [p, r, l, s] = [median(push), median(raw), median(pull), median(select)];
  return [
    {
      name: `sync push, 10k mutations in 100s (${label})`,
      value: TOTAL / (p / 1000),
      unit: 'mutations/s',
      target: '≤ 2× raw insert',
      ratio: p / r,
      ok: p / r <= 2,
    },
    { name: `raw insert of the same rows (${label})`, value: TOTAL / (r / 1000), unit: 'rows/s' },
    { name: `sync pull, 10k changes from empty (${label})`, value: l, unit: 'ms', target: '≤ 2× raw select', ratio: l / s, ok: l / s <= 2 },
    { name: `raw select of the same rows (${label})`, value: s, unit: 'ms' },
  ];
}

/** Push and pull against raw database work, on PGlite and (when reachable) Postgres. */
export async function benchSync(): Promise<BenchFigure[]> {
  const figures: BenchFigure[] = [];
  const lite = await openDatabase({ dataDir: null });
  try {
    figures.push(...(await measure('PGlite', lite)));
    figures.push(...(await measureWorkouts('PGlite', lite)));
  } finally {
    await lite.close();
  }
  const base = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const name = `rc_bench_${randomUUID().slice(0, 8)}`;
  const admin = new pg.Client({ connectionString: base });
  try {
    await admin.connect();
  } catch {
    console.error(`skipped: sync bench on Postgres (cannot reach ${new URL(base).host})`);
    return figures;
  }
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  const handle = await openDatabase({ databaseUrl: url.toString(), dataDir: null });
  try {
    figures.push(...(await measure('Postgres', handle)));
    figures.push(...(await measureWorkouts('Postgres', handle)));
  } finally {
    await handle.close();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
  return figures;
}
