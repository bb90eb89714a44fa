import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { call, signUp, useTestApp } from '../test/harness.ts';
import { TestDevice } from '../test/sync-device.ts';

// Issue 18 §5 and §14: feasibility runs when a goal is saved (REST and sync alike), a goal can be
// archived or deleted with its plan, and "Build a plan for it" never leaves two active plans.

const t = useTestApp(); // the fake clock starts on 2026-03-02
const profile = { current_weekly_mileage_miles: 40, days_available_per_week: 5, easy_pace_per_mile_seconds: 540, units: 'mi', time_zone: 'UTC' };
const subTwo = { goal_type: 'race', target_race_distance_meters: 42_195, target_race_date: '2026-03-30', target_time_seconds: 7100 };
const half = { goal_type: 'race', target_race_distance_meters: 21_097.5, target_race_date: '2026-06-28' };

async function runner() {
  const r = await signUp(t);
  expect((await call(t.app, 'PUT', '/api/profile', { cookie: r.cookie, body: profile })).status).toBe(200);
  return r;
}

describe('goals are judged when saved', () => {
  it('a sub-2:00 marathon in 4 weeks is flagged at once, with a sentence a runner understands', async () => {
    const { cookie } = await runner();
    const res = await call(t.app, 'POST', '/api/goals', { cookie, body: subTwo });
    expect(res.status).toBe(201);
    expect(res.json.goal.status).toBe('flagged_unrealistic');
    expect(res.json.goal.flagged_reason).toMatch(/^A 1:58:20 marathon in 4 weeks is out of reach for now: it needs about 70 mi a week/);
    expect(res.json.goal.flagged_reason).toMatch(/\(VDOT, Daniels' fitness score\)/);
    // Made reachable, the flag clears at once.
    const eased = await call(t.app, 'PATCH', `/api/goals/${res.json.goal.id}`, { cookie, body: { target_time_seconds: null, target_race_date: '2026-09-27' } });
    expect(eased.json.goal).toMatchObject({ status: 'active', flagged_reason: null });
  });

  it('a goal saved through sync is judged too', async () => {
    const { cookie } = await runner();
    const phone = new TestDevice(t.app, cookie, () => t.clock.now().getTime());
    const id = randomUUID();
    const pushed = await phone.push([phone.mutation('goal.create', { id, goal: subTwo })]);
    expect(pushed.json.results[0].status).toBe('applied');
    const { changes } = await phone.pullAll();
    expect(changes.find((c: { id: string }) => c.id === id).row).toMatchObject({ status: 'flagged_unrealistic' });
  });

  it('a goal saved before the profile exists is saved as it is', async () => {
    const { cookie } = await signUp(t);
    const res = await call(t.app, 'POST', '/api/goals', { cookie, body: subTwo });
    expect(res.status).toBe(201);
    expect(res.json.goal.status).toBe('active');
  });
});

describe('archive, delete and one active plan', () => {
  it('archiving a goal archives its plan; deleting one does too', async () => {
    const { cookie } = await runner();
    const goal = (await call(t.app, 'POST', '/api/goals', { cookie, body: half })).json.goal;
    expect((await call(t.app, 'POST', '/api/plans/generate', { cookie, body: { goal_id: goal.id } })).status).toBe(201);
    const archived = await call(t.app, 'PATCH', `/api/goals/${goal.id}`, { cookie, body: { status: 'abandoned' } });
    expect(archived.json.goal.status).toBe('abandoned');
    expect((await call(t.app, 'GET', '/api/plans', { cookie })).json.plans.map((p: { status: string }) => p.status)).toEqual(['archived']);

    const other = (await call(t.app, 'POST', '/api/goals', { cookie, body: { ...half, target_race_date: '2026-07-26' } })).json.goal;
    expect((await call(t.app, 'POST', '/api/plans/generate', { cookie, body: { goal_id: other.id } })).status).toBe(201);
    expect((await call(t.app, 'DELETE', `/api/goals/${other.id}`, { cookie })).status).toBe(204);
    expect((await call(t.app, 'GET', '/api/plans', { cookie })).json.plans.every((p: { status: string }) => p.status === 'archived')).toBe(true);
  });

  it('building a plan for a second goal archives the first goal plan: never two active plans', async () => {
    const { cookie } = await runner();
    const first = (await call(t.app, 'POST', '/api/goals', { cookie, body: half })).json.goal;
    const second = (await call(t.app, 'POST', '/api/goals', { cookie, body: { ...half, target_race_date: '2026-08-30' } })).json.goal;
    expect((await call(t.app, 'POST', '/api/plans/generate', { cookie, body: { goal_id: first.id } })).status).toBe(201);
    expect((await call(t.app, 'POST', '/api/plans/generate', { cookie, body: { goal_id: second.id } })).status).toBe(201);
    const plans = (await call(t.app, 'GET', '/api/plans', { cookie })).json.plans as { status: string; goal_id: string }[];
    expect(plans.filter((p) => p.status === 'active').map((p) => p.goal_id)).toEqual([second.id]);
    expect(plans).toHaveLength(2);
  });
});
