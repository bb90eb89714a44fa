/** fast-check generators of valid engine inputs, shared by the property tests. */
import fc from 'fast-check';
import type { Goal } from '../schema/goal.ts';
import type { Methodology, TrainingProfile } from '../schema/plan.ts';
import { addDays, fromDayNumber, toDayNumber } from './dates.ts';
import type { GenerateInput } from './engine.ts';

export const RACE_DISTANCES = [5000, 10_000, 15_000, 21_097.5, 30_000, 42_195] as const;

/** A runner from novice to advanced: 5–70 mi/week, easy pace 7:00–13:00/mi. */
export function profileArb(days: fc.Arbitrary<number> = fc.integer({ min: 2, max: 7 })): fc.Arbitrary<TrainingProfile> {
  return fc
    .record({
      current_weekly_mileage_miles: fc.integer({ min: 5, max: 70 }),
      days_available_per_week: days,
      easy_pace_per_mile_seconds: fc.integer({ min: 420, max: 780 }),
      injury_notes: fc.constantFrom(null, '', 'none', 'sore left achilles', 'knee pain after long runs'),
      longest_recent_run_share: fc.option(fc.double({ min: 0.1, max: 0.6, noNaN: true }), { nil: undefined }),
      race: fc.option(fc.record({ d: fc.constantFrom(5000, 10_000, 21_097.5), speed: fc.double({ min: 0.88, max: 1.12, noNaN: true }) }), { nil: undefined }),
    })
    .map(({ longest_recent_run_share, race, ...p }) => {
      const profile: TrainingProfile = { ...p };
      if (longest_recent_run_share !== undefined)
        profile.longest_recent_run_meters = Math.round(p.current_weekly_mileage_miles * 1609.344 * longest_recent_run_share);
      if (race) {
        // A race roughly consistent with the easy pace: easy pace ≈ 1.3 × 10k pace.
        const racePacePerKm = (p.easy_pace_per_mile_seconds / 1.609344 / 1.3) * race.speed * (race.d > 10_000 ? 1.05 : race.d < 10_000 ? 0.96 : 1);
        profile.recent_race = { distance_meters: race.d, time_seconds: Math.round((racePacePerKm * race.d) / 1000), date: '2026-01-10' };
      }
      return profile;
    });
}

/** A start date in 2026 and a `today` up to a week before it. */
export const startArb = fc.record({ day: fc.integer({ min: 0, max: 300 }), lead: fc.integer({ min: 0, max: 6 }) }).map(({ day, lead }) => {
  const start = fromDayNumber(toDayNumber('2026-02-01') + day);
  return { start, today: addDays(start, -lead) };
});

export const methodologyArb: fc.Arbitrary<Methodology> = fc.constantFrom('daniels', 'pfitzinger', '80/20');

/** A race goal 8–30 weeks (plus 0–6 days) after `start`, 5 km to the marathon. */
export function raceGoalArb(start: string): fc.Arbitrary<Goal> {
  return fc
    .record({
      d: fc.constantFrom(...RACE_DISTANCES),
      weeks: fc.integer({ min: 8, max: 30 }),
      extra: fc.integer({ min: 0, max: 6 }),
      target: fc.option(fc.double({ min: 0.85, max: 1.2, noNaN: true }), { nil: undefined }),
    })
    .map(({ d, weeks, extra, target }) => ({
      kind: 'race' as const,
      target_race_distance_meters: d,
      target_race_date: addDays(start, weeks * 7 + extra),
      ...(target !== undefined ? { target_time_seconds: Math.round((d / 1000) * 330 * target) } : {}),
    }));
}

/** A mileage goal, with or without an end date. */
export function mileageGoalArb(start: string): fc.Arbitrary<Goal> {
  return fc
    .record({ miles: fc.integer({ min: 5, max: 80 }), weeks: fc.option(fc.integer({ min: 2, max: 40 }), { nil: undefined }) })
    .map(({ miles, weeks }) => ({
      kind: 'mileage' as const,
      target_weekly_mileage_miles: miles,
      ...(weeks !== undefined ? { end_date: addDays(start, weeks * 7) } : {}),
    }));
}

/** A whole valid engine input (ids from a counter). */
export function inputArb(goalKind: 'race' | 'mileage' = 'race', days?: fc.Arbitrary<number>): fc.Arbitrary<GenerateInput> {
  return fc.tuple(profileArb(days), startArb, methodologyArb).chain(([profile, { start, today }, methodology]) =>
    (goalKind === 'race' ? raceGoalArb(start) : mileageGoalArb(start)).map((goal) => {
      let n = 0;
      return { profile, goal, start_date: start, today, methodology, newId: () => `w${++n}` };
    }),
  );
}
