import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { workoutCompletions, workouts } from '../db/schema.ts';
import { call, signUp, useTestApp } from '../test/harness.ts';
import { TestDevice } from '../test/sync-device.ts';
import { generatePlan } from '#shared/training/engine.ts';

// docs/SYNC.md §T1 and §T9 on workouts, where a losing value must stay in the edit history.

const t = useTestApp();

async function runnerWithPlan() {
  const { cookie } = await signUp(t);
  await call(t.app, 'PUT', '/api/profile', { cookie, body: { current_weekly_mileage_miles: 20, days_available_per_week: 4, easy_pace_per_mile_seconds: 600 } });
  const goal = (
    await call(t.app, 'POST', '/api/goals', { cookie, body: { goal_type: 'race', target_race_distance_meters: 10_000, target_race_date: '2026-05-10' } })
  ).json.goal;
  const { workouts: list } = (await call(t.app, 'POST', '/api/plans/generate', { cookie, body: { goal_id: goal.id } })).json;
  const easy = list.find((w: { workout_type: string }) => w.workout_type === 'easy');
  const device = () => new TestDevice(t.app, cookie, () => t.clock.now().getTime());
  return { cookie, easy, phone: device(), laptop: device() };
}

const titles = async (cookie: string, id: string) => (await call(t.app, 'GET', `/api/workouts/${id}/edits`, { cookie })).json.edits;

describe('workout mutations', () => {
  it('1: the same field edited offline on two devices: later clock wins, the loser is in the history', async () => {
    for (const order of ['early first', 'late first']) {
      const { cookie, easy, phone, laptop } = await runnerWithPlan();
      const early = phone.mutation('workout.update', { id: easy.id, set: { title: 'Phone title', notes: 'legs felt heavy' } });
      t.clock.advance(5_000);
      const late = laptop.mutation('workout.update', { id: easy.id, set: { title: 'Laptop title' } });
      const [first, second] =
        order === 'early first'
          ? ([
              [phone, early],
              [laptop, late],
            ] as const)
          : ([
              [laptop, late],
              [phone, early],
            ] as const);
      expect((await first[0].push([first[1]])).json.results[0].status).toBe('applied');
      expect((await second[0].push([second[1]])).json.results[0].status).toBe('applied');
      const workout = (await call(t.app, 'GET', `/api/workouts/${easy.id}`, { cookie })).json.workout;
      expect(workout, order).toMatchObject({ title: 'Laptop title', notes: 'legs felt heavy' });
      const history = await titles(cookie, easy.id);
      expect(
        history.filter((e: { field: string }) => e.field === 'title').map((e: { new_value: string; won: boolean }) => [e.new_value, e.won]),
        order,
      ).toEqual(
        order === 'early first'
          ? [
              ['Phone title', true],
              ['Laptop title', true],
            ]
          : [
              ['Laptop title', true],
              ['Phone title', false],
            ],
      );
    }
  });

  it('9: deleted on one device, edited offline on another: deleted everywhere, the edit kept, in both orders', async () => {
    for (const order of ['delete first', 'edit first']) {
      const { cookie, easy, phone, laptop } = await runnerWithPlan();
      const del = phone.mutation('workout.delete', { id: easy.id });
      const edit = laptop.mutation('workout.update', { id: easy.id, set: { notes: 'moved my run to lunch' } });
      const steps = order === 'delete first' ? [() => phone.push([del]), () => laptop.push([edit])] : [() => laptop.push([edit]), () => phone.push([del])];
      for (const step of steps) expect((await step()).json.results[0].status).toBe('applied');
      expect((await call(t.app, 'GET', `/api/workouts/${easy.id}`, { cookie })).status, order).toBe(404);
      const [row] = await t.deps.db.select().from(workouts).where(eq(workouts.id, easy.id));
      expect(row, order).toMatchObject({ deleted: true, notes: 'moved my run to lunch' });
      const pulled = (await new TestDevice(t.app, cookie, () => t.clock.now().getTime()).pullAll()).changes.find((c) => c.id === easy.id);
      expect(pulled.row, order).toMatchObject({ deleted: true, notes: 'moved my run to lunch' });
    }
  });

  it('marks a workout done with RPE and notes, then skipped, keeping one completion', async () => {
    const { cookie, easy, phone } = await runnerWithPlan();
    const completionId = randomUUID();
    const done = await phone.push([
      phone.mutation('workout.complete', { id: easy.id, completion_id: completionId, rpe: 4, notes: 'easy breezy', distance_meters: 6400 }),
    ]);
    expect(done.json.results[0].status).toBe('applied');
    expect((await call(t.app, 'GET', `/api/workouts/${easy.id}`, { cookie })).json.workout).toMatchObject({ status: 'completed', rpe: 4 });
    const skip = await phone.push([phone.mutation('workout.skip', { id: easy.id, completion_id: randomUUID(), notes: 'actually that was yesterday' })]);
    expect(skip.json.results[0].status).toBe('applied');
    const rows = await t.deps.db.select().from(workoutCompletions).where(eq(workoutCompletions.workout_id, easy.id));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id: completionId, completion_status: 'skipped', notes: 'actually that was yesterday' });
    const bad = await phone.push([phone.mutation('workout.complete', { id: easy.id, completion_id: randomUUID(), rpe: 11 })]);
    expect(bad.json.results[0]).toMatchObject({
      status: 'rejected',
      error: { code: 'validation_failed', issues: [{ path: 'rpe', message: expect.stringContaining('1 (very easy)') }] },
    });
  });

  it('moves a workout through sync with the same guardrails as the API', async () => {
    const { cookie, easy, phone } = await runnerWithPlan();
    const far = phone.mutation('workout.update', {
      id: easy.id,
      set: { structure: { segments: [{ type: 'steady', distance_meters: 40_000, pace_target: 'easy' }] } },
    });
    const res = await phone.push([far]);
    expect(res.json.results[0]).toMatchObject({ status: 'rejected', error: { code: 'guardrail_violation' } });
    expect((await call(t.app, 'GET', `/api/workouts/${easy.id}`, { cookie })).json.workout.structure).toEqual(easy.structure);
  });
});

