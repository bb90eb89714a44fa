import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PROPERTY_SEED, propertyRuns } from '../testing/properties.ts';
import { WEEKDAYS } from './plan.ts';
import { MUTATION_ARGS } from '../sync/mutation-args.ts';
import { toIssues } from './issues.ts';
import {
  profileConflictError,
  profileConflicts,
  ProfileUpdateSchema,
  runnerHeartRate,
  runnerLoadConstants,
  runnerRecentRace,
  runnerWeek,
  withDerivedDays,
} from './profile.ts';

// The runner's own heart rate and load time constants (issue 23 §1–2): each field refused with
// words a runner reads, and the rules between fields checked on the profile an update leaves.

const issuesOf = (body: unknown) => {
  const parsed = ProfileUpdateSchema.safeParse(body);
  return parsed.success ? [] : toIssues(parsed.error);
};

describe('profile heart rate and load constants', () => {
  it.each([
    [{ max_heart_rate: 300 }, 'max_heart_rate', 'Max heart rate is between 120 and 230 beats per minute'],
    [{ max_heart_rate: 110 }, 'max_heart_rate', 'Max heart rate is between 120 and 230 beats per minute'],
    [{ max_heart_rate: '185' }, 'max_heart_rate', 'Max heart rate is between 120 and 230 beats per minute'],
    [{ max_heart_rate: 180.5 }, 'max_heart_rate', 'Max heart rate is a whole number of beats per minute'],
    [{ resting_heart_rate: 20 }, 'resting_heart_rate', 'Resting heart rate is between 30 and 110 beats per minute'],
    [{ threshold_heart_rate: 240 }, 'threshold_heart_rate', 'Threshold heart rate is between 100 and 220 beats per minute'],
    [{ birth_year: 85 }, 'birth_year', 'Birth year is a year, like 1985'],
    [{ ctl_days: 90 }, 'ctl_days', 'Fitness is averaged over 21 to 60 days'],
    [{ ctl_days: null }, 'ctl_days', 'Fitness is averaged over 21 to 60 days'],
    [{ atl_days: 2 }, 'atl_days', 'Fatigue is averaged over 3 to 14 days'],
  ])('refuses %j naming the field', (body, path, message) => {
    expect(issuesOf(body)).toEqual([{ path, message }]);
  });

  it('takes sane values, and null for the optional heart rates', () => {
    const ok = { max_heart_rate: 170, resting_heart_rate: 50, threshold_heart_rate: 155, birth_year: 1980, ctl_days: 28, atl_days: 5 };
    expect(issuesOf(ok)).toEqual([]);
    expect(issuesOf({ max_heart_rate: null, resting_heart_rate: null, threshold_heart_rate: null, birth_year: null })).toEqual([]);
    // Devices send the same fields in profile.update@1: an old device's args stay valid, new ones are accepted.
    expect(MUTATION_ARGS['profile.update@1'].safeParse({ set: ok }).success).toBe(true);
    expect(MUTATION_ARGS['profile.update@1'].safeParse({ set: { units: 'km' } }).success).toBe(true);
    expect(MUTATION_ARGS['profile.update@1'].safeParse({ set: { max_heart_rate: 300 } }).success).toBe(false);
  });

  it('keeps resting well below max, and the threshold between them, naming the field the runner changed', () => {
    const today = '2026-03-02';
    expect(
      profileConflicts(
        { max_heart_rate: 170, resting_heart_rate: 50, threshold_heart_rate: 160 },
        ['max_heart_rate', 'resting_heart_rate', 'threshold_heart_rate'],
        today,
      ),
    ).toEqual([]);
    expect(profileConflicts({ max_heart_rate: 125, resting_heart_rate: 110 }, ['resting_heart_rate'], today)).toEqual([
      { path: 'resting_heart_rate', message: 'Resting heart rate must be at least 20 beats below your max heart rate (125)' },
    ]);
    expect(profileConflicts({ max_heart_rate: 125, resting_heart_rate: 110 }, ['max_heart_rate'], today)).toEqual([
      { path: 'max_heart_rate', message: 'Max heart rate must be at least 20 beats above your resting heart rate (110)' },
    ]);
    expect(profileConflicts({ max_heart_rate: 150, resting_heart_rate: 50, threshold_heart_rate: 160 }, ['max_heart_rate'], today)).toEqual([
      { path: 'max_heart_rate', message: 'Max heart rate must be above your threshold heart rate (160)' },
    ]);
    expect(profileConflicts({ max_heart_rate: 180, resting_heart_rate: 105, threshold_heart_rate: 100 }, ['threshold_heart_rate'], today)).toEqual([
      { path: 'threshold_heart_rate', message: 'Threshold heart rate must be above your resting heart rate (105)' },
    ]);
    // An old inconsistency does not block an edit of something else.
    expect(profileConflicts({ max_heart_rate: 125, resting_heart_rate: 110 }, ['units'], today)).toEqual([]);
    // Exactly 20 beats of reserve is enough.
    expect(profileConflicts({ max_heart_rate: 130, resting_heart_rate: 110 }, ['max_heart_rate'], today)).toEqual([]);
  });

  it('checks the age a birth year gives on the day in question', () => {
    expect(profileConflicts({ birth_year: 2020 }, ['birth_year'], '2026-03-02')).toEqual([
      { path: 'birth_year', message: "Birth year 2020 makes you 6; RunCoach's heart-rate estimates are for ages 10 to 100" },
    ]);
    expect(profileConflicts({ birth_year: 2016 }, ['birth_year'], '2026-03-02')).toEqual([]);
    expect(profileConflicts({ birth_year: 1925 }, ['birth_year'], '2026-03-02')).toHaveLength(1);
    expect(toIssues(profileConflictError({ birth_year: 2020 }, ['birth_year'], '2026-03-02')!)).toEqual([
      { path: 'birth_year', message: expect.stringMatching(/makes you 6/) },
    ]);
    expect(profileConflictError({ birth_year: 1980 }, ['birth_year'], '2026-03-02')).toBeNull();
  });

  it('reads the engine inputs from a row, old device rows included', () => {
    expect(runnerHeartRate({ max_heart_rate: 170, resting_heart_rate: 50, threshold_heart_rate: null, birth_year: 1986 }, '2026-03-02')).toEqual({
      max_heart_rate: 170,
      resting_heart_rate: 50,
      threshold_heart_rate: null,
      age: 40,
    });
    expect(runnerHeartRate({}, '2026-03-02')).toEqual({ max_heart_rate: null, resting_heart_rate: null, threshold_heart_rate: null, age: null });
    expect(runnerLoadConstants({ ctl_days: 28, atl_days: 5 })).toEqual({ ctl_days: 28, atl_days: 5 });
    expect(runnerLoadConstants({})).toEqual({ ctl_days: 42, atl_days: 7 });
    expect(runnerLoadConstants({ ctl_days: 500, atl_days: 'x' })).toEqual({ ctl_days: 42, atl_days: 7 });
  });
});

