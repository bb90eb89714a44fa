import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workoutCompletions, workouts } from '../db/schema.ts';
import { stravaActivityUrl } from '../activities/store.ts';
import { writeWeeklyMemories } from './weekly-memory.ts';
import { allRequests, chat, runnerWithPlan, seedRun, startCoachTest, type CoachTest } from './testing.ts';
import { call } from '../test/harness.ts';

// docs/STRAVA.md §"Policy: Strava data and AI": no Strava-sourced field, nor anything computed from
// it, reaches the model unless STRAVA_DATA_IN_AI=true. A Strava run with a distinctive name,
// distance, time and heart rate is seeded next to a run from the runner's own watch file, and
// every request the stand-in recorded is searched for it.

// Short numbers are searched in context (a bare "173" could turn up inside a random uuid).
const STRAVA_MARKS = ['Zorblax', '23456', '23.5 km', '2:09:37', 'avg HR 173', '"avg_hr":173', '98765432101234'];

async function seedRunner(c: CoachTest) {
  const runner = await runnerWithPlan(c.t);
  const strava = await seedRun(
    c.t,
    runner.user.id,
    {
      source: 'strava',
      external_id: '98765432101234',
      local_date: '2026-02-26',
      distance_meters: 23_456.7,
      moving_time_seconds: 7777,
      average_heartrate: 173.4,
    },
    'Zorblax Ridge Strava Run',
  );
  await seedRun(
    c.t,
    runner.user.id,
    { source: 'fit_upload', local_date: '2026-02-27', distance_meters: 8123, moving_time_seconds: 2900, average_heartrate: 141 },
    'Lakeside Watch Run',
  );
  // A workout the matcher completed from the Strava run; the runner added a note of their own.
  const [w] = await c.t.deps.db
    .insert(workouts)
    .values({
      user_id: runner.user.id,
      scheduled_date: '2026-02-26',
      workout_type: 'long',
      title: 'Long run by the river',
      structure: { segments: [{ type: 'steady', distance_meters: 20000, pace_target: 'easy' }] },
      estimated_distance_meters: 20000,
      status: 'completed',
    })
    .returning();
  await c.t.deps.db.insert(workoutCompletions).values({
    user_id: runner.user.id,
    workout_id: w!.id,
    strava_activity_id: strava.id,
    completion_status: 'completed',
    distance_meters: 23_456.7,
    duration_seconds: 7777,
    notes: 'legs felt springy',
    strava_activity_url: stravaActivityUrl('98765432101234'),
  });
  return runner;
}

/** Chat (with a history tool call), the weekly memory job and the journal narrative: every path to the model. */
async function exerciseEveryPath(c: CoachTest, runner: Awaited<ReturnType<typeof seedRunner>>) {
  c.standin.script({ type: 'tool_use', name: 'get_history', input: { days: 30 } }, { type: 'text', text: 'Nice week.' });
  const res = await chat(c.t, runner.cookie, { message: 'How did last week go?' });
  expect(res.events.at(-1)!.event).toBe('done');
  const memory = { type: 'tool_use' as const, name: 'weekly_memory', input: { narrative: 'A solid week.', injuries: [], preferences: [] } };
  c.standin.script(memory);
  // The job writes the week of 2026-02-23; the journal then reads that memory as its narrative.
  expect(await writeWeeklyMemories(c.t.deps, c.t.clock.now(), { userIds: [runner.user.id] })).toMatchObject({ written: 1, narratives: 1 });
  return call(c.t.app, 'GET', '/api/journal?week=2026-02-23', { cookie: runner.cookie });
}

describe('by default (STRAVA_DATA_IN_AI unset)', () => {
  let c: CoachTest;
  beforeAll(async () => {
    c = await startCoachTest();
  });
  afterAll(() => c.close());

  it('no Strava-sourced field reaches any request; the runner’s own data does', async () => {
    const runner = await seedRunner(c);
    const journal = await exerciseEveryPath(c, runner);
    expect(c.standin.requests).toHaveLength(3); // chat turn 1, chat turn 2 (tool result), weekly memory
    const sent = allRequests(c.standin);
    for (const mark of STRAVA_MARKS) expect(sent, mark).not.toContain(mark);
    expect(sent).toContain('Lakeside Watch Run');
    expect(sent).toContain('legs felt springy'); // the runner's own words on a Strava-matched workout
    expect(sent).not.toContain('Long run by the river (planned 20.0 km): completed');

    // The runner still sees their Strava run in their own journal.
    expect(journal.status).toBe(200);
    expect(journal.json.stats).toMatchObject({ runs: 2, distance_meters: 31_579.7 });
    expect(journal.json.narrative).toMatchObject({ text: 'A solid week.', source: 'coach' });
  });
});

describe('with STRAVA_DATA_IN_AI=true', () => {
  let c: CoachTest;
  beforeAll(async () => {
    c = await startCoachTest({ STRAVA_DATA_IN_AI: 'true' });
  });
  afterAll(() => c.close());

  it('the Strava run is in the context, the tool results and the memory request', async () => {
    const runner = await seedRunner(c);
    await exerciseEveryPath(c, runner);
    const [first, second, memory] = c.standin.requests.map((r) => JSON.stringify(r.body));
    expect(first).toContain('Zorblax Ridge Strava Run');
    expect(first).toContain('23.5 km');
    expect(second).toContain('Zorblax Ridge Strava Run'); // get_history's result
    expect(memory).toContain('23456.7');
  });
});