describe('plan.generate from the device', () => {
  async function runnerWithGoal() {
    const { cookie } = await signUp(t);
    await call(t.app, 'PUT', '/api/profile', {
      cookie,
      body: { current_weekly_mileage_miles: 20, days_available_per_week: 4, easy_pace_per_mile_seconds: 600 },
    });
    const goal = (
      await call(t.app, 'POST', '/api/goals', { cookie, body: { goal_type: 'race', target_race_distance_meters: 10_000, target_race_date: '2026-05-10' } })
    ).json.goal;
    return { cookie, goal, phone: new TestDevice(t.app, cookie, () => t.clock.now().getTime()) };
  }
  const engineInput = (goalId: string) => ({
    profile: { current_weekly_mileage_miles: 20, days_available_per_week: 4, easy_pace_per_mile_seconds: 600, injury_notes: null },
    goal: { kind: 'race' as const, target_race_distance_meters: 10_000, target_race_date: '2026-05-10', target_time_seconds: null },
    start_date: '2026-03-02',
    today: '2026-03-02',
    methodology: 'daniels' as const,
    newId: randomUUID,
    goalId,
  });

  it("saves the plan the device made with the engine, under the device's ids", async () => {
    const { cookie, goal, phone } = await runnerWithGoal();
    const made = generatePlan(engineInput(goal.id));
    if (!made.ok) throw new Error('engine input');
    const planId = randomUUID();
    const res = await phone.push([phone.mutation('plan.generate', { plan_id: planId, goal_id: goal.id, plan: made.plan })]);
    expect(res.json.results[0].status, JSON.stringify(res.json.results[0])).toBe('applied');
    const saved = (await call(t.app, 'GET', `/api/plans/${planId}`, { cookie })).json;
    expect(saved.plan.generation_context.source).toBe('device');
    expect(saved.workouts.map((w: { id: string }) => w.id).sort()).toEqual(made.plan.workouts.map((w) => w.id).sort());
  });

  it('refuses a device plan that breaks a guardrail, or whose goal changed', async () => {
    const { goal, phone, cookie } = await runnerWithGoal();
    const made = generatePlan(engineInput(goal.id));
    if (!made.ok) throw new Error('engine input');
    const tooLong = {
      ...made.plan,
      workouts: made.plan.workouts.map((w, i) =>
        i === 0 ? { ...w, structure: { segments: [{ type: 'steady' as const, distance_meters: 30_000, pace_target: 'easy' as const }] } } : w,
      ),
    };
    const bad = await phone.push([phone.mutation('plan.generate', { plan_id: randomUUID(), goal_id: goal.id, plan: tooLong })]);
    expect(bad.json.results[0]).toMatchObject({ status: 'rejected', error: { code: 'guardrail_violation' } });
    await call(t.app, 'PATCH', `/api/goals/${goal.id}`, { cookie, body: { target_race_date: '2026-05-17' } });
    const stale = await phone.push([phone.mutation('plan.generate', { plan_id: randomUUID(), goal_id: goal.id, plan: made.plan })]);
    expect(stale.json.results[0]).toMatchObject({ status: 'rejected', error: { code: 'plan_goal_changed' } });
    expect((await call(t.app, 'GET', '/api/plans', { cookie })).json.plans).toEqual([]);
  });
});
