import { describe, expect, it } from 'vitest';
import type { CompletedRun, Plan, PlannedWorkout, Violation } from '../schema/plan.ts';
import { adaptPlan } from './adapt.ts';
import { addDays } from './dates.ts';
import { generatePlan, type GenerateInput } from './engine.ts';
import { ADVICE_RULES } from './guardrails.ts';
import { LOAD_RULES } from './load-plan.ts';

// Comebacks as coaches make them (docs/TRAINING.md §Adapting; issue 17: "after 5 days ill, the first
// run back is a 12-mile long run and then a tempo; after a healthy missed week, the plan still
// inserts its recovery week").

const ids = (prefix: string) => {
  let n = 0;
  return () => `${prefix}${++n}`;
};
// The plan-shape advice (issue 17 §4, ADVICE_RULES) is shown to the runner, like the load findings: not a guardrail broken.
const guardrails = (violations: readonly Violation[]) => violations.filter((v) => !LOAD_RULES.has(v.rule) && !ADVICE_RULES.has(v.rule));
/** A step faster than easy. */
const fast = (w: PlannedWorkout) => /"pace_target":"(threshold|tempo|interval|repetition|marathon|race|5k|10k|half)"/.test(JSON.stringify(w.structure));
const running = (w: PlannedWorkout) => w.workout_type !== 'rest' && w.workout_type !== 'cross_training';

// A 40 mi/week marathoner, 18 weeks out, long runs of 12+ miles by the middle of the plan.
const input: GenerateInput = {
  profile: {
    current_weekly_mileage_miles: 40,
    days_available_per_week: 5,
    easy_pace_per_mile_seconds: 560,
    injury_notes: null,
    longest_recent_run_meters: 19_000,
  },
  goal: { kind: 'race', target_race_distance_meters: 42_195, target_race_date: '2026-06-07', target_time_seconds: 3.75 * 3600 },
  start_date: '2026-02-01',
  today: '2026-02-01',
  methodology: 'pfitzinger',
  newId: ids('p'),
};
const generated = generatePlan(input);
if (!generated.ok) throw new Error('the plan could not be made');
const plan: Plan = generated.plan;
const doneUntil = (until: string): CompletedRun[] =>
  plan.workouts
    .filter((w) => w.scheduled_date < until && running(w))
    .map((w) => ({ date: w.scheduled_date, distance_meters: w.estimated_distance_meters, workout_id: w.id }));
const between = (p: Plan, from: string, to: string) => p.workouts.filter((w) => w.scheduled_date >= from && w.scheduled_date < to);
const meters = (ws: PlannedWorkout[]) => ws.reduce((a, w) => a + w.estimated_distance_meters, 0);
const today = '2026-03-20';