describe('profile: the runner week, a recent race, the old heart-rate names', () => {
  const today = '2026-03-02';

  it.each([
    [{ available_days: [] }, 'available_days', 'Pick at least one day you can run'],
    [{ available_days: ['mon', 'mon'] }, 'available_days', 'Each day counts once'],
    [{ available_days: ['monday'] }, 'available_days[0]', 'Pick days of the week, like mon or sat'],
    [{ long_run_day: 'someday' }, 'long_run_day', 'Pick days of the week, like mon or sat'],
    [{ max_heart_rate: 250 }, 'max_heart_rate', 'Max heart rate is between 120 and 230 beats per minute'],
    [{ recent_race_distance_meters: 100 }, 'recent_race_distance_meters', 'Race distance is between 800 m and 100 km'],
    [{ recent_race_time_seconds: 12.5 }, 'recent_race_time_seconds', 'Race time is a whole number of seconds, at most 24 hours'],
    [{ recent_race_date: '2026-02-30' }, 'recent_race_date', 'Race date is a date, like 2026-03-01'],
  ])('refuses %j naming the field', (body, path, message) => {
    expect(issuesOf(body)).toEqual([{ path, message }]);
  });

  it('reads the pre-issue-17 names as the new fields (changes queued on a phone before the upgrade)', () => {
    const parsed = MUTATION_ARGS['profile.update@1'].parse({ set: { max_hr: 178, resting_hr: 52, lthr: 165 } });
    expect(parsed.set).toEqual({ max_heart_rate: 178, resting_heart_rate: 52, threshold_heart_rate: 165 });
    // A new name beside its old one wins; the old one's range is the new one's.
    expect(MUTATION_ARGS['profile.update@1'].parse({ set: { max_hr: 150, max_heart_rate: 178 } }).set).toEqual({ max_heart_rate: 178 });
    expect(MUTATION_ARGS['profile.update@1'].safeParse({ set: { max_hr: 250 } }).success).toBe(false);
    expect(ProfileUpdateSchema.parse({ lthr: 160 })).toEqual({ threshold_heart_rate: 160 });
  });

  it('keeps the long-run day among the available days, naming the field the runner changed', () => {
    const week = { available_days: ['mon', 'wed', 'sat'], long_run_day: 'sun', days_available_per_week: 3 };
    expect(profileConflicts(week, ['long_run_day'], today)).toEqual([
      { path: 'long_run_day', message: 'Your long-run day (Sunday) must be one of the days you can run' },
    ]);
    expect(profileConflicts(week, ['available_days'], today)).toEqual([
      { path: 'available_days', message: 'Your long-run day (Sunday) must be one of the days you can run: add Sunday or choose another long-run day' },
    ]);
    expect(profileConflicts({ ...week, long_run_day: 'sat' }, ['available_days', 'long_run_day'], today)).toEqual([]);
    expect(profileConflicts({ ...week, long_run_day: 'sat', days_available_per_week: 5 }, ['days_available_per_week'], today)).toEqual([
      { path: 'days_available_per_week', message: 'You picked 3 days you can run; the number of days must match them' },
    ]);
  });

  it('derives the count from the days, and drops the days when a count alone no longer matches them', () => {
    expect(withDerivedDays({}, { available_days: ['tue', 'sat'] })).toEqual({ available_days: ['tue', 'sat'], days_available_per_week: 2 });
    expect(withDerivedDays({ available_days: ['tue', 'sat'] }, { days_available_per_week: 4 })).toEqual({ days_available_per_week: 4, available_days: null });
    expect(withDerivedDays({ available_days: ['tue', 'sat'] }, { days_available_per_week: 2 })).toEqual({ days_available_per_week: 2 });
    expect(withDerivedDays({ available_days: null }, { days_available_per_week: 5 })).toEqual({ days_available_per_week: 5 });
  });

  it('wants a recent race whole, run already, and no faster than the world record', () => {
    const half = { recent_race_distance_meters: 21_097.5, recent_race_time_seconds: 6000, recent_race_date: '2026-02-15' };
    const changed = Object.keys(half);
    expect(profileConflicts(half, changed, today)).toEqual([]);
    expect(profileConflicts({ ...half, recent_race_time_seconds: 3000 }, changed, today)).toEqual([
      {
        path: 'recent_race_time_seconds',
        message: '50:00 is faster than the world record for the half marathon (56:42); check the time and the distance',
      },
    ]);
    expect(profileConflicts({ ...half, recent_race_date: '2026-03-03' }, changed, today)).toEqual([
      { path: 'recent_race_date', message: 'The race date 2026-03-03 is in the future; enter a race you have run' },
    ]);
    expect(profileConflicts({ ...half, recent_race_date: null }, ['recent_race_time_seconds'], today)).toEqual([
      { path: 'recent_race_date', message: "Enter the race's date too: a recent race needs its distance, time and date" },
    ]);
    // Clearing all three is fine.
    expect(profileConflicts({ recent_race_distance_meters: null, recent_race_time_seconds: null, recent_race_date: null }, changed, today)).toEqual([]);
  });

  it('hands the engine the race and the week from a row', () => {
    expect(runnerRecentRace({ recent_race_distance_meters: 10_000, recent_race_time_seconds: 2700, recent_race_date: '2026-02-01' })).toEqual({
      distance_meters: 10_000,
      time_seconds: 2700,
      date: '2026-02-01',
    });
    expect(runnerRecentRace({ recent_race_distance_meters: 10_000 })).toBeNull();
    expect(runnerWeek({})).toEqual({ available_days: null, long_run_day: 'sun' });
    expect(runnerWeek({ available_days: ['tue', 'sat'], long_run_day: 'sat' })).toEqual({ available_days: ['tue', 'sat'], long_run_day: 'sat' });
  });
});

describe('the runner week, for any days a runner might tick', () => {
  it('is accepted exactly when the long-run day is one of the days, and the count is then their number', () => {
    fc.assert(
      fc.property(fc.subarray([...WEEKDAYS]), fc.constantFrom(...WEEKDAYS), fc.integer({ min: 1, max: 7 }), (days, longDay, storedCount) => {
        const stored = { days_available_per_week: storedCount, available_days: null, long_run_day: 'sun' };
        const update = { available_days: days, long_run_day: longDay };
        const parsed = ProfileUpdateSchema.safeParse(update);
        // No day ticked is refused by the schema ("Pick at least one day you can run").
        expect(parsed.success).toBe(days.length > 0);
        if (days.length > 0) {
          const set = withDerivedDays(stored, update);
          const issues = profileConflicts({ ...stored, ...set }, Object.keys(set), '2026-03-02');
          expect(issues.length === 0).toBe(days.includes(longDay));
          expect(set).toMatchObject({ days_available_per_week: days.length });
        }
      }),
      { seed: PROPERTY_SEED, ...propertyRuns(300) },
    );
  });
});
