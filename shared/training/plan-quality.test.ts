import { describe, expect, it } from 'vitest';
import type { Goal } from '../schema/goal.ts';
import type { Phase, Plan, PlannedWorkout, TrainingProfile } from '../schema/plan.ts';
import type { Segment, WorkoutType } from '../schema/workout.ts';
import { addDays } from './dates.ts';
import { judgeFigures, planFigures, referenceRanges, type QualityRunner } from './plan-quality.ts';
import { milesToMeters } from './units.ts';

const START = '2027-01-04';
const profile: TrainingProfile = { current_weekly_mileage_miles: 20, days_available_per_week: 5, easy_pace_per_mile_seconds: 540, injury_notes: null };
const mileage: Goal = { kind: 'mileage', target_weekly_mileage_miles: 30 };

type Run = [day: number, type: WorkoutType, segments: Segment[]];
interface WeekSpec {
  phase?: Phase;
  recovery?: boolean;
  taper?: boolean;
  runs: Run[];
}

const easyMi = (miles: number): Segment[] => [{ type: 'steady', distance_meters: milesToMeters(miles), pace_target: 'easy' }];
const easyMin = (minutes: number): Segment[] => [{ type: 'steady', duration_seconds: minutes * 60, pace_target: 'easy' }];
/** 10 min easy, `t` min at threshold, 10 min easy. */
const tempo = (t: number): Segment[] => [
  { type: 'warmup', duration_seconds: 600, pace_target: 'easy' },
  { type: 'steady', duration_seconds: t * 60, pace_target: 'threshold' },
  { type: 'cooldown', duration_seconds: 600, pace_target: 'easy' },
];

/** A plan of the given weeks from START (each week starts on its 7-day block). */
function makePlan(goal: Goal, specs: WeekSpec[]): Plan {
  let n = 0;
  const workouts: PlannedWorkout[] = [];
  specs.forEach((spec, k) => {
    for (const [day, type, segments] of spec.runs) {
      workouts.push({
        id: `w${++n}`,
        scheduled_date: addDays(START, 7 * k + day),
        week_index: k,
        workout_type: type,
        title: type,
        structure: { segments },
        estimated_distance_meters: 0,
        estimated_duration_minutes: 0,
        reason: 'hand-made',
      });
    }
  });
  return {
    methodology: 'daniels',
    goal,
    start_date: START,
    end_date: addDays(START, 7 * specs.length - 1),
    vdot: 45,
    vdot_source: 'easy_pace',
    phases: [],
    weeks: specs.map((s, k) => ({
      index: k,
      start_date: addDays(START, 7 * k),
      phase: s.phase ?? 'build',
      estimated_distance_meters: 0,
      estimated_duration_minutes: 0,
      is_recovery: s.recovery ?? false,
      is_taper: s.taper ?? false,
      reason: 'hand-made',
    })),
    workouts,
    reason: 'hand-made',
  };
}

/** A week of four easy runs adding up to `miles`, each a little different so weeks differ. */
const easyWeek = (miles: number, phase: Phase = 'build', recovery = false): WeekSpec => ({
  phase,
  recovery,
  runs: [
    [1, 'easy', easyMi(miles * 0.2)],
    [3, 'easy', easyMi(miles * 0.25)],
    [4, 'easy', easyMi(miles * 0.2)],
    [6, 'long', easyMi(miles * 0.35)],
  ],
});

