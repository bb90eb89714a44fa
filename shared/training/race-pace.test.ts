import { describe, expect, it } from 'vitest';
import { describeStructure } from '../calendar/describe.ts';
import type { Goal } from '../schema/goal.ts';
import type { TrainingProfile } from '../schema/plan.ts';
import { midPace } from './paces.ts';
import { racePaceNote } from './race-pace.ts';
import { paceRangeText } from './target-text.ts';
import { runnerPaces } from './timeline.ts';
import { formatPace } from './units.ts';

// Issue 18 §1: a 3:30 marathon goal (8:01/mi) showed "race pace 7:28–7:38/mi" (10K pace).

const today = '2026-01-05';
// A runner who can run 3:30: a 1:39 half in December, 40 mi a week.
const profile: TrainingProfile = {
  current_weekly_mileage_miles: 40,
  days_available_per_week: 5,
  easy_pace_per_mile_seconds: 570,
  recent_race: { distance_meters: 21_097.5, time_seconds: 99 * 60, date: '2025-12-14' },
};
const marathon: Goal = { kind: 'race', target_race_distance_meters: 42_195, target_race_date: '2026-05-03', target_time_seconds: 3.5 * 3600 };

describe('race pace is the goal race pace (issue 18 §1)', () => {
  it('a 3:30 marathon goal gives race pace 8:01/mi, a narrow band around it', () => {
    const { paces, race } = runnerPaces(profile, marathon, today);
    expect(race?.source).toBe('goal');
    expect(formatPace(midPace(paces.race), 'mi')).toBe('8:01/mi');
    expect(paceRangeText(paces.race, 'mi')).toBe('7:56–8:05/mi');
    expect(paces.race.slow_seconds_per_km - paces.race.fast_seconds_per_km).toBeLessThanOrEqual(6);
    expect(racePaceNote(race!, 'mi')).toBe('Race pace 8:01/mi: your 3:30:00 goal.');
  });

  it('the race workout reads at goal pace, not 10K pace', () => {
    const { paces } = runnerPaces(profile, marathon, today);
    const lines = describeStructure({ segments: [{ type: 'steady', distance_meters: 42_195, pace_target: 'race', notes: 'race day' }] }, paces, 'mi');
    expect(lines).toEqual(['Run: 26.2 mi race pace (7:56–8:05/mi) — race day']);
    expect(paces.race).not.toEqual(paces['10k']);
  });

  it('a goal the feasibility check calls unrealistic gets the predicted pace, labelled', () => {
    const slow: TrainingProfile = { current_weekly_mileage_miles: 20, days_available_per_week: 4, easy_pace_per_mile_seconds: 660 };
    const goal: Goal = { ...marathon, target_race_date: '2026-02-15', target_time_seconds: 3 * 3600 };
    const { paces, race } = runnerPaces(slow, goal, today);
    expect(race?.source).toBe('unrealistic_goal');
    expect(midPace(paces.race)).toBeGreaterThan((3 * 3600) / 42.195 + 20);
    expect(racePaceNote(race!, 'mi')).toMatch(
      /^Race pace \d+:\d\d\/mi: about \d:\d\d:\d\d, what your current fitness predicts\. Your 3:00:00 goal is out of reach for now/,
    );
  });

  it('a race goal with no time uses the predicted pace over its distance; no goal keeps 10K pace', () => {
    const { paces, race } = runnerPaces(profile, { ...marathon, target_time_seconds: null }, today);
    expect(race?.source).toBe('prediction');
    expect(midPace(paces.race)).toBeCloseTo(midPace(paces.marathon), 0);
    const none = runnerPaces(profile, null, today);
    expect(none.race).toBeNull();
    expect(none.paces.race).toEqual(none.paces['10k']);
  });
});

// Issue 17: "a 30:00 5K runner aiming for a 3:00 marathon is told to run 8 km at 4:16/km".
describe('race-pace work at the pace the runner can hold now (issue 17)', () => {
  const goal: Goal = { kind: 'race', target_race_distance_meters: 42_195, target_race_date: '2026-05-03', target_time_seconds: 3 * 3600 };
  const runner = (fiveK: number): TrainingProfile => ({
    current_weekly_mileage_miles: 20,
    days_available_per_week: 4,
    easy_pace_per_mile_seconds: 660,
    recent_race: { distance_meters: 5000, time_seconds: fiveK, date: '2025-12-20' },
  });

  it('a 30:00 5K runner aiming at 3:00 is not given 4:16/km: the pace a 30:00 5K predicts, labelled', () => {
    const { paces, race } = runnerPaces(runner(30 * 60), goal, today);
    expect(race?.source).toBe('unrealistic_goal');
    expect(formatPace(midPace(paces.race), 'km')).not.toBe('4:16/km');
    // A 30:00 5K (VDOT ~31) predicts a marathon near 4:50, about 6:50/km.
    expect(midPace(paces.race)).toBeGreaterThan(390);
    expect(racePaceNote(race!, 'km')).toMatch(/Your 3:00:00 goal is out of reach for now, so the targets use the pace you can hold/);
  });

  it('the pace moves toward the goal as fitness rises, and is the goal pace once the goal is within reach', () => {
    const steps = [30 * 60, 25 * 60, 22 * 60, 19 * 60].map((t) => runnerPaces(runner(t), goal, today));
    const mids = steps.map((s) => midPace(s.paces.race));
    for (let i = 1; i < mids.length; i++) expect(mids[i]!).toBeLessThan(mids[i - 1]!);
    for (const m of mids) expect(m).toBeGreaterThanOrEqual((3 * 3600) / 42.195 - 1);
    expect(steps.at(-1)!.race?.source).toBe('goal');
  });
});
