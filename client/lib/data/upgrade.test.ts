// First, before Dexie loads: its liveQuery needs the IndexedDB globals present at import time.
import 'fake-indexeddb/auto';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { afterEach, describe, expect, it } from 'vitest';
import type { Plan } from '#shared/schema/plan.ts';
import { MUTATION_ARGS } from '#shared/sync/mutation-args.ts';
import { SCHEMA_VERSION, type PullRequest, type PushRequest } from '#shared/sync/protocol.ts';
import { generatePlan } from '#shared/training/engine.ts';
import { SyncEngine } from '../sync/engine.ts';
import { noLock } from '../sync/locks.ts';
import { UserDb, type OutboxEntry } from './db.ts';
import { ensureMeta } from './meta.ts';
import { rebase } from './rebase.ts';
import { toVersion2Row, VERSION_2_STORES, writeVersion2Database } from './test-kit-v2.ts';
import { upgradeMutation } from './upgrade.ts';

// Dexie version 3 (issue 16): a phone updated from a build that stored the old column names,
// with changes still waiting to be sent, keeps every row and every change under the new names.

const USER = '00000000-0000-4000-8000-000000000001';
const GOAL = '00000000-0000-4000-8000-0000000000a1';
const PLAN = '00000000-0000-4000-8000-0000000000a2';
const WORKOUT = '00000000-0000-4000-8000-0000000000a3';
const EDIT = '00000000-0000-4000-8000-0000000000a4';
const EDIT_TITLE = '00000000-0000-4000-8000-0000000000a5';
const COMPLETION = '00000000-0000-4000-8000-0000000000a6';
const STRAVA_RUN = '00000000-0000-4000-8000-0000000000a7';
const UPLOAD = '00000000-0000-4000-8000-0000000000a8';
const MESSAGE = '00000000-0000-4000-8000-0000000000a9';
const WRITTEN_OFFLINE = '00000000-0000-4000-8000-0000000000aa';
const MEMORY = '00000000-0000-4000-8000-0000000000ab';
const DEVICE_PLAN = '00000000-0000-4000-8000-0000000000ac';
const CLIENT = 'c_0ldPhone0ldPhone0ld';
const NAME = `runcoach-${USER}`;
const h = (n: number) => `2026-03-02T07:00:0${n}.000Z-0000-aaaaaaaaaaaaaaaa`;
const T = '2026-03-01T07:00:00.000Z';
const STRUCTURE = { segments: [{ type: 'steady', duration_seconds: 2700, pace_target: 'easy' }] };
const SHORTER = { segments: [{ type: 'steady', duration_seconds: 1800, pace_target: 'easy' }] };