describe('planFigures on hand-made plans', () => {
  it('peak week, first week and the worst ramp over 7-day blocks, the runner’s volume before the plan', () => {
    const f = planFigures(
      makePlan(
        mileage,
        [20, 22, 26, 18, 24].map((m) => easyWeek(m)),
      ),
      profile,
    );
    expect(f.peak_week_miles).toBeCloseTo(26, 2);
    expect(f.first_week_ratio).toBeCloseTo(1, 2);
    // 26 over the higher of 22 and 20; the rebound to 24 is below the 26 before the cut.
    expect(f.worst_ramp).toBeCloseTo(0.18, 2);
    expect(f.taper_cut).toBeNull();
  });

  it('a rebound after a recovery week is measured against the week before the cut', () => {
    const f = planFigures(
      makePlan(
        mileage,
        [20, 20, 20, 15, 22].map((m) => easyWeek(m)),
      ),
      profile,
    );
    // 22 after the 15-mile cut is 10% over the 20 before it (not 47% over 15).
    expect(f.worst_ramp).toBeCloseTo(0.1, 2);
  });

  it('a first week well above current volume shows in both the ratio and the ramp', () => {
    const f = planFigures(
      makePlan(
        mileage,
        [28, 28].map((m) => easyWeek(m)),
      ),
      profile,
    );
    expect(f.first_week_ratio).toBeCloseTo(1.4, 2);
    expect(f.worst_ramp).toBeCloseTo(0.4, 2);
  });

  it('longest run, runs of 18+ mi and medium-long runs, leaving the goal race out', () => {
    const race: Goal = { kind: 'race', target_race_distance_meters: 42_195, target_race_date: addDays(START, 7 * 3 + 6), target_time_seconds: null };
    const week = (long: number, ml: number[]): WeekSpec => ({
      runs: [[0, 'easy', easyMi(5)], ...ml.map((m, i): Run => [2 + i, 'easy', easyMi(m)]), [6, 'long', easyMi(long)]],
    });
    const plan = makePlan(race, [
      week(16, [12]), // one medium-long run
      week(18, [11, 13]), // two
      week(20, [10]), // a 10-miler is not medium-long
      {
        taper: true,
        phase: 'taper',
        runs: [
          [1, 'easy', easyMi(5)],
          [6, 'race', [{ type: 'steady', distance_meters: 42_195, pace_target: 'race' }]],
        ],
      },
    ]);
    const f = planFigures(plan, { ...profile, current_weekly_mileage_miles: 40 });
    expect(f.longest_run_miles).toBeCloseTo(20, 2);
    expect(f.runs_18_plus).toBe(2);
    // Three build weeks (the taper week is not one), three medium-long runs.
    expect(f.medium_long_per_build_week).toBeCloseTo(1, 2);
  });

  it('quality sessions per build week, T minutes and M miles in one session; strides and recovery weeks do not count', () => {
    const strides: Segment[] = [
      ...easyMi(4),
      { type: 'interval', repeats: 6, work: { duration_seconds: 20, pace_target: 'repetition' }, recovery: { duration_seconds: 60, pace_target: 'jog' } },
    ];
    const mpLong: Segment[] = [...easyMi(6), { type: 'steady', distance_meters: milesToMeters(8), pace_target: 'marathon' }];
    const plan = makePlan(mileage, [
      {
        runs: [
          [1, 'tempo', tempo(20)],
          [3, 'easy', strides],
          [6, 'long', mpLong],
        ],
      }, // 2 quality
      {
        runs: [
          [1, 'tempo', tempo(32)],
          [3, 'easy', strides],
          [6, 'long', easyMi(12)],
        ],
      }, // 1 quality
      {
        recovery: true,
        runs: [
          [1, 'tempo', tempo(15)],
          [6, 'long', easyMi(8)],
        ],
      }, // not a build week
      { phase: 'base', runs: [[1, 'tempo', tempo(20)]] }, // base is not build when build weeks exist
    ]);
    const f = planFigures(plan, profile);
    expect(f.quality_per_build_week).toBeCloseTo(1.5, 2);
    expect(f.max_threshold_minutes).toBe(32);
    expect(f.max_marathon_pace_miles).toBeCloseTo(8, 2);
  });

  it('easy share is easy time over running time', () => {
    const plan = makePlan(mileage, [
      {
        runs: [
          [1, 'easy', easyMin(40)],
          [3, 'tempo', tempo(20)],
          [6, 'long', easyMin(40)],
        ],
      },
    ]);
    // 40 + 20 + 40 easy of 120 minutes.
    expect(planFigures(plan, profile).easy_share).toBeCloseTo(0.83, 2);
  });

  it('the longest streak of identical weeks, recovery and taper weeks aside', () => {
    const a = easyWeek(20);
    const b = easyWeek(24);
    const plan = makePlan(mileage, [a, a, a, b, { ...b, recovery: true }, b, { ...b, taper: true }, { ...b, taper: true }]);
    expect(planFigures(plan, profile).identical_week_streak).toBe(3);
    expect(planFigures(makePlan(mileage, [a, b, a, b]), profile).identical_week_streak).toBe(1);
  });

  it('the taper cut: the last 7 days before the race against the peak block', () => {
    const race: Goal = { kind: 'race', target_race_distance_meters: 21_097.5, target_race_date: addDays(START, 7 * 2 + 6), target_time_seconds: null };
    const plan = makePlan(race, [
      easyWeek(30),
      { runs: [[6, 'long', easyMi(10)]] }, // 10 mi on day 13, the last of block 1
      {
        taper: true,
        runs: [
          [1, 'easy', easyMi(2)],
          [6, 'race', [{ type: 'steady', distance_meters: 21_097.5, pace_target: 'race' }]],
        ],
      },
    ]);
    // Days 13–19 before the race on day 20: the 10-miler and 2 mi = 12 of the 30 mi peak.
    expect(planFigures(plan, { ...profile, current_weekly_mileage_miles: 30 }).taper_cut).toBeCloseTo(0.6, 2);
  });
});

