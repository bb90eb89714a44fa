import { Decoder, Stream } from '@garmin/fitsdk';
import { describe, expect, it } from 'vitest';
import { call, signUp, useTestApp } from '../test/harness.ts';

const t = useTestApp(); // today is 2026-03-02

const profile = { current_weekly_mileage_miles: 25, days_available_per_week: 5, easy_pace_per_mile_seconds: 600, time_zone: 'Europe/London' };
const marathon = { goal_type: 'race', target_race_distance_meters: 42195, target_race_date: '2026-07-05', target_time_seconds: 4 * 3600 + 30 * 60 };

/** A runner with a profile, a marathon goal and an engine plan. */
async function planned() {
  const runner = await signUp(t);
  await call(t.app, 'PUT', '/api/profile', { cookie: runner.cookie, body: profile });
  const goal = (await call(t.app, 'POST', '/api/goals', { cookie: runner.cookie, body: marathon })).json.goal;
  const res = await call(t.app, 'POST', '/api/plans/generate', { cookie: runner.cookie, body: { goal_id: goal.id } });
  expect(res.status).toBe(201);
  return { ...runner, goal, plan: res.json.plan, workouts: res.json.workouts as any[] };
}

describe('plans', () => {
  it('generates a dated, explained plan ending on race day, and saves it with its workouts', async () => {
    const { plan, workouts, cookie } = await planned();
    expect(plan).toMatchObject({ status: 'active', methodology: 'daniels', start_date: '2026-03-02', end_date: '2026-07-05' });
    expect(plan.phases.map((p: { phase: string }) => p.phase)).toEqual(expect.arrayContaining(['base', 'taper']));
    expect(plan.weeks.length).toBeGreaterThanOrEqual(17);
    expect(plan.generation_context).toMatchObject({ source: 'engine', methodology: 'daniels' });
    expect(workouts.at(-1)).toMatchObject({ scheduled_date: '2026-07-05', workout_type: 'race' });
    expect(workouts.every((w) => w.reason && w.structure.segments.length > 0)).toBe(true);
    const fetched = await call(t.app, 'GET', `/api/plans/${plan.id}`, { cookie });
    expect(fetched.json.workouts).toHaveLength(workouts.length);
    const inMarch = await call(t.app, 'GET', '/api/workouts?from=2026-03-02&to=2026-03-08', { cookie });
    expect(inMarch.json.workouts.length).toBeGreaterThanOrEqual(3);
    expect(inMarch.json.workouts.length).toBeLessThanOrEqual(5);
  });

  it('archives the earlier plan of a goal when a new one is generated', async () => {
    const { goal, plan, cookie } = await planned();
    const second = await call(t.app, 'POST', '/api/plans/generate', {
      cookie,
      body: { goal_id: goal.id, methodology: 'pfitzinger', start_date: '2026-03-09' },
    });
    expect(second.status).toBe(201);
    const plans = (await call(t.app, 'GET', '/api/plans', { cookie })).json.plans;
    expect(plans.map((p: { id: string; status: string }) => [p.id, p.status])).toEqual([
      [second.json.plan.id, 'active'],
      [plan.id, 'archived'],
    ]);
    // Only the active plan's workouts are on the calendar.
    const week = await call(t.app, 'GET', '/api/workouts?from=2026-03-09&to=2026-03-15', { cookie });
    expect(new Set(week.json.workouts.map((w: { training_plan_id: string }) => w.training_plan_id))).toEqual(new Set([second.json.plan.id]));
  });

  it('refuses to plan before the profile says enough, naming what is missing', async () => {
    const { cookie } = await signUp(t);
    const goal = (await call(t.app, 'POST', '/api/goals', { cookie, body: marathon })).json.goal;
    const res = await call(t.app, 'POST', '/api/plans/generate', { cookie, body: { goal_id: goal.id } });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('profile_incomplete');
    expect(res.json.error.issues.map((i: { path: string }) => i.path)).toEqual([
      'current_weekly_mileage_miles',
      'days_available_per_week',
      'easy_pace_per_mile_seconds',
    ]);
  });

  it.each([
    [{ goal_id: 'nope' }, 400],
    [{ goal_id: '00000000-0000-4000-8000-000000000000' }, 404],
    [{}, 400],
    [{ goal_id: '00000000-0000-4000-8000-000000000000', methodology: 'hansons' }, 400],
    [{ goal_id: '00000000-0000-4000-8000-000000000000', start_date: 'soon' }, 400],
  ])('refuses %j with %i', async (body, status) => {
    const { cookie } = await signUp(t);
    expect((await call(t.app, 'POST', '/api/plans/generate', { cookie, body })).status).toBe(status);
  });

  it('refuses a start date in the past or too close to the race', async () => {
    const { goal, cookie } = await planned();
    const past = await call(t.app, 'POST', '/api/plans/generate', { cookie, body: { goal_id: goal.id, start_date: '2026-02-01' } });
    expect(past.status).toBe(400);
    expect(past.json.error.code).toBe('plan_input_invalid');
    const late = await call(t.app, 'POST', '/api/plans/generate', { cookie, body: { goal_id: goal.id, start_date: '2026-07-01' } });
    expect(late.status).toBe(400);
  });
});

