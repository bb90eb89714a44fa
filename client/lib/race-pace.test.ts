import { describe, expect, it } from 'vitest';
import { describeWithTargets } from '#shared/calendar/describe.ts';
import { decodeWorkout } from '#shared/fit/decode.ts';
import type { Goal } from '#shared/schema/goal.ts';
import type { WorkoutStructure } from '#shared/schema/workout.ts';
import { formatPace } from '#shared/training/units.ts';
import { encodeOnDevice } from './fit/export.ts';
import { raceNoteFor, targetsFor, todayIn } from './workout-view.ts';

// Issue 18 §1: the Workout view and the phone's .FIT file read `race` as the goal's race pace
// (a 3:30 marathon: 8:01/mi), not the 10K pace they fell back to with no goal.

const profile = {
  current_weekly_mileage_miles: 40,
  days_available_per_week: 5,
  easy_pace_per_mile_seconds: 540,
  injury_notes: null,
  units: 'mi' as const,
  time_zone: 'UTC',
  target_type: 'pace' as const,
};
const today = todayIn('UTC');
const raceDate = new Date(Date.parse(`${today}T00:00:00Z`) + 16 * 7 * 86_400_000).toISOString().slice(0, 10);
const marathon: Goal = { kind: 'race', target_race_distance_meters: 42_195, target_race_date: raceDate, target_time_seconds: 3.5 * 3600 };
const race: WorkoutStructure = { segments: [{ type: 'steady', distance_meters: 42_195, pace_target: 'race', notes: 'race day' }] };

describe('race pace on the phone (issue 18 §1)', () => {
  it('the Workout view shows the goal race pace, labelled', () => {
    const targets = targetsFor(profile, today, marathon);
    expect(describeWithTargets(race, targets!, 'mi')).toEqual(['Run: 26.2 mi race pace (7:56–8:05/mi) — race day']);
    expect(raceNoteFor(profile, today, marathon, 'mi')).toBe('Race pace 8:01/mi: your 3:30:00 goal.');
    // Without the goal, `race` is 10K pace: the defect the runner saw.
    expect(describeWithTargets(race, targetsFor(profile, today)!, 'mi')[0]).not.toContain('7:56–8:05/mi');
  });

  it('the .FIT file made on the phone targets 8:01/mi on the race step', async () => {
    const file = await encodeOnDevice(
      { id: '00000000-0000-4000-8000-000000000002', title: 'Race: marathon', scheduled_date: raceDate, structure: race, updated_at: '2026-03-01T00:00:00Z' },
      profile,
      marathon,
    );
    const decoded = decodeWorkout(file.bytes);
    if (!decoded.ok) throw new Error('the exported file does not decode');
    const target = decoded.workout.steps[0]?.target;
    if (target?.type !== 'speed') throw new Error(`expected a speed target, got ${JSON.stringify(target)}`);
    // The band is goal pace ± 3 s/km: its middle, in pace, is the goal pace.
    const midSecondsPerKm = (1000 / target.low_mps + 1000 / target.high_mps) / 2;
    expect(formatPace(midSecondsPerKm, 'mi')).toBe('8:01/mi');
    expect(formatPace(1000 / target.high_mps, 'mi')).toBe('7:56/mi');
    expect(formatPace(1000 / target.low_mps, 'mi')).toBe('8:05/mi');
  });
});
