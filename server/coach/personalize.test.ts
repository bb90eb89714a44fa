import { describe, expect, it } from 'vitest';
import { addDays } from '#shared/training/dates.ts';
import { openTestPglite } from '../test/databases.ts';
import { buildTestApp, call, signUp, type TestApp } from '../test/harness.ts';
import { PROFILE, promptText, startCoachTest, useCoachTest } from './testing.ts';

// POST /api/plans/generate with personalize: Claude adapts the engine's plan through a
// structured answer; the result passes the guardrails, gets one repair turn, or the engine's
// plan is kept. generation_context says which, with the model and every attempt.

const c = useCoachTest();

const GOAL = { goal_type: 'race', target_race_distance_meters: 10_000, target_race_date: '2026-05-10' };

async function runner(t: TestApp, profile: Record<string, unknown> = PROFILE) {
  const r = await signUp(t);
  await call(t.app, 'PUT', '/api/profile', { cookie: r.cookie, body: profile });
  const goal = (await call(t.app, 'POST', '/api/goals', { cookie: r.cookie, body: GOAL })).json.goal;
  // The engine's plan first, to know its workout ids (the same inputs give the same dates).
  const engine = (await call(t.app, 'POST', '/api/plans/generate', { cookie: r.cookie, body: { goal_id: goal.id } })).json;
  return { ...r, goal, engine };
}

const generate = (t: TestApp, cookie: string, goalId: string) =>
  call(t.app, 'POST', '/api/plans/generate', { cookie, body: { goal_id: goalId, personalize: true } });

/** The adaptation tool answer. */
const adapt = (changes: unknown[], summary = 'Adapted to your week.') => ({ type: 'tool_use' as const, name: 'adapt_plan', input: { summary, changes } });

/** The label (w1, w2 …) the prompt gives the engine plan's workout at `index` (date order). */
const label = (workouts: any[], pick: (w: any) => boolean) => `w${workouts.findIndex(pick) + 1}`;

/** A change that breaks a hard guardrail: a run from week 3 moved into a free day of week 2 makes five running days in a four-day week. */
function tooManyDays(workouts: any[]) {
  const week = workouts.filter((w) => w.week_index === 1);
  const used = new Set(week.map((w) => w.scheduled_date));
  const free = [1, 2, 3, 4, 5, 6].map((d) => addDays(week[0].scheduled_date, d)).find((d) => !used.has(d))!;
  return { kind: 'move', workout_id: label(workouts, (w) => w.week_index === 2 && w.workout_type === 'easy'), new_date: free, reason: 'More running' };
}

const firstEasy = (w: any) => w.workout_type === 'easy' && w.scheduled_date > '2026-03-02';
const shorten = (workouts: any[]) => ({ kind: 'shorten', workout_id: label(workouts, firstEasy), fraction: 0.6, reason: 'Ease the calf in' });

describe('plan personalisation', () => {
  it('applies a valid adaptation and records inputs, model and outcome', async () => {
    const { cookie, goal, engine } = await runner(c.t, { ...PROFILE, injury_notes: 'sore left calf' });
    c.standin.script(adapt([shorten(engine.workouts)], 'Shorter first runs for the calf.'));
    const res = await generate(c.t, cookie, goal.id);
    expect(res.status).toBe(201);
    const request = c.standin.requests[0]!.body;
    expect(request.tool_choice).toEqual({ type: 'tool', name: 'adapt_plan' });
    expect(promptText(request.messages[0].content)).toContain('sore left calf');
    expect(res.json.plan.generation_context).toMatchObject({
      source: 'coach',
      personalization: {
        requested: true,
        outcome: 'personalized',
        model: 'claude-sonnet-5-5',
        summary: 'Shorter first runs for the calf.',
        inputs: { injury_notes: true, history_sources: ['fit_upload', 'manual', 'strava_export', 'file_import'] },
      },
    });
    const before = engine.workouts.find(firstEasy);
    const after = res.json.workouts.find((w: any) => w.scheduled_date === before.scheduled_date);
    expect(after.estimated_distance_meters).toBeLessThan(before.estimated_distance_meters * 0.7);
    expect(after.reason).toMatch(/Personalised: Ease the calf in/);
    expect(res.json.workouts).toHaveLength(engine.workouts.length);
  });

  it('repairs an adaptation that breaks a guardrail with one more answer', async () => {
    const { cookie, goal, engine } = await runner(c.t);
    c.standin.script(adapt([tooManyDays(engine.workouts)]), adapt([shorten(engine.workouts)]));
    const res = await generate(c.t, cookie, goal.id);
    expect(res.status).toBe(201);
    expect(c.standin.requests).toHaveLength(2);
    expect(promptText(c.standin.requests[1]!.body.messages[0].content)).toMatch(/could not be used:[\s\S]*days_available/);
    const p = res.json.plan.generation_context.personalization;
    expect(p.outcome).toBe('repaired');
    expect(p.attempts.map((a: any) => a.ok)).toEqual([false, true]);
    expect(p.attempts[0].violations.map((v: any) => v.rule)).toContain('days_available');
    expect(res.json.plan.generation_context.source).toBe('coach');
  });

  it('keeps the engine plan, with a note, when both answers are unusable', async () => {
    const { cookie, goal, engine } = await runner(c.t);
    c.standin.script(adapt([tooManyDays(engine.workouts)]), { type: 'tool_use', name: 'adapt_plan', input: { summary: 'x', changes: 'not a list' } });
    const res = await generate(c.t, cookie, goal.id);
    expect(res.status).toBe(201);
    const context = res.json.plan.generation_context;
    expect(context).toMatchObject({ source: 'engine', personalization: { outcome: 'engine_fallback', note: expect.stringMatching(/rule engine/) } });
    expect(context.personalization.attempts.map((a: any) => [a.ok, Boolean(a.violations), Boolean(a.issues)])).toEqual([
      [false, true, false],
      [false, false, true],
    ]);
    expect(res.json.workouts.map((w: any) => [w.scheduled_date, w.workout_type, w.estimated_distance_meters])).toEqual(
      engine.workouts.map((w: any) => [w.scheduled_date, w.workout_type, w.estimated_distance_meters]),
    );
  });

  it('keeps the engine plan without asking when the day’s budget is spent', async () => {
    const b = await startCoachTest({ COACH_DAILY_TOKEN_BUDGET: '100' });
    try {
      const { cookie, goal } = await runner(b.t);
      const res = await generate(b.t, cookie, goal.id);
      expect(res.json.plan.generation_context.personalization.outcome).toBe('budget_spent');
      expect(b.standin.requests).toHaveLength(0);
    } finally {
      await b.close();
    }
  });
});

describe('without an API key', () => {
  it('falls back to the engine plan with a note, never an error', async () => {
    const handle = await openTestPglite();
    try {
      const t = buildTestApp(handle);
      const { cookie, goal } = await runner(t);
      const res = await generate(t, cookie, goal.id);
      expect(res.status).toBe(201);
      expect(res.json.plan.generation_context).toMatchObject({
        source: 'engine',
        personalization: { requested: true, outcome: 'not_configured', note: expect.stringMatching(/not configured/) },
      });
    } finally {
      await handle.close();
    }
  });
});
