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
import { goals } from '../server/db/schema.ts';
import { createInvite, createSession, registerUser } from '../server/accounts/users.ts';
import { loadConfig } from '../server/lib/config.ts';
import { memoryLogger } from '../server/lib/log.ts';
import { median, type BenchFigure } from './lib.ts';

// Sync against the raw database work it wraps, side by side in one run with the same driver:
// push 10,000 mutations (100 requests of 100) vs inserting the same rows 100 at a time, and
// pull 10,000 changes from an empty cursor vs selecting the same rows.

const TOTAL = 10_000;
const BATCH = 100;
const RUNS = 3;
const READS_PER_RUN = 5;

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
      target: '≤ 3× raw insert',
      ratio: p / r,
      ok: p / r <= 3,
    },
    { name: `raw insert of the same rows (${label})`, value: TOTAL / (r / 1000), unit: 'rows/s' },
    { name: `sync pull, 10k changes from empty (${label})`, value: l, unit: 'ms', target: '≤ 3× raw select', ratio: l / s, ok: l / s <= 3 },
    { name: `raw select of the same rows (${label})`, value: s, unit: 'ms' },
  ];
}

/** Push and pull against raw database work, on PGlite and (when reachable) Postgres. */
export async function benchSync(): Promise<BenchFigure[]> {
  const figures: BenchFigure[] = [];
  const lite = await openDatabase({ dataDir: null });
  try {
    figures.push(...(await measure('PGlite', lite)));
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
  } finally {
    await handle.close();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
  return figures;
}
