import { describe, expect, it } from 'vitest';
import type { Goal } from '../schema/goal.ts';
import type { PlanLike, TrainingProfile } from '../schema/plan.ts';
import { addDays } from './dates.ts';
import { checkPlan, isSavable } from './guardrails.ts';
import { raceFormBand } from './load-check.ts';
import { checkPlanLoad, planLoad, raceFormScaled } from './load-plan.ts';
import { buildTimeline, type GuardrailContext } from './timeline.ts';

// The plan-quality report reads the plan's load forecast (issue 23 §6). Known answers from the
// CTL/ATL recurrences: CTL_d = CTL_{d−1} + (L − CTL_{d−1})/42, ATL the same over 7 days.

const START = '2026-03-01'; // a Sunday
// 28 mi a week at 9:00/mi: the usual day is 4 miles in 36 minutes.
const profile: TrainingProfile = { current_weekly_mileage_miles: 28, days_available_per_week: 7, easy_pace_per_mile_seconds: 540, injury_notes: null };
const race = (date: string): Goal => ({ kind: 'race', target_race_distance_meters: 10_000, target_race_date: date });

/** Daily runs of `minutes(i)` at the runner's easy pace (no structure: scored from the row's figures). */
function dailyPlan(days: number, minutes: (i: number) => number): PlanLike {
  const workouts = [];
  for (let i = 0; i < days; i++) {
    const m = minutes(i);
    if (m > 0)
      workouts.push({
        id: `d${i}`,
        scheduled_date: addDays(START, i),
        workout_type: 'easy' as const,
        estimated_duration_minutes: m,
        estimated_distance_meters: (m / 9) * 1609.344,
      });
  }
  return { start_date: START, workouts };
}
const loadOf = (plan: PlanLike, ctx: GuardrailContext) => planLoad(plan, buildTimeline(plan, ctx), ctx);