/** A plan the engine made, in today's shape: the old build queued it under the old names. */
function enginePlan(): Plan {
  let n = 0;
  const made = generatePlan({
    profile: { current_weekly_mileage_miles: 20, days_available_per_week: 4, easy_pace_per_mile_seconds: 600, injury_notes: null },
    goal: { kind: 'race', target_race_distance_meters: 10_000, target_race_date: '2026-05-10', target_time_seconds: null },
    start_date: '2026-03-02',
    today: '2026-03-02',
    methodology: 'daniels',
    newId: () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`,
  });
  if (!made.ok) throw new Error('engine input');
  return made.plan;
}

function oldPlanArgs(plan: Plan) {
  const { workouts, weeks, ...rest } = plan;
  return {
    plan_id: DEVICE_PLAN,
    goal_id: GOAL,
    plan: {
      ...rest,
      weeks: weeks.map(({ estimated_distance_meters, estimated_duration_minutes, ...week }) => ({ ...week, planned_distance_meters: estimated_distance_meters, planned_duration_seconds: estimated_duration_minutes * 60 })),
      workouts: workouts.map(({ workout_type, estimated_distance_meters, estimated_duration_minutes, ...w }) => ({ ...w, type: workout_type, planned_distance_meters: estimated_distance_meters, planned_duration_seconds: estimated_duration_minutes * 60 })),
    },
  };
}

const oldActivity = { source: 'fit_upload', external_id: 'fit-garmin-1-1', sport_type: 'Run', start_time: '2026-03-01T07:00:00.000+01:00', local_date: '2026-03-01', distance_meters: 5000, moving_time_seconds: 1650, elapsed_time_seconds: 1700, laps: [] };

// The server's last word on each row, under the old names (what the old build stored).
const serverRows = {
  goals: [{ id: GOAL, user_id: USER, goal_type: 'race', title: 'Spring 10K', target_race_distance_meters: 10000, target_race_date: '2026-05-10', status: 'active', deleted: false, created_at: T, updated_at: T }],
  training_plans: [
    {
      id: PLAN,
      user_id: USER,
      goal_id: GOAL,
      methodology: 'daniels',
      status: 'active',
      start_date: '2026-03-02',
      end_date: '2026-05-10',
      weeks: [{ index: 0, start_date: '2026-03-02', phase: 'base', planned_distance_meters: 24000, planned_duration_seconds: 9000, is_recovery: false, is_taper: false, reason: 'Start easy' }],
      created_at: T,
    },
  ],
  workouts: [
    {
      id: WORKOUT,
      user_id: USER,
      plan_id: PLAN,
      scheduled_date: '2026-03-03',
      week_index: 0,
      type: 'easy',
      title: 'Easy run',
      structure: STRUCTURE,
      planned_distance_meters: 8000,
      planned_duration_seconds: 2730,
      reason: 'Aerobic base',
      status: 'planned',
      rpe: null,
      notes: null,
      edited_by_user: false,
      deleted: false,
      created_at: T,
      updated_at: T,
    },
  ],
  workout_edits: [
    { id: EDIT, user_id: USER, workout_id: WORKOUT, edited_by: 'coach', field: 'structure', previous_value: STRUCTURE, new_value: SHORTER, reason: 'Busy week', won: false, created_at: T },
    { id: EDIT_TITLE, user_id: USER, workout_id: WORKOUT, edited_by: 'user', field: 'title', previous_value: 'Run', new_value: 'Easy run', reason: null, won: true, created_at: T },
  ],
  workout_completions: [{ id: COMPLETION, user_id: USER, workout_id: WORKOUT, activity_id: STRAVA_RUN, status: 'completed', distance_meters: 8100, duration_seconds: 2800, created_at: T, updated_at: T }],
  strava_activities: [
    { id: STRAVA_RUN, user_id: USER, source: 'strava', external_id: '987654321', sport_type: 'Run', local_date: '2026-03-01', distance_meters: 8000, moving_time_seconds: 2800, created_at: T, updated_at: T },
  ],
  chat_messages: [{ id: MESSAGE, user_id: USER, role: 'user', content: 'Hello coach', metadata: {}, created_at: T }],
  user_memory_summaries: [{ id: MEMORY, user_id: USER, kind: 'training_week', week_start: '2026-02-23', content: 'Four easy runs', data: {}, deleted: false, created_at: T, updated_at: T }],
} as const;

const CLOCKS: Record<string, Record<string, string>> = { workouts: { type: h(0), title: h(0), planned_duration_seconds: h(0) }, goals: { title: h(0) }, user_memory_summaries: { kind: h(0), content: h(0) } };

function oldDatabase() {
  const contents: Record<string, unknown[]> = {};
  for (const [entity, rows] of Object.entries(serverRows)) {
    contents[`server_${entity}`] = rows.map((row) => ({ key: row.id, row, hlc: CLOCKS[entity] ?? {} }));
    contents[entity] = rows.map((row) => ({ ...row, _hlc: CLOCKS[entity] ?? {} }));
  }
  // The old build's optimistic rows for its queued changes.
  contents.workouts = [{ ...serverRows.workouts[0], type: 'tempo', title: 'Tempo', edited_by_user: true, _hlc: { ...CLOCKS.workouts, type: h(1), title: h(1) }, _pending: true }];
  contents.strava_activities!.push({ id: UPLOAD, user_id: USER, source: 'fit_upload', external_id: 'fit-garmin-1-1', sport_type: 'Run', local_date: '2026-03-01', distance_meters: 5000, moving_time_seconds: 1650, created_at: T, updated_at: T, _hlc: {}, _pending: true });
  contents.chat_messages!.push({ id: WRITTEN_OFFLINE, user_id: USER, role: 'user', content: 'Written on the train', metadata: { via: 'sync' }, created_at: T, _hlc: {}, _pending: true });
  const queued = [
    { id: 7, name: 'workout.update', v: 1, hlc: h(1), args: { id: WORKOUT, set: { type: 'tempo', title: 'Tempo' }, reason: 'Felt good' }, createdAt: 1 },
    { id: 8, name: 'activity.upload', v: 1, hlc: h(2), args: { id: UPLOAD, activity: oldActivity }, createdAt: 2 },
    { id: 9, name: 'plan.generate', v: 1, hlc: h(3), args: oldPlanArgs(enginePlan()), createdAt: 3 },
    { id: 10, name: 'chat.send', v: 1, hlc: h(4), args: { id: WRITTEN_OFFLINE, content: 'Written on the train' }, createdAt: 4 },
    { id: 11, name: 'goal.update', v: 1, hlc: h(5), args: { id: GOAL, set: { title: 'Spring 10K!' } }, createdAt: 5 },
  ];
  contents.outbox = queued;
  contents.acked = [{ id: 6, name: 'workout.update', v: 1, hlc: h(0), args: { id: WORKOUT, set: { type: 'easy' } }, createdAt: 0, result: { id: 6, status: 'applied', version: 40 }, ackedAt: 0 }];
  contents.rejected = [{ key: `${CLIENT}:5`, clientId: CLIENT, id: 5, name: 'workout.update', v: 1, hlc: h(0), args: { id: WORKOUT, set: { type: 'rest' } }, createdAt: 0, error: { code: 'invalid', message: 'no' }, at: 0, dismissedAt: null }];
  contents.meta = [{ key: 'device', clientId: CLIENT, nextMutationId: 12, cursor: { epoch: 'epoch-1', v: 42 }, hlc: h(5), serverOffset: 0, schemaVersion: 2, lastSyncedAt: 1 }];
  return { name: NAME, stores: VERSION_2_STORES, contents };
}

let db: UserDb | null = null;
afterEach(() => db?.close());

/** The old database on a fresh fake IndexedDB, then opened by this build. */
async function upgraded(): Promise<UserDb> {
  const factory = new IDBFactory();
  await writeVersion2Database(oldDatabase(), factory);
  db = new UserDb(USER, { indexedDB: factory, IDBKeyRange, now: () => Date.parse('2026-03-02T08:00:00Z') });
  await db.open();
  await ensureMeta(db);
  return db;
}

const without = (row: Record<string, unknown> | undefined, ...keys: string[]) => keys.filter((key) => row && key in row);

describe('Dexie version 3: the seed\'s names, upgraded in place', () => {
  it('renames every stored row, server state and screen rows alike, filling the new columns as the server migration does', async () => {
    const db = await upgraded();
    expect(db.verno).toBe(5); // through 3, 4 (readiness_checkins, a new table) and 5 (the profile's heart-rate names, issue 17)
    const server = (await db.server('workouts').get(WORKOUT))!;
    expect(server.row).toMatchObject({ training_plan_id: PLAN, workout_type: 'easy', description: null, estimated_distance_meters: 8000, estimated_duration_minutes: 46, status: 'scheduled', reason: 'Aerobic base' });
    expect(without(server.row, 'plan_id', 'type', 'planned_distance_meters', 'planned_duration_seconds')).toEqual([]);
    expect(server.hlc).toEqual({ workout_type: h(0), title: h(0), estimated_duration_minutes: h(0) });
    // The screen row keeps the old build's pending edit, under the new names, still pending.
    expect(await db.view('workouts').get(WORKOUT)).toMatchObject({ workout_type: 'tempo', title: 'Tempo', estimated_duration_minutes: 46, _hlc: { workout_type: h(1), title: h(1) }, _pending: true });

    const edits = await db.server('workout_edits').bulkGet([EDIT, EDIT_TITLE]);
    expect(edits[0]!.row).toMatchObject({ edit_reason: 'Busy week', field: 'structure', previous_structure: STRUCTURE, new_structure: SHORTER, won: false });
    expect(edits[1]!.row).toMatchObject({ edit_reason: null, field: 'title', previous_structure: null, new_structure: null });
    expect((await db.server('workout_completions').get(COMPLETION))!.row).toMatchObject({ strava_activity_id: STRAVA_RUN, completion_status: 'completed' });
    expect((await db.server('strava_activities').get(STRAVA_RUN))!.row).toMatchObject({ activity_type: 'Run', strava_activity_id: '987654321', average_pace_seconds_per_meter: 2800 / 8000 });
    expect(await db.view('strava_activities').get(UPLOAD)).toMatchObject({ activity_type: 'Run', strava_activity_id: null, average_pace_seconds_per_meter: 1650 / 5000, _pending: true });
    expect((await db.server('user_memory_summaries').get(MEMORY))!).toMatchObject({
      row: { summary_type: 'training_week', source_date_range_start: '2026-02-23', source_date_range_end: '2026-03-01' },
      hlc: { summary_type: h(0), content: h(0) },
    });
    expect((await db.server('training_plans').get(PLAN))!.row).toMatchObject({ title: 'Spring 10K: Daniels plan', weeks: [{ estimated_distance_meters: 24000, estimated_duration_minutes: 150, phase: 'base' }] });
    expect((await db.server('goals').get(GOAL))!.row).toMatchObject({ title: 'Spring 10K', description: null });

    // The chat history stays one conversation: one id for every message, synced or not.
    const messages = [...(await db.server('chat_messages').toArray()).map((r) => r.row), ...(await db.view('chat_messages').toArray())];
    const conversations = new Set(messages.map((m) => m.conversation_id));
    expect(messages).toHaveLength(3);
    expect(conversations.size).toBe(1);
    expect([...conversations][0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(messages.every((m) => m.context_snapshot === null)).toBe(true);

    // The new indexes answer.
    expect(await db.view('workouts').where('training_plan_id').equals(PLAN).count()).toBe(1);
    expect(await db.view('workout_completions').where('strava_activity_id').equals(STRAVA_RUN).count()).toBe(1);
    expect(await db.view('user_memory_summaries').where('summary_type').equals('training_week').count()).toBe(1);
    expect(await db.view('chat_messages').where('conversation_id').equals([...conversations][0] as string).count()).toBe(2);
  });

  it('rewrites queued, acknowledged and refused changes to the versions that speak the new names, valid as the server checks them', async () => {
    const db = await upgraded();
    const outbox = await db.outbox.orderBy('id').toArray();
    expect(outbox.map((entry) => `${entry.id} ${entry.name}@${entry.v}`)).toEqual(['7 workout.update@2', '8 activity.upload@2', '9 plan.generate@2', '10 chat.send@1', '11 goal.update@1']);
    const [update, upload, plan, chat, goal] = outbox as [OutboxEntry, OutboxEntry, OutboxEntry, OutboxEntry, OutboxEntry];
    expect(update).toMatchObject({ hlc: h(1), createdAt: 1, args: { id: WORKOUT, set: { workout_type: 'tempo', title: 'Tempo' }, reason: 'Felt good' } });
    expect(MUTATION_ARGS['workout.update@2'].parse(update.args)).toEqual(update.args);
    expect(MUTATION_ARGS['activity.upload@2'].parse(upload.args)).toMatchObject({ activity: { activity_type: 'Run' } });
    expect(upload.args).not.toHaveProperty('activity.sport_type');
    expect(MUTATION_ARGS['plan.generate@2'].safeParse(plan.args).success).toBe(true);
    expect((plan.args as { plan: Plan }).plan).toEqual(enginePlan()); // exactly the plan the old build made
    expect(chat.args).toEqual({ id: WRITTEN_OFFLINE, content: 'Written on the train' }); // the server files it in the latest conversation
    expect(goal.args).toEqual({ id: GOAL, set: { title: 'Spring 10K!' } });
    expect(await db.acked.get(6)).toMatchObject({ name: 'workout.update', v: 2, args: { set: { workout_type: 'easy' } }, result: { status: 'applied' } });
    expect(await db.rejected.get(`${CLIENT}:5`)).toMatchObject({ name: 'workout.update', v: 2, args: { set: { workout_type: 'rest' } }, error: { code: 'invalid' } });
    // The sync state is kept: same client, numbering and cursor; rows still marked as the old shape.
    expect(await db.meta.get('device')).toMatchObject({ clientId: CLIENT, nextMutationId: 12, cursor: { epoch: 'epoch-1', v: 42 }, schemaVersion: 2 });
  });

  it('rebases the rewritten changes with this build\'s mutations: the runner keeps seeing them', async () => {
    const db = await upgraded();
    // The rows the queued changes touch: workout.update also reads the profile (its paces size a new structure).
    await db.transaction('rw', [db.outbox, ...['workouts', 'user_profiles', 'strava_activities', 'chat_messages', 'goals'].flatMap((e) => [db.table(e), db.table(`server_${e}`)])], () => rebase(db, []));
    expect(await db.view('workouts').get(WORKOUT)).toMatchObject({ workout_type: 'tempo', title: 'Tempo', edited_by_user: true, _pending: true });
    expect(await db.view('strava_activities').get(UPLOAD)).toMatchObject({ activity_type: 'Run', source: 'fit_upload', _pending: true });
    expect(await db.view('goals').get(GOAL)).toMatchObject({ title: 'Spring 10K!', _pending: true });
    expect(await db.view('chat_messages').get(WRITTEN_OFFLINE)).toMatchObject({ content: 'Written on the train', conversation_id: null, _pending: true });
  });

  it('pushes the rewritten changes on the next sync, then downloads the rows again in the new shape', async () => {
    const db = await upgraded();
    const sent: { kind: string; body: PushRequest | PullRequest }[] = [];
    const engine = new SyncEngine({
      db,
      lock: noLock,
      transport: {
        push: async (body) => {
          sent.push({ kind: 'push', body });
          return { status: 200, json: { lastMutationId: 11, serverTime: 0, epoch: 'epoch-1', results: body.mutations.map((m) => ({ id: m.id, status: 'applied', version: 50 + m.id })) } };
        },
        pull: async (body) => {
          sent.push({ kind: 'pull', body });
          const row = { ...serverRows.goals[0], title: 'Spring 10K!', description: null };
          return { status: 200, json: { cursor: { epoch: 'epoch-1', v: 61 }, hasMore: false, lastMutationId: 11, serverTime: 0, changes: [{ v: 61, entity: 'goals', id: GOAL, op: 'u', row, hlc: { title: h(5) } }] } };
        },
      },
    });
    expect(await engine.sync()).toEqual({ ok: true });
    const push = sent[0]!.body as PushRequest;
    expect(push.schemaVersion).toBe(SCHEMA_VERSION);
    expect(push.mutations.map((m) => `${m.id} ${m.name}@${m.v}`)).toEqual(['7 workout.update@2', '8 activity.upload@2', '9 plan.generate@2', '10 chat.send@1', '11 goal.update@1']);
    expect(sent.slice(1).map((request) => `${request.kind} ${(request.body as PullRequest).cursor === null ? 'from scratch' : 'cursor'}`)).toEqual(['pull from scratch']);
    // The download replaced what the phone held: only what the server sent is left.
    expect(await db.server('workouts').count()).toBe(0);
    expect((await db.server('goals').get(GOAL))!.row).toMatchObject({ title: 'Spring 10K!' });
    expect(await db.outbox.count()).toBe(0);
    expect(await db.meta.get('device')).toMatchObject({ schemaVersion: SCHEMA_VERSION, cursor: { v: 61 } });
  });
});

describe('the upgrade of one queued change', () => {
  it('leaves changes that already speak the new names alone', () => {
    const current = { name: 'workout.update', v: 2, args: { id: WORKOUT, set: { workout_type: 'easy' } } };
    expect(upgradeMutation(current)).toBe(current);
    const move = { name: 'workout.move', v: 1, args: { id: WORKOUT, scheduled_date: '2026-03-04' } };
    expect(upgradeMutation(move)).toBe(move);
  });

  it('is the inverse of what the old build stored (the kit the sync and browser tests downgrade with)', () => {
    const today = { id: WORKOUT, training_plan_id: PLAN, workout_type: 'easy', description: 'Relaxed', estimated_distance_meters: 8000, estimated_duration_minutes: 45, status: 'scheduled' };
    expect(toVersion2Row('workouts', today)).toEqual({ id: WORKOUT, plan_id: PLAN, type: 'easy', planned_distance_meters: 8000, planned_duration_seconds: 2700, status: 'planned' });
  });
});
