import { describe, expect, it } from 'vitest';
import { describeWithTargets } from '#shared/calendar/describe.ts';
import { decodeWorkout } from '#shared/fit/decode.ts';
import type { WorkoutStructure } from '#shared/schema/workout.ts';
import { encodeOnDevice } from './fit/export.ts';
import { targetsFor } from './workout-view.ts';

// Issue 17: the phone's heart-rate targets come from the runner's own max and resting heart
// rate (Karvonen: threshold = rest + 0.84…0.90 × reserve), on screen and in the watch file alike.

const profile = {
  current_weekly_mileage_miles: 25,
  days_available_per_week: 4,
  easy_pace_per_mile_seconds: 570,
  injury_notes: null,
  units: 'km' as const,
  time_zone: 'UTC',
  target_type: 'heart_rate' as const,
};
const structure: WorkoutStructure = { segments: [{ type: 'steady', duration_seconds: 1200, pace_target: 'threshold' }] };
const today = '2026-03-02';

async function watchBands(p: Parameters<typeof encodeOnDevice>[1]): Promise<string[]> {
  const file = await encodeOnDevice(
    { id: '00000000-0000-4000-8000-000000000001', title: 'Threshold', scheduled_date: today, structure, updated_at: '2026-03-01T00:00:00Z' },
    p,
  );
  const decoded = decodeWorkout(file.bytes);
  if (!decoded.ok) throw new Error('the exported file does not decode');
  return decoded.workout.steps.flatMap((step) => (step.target?.type === 'heart_rate' ? [`${step.target.low_bpm}–${step.target.high_bpm} bpm`] : []));
}

describe('heart-rate targets on the phone', () => {
  it('a runner with max 170 / rest 50 sees and exports 151–158 bpm at threshold', async () => {
    const mine = { ...profile, max_heart_rate: 170, resting_heart_rate: 50 };
    expect(describeWithTargets(structure, targetsFor(mine, today)!, 'km')).toEqual(['Run: 20:00 threshold (151–158 bpm)']);
    expect(await watchBands(mine)).toEqual(['151–158 bpm']);
  });

  it('a typical runner’s 185/60 without them, and shares of a max from age (Tanaka) with only a birth year', async () => {
    expect(describeWithTargets(structure, targetsFor(profile, today)!, 'km')[0]).toContain('165–173 bpm');
    expect(await watchBands(profile)).toEqual(['165–173 bpm']);
    // Born 1986: 40 on this day, max 208 − 0.7 × 40 = 180; resting unknown, so threshold is
    // 88–92% of that max (issue 17: no assumed resting 60 once anything of the runner's is known).
    expect(describeWithTargets(structure, targetsFor({ ...profile, birth_year: 1986 }, today)!, 'km')[0]).toContain('158–166 bpm');
  });
});
