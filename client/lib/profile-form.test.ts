import { describe, expect, it } from 'vitest';
import { toFormValues, toProfileUpdate, type ProfileFormValues } from './profile-form.ts';

// The Profile screen's heart rate and training-load boxes: what the runner types becomes the
// stored fields, and a wrong value is named beside its box before anything is sent.

const stored = {
  user_id: 'u1',
  updated_at: '2026-03-01T00:00:00.000Z',
  current_weekly_mileage_miles: 20,
  days_available_per_week: 4,
  easy_pace_per_mile_seconds: 570,
  injury_notes: null,
  units: 'mi' as const,
  target_type: 'heart_rate' as const,
  time_zone: 'UTC',
  max_heart_rate: 170,
  resting_heart_rate: 50,
  threshold_heart_rate: null,
  birth_year: 1986,
  ctl_days: 42,
  atl_days: 7,
  available_days: null,
  long_run_day: 'sun' as const,
  recent_race_distance_meters: null,
  recent_race_time_seconds: null,
  recent_race_date: null,
};
const today = '2026-03-02';
const withHeart = (heart: Partial<NonNullable<ProfileFormValues['heart']>>): ProfileFormValues => {
  const values = toFormValues(stored);
  return { ...values, heart: { ...values.heart!, ...heart } };
};

describe('profile form: heart rate and training load', () => {
  it('shows the stored values and sends them back unchanged', () => {
    const values = toFormValues(stored);
    expect(values.heart).toEqual({
      max_heart_rate: '170',
      resting_heart_rate: '50',
      threshold_heart_rate: '',
      birth_year: '1986',
      ctl_days: '42',
      atl_days: '7',
    });
    const { update, errors } = toProfileUpdate(values, today);
    expect(errors).toEqual({});
    expect(update).toMatchObject({ max_heart_rate: 170, resting_heart_rate: 50, threshold_heart_rate: null, birth_year: 1986, ctl_days: 42, atl_days: 7 });
  });

  it('reads an empty box as unknown, or as the usual 42 and 7 for the time constants', () => {
    const { update, errors } = toProfileUpdate(withHeart({ max_heart_rate: ' ', resting_heart_rate: '', birth_year: '', ctl_days: '', atl_days: '' }), today);
    expect(errors).toEqual({});
    expect(update).toMatchObject({ max_heart_rate: null, resting_heart_rate: null, birth_year: null, ctl_days: 42, atl_days: 7 });
  });

  it('names the box with the problem, in the server’s words', () => {
    expect(toProfileUpdate(withHeart({ max_heart_rate: '300' }), today).errors).toEqual({
      max_heart_rate: 'Max heart rate is between 120 and 230 beats per minute',
    });
    expect(toProfileUpdate(withHeart({ max_heart_rate: '17o' }), today).errors).toEqual({ max_heart_rate: 'Enter a whole number.' });
    expect(toProfileUpdate(withHeart({ ctl_days: '90', atl_days: '1' }), today).errors).toEqual({
      ctl_days: 'Fitness is averaged over 21 to 60 days',
      atl_days: 'Fatigue is averaged over 3 to 14 days',
    });
    expect(toProfileUpdate(withHeart({ max_heart_rate: '125', resting_heart_rate: '110' }), today).errors).toEqual({
      resting_heart_rate: 'Resting heart rate must be at least 20 beats below your max heart rate (125)',
    });
    expect(toProfileUpdate(withHeart({ threshold_heart_rate: '175' }), today).errors).toEqual({
      threshold_heart_rate: 'Threshold heart rate must be below your max heart rate (170)',
    });
    expect(toProfileUpdate(withHeart({ birth_year: '2021' }), today).errors.birth_year).toMatch(/makes you 5/);
  });

  it('leaves them out where the form has no such boxes (onboarding)', () => {
    const { heart: _heart, ...onboarding } = toFormValues(stored);
    const { update } = toProfileUpdate(onboarding, today);
    expect(Object.keys(update)).not.toContain('max_heart_rate');
    expect(Object.keys(update)).not.toContain('ctl_days');
  });
});

describe('profile form: weekly distance', () => {
  it('reads "5,5" as 5.5 (a comma keyboard) and names a distance it cannot read', () => {
    const values = toFormValues(stored);
    expect(toProfileUpdate({ ...values, weekly_distance: '5,5' }, today).update).toMatchObject({ current_weekly_mileage_miles: 5.5 });
    expect(toProfileUpdate({ ...values, weekly_distance: 'twenty' }, today).errors).toMatchObject({
      current_weekly_mileage_miles: 'Enter a number, like 25 or 25.5.',
    });
  });
});

describe('profile form: the runner week and a recent race', () => {
  const form = (week: Partial<NonNullable<ProfileFormValues['week']>>, race: Partial<NonNullable<ProfileFormValues['race']>> = {}): ProfileFormValues => {
    const values = toFormValues(stored);
    return { ...values, week: { ...values.week!, ...week }, race: { ...values.race!, ...race } };
  };

  it('stores ticked days in week order, their count as the days a week, and the long-run day', () => {
    const { update, errors } = toProfileUpdate(form({ available_days: ['sat', 'tue', 'thu'], long_run_day: 'sat' }), today);
    expect(errors).toEqual({});
    expect(update).toMatchObject({ available_days: ['tue', 'thu', 'sat'], days_available_per_week: 3, long_run_day: 'sat' });
  });

  it('keeps the count from the select when no day is ticked', () => {
    expect(toProfileUpdate(form({ available_days: [] }), today).update).toMatchObject({ available_days: null, days_available_per_week: 4 });
  });

  it('names the long-run day when it is not one of the ticked days', () => {
    expect(toProfileUpdate(form({ available_days: ['mon', 'wed'], long_run_day: 'sun' }), today).errors).toEqual({
      long_run_day: 'Your long-run day (Sunday) must be one of the days you can run',
    });
  });

  it('reads a recent race as runners type it, and refuses one faster than the world record or in the future', () => {
    const half = { distance_meters: '21097.5', time: '1:40:00', date: '2026-02-15' };
    expect(toProfileUpdate(form({}, half), today).update).toMatchObject({
      recent_race_distance_meters: 21_097.5,
      recent_race_time_seconds: 6000,
      recent_race_date: '2026-02-15',
    });
    expect(toProfileUpdate(form({}, { ...half, time: '0:50:00' }), today).errors.recent_race_time_seconds).toMatch(/faster than the world record/);
    expect(toProfileUpdate(form({}, { ...half, date: '2026-03-09' }), today).errors).toEqual({
      recent_race_date: 'The race date 2026-03-09 is in the future; enter a race you have run',
    });
    expect(toProfileUpdate(form({}, { ...half, date: '' }), today).errors).toEqual({ recent_race_date: 'Enter the day you ran it.' });
    // All empty: no race.
    expect(toProfileUpdate(form({}), today).update).toMatchObject({
      recent_race_distance_meters: null,
      recent_race_time_seconds: null,
      recent_race_date: null,
    });
  });

  it('shows a stored race as the runner typed it', () => {
    const values = toFormValues({ ...stored, recent_race_distance_meters: 21_097.5, recent_race_time_seconds: 6000, recent_race_date: '2026-02-15' });
    expect(values.race).toEqual({ distance_meters: '21097.5', time: '1:40:00', date: '2026-02-15' });
  });
});