describe('the plan’s load forecast', () => {
  it('starts from the runner’s usual week: running it every day keeps fitness and form where they are', () => {
    const plan = dailyPlan(42, () => 36);
    const ctx = { profile, goal: null, today: START };
    const { days, baseline } = loadOf(plan, ctx);
    expect(baseline).toBeGreaterThan(20);
    for (const d of days) {
      expect(d.ctl).toBeCloseTo(baseline, 9);
      expect(d.tsb).toBeCloseTo(0, 9);
      expect(d.ramp).toBeCloseTo(0, 9);
    }
    expect(checkPlanLoad(plan, buildTimeline(plan, ctx), ctx)).toEqual([]);
  });

  it('reports a ramp above 7 a week at its peak: tripling the usual day adds 2·L·(1 − (41/42)^7) in the first week', () => {
    const plan = dailyPlan(28, () => 108);
    const ctx = { profile, goal: null, today: START };
    const { days, baseline } = loadOf(plan, ctx);
    const peak = 2 * baseline * (1 - (41 / 42) ** 7);
    expect(Math.max(...days.map((d) => d.ramp))).toBeCloseTo(peak, 9);
    expect(peak).toBeGreaterThan(7);
    const findings = checkPlanLoad(plan, buildTimeline(plan, ctx), ctx);
    expect(findings).toEqual([expect.objectContaining({ rule: 'fitness_ramp', severity: 'soft', date: addDays(START, 6) })]);
    expect(findings[0]!.reason).toContain(`climbs ${Math.round(peak * 10) / 10} points a week`);
    // Injury notes lower the ceiling to 5: a build the healthy runner may take is reported for them.
    const doubled = dailyPlan(28, () => 72);
    const healthy = { profile, goal: null, today: START };
    const injured = { profile: { ...profile, injury_notes: 'sore knee' }, goal: null, today: START };
    const rampOfDoubled = baseline * (1 - (41 / 42) ** 7);
    expect(rampOfDoubled).toBeGreaterThan(5);
    expect(rampOfDoubled).toBeLessThan(7);
    expect(checkPlanLoad(doubled, buildTimeline(doubled, healthy), healthy)).toEqual([]);
    expect(checkPlanLoad(doubled, buildTimeline(doubled, injured), injured).map((f) => f.rule)).toEqual(['fitness_ramp']);
  });

  it('reads race-day form: a week of rest before the race leaves L·((41/42)^7 − (6/7)^7), above +15', () => {
    const raceDay = addDays(START, 49);
    const plan = dailyPlan(49, (i) => (i < 42 ? 36 : 0));
    plan.workouts.push({ id: 'race', scheduled_date: raceDay, workout_type: 'race' });
    const ctx = { profile, goal: race(raceDay), today: START };
    const load = loadOf(plan, ctx);
    const tsb = load.baseline * ((41 / 42) ** 7 - (6 / 7) ** 7);
    expect(load.days.find((d) => d.date === raceDay)!.tsb).toBeCloseTo(tsb, 9);
    expect(tsb).toBeGreaterThan(15);
    const findings = checkPlanLoad(plan, buildTimeline(plan, ctx), ctx);
    expect(findings).toEqual([expect.objectContaining({ rule: 'race_day_form', date: raceDay })]);
    expect(findings[0]!.reason).toMatch(/fresher than a race needs/);
  });

  it('uses the runner’s own time constants: the same rest week with 28/5 days leaves L·((27/28)^7 − (4/5)^7)', () => {
    const raceDay = addDays(START, 49);
    const plan = dailyPlan(49, (i) => (i < 42 ? 36 : 0));
    plan.workouts.push({ id: 'race', scheduled_date: raceDay, workout_type: 'race' });
    const ctx = { profile: { ...profile, load_constants: { ctl_days: 28, atl_days: 5 } }, goal: race(raceDay), today: START };
    const load = loadOf(plan, ctx);
    expect(load.days.find((d) => d.date === raceDay)!.tsb).toBeCloseTo(load.baseline * ((27 / 28) ** 7 - (4 / 5) ** 7), 9);
  });

  it('no taper at all: race-day form 0, reported as starting the race tired', () => {
    const raceDay = addDays(START, 49);
    const plan = dailyPlan(49, () => 36);
    const ctx = { profile, goal: race(raceDay), today: START };
    expect(loadOf(plan, ctx).days.find((d) => d.date === raceDay)!.tsb).toBeCloseTo(0, 9);
    expect(checkPlanLoad(plan, buildTimeline(plan, ctx), ctx).map((f) => f.reason)).toEqual([expect.stringMatching(/still tired/)]);
  });

  it('a last week at half the usual load lands in the band: L·((41/42)^7 − (6/7)^7)/2 ≈ +9', () => {
    const raceDay = addDays(START, 49);
    const plan = dailyPlan(49, (i) => (i < 42 ? 36 : 18));
    const ctx = { profile, goal: race(raceDay), today: START };
    const load = loadOf(plan, ctx);
    const tsb = (load.baseline * ((41 / 42) ** 7 - (6 / 7) ** 7)) / 2;
    expect(load.days.find((d) => d.date === raceDay)!.tsb).toBeCloseTo(tsb, 9);
    expect(checkPlanLoad(plan, buildTimeline(plan, ctx), ctx)).toEqual([]);
    // The series is linear in the loads: doubling the last week's load is the no-taper plan's form.
    expect(raceFormScaled(load, addDays(START, 42), 2)).toBeCloseTo(0, 9);
    expect(raceFormScaled(load, addDays(START, 42), 0)).toBeCloseTo(2 * tsb, 9);
  });

  it('done runs replace the plan’s past days when the history is known', () => {
    const raceDay = addDays(START, 49);
    const plan = dailyPlan(49, (i) => (i < 42 ? 36 : 18));
    const today = addDays(START, 42);
    // The runner did nothing for the first six weeks: far less fitness, so far less fresh.
    const ctx = { profile, goal: race(raceDay), today, history: [] };
    const load = loadOf(plan, ctx);
    // Six weeks without a run: fitness decays from the usual week's for 42 days, to the end of yesterday.
    expect(load.days.find((d) => d.date === addDays(today, -1))!.ctl).toBeCloseTo(load.baseline * (41 / 42) ** 42, 9);
    expect(load.days.find((d) => d.date === raceDay)!.tsb).toBeLessThan(
      loadOf(plan, { profile, goal: race(raceDay), today: START }).days.find((d) => d.date === raceDay)!.tsb,
    );
  });
});

describe('the race-day band', () => {
  it('is +5…+15 at typical fitness and a quarter of fitness beyond it', () => {
    expect(raceFormBand(60)).toEqual({ min: 5, max: 15 });
    expect(raceFormBand(8)).toEqual({ min: 2, max: 15 });
    expect(raceFormBand(100)).toEqual({ min: 5, max: 25 });
  });
});

describe('checkPlan reports the forecast', () => {
  it('as soft findings beside the guardrails: the plan stays savable', () => {
    const raceDay = addDays(START, 49);
    const plan = dailyPlan(49, () => 36);
    plan.workouts = plan.workouts.map((w) => ({ ...w, structure: { segments: [{ type: 'steady', duration_seconds: 36 * 60, pace_target: 'easy' }] } }));
    const violations = checkPlan(plan, { profile, goal: race(raceDay), today: START });
    const form = violations.filter((v) => v.rule === 'race_day_form');
    expect(form).toEqual([expect.objectContaining({ severity: 'soft', date: raceDay })]);
    expect(isSavable(form)).toBe(true);
  });
});