describe('workouts', () => {
  it('records a structure change in the edit history with the old and new value', async () => {
    const { workouts, cookie } = await planned();
    const easy = workouts.find((w) => w.workout_type === 'easy')!;
    const structure = { segments: [{ type: 'steady', duration_seconds: 1800, pace_target: 'easy' }] };
    const res = await call(t.app, 'PATCH', `/api/workouts/${easy.id}`, { cookie, body: { structure, edit_reason: 'short on time' } });
    expect(res.status).toBe(200);
    expect(res.json.workout).toMatchObject({ structure, edited_by_user: true, estimated_duration_minutes: 30 });
    const edits = (await call(t.app, 'GET', `/api/workouts/${easy.id}/edits`, { cookie })).json.edits;
    expect(edits).toEqual([
      expect.objectContaining({
        edited_by: 'user',
        field: 'structure',
        previous_value: easy.structure,
        new_value: structure,
        edit_reason: 'short on time',
        won: true,
      }),
    ]);
  });

  it('plans no distance or time for a workout swapped for rest (a poor morning), whatever its old steps were', async () => {
    const { workouts, cookie } = await planned();
    const quality = workouts.find((w) => w.workout_type !== 'easy' && w.workout_type !== 'long' && w.estimated_distance_meters > 0)!;
    const res = await call(t.app, 'PATCH', `/api/workouts/${quality.id}`, {
      cookie,
      body: { workout_type: 'rest', title: 'Rest day', edit_reason: 'slept badly' },
    });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    expect(res.json.workout).toMatchObject({ workout_type: 'rest', estimated_distance_meters: null, estimated_duration_minutes: null });
  });

  it('refuses an invalid structure naming the path, changing nothing', async () => {
    const { workouts, cookie } = await planned();
    const w = workouts[0];
    const res = await call(t.app, 'PATCH', `/api/workouts/${w.id}`, {
      cookie,
      body: { structure: { segments: [{ type: 'interval', repeats: 6, work: { distance_meters: 800, duration_seconds: 200 } }] } },
    });
    expect(res.status).toBe(400);
    expect(res.json.error.issues[0].path).toBe('structure.segments[0].work.distance_meters');
    expect((await call(t.app, 'GET', `/api/workouts/${w.id}`, { cookie })).json.workout.structure).toEqual(w.structure);
    expect((await call(t.app, 'GET', `/api/workouts/${w.id}/edits`, { cookie })).json.edits).toEqual([]);
  });

  it('refuses a change that breaks a hard guardrail, with the reason', async () => {
    const { workouts, cookie } = await planned();
    const first = workouts[0];
    const res = await call(t.app, 'PATCH', `/api/workouts/${first.id}`, {
      cookie,
      body: { structure: { segments: [{ type: 'steady', distance_meters: 35_000, pace_target: 'easy' }] } },
    });
    expect(res.status).toBe(422);
    expect(res.json.error.code).toBe('guardrail_violation');
    expect(res.json.error.issues.map((i: { path: string }) => i.path)).toContain('single_run_spike');
    // In the runner's unit (miles here), never km (issue 18 §7).
    expect(res.json.error.message).toMatch(/\d mi\b/);
    expect(res.json.error.message).not.toMatch(/\bkm\b/);
  });

  it('serves the workout as a .FIT file, the same bytes each time', async () => {
    const { workouts, cookie } = await planned();
    const w = workouts.find((x) => x.workout_type === 'intervals' || x.workout_type === 'threshold' || x.workout_type === 'tempo') ?? workouts[0];
    const fetchFit = () => t.app.request(`/api/workouts/${w.id}/fit`, { headers: { cookie } });
    const res = await fetchFit();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/vnd.ant.fit');
    expect(res.headers.get('content-disposition')).toMatch(new RegExp(`^attachment; filename="${w.scheduled_date}-[a-z0-9.-]+\\.fit"$`));
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect(new Uint8Array(await (await fetchFit()).arrayBuffer())).toEqual(bytes);
    const decoder = new Decoder(Stream.fromByteArray(Array.from(bytes)));
    expect(decoder.checkIntegrity()).toBe(true);
    const { messages } = decoder.read();
    expect(messages.workoutMesgs?.[0]?.wktName).toBe(w.title.slice(0, 254));
    expect(messages.workoutStepMesgs?.length).toBeGreaterThan(0);
  });

  it('validates the date range', async () => {
    const { cookie } = await signUp(t);
    expect((await call(t.app, 'GET', '/api/workouts?from=2026-03-10&to=2026-03-01', { cookie })).status).toBe(400);
    expect((await call(t.app, 'GET', '/api/workouts?from=yesterday&to=2026-03-01', { cookie })).status).toBe(400);
    expect((await call(t.app, 'GET', '/api/workouts', { cookie })).status).toBe(400);
  });

  it("answers 404 for another runner's plan and workouts, on every route", async () => {
    const a = await signUp(t);
    const b = await planned();
    const w = b.workouts[0];
    expect((await call(t.app, 'GET', `/api/plans/${b.plan.id}`, { cookie: a.cookie })).status).toBe(404);
    expect((await call(t.app, 'GET', `/api/workouts/${w.id}`, { cookie: a.cookie })).status).toBe(404);
    expect((await call(t.app, 'PATCH', `/api/workouts/${w.id}`, { cookie: a.cookie, body: { title: 'mine' } })).status).toBe(404);
    expect((await call(t.app, 'GET', `/api/workouts/${w.id}/edits`, { cookie: a.cookie })).status).toBe(404);
    expect((await t.app.request(`/api/workouts/${w.id}/fit`, { headers: { cookie: a.cookie } })).status).toBe(404);
    expect((await call(t.app, 'POST', '/api/plans/generate', { cookie: a.cookie, body: { goal_id: b.goal.id } })).status).toBe(404);
    expect((await call(t.app, 'GET', '/api/plans', { cookie: a.cookie })).json.plans).toEqual([]);
    expect((await call(t.app, 'GET', '/api/workouts?from=2026-01-01&to=2026-12-31', { cookie: a.cookie })).json.workouts).toEqual([]);
    expect((await call(t.app, 'GET', `/api/workouts/${w.id}`, { cookie: b.cookie })).status).toBe(200);
  });
});

