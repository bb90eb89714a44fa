import { describe, expect, it } from 'vitest';
import { assessGoal } from './feasibility.ts';

const today = '2026-02-01';

describe('assessGoal', () => {
  it('a 3:00 marathon in 10 weeks from 15 mi/week at 10:30/mi easy is unrealistic, and says why', () => {
    const r = assessGoal({
      profile: { current_weekly_mileage_miles: 15, days_available_per_week: 4, easy_pace_per_mile_seconds: 630 },
      goal: { kind: 'race', target_race_distance_meters: 42_195, target_race_date: '2026-04-12', target_time_seconds: 3 * 3600 },
      today,
    });
    expect(r.verdict).toBe('unrealistic');
    expect(r.weeks_left).toBe(10);
    expect(r.required_vdot! - r.current_vdot!).toBeGreaterThan(10);
    expect(r.sentence).toMatch(/3:00:00 needs a VDOT of 53\.5 vs your 39\.7, which is more than 10 weeks can usually add/);
    expect(r.predicted_range!.low_seconds).toBeGreaterThan(3.5 * 3600);
  });

  it('a 4:30 marathon in 18 weeks from 25 mi/week at 10:00/mi easy is not unrealistic', () => {
    const r = assessGoal({
      profile: { current_weekly_mileage_miles: 25, days_available_per_week: 4, easy_pace_per_mile_seconds: 600 },
      goal: { kind: 'race', target_race_distance_meters: 42_195, target_race_date: '2026-06-07', target_time_seconds: 4.5 * 3600 },
      today,
    });
    expect(r.verdict).not.toBe('unrealistic');
    expect(r.verdict).toBe('on_track');
  });

  it('a goal a little beyond the expected gain is a stretch', () => {
    const r = assessGoal({
      profile: {
        current_weekly_mileage_miles: 30,
        days_available_per_week: 5,
        easy_pace_per_mile_seconds: 540,
        recent_race: { distance_meters: 10_000, time_seconds: 50 * 60, date: '2026-01-10' },
      },
      goal: { kind: 'race', target_race_distance_meters: 10_000, target_race_date: '2026-04-26', target_time_seconds: 46 * 60 + 30 },
      today,
    });
    expect(r.verdict).toBe('stretch');
    expect(r.sentence).toContain('stretch');
  });

  it('poor completion and missed quality lower the expected gain', () => {
    const input = {
      profile: { current_weekly_mileage_miles: 30, days_available_per_week: 5, easy_pace_per_mile_seconds: 540 },
      goal: { kind: 'race' as const, target_race_distance_meters: 21_097.5, target_race_date: '2026-05-03', target_time_seconds: 6000 },
      today,
    };
    const good = assessGoal(input);
    const poor = assessGoal({ ...input, recent: { planned_meters: 120_000, completed_meters: 60_000, missed_quality: 4 } });
    expect(poor.expected_gain).toBeLessThan(good.expected_gain);
    expect(poor.completion_rate).toBe(0.5);
    expect(poor.missed_quality).toBe(4);
  });

  it('uses the best recent effort for current fitness', () => {
    const input = {
      profile: { current_weekly_mileage_miles: 30, days_available_per_week: 5, easy_pace_per_mile_seconds: 600 },
      goal: { kind: 'race' as const, target_race_distance_meters: 5000, target_race_date: '2026-04-26', target_time_seconds: 1300 },
      today,
    };
    const withEffort = assessGoal({ ...input, efforts: [{ distance_meters: 5000, time_seconds: 1250, date: '2026-01-20' }] });
    expect(withEffort.current_vdot!).toBeGreaterThan(assessGoal(input).current_vdot!);
    expect(withEffort.verdict).toBe('on_track');
  });

  it('mileage goals: judged against a safe ramp', () => {
    const base = { profile: { current_weekly_mileage_miles: 15, days_available_per_week: 4, easy_pace_per_mile_seconds: 600 }, today };
    const fast = assessGoal({ ...base, goal: { kind: 'mileage', target_weekly_mileage_miles: 40, end_date: '2026-03-01' } });
    expect(fast.verdict).toBe('unrealistic');
    expect(fast.sentence).toMatch(/8% a week/);
    expect(assessGoal({ ...base, goal: { kind: 'mileage', target_weekly_mileage_miles: 25, end_date: '2026-06-01' } }).verdict).toBe('on_track');
    expect(fast.current_vdot).toBeNull();
  });

  it('a finish-only marathon on too little volume is flagged', () => {
    const r = assessGoal({
      profile: { current_weekly_mileage_miles: 5, days_available_per_week: 3, easy_pace_per_mile_seconds: 720 },
      goal: { kind: 'race', target_race_distance_meters: 42_195, target_race_date: '2026-03-15' },
      today,
    });
    expect(r.verdict).toBe('unrealistic');
    expect(r.required_vdot).toBeNull();
  });
});
