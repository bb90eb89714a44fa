import { describe, expect, it } from 'vitest';
import { addDays } from './dates.ts';
import type { LoadActivityRow, LoadPlanWorkout } from './load-report.ts';
import { applyWorkoutEdits, loadOutlook, loadWhatIf } from './load-whatif.ts';

const today = '2026-03-02';
const race = '2026-03-29';
const runs: LoadActivityRow[] = Array.from({ length: 42 }, (_, i) => ({
  id: `r${i}`,
  local_date: addDays(today, -42 + i),
  activity_type: 'Run',
  distance_meters: 10_000,
  moving_time_seconds: 3300,
}));
const workouts: LoadPlanWorkout[] = Array.from({ length: 27 }, (_, i) => ({
  id: `w${i}`,
  scheduled_date: addDays(today, i),
  workout_type: i % 7 === 2 ? 'tempo' : 'easy',
  status: 'scheduled',
  estimated_distance_meters: 10_000,
  estimated_duration_minutes: i % 7 === 2 ? 70 : 55,
}));
const input = {
  today,
  profile: { easy_pace_per_mile_seconds: 540, current_weekly_mileage_miles: 40, days_available_per_week: 7, injury_notes: null },
  goal: { kind: 'race' as const, target_race_distance_meters: 10_000, target_race_date: race, target_time_seconds: null },
  planWorkouts: workouts,
  runs,
};

describe('load what-if', () => {
  it('reads race-day form and the peak ramp of the plan as it stands', () => {
    const outlook = loadOutlook(input);
    expect(outlook).toMatchObject({ date: race, race: true });
    expect(Number.isFinite(outlook.tsb)).toBe(true);
  });

  it('a lighter last week (a taper) raises race-day form; the words say before → after', () => {
    const taper = workouts.filter((w) => w.scheduled_date >= addDays(race, -7)).map((w) => ({ workout_id: w.id!, set: { deleted: true } }));
    const what = loadWhatIf(input, taper);
    expect(what.after.tsb).toBeGreaterThan(what.before.tsb + 5);
    expect(what.words).toMatch(/^race-day form [+-]?\d+ → \+?\d+; ramp -?\d+\.\d( → -?\d+\.\d)?\/wk$/);
  });

  it('no change, same numbers; an added workout counts; a moved one moves its load', () => {
    expect(loadWhatIf(input, []).before).toEqual(loadWhatIf(input, []).after);
    const added = applyWorkoutEdits(workouts, [
      {
        workout_id: 'new',
        set: { scheduled_date: addDays(race, -1), workout_type: 'long', estimated_duration_minutes: 150, estimated_distance_meters: 30_000 },
      },
    ]);
    expect(added).toHaveLength(workouts.length + 1);
    expect(loadOutlook({ ...input, planWorkouts: added }).tsb).toBeLessThan(loadOutlook(input).tsb);
    const moved = loadWhatIf(input, [{ workout_id: 'w2', set: { scheduled_date: addDays(race, -1) } }]);
    expect(moved.after.tsb).toBeLessThan(moved.before.tsb);
  });
});