describe('adaptation', () => {
  it("re-plans the coming weeks after an illness report, keeping the past and the runner's own edits", async () => {
    const { plan, workouts, cookie } = await planned();
    t.clock.advance(8 * 86_400_000); // a week into the plan
    const today = '2026-03-10';
    const kept = workouts.find((w) => w.scheduled_date > '2026-03-14' && w.workout_type === 'easy')!;
    const mine = { segments: [{ type: 'steady', duration_seconds: 1500, pace_target: 'easy' }] };
    expect((await call(t.app, 'PATCH', `/api/workouts/${kept.id}`, { cookie, body: { structure: mine } })).status).toBe(200);
    const res = await call(t.app, 'POST', `/api/plans/${plan.id}/adapt`, { cookie, body: { report: { kind: 'illness', date: today, days: 5 } } });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    expect(res.json.changed).toBe(true);
    expect(res.json.reasons.join(' ')).toMatch(/ill/i);
    const after = res.json.workouts as any[];
    for (const w of workouts.filter((x) => x.scheduled_date < today)) {
      expect(
        after.find((x) => x.id === w.id),
        'the past is untouched',
      ).toMatchObject({ structure: w.structure, scheduled_date: w.scheduled_date });
    }
    expect(after.find((x) => x.id === kept.id).structure).toEqual(mine);
    const sick = after.filter((w) => w.scheduled_date >= today && w.scheduled_date < '2026-03-15' && w.workout_type !== 'rest');
    const before = workouts.filter((w) => w.scheduled_date >= today && w.scheduled_date < '2026-03-15');
    expect(sick.reduce((s, w) => s + w.estimated_distance_meters, 0)).toBeLessThan(before.reduce((s, w) => s + w.estimated_distance_meters, 0));
    const byId = new Map(workouts.map((w) => [w.id, w]));
    const changed = after.filter(
      (x) => x.id !== kept.id && x.scheduled_date >= today && byId.has(x.id) && JSON.stringify(byId.get(x.id).structure) !== JSON.stringify(x.structure),
    );
    const added = after.filter((x) => !byId.has(x.id));
    expect(changed.length + added.length).toBeGreaterThan(0);
    for (const w of changed) {
      const edits = (await call(t.app, 'GET', `/api/workouts/${w.id}/edits`, { cookie })).json.edits;
      expect(
        edits.some((e: { edited_by: string; reason: string }) => e.edited_by === 'system' && /ill/i.test(e.reason)),
        JSON.stringify(edits),
      ).toBe(true);
    }
    expect((await call(t.app, 'GET', `/api/plans/${plan.id}`, { cookie })).json.plan.generation_context.adaptations).toHaveLength(1);
  });

  it('makes one re-plan of an acceptance sent twice at once (a retry after a lost answer), and answers the second as made', async () => {
    const { plan, cookie } = await planned();
    t.clock.advance(8 * 86_400_000);
    const body = { report: { kind: 'illness', date: '2026-03-10', days: 5 }, request_id: '6f1d3c4e-8a2b-4c5d-9e0f-1a2b3c4d5e6f' };
    const answers = await Promise.all([1, 2].map(() => call(t.app, 'POST', `/api/plans/${plan.id}/adapt`, { cookie, body })));
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    expect(answers.map((a) => a.json.changed).sort()).toEqual([false, true]);
    expect(answers.find((a) => !a.json.changed)!.json.replayed).toBe(true);
    const made = (await call(t.app, 'GET', `/api/plans/${plan.id}`, { cookie })).json;
    expect(made.plan.generation_context.adaptations).toHaveLength(1);
    expect(made.workouts).toEqual(answers.find((a) => a.json.changed)!.json.workouts);
    const again = await call(t.app, 'POST', `/api/plans/${plan.id}/adapt`, { cookie, body });
    expect(again.json).toMatchObject({ changed: false, replayed: true });
    expect((await call(t.app, 'GET', `/api/plans/${plan.id}`, { cookie })).json.plan.generation_context.adaptations).toHaveLength(1);
  });

  it('previews an illness re-plan without saving it: the workouts it would write, and nothing changed yet', async () => {
    const { plan, workouts, cookie } = await planned();
    t.clock.advance(8 * 86_400_000);
    const res = await call(t.app, 'POST', `/api/plans/${plan.id}/adapt`, {
      cookie,
      body: { report: { kind: 'illness', date: '2026-03-10', days: 5 }, preview: true },
    });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    expect(res.json.changed).toBe(true);
    expect(res.json.reasons.join(' ')).toMatch(/ill/i);
    expect(res.json.preview.workouts.length).toBeGreaterThan(0);
    expect(res.json.preview.workouts[0]).toEqual(
      expect.objectContaining({ id: expect.any(String), scheduled_date: expect.any(String), workout_type: expect.any(String), structure: expect.any(Object) }),
    );
    const after = await call(t.app, 'GET', `/api/plans/${plan.id}`, { cookie });
    expect(after.json.plan.generation_context.adaptations ?? []).toHaveLength(0);
    expect(after.json.workouts.map((w: { id: string; structure: unknown }) => [w.id, w.structure])).toEqual(workouts.map((w) => [w.id, w.structure]));
  });

  it("changes nothing when there is no reason to, and refuses bad reports and other runners' plans", async () => {
    const { plan, cookie } = await planned();
    const calm = await call(t.app, 'POST', `/api/plans/${plan.id}/adapt`, { cookie, body: {} });
    expect(calm.status).toBe(200);
    expect(calm.json.changed).toBe(false);
    const bad = await call(t.app, 'POST', `/api/plans/${plan.id}/adapt`, { cookie, body: { report: { kind: 'hangover', date: '2026-03-02', days: 1 } } });
    expect(bad.status).toBe(400);
    const other = await signUp(t);
    expect((await call(t.app, 'POST', `/api/plans/${plan.id}/adapt`, { cookie: other.cookie, body: {} })).status).toBe(404);
  });
});
