import { describe, expect, it } from 'vitest';
import { MUTATION_ARGS } from '../sync/mutation-args.ts';
import { toIssues } from './issues.ts';
import { profileConflictError, profileConflicts, ProfileUpdateSchema, runnerHeartRate, runnerLoadConstants } from './profile.ts';

// The runner's own heart rate and load time constants (issue 23 §1–2): each field refused with
// words a runner reads, and the rules between fields checked on the profile an update leaves.

const issuesOf = (body: unknown) => {
  const parsed = ProfileUpdateSchema.safeParse(body);
  return parsed.success ? [] : toIssues(parsed.error);
};

describe('profile heart rate and load constants', () => {
  it.each([
    [{ max_hr: 300 }, 'max_hr', 'Max heart rate is between 120 and 230 beats per minute'],
    [{ max_hr: 110 }, 'max_hr', 'Max heart rate is between 120 and 230 beats per minute'],
    [{ max_hr: '185' }, 'max_hr', 'Max heart rate is between 120 and 230 beats per minute'],
    [{ max_hr: 180.5 }, 'max_hr', 'Max heart rate is a whole number of beats per minute'],
    [{ resting_hr: 20 }, 'resting_hr', 'Resting heart rate is between 30 and 110 beats per minute'],
    [{ lthr: 240 }, 'lthr', 'Threshold heart rate is between 100 and 220 beats per minute'],
    [{ birth_year: 85 }, 'birth_year', 'Birth year is a year, like 1985'],
    [{ ctl_days: 90 }, 'ctl_days', 'Fitness is averaged over 21 to 60 days'],
    [{ ctl_days: null }, 'ctl_days', 'Fitness is averaged over 21 to 60 days'],
    [{ atl_days: 2 }, 'atl_days', 'Fatigue is averaged over 3 to 14 days'],
  ])('refuses %j naming the field', (body, path, message) => {
    expect(issuesOf(body)).toEqual([{ path, message }]);
  });

  it('takes sane values, and null for the optional heart rates', () => {
    const ok = { max_hr: 170, resting_hr: 50, lthr: 155, birth_year: 1980, ctl_days: 28, atl_days: 5 };
    expect(issuesOf(ok)).toEqual([]);
    expect(issuesOf({ max_hr: null, resting_hr: null, lthr: null, birth_year: null })).toEqual([]);
    // Devices send the same fields in profile.update@1: an old device's args stay valid, new ones are accepted.
    expect(MUTATION_ARGS['profile.update@1'].safeParse({ set: ok }).success).toBe(true);
    expect(MUTATION_ARGS['profile.update@1'].safeParse({ set: { units: 'km' } }).success).toBe(true);
    expect(MUTATION_ARGS['profile.update@1'].safeParse({ set: { max_hr: 300 } }).success).toBe(false);
  });

  it('keeps resting well below max, and the threshold between them, naming the field the runner changed', () => {
    const today = '2026-03-02';
    expect(profileConflicts({ max_hr: 170, resting_hr: 50, lthr: 160 }, ['max_hr', 'resting_hr', 'lthr'], today)).toEqual([]);
    expect(profileConflicts({ max_hr: 125, resting_hr: 110 }, ['resting_hr'], today)).toEqual([
      { path: 'resting_hr', message: 'Resting heart rate must be at least 20 beats below your max heart rate (125)' },
    ]);
    expect(profileConflicts({ max_hr: 125, resting_hr: 110 }, ['max_hr'], today)).toEqual([
      { path: 'max_hr', message: 'Max heart rate must be at least 20 beats above your resting heart rate (110)' },
    ]);
    expect(profileConflicts({ max_hr: 150, resting_hr: 50, lthr: 160 }, ['max_hr'], today)).toEqual([
      { path: 'max_hr', message: 'Max heart rate must be above your threshold heart rate (160)' },
    ]);
    expect(profileConflicts({ max_hr: 180, resting_hr: 105, lthr: 100 }, ['lthr'], today)).toEqual([
      { path: 'lthr', message: 'Threshold heart rate must be above your resting heart rate (105)' },
    ]);
    // An old inconsistency does not block an edit of something else.
    expect(profileConflicts({ max_hr: 125, resting_hr: 110 }, ['units'], today)).toEqual([]);
    // Exactly 20 beats of reserve is enough.
    expect(profileConflicts({ max_hr: 130, resting_hr: 110 }, ['max_hr'], today)).toEqual([]);
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
    expect(runnerHeartRate({ max_hr: 170, resting_hr: 50, lthr: null, birth_year: 1986 }, '2026-03-02')).toEqual({
      max_hr: 170,
      resting_hr: 50,
      lthr: null,
      age: 40,
    });
    expect(runnerHeartRate({}, '2026-03-02')).toEqual({ max_hr: null, resting_hr: null, lthr: null, age: null });
    expect(runnerLoadConstants({ ctl_days: 28, atl_days: 5 })).toEqual({ ctl_days: 28, atl_days: 5 });
    expect(runnerLoadConstants({})).toEqual({ ctl_days: 42, atl_days: 7 });
    expect(runnerLoadConstants({ ctl_days: 500, atl_days: 'x' })).toEqual({ ctl_days: 42, atl_days: 7 });
  });
});
