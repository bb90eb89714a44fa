import { describe, expect, it } from 'vitest';
import { describeWithTargets } from '#shared/calendar/describe.ts';
import { decodeWorkout } from '#shared/fit/decode.ts';
import type { WorkoutStructure } from '#shared/schema/workout.ts';
import { encodeOnDevice } from './fit/export.ts';
import { addDays } from '#shared/training/dates.ts';
import { generatePlan } from '#shared/training/engine.ts';
import { intensityOf, planWeekAt, planWeekOf, planWeekStart, plannedDistanceText, structureBars, targetsFor, targetsOf, weekProgress } from './workout-view.ts';

describe('workout view helpers', () => {
  it('shows no distance for a rest day, even one that still carries the swapped session’s figures', () => {
    expect(plannedDistanceText({ workout_type: 'rest', estimated_distance_meters: 10_000 }, 'km')).toBe('—');
    expect(plannedDistanceText({ workout_type: 'easy', estimated_distance_meters: 5000 }, 'km')).toBe('5.0 km');
    expect(plannedDistanceText({ workout_type: 'easy', estimated_distance_meters: null }, 'km')).toBe('—');
  });

  it('expands intervals into bars coloured by intensity', () => {
    const bars = structureBars(
      {
        segments: [
          { type: 'warmup', duration_seconds: 600, pace_target: 'easy' },
          { type: 'interval', repeats: 3, work: { distance_meters: 1000, pace_target: 'interval' }, recovery: { duration_seconds: 120 } },
        ],
      },
      null,
    );
    expect(bars.map((b) => b.intensity)).toEqual(['easy', 'max', 'easy', 'max', 'easy', 'max', 'easy']);
    expect(bars[0]!.seconds).toBe(600);
    expect(bars[1]!.seconds).toBeGreaterThan(0);
  });

  it('names the targets once, in order', () => {
    expect(
      targetsOf({
        segments: [
          { type: 'steady', duration_seconds: 60, pace_target: 'tempo' },
          { type: 'cooldown', duration_seconds: 60, pace_target: 'easy' },
          { type: 'steady', duration_seconds: 60, pace_target: 'tempo' },
        ],
      }),
    ).toEqual(['tempo', 'easy']);
    expect(intensityOf(undefined)).toBe('easy');
  });

  it('counts a week planned vs done', () => {
    const workouts = [
      { id: 'a', scheduled_date: '2025-03-03', estimated_distance_meters: 8000, workout_type: 'easy' },
      { id: 'b', scheduled_date: '2025-03-05', estimated_distance_meters: 10000, workout_type: 'tempo' },
      { id: 'c', scheduled_date: '2025-03-10', estimated_distance_meters: 5000, workout_type: 'easy' },
    ];
    const done = new Map([['a', { completion_status: 'completed', distance_meters: 8200 }]]);
    expect(weekProgress(workouts, done, '2025-03-03')).toEqual({ plannedMeters: 18000, doneMeters: 8200, sessions: 2, sessionsDone: 1 });
  });

  it('finds the plan week of a date', () => {
    expect(planWeekStart('2025-03-01', '2025-03-09')).toBe('2025-03-08');
    expect(addDays('2025-02-28', 1)).toBe('2025-03-01');
  });

  it("finds every day in the plan's own weeks, 7-day blocks from the plan's first day (issue 18 §3, docs/TRAINING.md)", () => {
    let n = 0;
    // Made on a Monday for a Sunday half marathon: the weeks begin on Mondays, the plan's first
    // day (issue 17: week 1 must not depend on the start weekday); the race ends the last block.
    const r = generatePlan({
      profile: { current_weekly_mileage_miles: 25, days_available_per_week: 5, easy_pace_per_mile_seconds: 560, injury_notes: null },
      goal: { kind: 'race', target_race_distance_meters: 21_097, target_race_date: '2027-03-07', target_time_seconds: 1.75 * 3600 },
      start_date: '2026-12-07',
      today: '2026-12-07',
      methodology: 'daniels',
      newId: () => `w${++n}`,
    });
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    const plan = r.plan;
    expect(plan.weeks[0]!.start_date).toBe('2026-12-07');
    expect(planWeekOf(plan, '2026-12-07')).toBe('2026-12-07');
    expect(planWeekOf(plan, '2026-12-13')).toBe('2026-12-07');
    expect(planWeekAt(plan, '2026-12-07')?.index).toBe(0);
    // Every workout is found in the week the engine put it in, the race in the race week.
    for (const w of plan.workouts) expect(planWeekAt(plan, w.scheduled_date)?.index).toBe(w.week_index);
    expect(planWeekAt(plan, '2027-03-07')?.is_taper).toBe(true);
    expect(plan.weeks.filter((w) => w.is_recovery).every((w) => planWeekAt(plan, addDays(w.start_date, 3)) === w)).toBe(true);
    // Outside the plan: nothing, on the same Monday grid.
    expect(planWeekAt(plan, '2026-11-30')).toBeUndefined();
    expect(planWeekOf(plan, '2026-12-01')).toBe('2026-11-30');
    expect(planWeekAt(plan, '2027-03-14')).toBeUndefined();
  });
});

describe('targets a runner sees', () => {
  const profile = {
    current_weekly_mileage_miles: 25,
    days_available_per_week: 4,
    easy_pace_per_mile_seconds: 570,
    injury_notes: null,
    units: 'km' as const,
    time_zone: 'UTC',
  };
  const structure: WorkoutStructure = {
    segments: [
      { type: 'warmup', duration_seconds: 600, pace_target: 'easy' },
      { type: 'interval', repeats: 3, work: { distance_meters: 1000, pace_target: 'threshold' }, recovery: { duration_seconds: 120, pace_target: 'jog' } },
    ],
  };

  it('shows a heart-rate runner the bpm ranges their .FIT file carries, and no pace', async () => {
    const targets = targetsFor({ ...profile, target_type: 'heart_rate' }, '2026-03-02');
    expect(targets?.kind).toBe('heart_rate');
    const lines = describeWithTargets(structure, targets!, 'km');
    expect(lines.join(' ')).not.toMatch(/\/km|\/mi/);

    const file = await encodeOnDevice(
      { id: '00000000-0000-4000-8000-000000000001', title: 'Threshold', scheduled_date: '2026-03-02', structure, updated_at: '2026-03-01T00:00:00Z' },
      { ...profile, target_type: 'heart_rate' },
    );
    const decoded = decodeWorkout(file.bytes);
    if (!decoded.ok) throw new Error('the exported file does not decode');
    const onWatch = decoded.workout.steps.flatMap((step) => (step.target?.type === 'heart_rate' ? [`${step.target.low_bpm}–${step.target.high_bpm} bpm`] : []));
    expect(onWatch.length).toBeGreaterThan(0);
    for (const range of onWatch) expect(lines.join(' ')).toContain(range);
  });

  it('shows paces to a pace runner, and nothing until the profile has what paces need', () => {
    expect(targetsFor({ ...profile, target_type: 'pace' }, '2026-03-02')?.kind).toBe('pace');
    expect(targetsFor({ ...profile, easy_pace_per_mile_seconds: null, target_type: 'pace' }, '2026-03-02')).toBeNull();
    // Heart-rate ranges do not depend on paces.
    expect(targetsFor({ ...profile, easy_pace_per_mile_seconds: null, target_type: 'heart_rate' }, '2026-03-02')?.kind).toBe('heart_rate');
  });
});
