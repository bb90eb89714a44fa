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
  max_hr: 170,
  resting_hr: 50,
  lthr: null,
  birth_year: 1986,
  ctl_days: 42,
  atl_days: 7,
};
const today = '2026-03-02';
const withHeart = (heart: Partial<NonNullable<ProfileFormValues['heart']>>): ProfileFormValues => {
  const values = toFormValues(stored);
  return { ...values, heart: { ...values.heart!, ...heart } };
};

describe('profile form: heart rate and training load', () => {
  it('shows the stored values and sends them back unchanged', () => {
    const values = toFormValues(stored);
    expect(values.heart).toEqual({ max_hr: '170', resting_hr: '50', lthr: '', birth_year: '1986', ctl_days: '42', atl_days: '7' });
    const { update, errors } = toProfileUpdate(values, today);
    expect(errors).toEqual({});
    expect(update).toMatchObject({ max_hr: 170, resting_hr: 50, lthr: null, birth_year: 1986, ctl_days: 42, atl_days: 7 });
  });

  it('reads an empty box as unknown, or as the usual 42 and 7 for the time constants', () => {
    const { update, errors } = toProfileUpdate(withHeart({ max_hr: ' ', resting_hr: '', birth_year: '', ctl_days: '', atl_days: '' }), today);
    expect(errors).toEqual({});
    expect(update).toMatchObject({ max_hr: null, resting_hr: null, birth_year: null, ctl_days: 42, atl_days: 7 });
  });

  it('names the box with the problem, in the server’s words', () => {
    expect(toProfileUpdate(withHeart({ max_hr: '300' }), today).errors).toEqual({ max_hr: 'Max heart rate is between 120 and 230 beats per minute' });
    expect(toProfileUpdate(withHeart({ max_hr: '17o' }), today).errors).toEqual({ max_hr: 'Enter a whole number.' });
    expect(toProfileUpdate(withHeart({ ctl_days: '90', atl_days: '1' }), today).errors).toEqual({
      ctl_days: 'Fitness is averaged over 21 to 60 days',
      atl_days: 'Fatigue is averaged over 3 to 14 days',
    });
    expect(toProfileUpdate(withHeart({ max_hr: '125', resting_hr: '110' }), today).errors).toEqual({
      resting_hr: 'Resting heart rate must be at least 20 beats below your max heart rate (125)',
    });
    expect(toProfileUpdate(withHeart({ lthr: '175' }), today).errors).toEqual({ lthr: 'Threshold heart rate must be below your max heart rate (170)' });
    expect(toProfileUpdate(withHeart({ birth_year: '2021' }), today).errors.birth_year).toMatch(/makes you 5/);
  });

  it('leaves them out where the form has no such boxes (onboarding)', () => {
    const { heart: _heart, ...onboarding } = toFormValues(stored);
    const { update } = toProfileUpdate(onboarding, today);
    expect(Object.keys(update)).not.toContain('max_hr');
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