describe('comebacks (docs/TRAINING.md §Adapting)', () => {
  it('illness for 5 days: 2–5 days of short easy running, no long run or tempo first, then back on plan', () => {
    const report = { kind: 'illness' as const, date: today, days: 5 };
    const r = adaptPlan({ plan, profile: input.profile, today, history: doneUntil(today), report, newId: ids('a') });
    expect(r.changed).toBe(true);
    expect(guardrails(r.violations)).toEqual([]);
    const resume = addDays(today, 5);
    expect(between(r.plan, today, resume).filter(running)).toEqual([]);
    const firstBack = between(r.plan, resume, addDays(resume, 4)).filter(running);
    expect(firstBack.length).toBeGreaterThanOrEqual(2);
    for (const w of firstBack) {
      expect(w.workout_type).toBe('easy');
      expect(fast(w)).toBe(false);
      // Short: nothing like the 12-mile long run of the defect (at most ~8 km / 40 min).
      expect(w.estimated_distance_meters).toBeLessThanOrEqual(8000);
      expect(w.estimated_duration_minutes).toBeLessThanOrEqual(41);
    }
    // Back on plan: quality and a long run return within two weeks.
    const later = between(r.plan, addDays(resume, 4), addDays(resume, 18));
    expect(later.some(fast)).toBe(true);
    expect(later.some((w) => w.workout_type === 'long')).toBe(true);
    expect(r.reasons.join(' ')).toMatch(/short easy running/);
  });

  it('a healthy missed week: back at about 90% and the recovery week that was due is skipped', () => {
    const recovery = plan.weeks.find((w) => w.is_recovery && w.start_date > '2026-03-01')!;
    const now = addDays(recovery.start_date, -1);
    const missedFrom = addDays(now, -8);
    const r = adaptPlan({ plan, profile: input.profile, today: now, history: doneUntil(missedFrom), newId: ids('a') });
    expect(r.changed).toBe(true);
    expect(guardrails(r.violations)).toEqual([]);
    expect(r.reasons.join(' ')).toMatch(/no runs for \d+ days: back at about 90%, without the recovery week that was due/);
    expect(r.reasons.join(' ')).toContain(`the recovery week from ${recovery.start_date} is skipped`);
    expect(r.plan.weeks.find((w) => w.start_date === recovery.start_date)!.is_recovery).toBe(false);
  });

  it('illness over 7 days: about 50% then 75% of the usual volume, no intensity in the first week back', () => {
    const report = { kind: 'illness' as const, date: today, days: 10 };
    const r = adaptPlan({ plan, profile: input.profile, today, history: doneUntil(today), report, newId: ids('a') });
    expect(guardrails(r.violations)).toEqual([]);
    const resume = addDays(today, 10);
    expect(r.reasons.join(' ')).toMatch(/back at about 50%, then 75%, then 100%/);
    expect(between(r.plan, resume, addDays(resume, 7)).filter(fast)).toEqual([]);
    const usual = meters(between(plan, resume, addDays(resume, 7)));
    expect(meters(between(r.plan, resume, addDays(resume, 7)))).toBeLessThan(0.8 * usual);
    expect(between(r.plan, addDays(resume, 7), addDays(resume, 21)).some(fast)).toBe(true);
  });

  it('injury: walk-run or cross-training first, no fast running for 3 weeks, the long run rebuilt', () => {
    const report = { kind: 'injury' as const, date: today, days: 4, notes: 'Achilles sore' };
    const r = adaptPlan({ plan, profile: input.profile, today, history: doneUntil(today), report, newId: ids('a') });
    expect(guardrails(r.violations)).toEqual([]);
    expect(r.profile.injury_notes).toBe('Achilles sore');
    const resume = addDays(today, 4);
    const first = between(r.plan, resume, addDays(resume, 7)).filter((w) => w.workout_type !== 'rest');
    expect(first.length).toBeGreaterThan(0);
    for (const w of first) expect(w.title.startsWith('Walk-run') || w.workout_type === 'cross_training').toBe(true);
    expect(between(r.plan, resume, addDays(resume, 21)).filter(fast)).toEqual([]);
    const longBefore = Math.max(...doneUntil(today).map((h) => h.distance_meters));
    const longAfter = Math.max(...between(r.plan, resume, addDays(resume, 14)).map((w) => w.estimated_distance_meters));
    expect(longAfter).toBeLessThan(0.75 * longBefore);
  });

  it('never touches the past and keeps the runner edits', () => {
    const edited = plan.workouts.find((w) => w.scheduled_date > addDays(today, 20) && w.workout_type === 'easy')!;
    const withEdit: Plan = { ...plan, workouts: plan.workouts.map((w) => (w.id === edited.id ? { ...w, title: 'My run', edited_by_user: true } : w)) };
    const r = adaptPlan({
      plan: withEdit,
      profile: input.profile,
      today,
      history: doneUntil(today),
      report: { kind: 'illness', date: today, days: 5 },
      newId: ids('a'),
    });
    expect(r.plan.workouts.filter((w) => w.scheduled_date < today)).toEqual(withEdit.workouts.filter((w) => w.scheduled_date < today));
    expect(r.plan.workouts.find((w) => w.id === edited.id)).toMatchObject({ title: 'My run', edited_by_user: true });
  });
});
