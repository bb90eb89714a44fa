import { describe, expect, it } from 'vitest';
import { StorableStructureSchema } from '../schema/workout.ts';
import { poorDayReason, readinessSwap } from './readiness.ts';

const day = (date: string, resting_hr: number | null, s = [2, 2, 2]) => ({ date, sleep: s[0]!, soreness: s[1]!, stress: s[2]!, resting_hr });

describe('readiness', () => {
  it('a sum of 11 of 15 is a poor day; 10 is not', () => {
    expect(poorDayReason(day('2026-03-02', null, [4, 4, 3]), [])).toMatch(/add up to 11 of 15/);
    expect(poorDayReason(day('2026-03-02', null, [4, 3, 3]), [])).toBeNull();
  });

  it('resting HR 7 above the usual (median of recent check-ins) is a poor day; it needs three earlier readings', () => {
    const earlier = [day('2026-02-27', 48), day('2026-02-28', 50), day('2026-03-01', 49), day('2026-03-02', 70)];
    expect(poorDayReason(day('2026-03-02', 56), earlier)).toMatch(/resting heart rate 56 is 7 above your usual 49/);
    expect(poorDayReason(day('2026-03-02', 55), earlier)).toBeNull();
    expect(poorDayReason(day('2026-03-02', 70), earlier.slice(0, 2))).toBeNull();
  });

  it('swaps to a shorter easy run with a storable structure, or rest', () => {
    const easy = readinessSwap({ estimated_duration_minutes: 60 }, 'easy');
    expect(easy).toMatchObject({ workout_type: 'easy', title: 'Easy run' });
    expect(StorableStructureSchema.parse(easy.structure)).toEqual({ segments: [{ type: 'steady', duration_seconds: 36 * 60, pace_target: 'easy' }] });
    expect(readinessSwap({ estimated_duration_minutes: null }, 'rest')).toEqual({ workout_type: 'rest', title: 'Rest day' });
  });
});
