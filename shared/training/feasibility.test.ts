import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { PROPERTY_SEED, propertyRuns } from '../testing/properties.ts';
import { addDays } from './dates.ts';
import { assessGoal } from './feasibility.ts';
import { perMileToPerKm } from './units.ts';
import { raceTimeForVdot, vdotFromEasyPace } from './vdot.ts';

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
    // 39: a 10:30/mi easy pace read as the slow half of Daniels' E range (66% of VDOT, issue 17).
    expect(r.sentence).toMatch(
      /^A 3:00:00 marathon in 10 weeks is out of reach for now: it needs about 60 mi a week with long runs of about 16 mi and a race fitness of 54 vs your 39 \(VDOT, Daniels' fitness score\)/,
    );
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
    expect(fast.sentence).toMatch(/10% a week .* it would take about \d+ weeks/);
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

// Issue 17 §6: "A first marathon in 6 weeks from 10 mi/week with a 4:30 goal comes back
// on_track ('your recent runs suggest 4:02' — there are no runs)."
describe('feasibility with volume (issue 17, docs/TRAINING.md §Feasibility)', () => {
  const tenMiles = { current_weekly_mileage_miles: 10, days_available_per_week: 4, easy_pace_per_mile_seconds: 660 };
  const marathonIn6 = { kind: 'race' as const, target_race_distance_meters: 42_195, target_race_date: '2026-03-15' };

  it('a first marathon in 6 weeks from 10 mi/week is unrealistic with a 4:30 goal or none, and says what it would take', () => {
    for (const goal of [{ ...marathonIn6, target_time_seconds: 4.5 * 3600 }, marathonIn6]) {
      const r = assessGoal({ profile: tenMiles, goal, today });
      expect(r.verdict).toBe('unrealistic');
      expect(r.sentence).toMatch(/needs about 25 mi a week with long runs of about 16 mi; from 10 mi a week .* 6 weeks build to about 13 mi a week/);
      expect(r.sentence).toMatch(/It would take about \d+ weeks\./);
      expect(r.needed_weekly_miles).toBe(25);
      expect(r.reachable_weekly_miles!).toBeLessThan(15);
    }
  });

  it('with no runs it says "your easy pace suggests" and a range, never "your recent runs"', () => {
    const r = assessGoal({ profile: tenMiles, goal: marathonIn6, today });
    expect(r.vdot_source).toBe('easy_pace');
    expect(r.sentence).toMatch(/Your easy pace suggests about \d:\d\d:\d\d–\d:\d\d:\d\d for the marathon today \(a guess: enter a recent race to sharpen it\)/);
    expect(r.sentence).not.toMatch(/recent runs/);
  });

  it('recent runs are named when they set the fitness, the recent race when it does', () => {
    const goal = { kind: 'race' as const, target_race_distance_meters: 10_000, target_race_date: '2026-05-03' };
    const profile = { current_weekly_mileage_miles: 25, days_available_per_week: 5, easy_pace_per_mile_seconds: 600 };
    const runs = assessGoal({ profile, goal, today, efforts: [{ distance_meters: 10_000, time_seconds: 45 * 60, date: '2026-01-25' }] });
    expect(runs.vdot_source).toBe('runs');
    expect(runs.sentence).toMatch(/your recent runs suggest about \d\d:\d\d–\d\d:\d\d for the 10 km today/);
    const raced = assessGoal({ profile: { ...profile, recent_race: { distance_meters: 5000, time_seconds: 21 * 60, date: '2026-01-10' } }, goal, today });
    expect(raced.vdot_source).toBe('race');
    expect(raced.sentence).toMatch(/your recent race suggests/);
  });

  it('a 3:30 marathon from a 38-VDOT runner on 25 mi/week in 8 weeks says the volume and the fitness it needs, explained', () => {
    const profile = {
      current_weekly_mileage_miles: 25,
      days_available_per_week: 5,
      easy_pace_per_mile_seconds: 600,
      recent_race: { distance_meters: 10_000, time_seconds: 52 * 60 + 17, date: '2026-01-18' },
    };
    const r = assessGoal({
      profile,
      goal: { kind: 'race', target_race_distance_meters: 42_195, target_race_date: '2026-03-29', target_time_seconds: 3.5 * 3600 },
      today,
    });
    expect(r.current_vdot!).toBeCloseTo(38, 0);
    expect(r.verdict).toBe('unrealistic');
    expect(r.sentence).toMatch(/about 40 mi a week/);
    expect(r.sentence).toMatch(/a race fitness of 45 vs your 38 \(VDOT, Daniels' fitness score\)/);
  });

  it('a sub-2:00 marathon in 4 weeks is unrealistic, without an absurd week count', () => {
    const r = assessGoal({
      profile: { current_weekly_mileage_miles: 40, days_available_per_week: 6, easy_pace_per_mile_seconds: 500 },
      goal: { kind: 'race', target_race_distance_meters: 42_195, target_race_date: '2026-03-01', target_time_seconds: 7100 },
      today,
    });
    expect(r.verdict).toBe('unrealistic');
    expect(r.sentence).toMatch(/more than two years of training away/);
  });

  it('sentences speak the runner unit', () => {
    const r = assessGoal({ profile: tenMiles, goal: marathonIn6, today, unit: 'km' });
    expect(r.sentence).toMatch(/needs about 40 km a week with long runs of about 26 km/);
    expect(r.sentence).not.toMatch(/ mi\b/);
  });

  it('what the runner actually runs raises the volume, never lowers it', () => {
    const goal = { kind: 'race' as const, target_race_distance_meters: 21_097.5, target_race_date: '2026-03-29' };
    const base = assessGoal({ profile: tenMiles, goal, today });
    const ran = assessGoal({ profile: tenMiles, goal, today, recent_weekly_meters: [32_000, 35_000, 38_000], longest_recent_run_meters: 14_000 });
    const fewLogs = assessGoal({ profile: tenMiles, goal, today, recent_weekly_meters: [3000] });
    expect(ran.current_weekly_miles!).toBeGreaterThan(base.current_weekly_miles!);
    expect(ORDER[ran.verdict]).toBeLessThan(ORDER[base.verdict]);
    expect(fewLogs.current_weekly_miles).toBe(base.current_weekly_miles);
  });

  it('property: more weeks or more weekly volume never makes a verdict worse', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 70 }),
        fc.integer({ min: 420, max: 780 }),
        fc.constantFrom(5000, 10_000, 21_097.5, 42_195),
        fc.integer({ min: 2, max: 30 }),
        fc.option(fc.double({ min: 0.6, max: 1.4, noNaN: true }), { nil: null }),
        (miles, easy, meters, weeks, timeFactor) => {
          const profile = { current_weekly_mileage_miles: miles, days_available_per_week: 5, easy_pace_per_mile_seconds: easy };
          const date = (w: number) => addDays(today, w * 7);
          const time = timeFactor === null ? null : Math.round(raceTimeForVdot(vdotFromEasyPace(perMileToPerKm(easy)), meters) * timeFactor);
          const goal = (w: number) => ({ kind: 'race' as const, target_race_distance_meters: meters, target_race_date: date(w), target_time_seconds: time });
          const now = assessGoal({ profile, goal: goal(weeks), today });
          const later = assessGoal({ profile, goal: goal(weeks + 4), today });
          const more = assessGoal({ profile: { ...profile, current_weekly_mileage_miles: miles + 10 }, goal: goal(weeks), today });
          expect(ORDER[later.verdict]).toBeLessThanOrEqual(ORDER[now.verdict]);
          expect(ORDER[more.verdict]).toBeLessThanOrEqual(ORDER[now.verdict]);
          if (now.verdict === 'unrealistic') expect(now.sentence).toMatch(/It would take about \d+ weeks|two years/);
        },
      ),
      { seed: PROPERTY_SEED, ...propertyRuns(300) },
    );
  });
});

const ORDER = { on_track: 0, stretch: 1, unrealistic: 2 } as const;
