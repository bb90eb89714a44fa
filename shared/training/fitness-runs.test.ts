import { describe, expect, it } from 'vitest';
import { TrainingProfileSchema, type TrainingProfile } from '../schema/plan.ts';
import { generatePlan } from './engine.ts';
import { runnerFitness } from './rules.ts';
import { runnerPaces } from './timeline.ts';
import { recentFitnessRuns, type FitnessActivity } from './zones.ts';

// The runs fitness is read from travel with the runner (TrainingProfile.fitness_runs), so every
// caller of the engine that is handed the profile follows the runner's best recent run.

const TODAY = '2026-03-02';
const profile: TrainingProfile = { current_weekly_mileage_miles: 25, days_available_per_week: 5, easy_pace_per_mile_seconds: 600 };
const activity = (over: Partial<FitnessActivity>): FitnessActivity => ({
  source: 'fit_upload',
  activity_type: 'Run',
  local_date: '2026-02-25',
  distance_meters: 10_000,
  moving_time_seconds: 42 * 60,
  ...over,
});

describe('fitness runs on the profile', () => {
  it('keeps the runner’s own road runs of the 8 weeks up to today', () => {
    const rows = [
      activity({}),
      activity({ source: 'strava', moving_time_seconds: 38 * 60 }),
      activity({ activity_type: 'TrailRun' }),
      activity({ local_date: '2026-01-05' }), // 56 days ago: still in
      activity({ local_date: '2026-01-04' }), // 57 days ago: out
      activity({ local_date: '2026-03-03' }), // tomorrow: a clock slip, out
      activity({ source: 'manual', local_date: TODAY, distance_meters: 5000, moving_time_seconds: 1800 }),
    ];
    expect(recentFitnessRuns(rows, TODAY)).toEqual([
      { date: '2026-02-25', distance_meters: 10_000, duration_seconds: 2520 },
      { date: '2026-01-05', distance_meters: 10_000, duration_seconds: 2520 },
      { date: TODAY, distance_meters: 5000, duration_seconds: 1800 },
    ]);
  });

  it('sets the fitness, the paces and a plan’s VDOT when passed only the profile', () => {
    const runner = { ...profile, fitness_runs: recentFitnessRuns([activity({})], TODAY) };
    expect(TrainingProfileSchema.parse(runner)).toEqual(runner);
    expect(runnerFitness(profile, TODAY).source).toBe('easy_pace');
    const fitness = runnerFitness(runner, TODAY);
    expect(fitness).toEqual(runnerFitness(profile, TODAY, runner.fitness_runs));
    expect(fitness.source).toBe('runs');
    // An explicit list still wins over the profile's (GET /api/profile passes its own).
    expect(runnerFitness(runner, TODAY, []).source).toBe('easy_pace');
    expect(runnerPaces(runner, null, TODAY).paces.threshold.fast_seconds_per_km).toBeLessThan(
      runnerPaces(profile, null, TODAY).paces.threshold.fast_seconds_per_km - 10,
    );
    const goal = { kind: 'race', target_race_distance_meters: 10_000, target_race_date: '2026-05-10', target_time_seconds: null } as const;
    const plan = generatePlan({ profile: runner, goal, start_date: TODAY, today: TODAY, methodology: 'daniels', newId: () => crypto.randomUUID() });
    if (!plan.ok) throw new Error(JSON.stringify(plan.issues));
    expect(plan.plan.vdot_source).toBe('runs');
    expect(plan.plan.vdot).toBeCloseTo(fitness.vdot, 1);
  });
});