describe('reference ranges', () => {
  const figures = planFigures(makePlan(mileage, [easyWeek(20)]), profile);
  const runner = (over: Partial<QualityRunner>): QualityRunner => ({
    label: 'r',
    profile,
    goal: { kind: 'race', target_race_distance_meters: 42_195, target_race_date: '2027-05-02', target_time_seconds: null },
    methodology: 'pfitzinger',
    first_at_distance: false,
    start_date: START,
    ...over,
  });

  it('a first marathon and a first half take the beginner floor, whatever the methodology', () => {
    expect(referenceRanges(runner({ first_at_distance: true, methodology: 'daniels' }), figures).longest_run_miles).toMatchObject({ min: 18, max: 20.5 });
    const half = runner({
      first_at_distance: true,
      goal: { kind: 'race', target_race_distance_meters: 21_097.5, target_race_date: '2027-05-02', target_time_seconds: null },
    });
    expect(referenceRanges(half, figures).longest_run_miles).toMatchObject({ min: 10, max: 12.5 });
  });

  it('Pfitzinger at 70 mi/week builds to 22 mi with two medium-long runs a week; at 55 to 20', () => {
    const at70 = referenceRanges(runner({ profile: { ...profile, current_weekly_mileage_miles: 70 } }), figures);
    expect(at70.longest_run_miles).toMatchObject({ min: 20.5, max: 22.5 });
    expect(at70.medium_long_per_build_week?.min).toBeGreaterThan(1);
    expect(referenceRanges(runner({}), figures).longest_run_miles).toMatchObject({ min: 19.5, max: 21 });
  });

  it('Daniels’ long run ends at 30% of the plan’s peak week, unless the beginner floor lifts it', () => {
    const tenK = runner({
      methodology: 'daniels',
      goal: { kind: 'race', target_race_distance_meters: 10_000, target_race_date: '2027-03-07', target_time_seconds: null },
    });
    const peak40 = { ...figures, peak_week_miles: 40, easy_pace_per_mile: 540 };
    expect(referenceRanges(tenK, peak40).longest_run_miles?.max).toBeCloseTo(12.25, 2);
    // A marathon's long run reaches 18 mi in every methodology (docs/TRAINING.md §"Beginner floor"), past Daniels' 12 mi here.
    expect(referenceRanges(runner({ methodology: 'daniels' }), peak40).longest_run_miles?.max).toBeCloseTo(18.5, 2);
  });

  it('judgeFigures says yes inside a range and no outside it; figures without a range are not judged', () => {
    const refs = referenceRanges(runner({}), { ...figures, worst_ramp: 0.12 });
    const judged = judgeFigures({ ...figures, worst_ramp: 0.12, first_week_ratio: 1 }, refs);
    expect(judged.find((j) => j.figure === 'worst_ramp')?.ok).toBe(false);
    expect(judged.find((j) => j.figure === 'first_week_ratio')?.ok).toBe(true);
    const mileageRefs = referenceRanges(runner({ goal: mileage }), figures);
    expect(judgeFigures(figures, mileageRefs).find((j) => j.figure === 'runs_18_plus')?.ok).toBeNull();
  });
});
